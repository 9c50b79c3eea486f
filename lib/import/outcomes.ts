// Pure outcome decisions of the executor (issue 12): what an answer from QuickBooks — or its absence —
// means for an import item. No database, no network: table-tested in tests/import/outcomes.test.ts.
//
//   created / updated / deleted / skipped_billed / failed   final, committed with the ledger
//   pending    QuickBooks did not process the request: it goes back to the queue (a new attempt)
//   unknown    no answer (timeout, lost connection, a batch item missing from the answer): the item
//              stays `sending` and is reconciled against QuickBooks once it may have landed; a re-send
//              after that reuses its `requestid`
//   reread     an update or delete refused for its state: decided from QuickBooks' current copy
import type { ImportItemRow } from "@/db/queries/imports";
import { parseActivityItemPayload } from "@/db/types";
import { QboFault } from "@/lib/qbo/faults";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { resolveNewRefs } from "./plan/keys";
import { qboActivityMatches } from "./qbo-activity";
import type { ActivityItemPayload, DesiredActivity, TargetRef } from "./types";
import { refusalAfterReread, rereadAfterRefusal } from "./refusal";

/**
 * A request whose answer never came may still be running at Intuit (its hard timeout is 120 s,
 * reference qbo-api.md §5.1), so an item's outcome is only looked up in QBO once it is this old
 * (counted from its claim; no claim is sent later than SEND_DEADLINE_MS after it): reconciling
 * sooner could miss a write that lands a moment later, and send it twice.
 */
export const RECONCILE_AFTER_MS = 150_000;
/** A claimed item whose request has not left this long after its claim is not sent (it goes back to pending). */
export const SEND_DEADLINE_MS = 20_000;

export type CommittableOutcome =
  | { item: ImportItemRow; status: "created" | "updated"; activity: DesiredActivity; ta: QboTimeActivity }
  | { item: ImportItemRow; status: "deleted" }
  | { item: ImportItemRow; status: "skipped_billed"; note: string }
  | { item: ImportItemRow; status: "failed"; fault: QboFault }
  | {
      item: ImportItemRow;
      status: "pending";
      syncToken?: string;
      recreate?: boolean;
      /** The previous request's outcome was unknown (or it never left): a re-send carries the same requestid. */
      keepRequestId?: boolean;
      /** The request never left: the claim's attempt is not counted. */
      notSent?: boolean;
    }
  | { item: ImportItemRow; status: "cancelled" };

/** Outcomes counted in the import's totals (and its progress); declared with the schema. */
export { COUNTED_STATUSES } from "@/db/types";

/** An item whose outcome is not known yet: stays `sending`, nothing is committed for it. */
export const UNKNOWN = "unknown" as const;
/** An update or delete to decide from QuickBooks' current copy. */
export const REREAD = "reread" as const;

export type Decision = CommittableOutcome | typeof UNKNOWN | typeof REREAD;

/** An item-level answer (one entry of a batch response, or a single request's answer). */
export type ItemAnswer = { ok: true; entity?: QboTimeActivity } | { ok: false; fault: QboFault };

export const BILLED_SINCE_PREVIEW = "Billed in QuickBooks since the preview: left as it is.";

export function payloadOf(item: Pick<ImportItemRow, "desired">): ActivityItemPayload {
  return parseActivityItemPayload(item.desired);
}

/** What QuickBooks' answer for one operation means. `undefined` = no answer for it (missing from a batch). */
export function decideAnswer(item: ImportItemRow, refs: Map<TargetRef, string>, answer: ItemAnswer | undefined): Decision {
  if (!answer) return UNKNOWN; // a batch item missing from the response may have been written
  if (answer.ok) {
    if (item.operation === "delete") return { item, status: "deleted" };
    const activity = resolveNewRefs(payloadOf(item).activity!, refs);
    const ta = answer.entity;
    if (!ta?.Id) return { item, status: "failed", fault: new QboFault({ kind: "malformed", status: 200, message: "QuickBooks answered without the activity" }) };
    return { item, status: item.operation === "create" ? "created" : "updated", activity, ta };
  }
  const fault = answer.fault;
  // An update or delete refused for its state (stale SyncToken, billed, gone) is decided from QBO's current copy.
  // A refusal for the company's rules (closed books, time tracking off, …) is final: QuickBooks' own reason is kept.
  if (item.operation !== "create" && fault.kind === "validation" && rereadAfterRefusal(item, fault)) return REREAD;
  if (fault.kind === "throttle" || fault.kind === "server") return { item, status: "pending" };
  return { item, status: "failed", fault };
}

/** How a whole request that failed (no item-level answer) ends for its items. */
export type RequestFailure = "unknown" | "pending" | "stop";

/**
 * A request that threw. Unknown outcome (timeout, network, 5xx other than 503): its items stay
 * `sending`. Not processed (throttle, 503, a tolerated 401): pending again. Anything else ends the
 * import (a 401 that refreshing did not cure, 403) — `stop`.
 */
export function decideRequestFailure(fault: QboFault, authTolerated: () => boolean): RequestFailure {
  if (fault.outcomeUnknown) return "unknown";
  if (fault.retryable) return "pending";
  if (fault.kind === "auth" && authTolerated()) return "pending";
  return "stop";
}

/**
 * An update or delete decided from QuickBooks' current copy (`ta`, undefined when it is gone): after
 * a refusal for its state, or when its outcome was unknown.
 */
export function decideFromCurrent(item: ImportItemRow, refs: Map<TargetRef, string>, ta: QboTimeActivity | undefined, retryLimit = 3): CommittableOutcome {
  const payload = payloadOf(item);
  if (item.operation === "delete") {
    if (!ta) return { item, status: "deleted" };
    if (ta.BillableStatus === "HasBeenBilled") return { item, status: "skipped_billed", note: BILLED_SINCE_PREVIEW };
    const refusedDelete = refusalAfterReread(item, ta, payload.syncToken, retryLimit, "delete");
    if (refusedDelete) return { item, status: "failed", fault: refusedDelete };
    return { item, status: "pending", syncToken: ta.SyncToken };
  }
  const activity = resolveNewRefs(payload.activity!, refs);
  if (!ta) return { item, status: "pending", recreate: true };
  if (ta.BillableStatus === "HasBeenBilled") return { item, status: "skipped_billed", note: BILLED_SINCE_PREVIEW };
  if (qboActivityMatches(ta, activity)) return { item, status: "updated", activity, ta };
  const refusedUpdate = refusalAfterReread(item, ta, payload.syncToken, retryLimit, "update");
  if (refusedUpdate) return { item, status: "failed", fault: refusedUpdate };
  return { item, status: "pending", syncToken: ta.SyncToken };
}

/**
 * Creates whose outcome was unknown, matched against QuickBooks' activities of their date created
 * since shortly before they were sent (`candidates`, minus those another ledger key already owns):
 * a match is adopted, no match goes back to pending with its original requestid.
 */
export function matchUnknownCreates(items: ImportItemRow[], refs: Map<TargetRef, string>, candidates: QboTimeActivity[]): CommittableOutcome[] {
  const free = [...candidates];
  return items.map((item): CommittableOutcome => {
    const activity = resolveNewRefs(payloadOf(item).activity!, refs);
    const index = free.findIndex((ta) => qboActivityMatches(ta, activity));
    if (index < 0) return { item, status: "pending", keepRequestId: true };
    const [ta] = free.splice(index, 1);
    return { item, status: "created", activity, ta: ta! };
  });
}

/** Before anything is sent: an item settled without a request, or ready to be claimed. */
export function decideBeforeSend(item: ImportItemRow, resolvedRefs: Map<TargetRef, string>, maxAttempts: number): CommittableOutcome | "ready" {
  const payload = payloadOf(item);
  const activity = payload.activity;
  const refsUsed = activity ? [activity.employeeRef, activity.customerRef, activity.itemRef] : [];
  const missing = refsUsed.find((r) => r?.startsWith("new:") && !resolvedRefs.has(r));
  // Already gone from QBO (deleted there): only our ledger row goes, no request is sent.
  if (item.operation === "delete" && payload.ledgerOnly) return { item, status: "deleted" };
  if (item.attempts >= maxAttempts) {
    return { item, status: "failed", fault: new QboFault({ kind: "server", status: 0, message: `QuickBooks did not accept this activity after ${maxAttempts} attempts.` }) };
  }
  if (missing) {
    const [, category, id] = missing.split(":");
    return { item, status: "failed", fault: new QboFault({ kind: "validation", status: 0, message: `Not imported: the QuickBooks entity for ${category} ${id} could not be created.` }) };
  }
  return "ready";
}

/**
 * Whether an item in `sending` may be looked up in QuickBooks now: its request may still be running
 * at Intuit until `reconcileAfterMs` after it was claimed (claims are never sent later than a
 * deadline well inside that), so looking sooner could miss a write that lands a moment later.
 */
export function settled(item: Pick<ImportItemRow, "sentAt">, now: number, reconcileAfterMs: number): boolean {
  return !item.sentAt || now - item.sentAt.getTime() >= reconcileAfterMs;
}
