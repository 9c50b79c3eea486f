// Which QuickBooks refusals of an update or delete are worth re-reading the activity for, and which
// are final. A refusal for the activity's state (stale SyncToken, billed, gone) is decided from QBO's
// current copy; a refusal for the company's rules (closed books 6210, time tracking off 5020, …)
// fails the item at once with QuickBooks' own Message, Detail, code and intuit_tid, never with a
// generic "kept refusing" that loses the reason.
import type { ImportItemRow } from "@/db/queries/imports";
import { QBO_FAULT_CODE, QboFault } from "@/lib/qbo/faults";
import type { QboTimeActivity } from "@/lib/qbo/schemas";

/** Codes that say nothing about the activity itself: re-reading it cannot change the answer. */
const FINAL_CODES = new Set<string>([QBO_FAULT_CODE.accountPeriodClosed, "5020", "6310", "6320", "6330", "6290", "6300", "2040", "2050", "2010", "2020", "2170"]);

const refusals = new WeakMap<ImportItemRow, QboFault>();

/** Whether an update/delete refused with `fault` should be re-read from QBO (else it fails with the fault). */
export function rereadAfterRefusal(item: ImportItemRow, fault: QboFault): boolean {
  refusals.set(item, fault);
  return !(fault.code && FINAL_CODES.has(fault.code));
}

/**
 * After the re-read: the fault to fail the item with, or undefined to send it again. It is sent again
 * only when QBO's copy moved on (a newer SyncToken) and attempts remain; otherwise QuickBooks' own
 * refusal is kept.
 */
export function refusalAfterReread(item: ImportItemRow, current: QboTimeActivity, sentSyncToken: string | undefined, retryLimit: number, operation: "update" | "delete"): QboFault | undefined {
  const fault = refusals.get(item);
  const moved = sentSyncToken !== undefined && current.SyncToken !== sentSyncToken;
  if (item.attempts < retryLimit && (moved || !fault || fault.code === QBO_FAULT_CODE.staleObject)) return undefined;
  return fault ?? new QboFault({ kind: "validation", status: 400, message: `QuickBooks kept refusing this ${operation}.` });
}
