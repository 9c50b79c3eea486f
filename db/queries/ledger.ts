import { and, eq, gte, like, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { ledger } from "@/db/schema";
import type { ActivitySources, LedgerEntry, WrittenActivity } from "@/lib/import/types";

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
    written: row.written as WrittenActivity,
    sources: row.sources as ActivitySources,
  }));
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
