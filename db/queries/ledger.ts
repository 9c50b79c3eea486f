import { and, asc, eq, gte, inArray, like, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importItems, ledger } from "@/db/schema";
import { activitySourcesSchema, writtenActivitySchema, type LedgerEntry } from "@/db/types";

/** Ledger rows of a connection in a date range (inclusive): what a re-run of that range compares against. */
export async function listLedgerInRange(db: Db, connectionId: string, dateFrom: string, dateTo: string): Promise<LedgerEntry[]> {
  const rows = await db
    .select()
    .from(ledger)
    .where(and(eq(ledger.connectionId, connectionId), gte(ledger.txnDate, dateFrom), lte(ledger.txnDate, dateTo)));
  return rows.map((row) => ({
    key: row.sourceKey,
    qboId: row.qboId,
    syncToken: row.syncToken,
    txnDate: row.txnDate,
    written: writtenActivitySchema.parse(row.written),
    sources: activitySourcesSchema.parse(row.sources),
  }));
}

/** Which of these QBO Ids the company's ledger already holds. */
export async function ledgerQboIdsAmong(db: Db, connectionId: string, qboIds: string[]): Promise<string[]> {
  const rows = await db.select({ qboId: ledger.qboId }).from(ledger).where(and(eq(ledger.connectionId, connectionId), inArray(ledger.qboId, qboIds)));
  return rows.map((r) => r.qboId);
}

/** An import's items in order, each with the ledger row of its key (the audit CSV). */
export async function importItemsWithLedger(db: Db, connectionId: string, importId: string) {
  return db
    .select({ item: importItems, ledgerSyncToken: ledger.syncToken, ledgerImportId: ledger.lastImportId, ledgerQboId: ledger.qboId })
    .from(importItems)
    .leftJoin(ledger, and(eq(ledger.connectionId, connectionId), eq(ledger.sourceKey, importItems.sourceKey)))
    .where(eq(importItems.importId, importId))
    .orderBy(asc(importItems.seq));
}

/**
 * Dates of per-week ledger activities (`w|…` keys, dated on their Monday) from `dateFrom` to
 * `dateTo`: the preview grows its range to whole weeks when one of them reaches past the range.
 */
export async function weeklyLedgerDates(db: Db, connectionId: string, dateFrom: string, dateTo: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ txnDate: ledger.txnDate })
    .from(ledger)
    .where(and(eq(ledger.connectionId, connectionId), gte(ledger.txnDate, dateFrom), lte(ledger.txnDate, dateTo), like(ledger.sourceKey, "w|%")));
  return rows.map((r) => r.txnDate);
}
