import { and, eq, gte, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { ledger } from "@/db/schema";
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
