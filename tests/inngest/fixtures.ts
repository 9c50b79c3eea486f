// Shared by the driver tests: an import row on a fresh test database, and a fake engine in place of
// lib/import/execute so the drivers are tested for how they drive slices, not for what a slice does.
import { randomInt, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { getImportById, type ImportRow } from "@/db/queries/imports";
import { accounts, admins, imports, qboConnections } from "@/db/schema";
import { createExecutor, type SliceResult } from "@/lib/import/execute";
import type { ImportDriverDeps, ImportExecutor } from "@/lib/import/runner";
import { qboClientFor } from "@/lib/qbo/connect";

export async function seedImport(db: Db, values: Partial<typeof imports.$inferInsert> = {}): Promise<ImportRow> {
  const [account] = await db.insert(accounts).values({ baseUrl: `https://actitime.test/runner-${randomUUID()}` }).returning();
  const [admin] = await db.insert(admins).values({ accountId: account!.id, actitimeUserId: 1, username: "admin", fullName: "Margaret Hale" }).returning();
  const [connection] = await db
    .insert(qboConnections)
    .values({ accountId: account!.id, realmId: String(randomInt(1_000_000, 9_000_000)), companyName: "Sandbox Consulting" })
    .returning();
  const now = new Date();
  const [row] = await db
    .insert(imports)
    .values({
      accountId: account!.id,
      connectionId: connection!.id,
      createdByAdminId: admin!.id,
      status: "running",
      step: "preview",
      startedAt: now,
      heartbeatAt: now,
      ...values,
    })
    .returning();
  return row!;
}

export async function importRow(db: Db, importId: string): Promise<ImportRow> {
  const row = await getImportById(db, importId);
  if (!row) throw new Error(`import ${importId} not found`);
  return row;
}

export interface FakeEngine {
  deps: ImportDriverDeps;
  /** Slices run so far, over every executor the drivers made. */
  slices(): number;
  /** Executors the drivers made. */
  executors(): number;
}

/**
 * An engine that needs `slicesUntilDone` slices, then completes the import the way execute's
 * `finish` does. `beforeSlice` lets a test hold a slice open or look at the row mid-run. markError
 * is the real one, so error endings are the real writes.
 */
export function fakeEngine(db: Db, options: { slicesUntilDone: number; beforeSlice?: (slice: number) => Promise<void> | void; fail?: Error }): FakeEngine {
  let slices = 0;
  let executors = 0;
  const runSlice = async (importId: string): Promise<SliceResult> => {
    slices += 1;
    await options.beforeSlice?.(slices);
    if (options.fail) throw options.fail;
    const imp = await importRow(db, importId);
    if (imp.status !== "running" && imp.status !== "interrupting") return { done: true, status: imp.status };
    await db.update(imports).set({ progressDone: imp.progressDone + 1, heartbeatAt: new Date() }).where(eq(imports.id, importId));
    if (slices < options.slicesUntilDone) return { done: false, status: "running" };
    const status = imp.status === "interrupting" ? "interrupted" : "completed";
    await db.update(imports).set({ status, runnerId: null, finishedAt: new Date() }).where(eq(imports.id, importId));
    return { done: true, status };
  };
  const deps: ImportDriverDeps = {
    getDb: async () => db,
    qboClientFor,
    inngestEnabled: false,
    createExecutor: (executorDeps): ImportExecutor => {
      executors += 1;
      return { runSlice, markError: createExecutor(executorDeps).markError };
    },
  };
  return { deps, slices: () => slices, executors: () => executors };
}

/** The real engine (lib/import/execute) over the given test database. */
export function realEngineDeps(db: Db): ImportDriverDeps {
  return { getDb: async () => db, qboClientFor, inngestEnabled: false };
}

/** A promise with its resolver, to hold a slice open. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
