// What the QuickBooks-side change scan (lib/import/drift.ts) stores and lists.
import { and, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { ledger, qboChanges } from "@/db/schema";
import type { QboSideChange } from "@/db/types";
import { fromExcluded } from "./upsert";

/** Keys per statement (bind-parameter limit). */
const KEYS_PER_STATEMENT = 1000;


/**
 * Upserts each change found (a new QBO version, or a new ledger write, sends it back to pending) and
 * marks resolved the open changes of `agreeing` keys, in one transaction.
 */
export async function storeQboChanges(db: Db, connectionId: string, found: readonly QboSideChange[], agreeing: readonly string[], now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < found.length; i += KEYS_PER_STATEMENT) {
      const values = found.slice(i, i + KEYS_PER_STATEMENT).map((c) => ({
        connectionId,
        sourceKey: c.key,
        qboId: c.qboId,
        txnDate: c.txnDate,
        kind: c.kind,
        written: c.written,
        current: c.current,
        ledgerSyncToken: c.ledgerSyncToken,
        qboSyncToken: c.qboSyncToken,
        billed: c.billed,
        changedAt: c.changedAt,
        changedBy: c.changedBy,
        detectedAt: now,
        updatedAt: now,
      }));
      const same = sql`(${qboChanges.resolvedAt} is null and ${qboChanges.kind} = excluded.kind and ${qboChanges.ledgerSyncToken} = excluded.ledger_sync_token and ${qboChanges.qboSyncToken} is not distinct from excluded.qbo_sync_token)`;
      await tx
        .insert(qboChanges)
        .values(values)
        .onConflictDoUpdate({
          target: [qboChanges.connectionId, qboChanges.sourceKey],
          set: {
            ...fromExcluded(qboChanges, ["qboId", "txnDate", "kind", "written", "current", "ledgerSyncToken", "qboSyncToken", "billed"]),
            // A preview does not know who or when: what a scan learned stays.
            changedAt: sql`case when ${same} then coalesce(excluded.changed_at, ${qboChanges.changedAt}) else excluded.changed_at end`,
            changedBy: sql`case when ${same} then coalesce(excluded.changed_by, ${qboChanges.changedBy}) else excluded.changed_by end`,
            decision: sql`case when ${same} then ${qboChanges.decision} else 'pending'::qbo_change_decision end`,
            decidedByAdminId: sql`case when ${same} then ${qboChanges.decidedByAdminId} else null end`,
            decidedAt: sql`case when ${same} then ${qboChanges.decidedAt} else null end`,
            detectedAt: sql`case when ${same} then ${qboChanges.detectedAt} else excluded.detected_at end`,
            resolvedAt: sql`null`,
            updatedAt: now,
          },
        });
    }
    for (let i = 0; i < agreeing.length; i += KEYS_PER_STATEMENT) {
      await tx
        .update(qboChanges)
        .set({ resolvedAt: now, updatedAt: now })
        .where(and(eq(qboChanges.connectionId, connectionId), isNull(qboChanges.resolvedAt), inArray(qboChanges.sourceKey, agreeing.slice(i, i + KEYS_PER_STATEMENT))));
    }
  });
}

/** The company's ledger rows as the scan compares them. */
export async function ledgerRowsForScan(db: Db, connectionId: string) {
  return db
    .select({ key: ledger.sourceKey, qboId: ledger.qboId, syncToken: ledger.syncToken, txnDate: ledger.txnDate, written: ledger.written, sources: ledger.sources, updatedAt: ledger.updatedAt })
    .from(ledger)
    .where(eq(ledger.connectionId, connectionId));
}

/** Open changes of the connection among `ids`: id and whether billed. */
export async function openQboChangesAmong(db: Db, connectionId: string, ids: readonly string[]) {
  return db
    .select({ id: qboChanges.id, billed: qboChanges.billed })
    .from(qboChanges)
    .where(and(eq(qboChanges.connectionId, connectionId), isNull(qboChanges.resolvedAt), inArray(qboChanges.id, [...ids])));
}

export async function setQboChangeDecision(db: Db, connectionId: string, ids: readonly string[], decision: "keep" | "restore", adminId: string, now: Date): Promise<void> {
  await db
    .update(qboChanges)
    .set({ decision, decidedByAdminId: adminId, decidedAt: now, updatedAt: now })
    .where(and(eq(qboChanges.connectionId, connectionId), isNull(qboChanges.resolvedAt), inArray(qboChanges.id, [...ids])));
}

/** Open changes whose ledger row is still the one they were found against, by date then key. */
export async function openQboChanges(db: Db, connectionId: string, range?: { dateFrom: string; dateTo: string }) {
  const rows = await db
    .select({ r: qboChanges })
    .from(qboChanges)
    .innerJoin(ledger, and(eq(ledger.connectionId, qboChanges.connectionId), eq(ledger.sourceKey, qboChanges.sourceKey)))
    .where(
      and(
        eq(qboChanges.connectionId, connectionId),
        isNull(qboChanges.resolvedAt),
        eq(ledger.qboId, qboChanges.qboId),
        eq(ledger.syncToken, qboChanges.ledgerSyncToken),
        ...(range ? [gte(qboChanges.txnDate, range.dateFrom), lte(qboChanges.txnDate, range.dateTo)] : []),
      ),
    )
    .orderBy(qboChanges.txnDate, qboChanges.sourceKey);
  return rows.map(({ r }) => r);
}
