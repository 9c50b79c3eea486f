// Audit export: one CSV row per item of an import (operation, status, actiTIME source key, QBO Id
// and SyncToken, requestid, QuickBooks' error code and message, hours before and after).
import type { Db } from "@/db/client";
import { importItemsWithLedger } from "@/db/queries/ledger";
import { getImportOfAccount } from "@/db/queries/imports";
import { toCsv } from "@/lib/csv";
import { parseItemBefore, parseStoredActivityItem, type StoredActivityItem } from "@/db/types";

const isTimeActivity = (item: { entity: string }) => item.entity === "TimeActivity";

export const AUDIT_CSV_HEADER = [
  "Seq",
  "Entity",
  "Operation",
  "Status",
  "actiTIME source key",
  "Date",
  "QuickBooks Id",
  "SyncToken sent",
  "SyncToken now",
  "requestid",
  "Attempts",
  "Error code",
  "Error message",
  "intuit_tid",
  "Hours before",
  "Hours after",
];

const round2 = (n: number) => Math.round(n * 100) / 100;
const hoursOf = (a: { hours: number; minutes: number }) => round2(a.hours + a.minutes / 60);

/** The CSV of one import's items; null when the import is not one of this account's (drafts: their author's only). */
export async function importAuditCsv(db: Db, accountId: string, adminId: string, importId: string): Promise<{ csv: string; filename: string } | null> {
  const imp = await getImportOfAccount(db, accountId, importId);
  if (!imp || (imp.status === "draft" && imp.createdByAdminId !== adminId)) return null;
  const items = await importItemsWithLedger(db, imp.connectionId, importId);
  const rows = items.map(({ item, ledgerSyncToken, ledgerQboId }) => {
    const isActivity = isTimeActivity(item);
    const desired: StoredActivityItem = isActivity ? parseStoredActivityItem(item.desired) : {};
    const before = isActivity ? parseItemBefore(item.before) : null;
    // A billed difference: what QBO holds (billed, left so) → what actiTIME now says.
    const hoursBefore = !isActivity ? null : desired.billed ? round2(desired.billed.beforeMinutes / 60) : round2(before?.hours ?? (before?.written ? hoursOf(before.written) : 0));
    const hoursAfter = !isActivity
      ? null
      : desired.billed
        ? round2(desired.billed.afterMinutes / 60)
        : item.operation === "delete"
          ? 0
          : desired.activity
            ? hoursOf(desired.activity)
            : hoursBefore;
    const sameActivity = ledgerQboId !== null && ledgerQboId === item.qboId;
    return [
      item.seq,
      item.entity,
      item.operation,
      item.status,
      item.sourceKey,
      desired.activity?.txnDate ?? before?.written?.txnDate ?? null,
      item.qboId,
      desired.syncToken ?? null,
      isActivity && sameActivity ? ledgerSyncToken : null,
      item.requestId,
      item.attempts,
      item.errorCode,
      item.errorMessage,
      item.intuitTid,
      hoursBefore,
      hoursAfter,
    ];
  });
  return { csv: toCsv(AUDIT_CSV_HEADER, rows), filename: `import-${imp.dateFrom ?? "draft"}-${imp.dateTo ?? ""}-${imp.id.slice(0, 8)}.csv` };
}
