// The undo planner's reads (lib/import/undo.ts) and its draft write: the ledger history of an import,
// the later history of the same keys, the ledger rows now, and the undo import with its items.
import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { importItems, imports, ledger, ledgerHistory } from "@/db/schema";
import { ledgerSnapshotSchema, type LedgerSnapshot } from "@/db/types";
import type { ImportRow, NewImportItem } from "./imports";

const CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

/** A ledger_history row of an import, its `before` parsed. */
export interface ImportHistoryRow {
  id: number;
  sourceKey: string;
  ledgerOnly: boolean;
  before: LedgerSnapshot | null;
}

/** The import's own ledger history, oldest first. */
export async function historyOfImport(db: Db, importId: string): Promise<ImportHistoryRow[]> {
  const rows = await db
    .select({ id: ledgerHistory.id, sourceKey: ledgerHistory.sourceKey, ledgerOnly: ledgerHistory.ledgerOnly, before: ledgerHistory.before })
    .from(ledgerHistory)
    .where(eq(ledgerHistory.importId, importId))
    .orderBy(asc(ledgerHistory.id));
  return rows.map((r) => ({ ...r, before: r.before == null ? null : ledgerSnapshotSchema.parse(r.before) }));
}

/** Ids of the undo imports of `targetId` (any status). */
export async function undoIdsOf(db: Db, targetId: string): Promise<string[]> {
  const rows = await db.select({ id: imports.id }).from(imports).where(and(eq(imports.undoOfImportId, targetId), eq(imports.kind, "undo")));
  return rows.map((r) => r.id);
}

/** History rows of other imports for these keys, written after history row `afterId`. */
export async function laterHistoryOfKeys(db: Db, connectionId: string, keys: readonly string[], afterId: number, exceptImportId: string) {
  const out = [];
  for (const part of chunks(keys)) {
    const rows = await db
      .select({ importId: ledgerHistory.importId, sourceKey: ledgerHistory.sourceKey, dateFrom: imports.dateFrom, dateTo: imports.dateTo, kind: imports.kind, startedAt: imports.startedAt })
      .from(ledgerHistory)
      .innerJoin(imports, eq(imports.id, ledgerHistory.importId))
      .where(and(eq(ledgerHistory.connectionId, connectionId), inArray(ledgerHistory.sourceKey, part), gt(ledgerHistory.id, afterId), ne(ledgerHistory.importId, exceptImportId)));
    out.push(...rows);
  }
  return out;
}

/** Whether an undo of `targetId` has completed. */
export async function hasCompletedUndo(db: Db, targetId: string): Promise<boolean> {
  const rows = await db
    .select({ id: imports.id })
    .from(imports)
    .where(and(eq(imports.undoOfImportId, targetId), eq(imports.status, "completed")))
    .limit(1);
  return rows.length > 0;
}

/** The ledger's TxnDate of each key (at most the first 500 keys). */
export async function ledgerDatesOfKeys(db: Db, connectionId: string, keys: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .select({ sourceKey: ledger.sourceKey, txnDate: ledger.txnDate })
    .from(ledger)
    .where(and(eq(ledger.connectionId, connectionId), inArray(ledger.sourceKey, keys.slice(0, CHUNK))));
  return new Map(rows.map((r) => [r.sourceKey, r.txnDate]));
}

/** The ledger rows of these keys now, as snapshots. */
export async function ledgerSnapshotsOfKeys(db: Db, connectionId: string, keys: readonly string[]): Promise<Map<string, LedgerSnapshot>> {
  const current = new Map<string, LedgerSnapshot>();
  for (const part of chunks(keys)) {
    const rows = await db.select().from(ledger).where(and(eq(ledger.connectionId, connectionId), inArray(ledger.sourceKey, part)));
    for (const r of rows) current.set(r.sourceKey, { qboId: r.qboId, syncToken: r.syncToken, txnDate: r.txnDate, written: r.written, sources: r.sources });
  }
  return current;
}

/** The entities (not activities) an import created, in order, with the name it gave them. */
export async function entitiesCreatedBy(db: Db, importId: string): Promise<{ entity: string; name: string; qboId: string | null }[]> {
  const rows = await db
    .select({ entity: importItems.entity, desired: importItems.desired, qboId: importItems.qboId })
    .from(importItems)
    .where(and(eq(importItems.importId, importId), eq(importItems.status, "created"), ne(importItems.entity, "TimeActivity")))
    .orderBy(asc(importItems.seq));
  return rows.map((e) => ({ entity: e.entity, name: entityName(e.desired), qboId: e.qboId }));
}

const namedSchema = z.looseObject({ name: z.unknown().optional() });

function entityName(desired: unknown): string {
  const parsed = namedSchema.safeParse(desired);
  return String((parsed.success ? parsed.data.name : undefined) ?? "");
}

/** The undo draft and its items, in one transaction. */
export async function insertUndoDraft(
  db: Db,
  values: Omit<typeof imports.$inferInsert, "kind" | "status" | "step">,
  itemsFor: (importId: string) => NewImportItem[],
): Promise<ImportRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(imports)
      .values({ ...values, kind: "undo", status: "draft", step: "preview" })
      .returning();
    for (const part of chunks(itemsFor(row!.id))) await tx.insert(importItems).values(part);
    return row!;
  });
}
