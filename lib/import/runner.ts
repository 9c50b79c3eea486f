// Drives an import's execution: one bounded slice of lib/import/execute after another until the
// import is done. Two drivers run the same slices: Inngest (durable, when configured) and this
// process (the embedded default). This module is the entry point for both: callers flip the status
// in the database (lib/import/lifecycle) and then ask here for a run or an interrupt.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { ACTIVE_IMPORT_STATUSES, getImportById, type ImportRow } from "@/db/queries/imports";
import type { QboConnection } from "@/db/queries/connections";
import { imports, qboConnections } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { importInterruptRequested, importRunRequested, type ImportEventData } from "@/inngest/events";
import { getEnv } from "@/lib/env";
import type { QboClient } from "@/lib/qbo/client";
import { qboClientFor } from "@/lib/qbo/connect";
import { createExecutor, type SliceResult } from "./execute";
import { importErrorMessage } from "./error-message";

/**
 * An active import whose heartbeat is older than this has no live runner. Inline runners touch the
 * heartbeat every INLINE_HEARTBEAT_INTERVAL_MS, so only a dead process (or a stuck Inngest run) gets here.
 */
export const IMPORT_HEARTBEAT_STALE_MS = 2 * 60_000;
/** How often a live inline runner says so, even while a slice waits on QBO's rate limits. */
export const INLINE_HEARTBEAT_INTERVAL_MS = 30_000;
/**
 * Slices one run may take. Inngest allows 1,000 steps per run; 900 slices of EXECUTE_SLICE_OPS (600)
 * is over half a million operations, so a run that needs more is not big but stuck.
 */
export const IMPORT_MAX_SLICES = 900;

export type ImportExecutor = Pick<ReturnType<typeof createExecutor>, "runSlice" | "markError">;

/** What the drivers need from the outside, injectable so tests run them on a test database and a fake engine. */
export interface ImportDriverDeps {
  getDb: () => Promise<Db>;
  qboClientFor: (db: Db, connection: Pick<QboConnection, "id" | "realmId">) => QboClient;
  /** The engine that runs slices. Default: lib/import/execute. */
  createExecutor?: (deps: { db: Db; qbo: QboClient }) => ImportExecutor;
  /** Default: getEnv().inngest.enabled. */
  inngestEnabled?: boolean;
  /** Default: the app's Inngest client. */
  sendEvent?: (event: ReturnType<typeof importRunRequested.create> | ReturnType<typeof importInterruptRequested.create>) => Promise<unknown>;
}

export const defaultImportDriverDeps: ImportDriverDeps = { getDb, qboClientFor };

type ImportEvent = Parameters<NonNullable<ImportDriverDeps["sendEvent"]>>[0];

/** Whether imports run under Inngest (else in this process). */
export function usesInngest(deps: ImportDriverDeps): boolean {
  return deps.inngestEnabled ?? getEnv().inngest.enabled;
}

export function sendImportEvent(deps: ImportDriverDeps, event: ImportEvent): Promise<unknown> {
  return deps.sendEvent ? deps.sendEvent(event) : inngest.send(event);
}

/** The executor for an import, over its company's QBO client; undefined when the import is gone. */
export async function executorForImport(deps: ImportDriverDeps, db: Db, importId: string): Promise<ImportExecutor | undefined> {
  const [row] = await db
    .select({ id: qboConnections.id, realmId: qboConnections.realmId })
    .from(imports)
    .innerJoin(qboConnections, eq(qboConnections.id, imports.connectionId))
    .where(eq(imports.id, importId));
  if (!row) return undefined;
  return (deps.createExecutor ?? createExecutor)({ db, qbo: deps.qboClientFor(db, row) });
}

/** One slice of an import, as an Inngest step runs it (each step may land on a different process). */
export async function runImportSlice(deps: ImportDriverDeps, importId: string): Promise<SliceResult> {
  const db = await deps.getDb();
  const executor = await executorForImport(deps, db, importId);
  if (!executor) return { done: true, status: "error" };
  return executor.runSlice(importId);
}

/** Ends an import as *Error* with a message people can read (no-op when it already finished). */
export async function failImport(deps: ImportDriverDeps, importId: string, message: string): Promise<void> {
  const db = await deps.getDb();
  const executor = await executorForImport(deps, db, importId);
  await executor?.markError(importId, message);
}

/** A readable reason for an import that stopped on an unexpected error. */
export function unexpectedErrorMessage(error: unknown): string {
  // A code plus a safe sentence: never SQL text or values (lib/import/error-message.ts, issue 13 §7).
  return importErrorMessage(error);
}

// ── liveness: which process runs an import, and whether it still lives ─────────────────────

/** Older than this, an active import's last sign of life says nobody runs it any more. */
function staleBefore(now: Date): Date {
  return new Date(now.getTime() - IMPORT_HEARTBEAT_STALE_MS);
}

/** Nobody has touched it recently: no heartbeat since the cutoff (startImport sets one when it starts). */
function staleCondition(cutoff: Date) {
  return or(lt(imports.heartbeatAt, cutoff), and(isNull(imports.heartbeatAt), or(isNull(imports.startedAt), lt(imports.startedAt, cutoff))));
}

export function isStale(imp: Pick<ImportRow, "heartbeatAt" | "startedAt">, now: Date): boolean {
  const lastSign = imp.heartbeatAt ?? imp.startedAt;
  return !lastSign || lastSign.getTime() < staleBefore(now).getTime();
}

const globalForRuns = globalThis as unknown as {
  __importRunnerId?: string;
  __importInlineRuns?: Map<string, Promise<SliceResult>>;
};

/**
 * This process, as written to `imports.runner_id` by the inline runner. Kept on globalThis because
 * Next bundles instrumentation and routes separately (and dev reloads modules): one process, one id.
 */
export const PROCESS_RUNNER_ID = (globalForRuns.__importRunnerId ??= `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`);

/** Imports this process is running now, so one import runs once per process. */
const inlineRuns = (globalForRuns.__importInlineRuns ??= new Map<string, Promise<SliceResult>>());

/**
 * Takes the import for this process. The compare-and-set in one statement is what keeps two live
 * processes from both running it: only an unclaimed, already ours, or stale import is taken.
 */
async function claimImport(db: Db, importId: string, now: Date): Promise<boolean> {
  const claimed = await db
    .update(imports)
    .set({ runnerId: PROCESS_RUNNER_ID, heartbeatAt: now })
    .where(
      and(
        eq(imports.id, importId),
        inArray(imports.status, [...ACTIVE_IMPORT_STATUSES]),
        or(isNull(imports.runnerId), eq(imports.runnerId, PROCESS_RUNNER_ID), staleCondition(staleBefore(now))),
      ),
    )
    .returning({ id: imports.id });
  return claimed.length > 0;
}

async function touchHeartbeat(db: Db, importId: string): Promise<void> {
  await db
    .update(imports)
    .set({ heartbeatAt: new Date() })
    .where(and(eq(imports.id, importId), eq(imports.runnerId, PROCESS_RUNNER_ID), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES])));
}

async function driveInline(importId: string, deps: ImportDriverDeps): Promise<SliceResult> {
  let db: Db;
  let executor: ImportExecutor | undefined;
  try {
    db = await deps.getDb();
    if (!(await claimImport(db, importId, new Date()))) {
      // Finished already, or another live process runs it (and will notice an interrupt itself).
      const imp = await getImportById(db, importId);
      const active = imp !== undefined && (ACTIVE_IMPORT_STATUSES as readonly string[]).includes(imp.status);
      return { done: !active, status: imp?.status ?? "error" };
    }
    executor = await executorForImport(deps, db, importId);
    if (!executor) return { done: true, status: "error" };
  } catch (error) {
    // Nothing was claimed or nothing can run it: the start-up recovery or the sweep takes it later.
    console.error(`[import ${importId}] could not start the in-process run: ${error instanceof Error ? error.message : String(error)}`);
    return { done: false, status: "running" };
  }

  const heartbeat = setInterval(() => {
    touchHeartbeat(db, importId).catch((error: unknown) => {
      console.warn(`[import ${importId}] heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, INLINE_HEARTBEAT_INTERVAL_MS);
  heartbeat.unref(); // never keeps a process alive that is otherwise shutting down
  try {
    for (let slice = 1; slice <= IMPORT_MAX_SLICES; slice++) {
      const result = await executor.runSlice(importId);
      if (result.done) return result;
    }
    await executor.markError(importId, `The import did not finish within ${IMPORT_MAX_SLICES} rounds of work. Run the same import again to import the rest.`);
    return { done: true, status: "error" };
  } catch (error) {
    console.error(`[import ${importId}] stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    try {
      await executor.markError(importId, unexpectedErrorMessage(error));
    } catch (markError) {
      console.error(`[import ${importId}] could not be marked as failed: ${markError instanceof Error ? markError.message : String(markError)}`);
      return { done: false, status: "running" };
    }
    return { done: true, status: "error" };
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Runs an import in this process until it is done, and resolves with how it ended. A second call
 * while it runs joins the same run. `done: false` means this process could not take it (another
 * live process runs it) or could not start it; recovery retries those.
 */
export function runImportInline(importId: string, deps: ImportDriverDeps = defaultImportDriverDeps): Promise<SliceResult> {
  const running = inlineRuns.get(importId);
  if (running) return running;
  const run = driveInline(importId, deps).finally(() => inlineRuns.delete(importId));
  inlineRuns.set(importId, run);
  return run;
}

/** Whether this process is running the import now. */
export function isRunningInline(importId: string): boolean {
  return inlineRuns.has(importId);
}

// ── entry points for callers ──────────────────────────────────────────────────────────────

/**
 * Starts executing an import the caller has just set `running` (or resumes one). With Inngest the
 * event is sent (a send failure is thrown to the caller; the import stays `running` and start-up
 * recovery re-requests it); otherwise the run starts in this process and is not awaited.
 */
export async function requestImportRun(data: ImportEventData, deps: ImportDriverDeps = defaultImportDriverDeps): Promise<void> {
  if (usesInngest(deps)) {
    await sendImportEvent(deps, importRunRequested.create(data));
    return;
  }
  void runImportInline(data.importId, deps);
}

/**
 * Tells the run of an import the caller has just set `interrupting`. With Inngest: the event cancels
 * the run and starts inngest/functions/finish-interrupt, which finishes it as interrupted once the
 * in-flight slice has ended. In-process: the running loop sees the status before its next chunk and its
 * next slice finishes the import; when no loop runs it here, one is started so the import still ends.
 */
export async function requestImportInterrupt(data: ImportEventData, deps: ImportDriverDeps = defaultImportDriverDeps): Promise<void> {
  if (usesInngest(deps)) {
    await sendImportEvent(deps, importInterruptRequested.create(data));
    return;
  }
  void runImportInline(data.importId, deps);
}

/** The name issue 6 gave it; same function. */
export const requestInterrupt = requestImportInterrupt;
