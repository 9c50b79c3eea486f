// Reconciliation of unknown outcomes (issue 12 item 4; reference qbo-api.md §6). An item left
// `sending` (a timeout, a lost answer, a crash, a batch item missing from the answer, an executor
// whose lease was taken over) is looked up in QuickBooks before anything is sent for it again:
// creates are looked for by TxnDate + MetaData.CreateTime and matched by content (never adopting an
// activity another ledger key owns), updates and deletes are re-read by Id. Items that an import
// left `sending` when it ended (an Error while QuickBooks could not be asked) are reconciled by the
// next preview or run on that company before anything is planned.
import type { Db } from "@/db/client";
import { commitOutcomes, leftoverSendingItems, type CommitAuthority } from "@/db/queries/import-run";
import type { ImportItemRow, ImportRow } from "@/db/queries/imports";
import { createdItemsOfImport } from "@/db/queries/imports";
import { ledgerQboIdsAmong } from "@/db/queries/ledger";
import { qboQuote, type QboClient } from "@/lib/qbo/client";
import { decideFromCurrent, matchUnknownCreates, payloadOf, settled, type CommittableOutcome } from "./outcomes";
import { readActivitiesById } from "./qbo-activity";
import type { TargetRef } from "./types";

/** How far before our own `sentAt` a lost create may have been stamped by QBO (clock skew). */
const RECONCILE_CLOCK_SKEW_MS = 10 * 60_000;

function isoInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Updates and deletes refused for their state, or with unknown outcomes: decided from QBO's current copy. */
export async function resolveAgainstCurrent(qbo: QboClient, items: ImportItemRow[], refs: Map<TargetRef, string>, signal?: AbortSignal): Promise<CommittableOutcome[]> {
  if (items.length === 0) return [];
  const current = await readActivitiesById(qbo, items.map((i) => i.qboId!).filter(Boolean), signal);
  return items.map((item) => decideFromCurrent(item, refs, item.qboId ? current.get(item.qboId) : undefined));
}

/** What QuickBooks says about items whose outcome was unknown (all of them settled). Nothing committed. */
export async function decideUnknown(db: Db, qbo: QboClient, connectionId: string, items: ImportItemRow[], refs: Map<TargetRef, string>, signal?: AbortSignal): Promise<CommittableOutcome[]> {
  const creates = items.filter((i) => i.operation === "create");
  const outcomes = await resolveAgainstCurrent(qbo, items.filter((i) => i.operation !== "create"), refs, signal);
  if (creates.length === 0) return outcomes;
  // One query for all of them (paged): their dates' activities created since shortly before the
  // oldest was sent. Never one query per date: a takeover may find hundreds of dates in flight.
  const dates = creates.map((i) => payloadOf(i).activity!.txnDate).sort();
  const since = new Date(Math.min(...creates.map((i) => (i.sentAt ?? new Date()).getTime())) - RECONCILE_CLOCK_SKEW_MS);
  const candidates = await qbo.query(
    "TimeActivity",
    `TxnDate >= ${qboQuote(dates[0]!)} AND TxnDate <= ${qboQuote(dates[dates.length - 1]!)} AND MetaData.CreateTime >= ${qboQuote(isoInstant(since))}`,
    "Id",
    { signal },
  );
  // An activity already in the ledger belongs to another key: never adopt it twice.
  const known = new Set<string>();
  for (let i = 0; i < candidates.length; i += 500) {
    const ids = candidates.slice(i, i + 500).map((c) => c.Id);
    for (const qboId of await ledgerQboIdsAmong(db, connectionId, ids)) known.add(qboId);
  }
  outcomes.push(...matchUnknownCreates(creates, refs, candidates.filter((c) => !known.has(c.Id))));
  return outcomes;
}

/** Reconciles settled unknown outcomes and commits what QuickBooks says (fenced by `authority`). */
export async function reconcileUnknown(
  db: Db,
  qbo: QboClient,
  authority: CommitAuthority,
  imp: Pick<ImportRow, "id" | "connectionId">,
  items: ImportItemRow[],
  refs: Map<TargetRef, string>,
  signal?: AbortSignal,
): Promise<void> {
  if (items.length === 0) return;
  await commitOutcomes(db, authority, imp, await decideUnknown(db, qbo, imp.connectionId, items, refs, signal));
}

/** Created entities of an import: the refs its activities resolve `new:` references with. */
export async function createdEntityRefs(db: Db, importId: string): Promise<Map<TargetRef, string>> {
  const rows = await createdItemsOfImport(db, importId);
  return new Map(rows.filter((r) => r.qboId && r.entity !== "TimeActivity").map((r) => [r.sourceKey as TargetRef, r.qboId!]));
}

/** Another import's requests may still land: nothing may be planned on this company yet. */
export class LeftoversUnsettledError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`An earlier import's last requests to QuickBooks are still being checked; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`);
    this.name = "LeftoversUnsettledError";
  }
}

/**
 * Before a preview or a run plans anything on this company: the activities ended imports left
 * `sending` are looked up in QuickBooks and committed (adopted into the ledger, or cancelled as not
 * written). Throws LeftoversUnsettledError while some may still land. Returns how many were reconciled.
 */
export async function reconcileLeftovers(db: Db, qbo: QboClient, connectionId: string, options: { reconcileAfterMs: number; now?: Date; excludeImportId?: string }): Promise<number> {
  const now = (options.now ?? new Date()).getTime();
  const leftovers = await leftoverSendingItems(db, connectionId, options.excludeImportId);
  if (leftovers.length === 0) return 0;
  const unsettled = leftovers.filter((i) => !settled(i, now, options.reconcileAfterMs));
  if (unsettled.length > 0) {
    const oldest = Math.min(...unsettled.map((i) => i.sentAt!.getTime()));
    throw new LeftoversUnsettledError(oldest + options.reconcileAfterMs - now);
  }
  const byImport = new Map<string, ImportItemRow[]>();
  for (const item of leftovers) byImport.set(item.importId, [...(byImport.get(item.importId) ?? []), item]);
  for (const [importId, items] of byImport) {
    const imp = { id: importId, connectionId };
    const refs = await createdEntityRefs(db, importId);
    const activities = items.filter((i) => i.entity === "TimeActivity");
    const decided = await decideUnknown(db, qbo, connectionId, activities, refs);
    // The import has ended: what was not written is not sent again by it (a re-run plans it afresh).
    const outcomes = decided.map((o): CommittableOutcome => (o.status === "pending" ? { item: o.item, status: "cancelled" } : o));
    // Entity creates with an unknown outcome: a re-run finds the entity by name (and parent) or creates it.
    outcomes.push(...items.filter((i) => i.entity !== "TimeActivity").map((item): CommittableOutcome => ({ item, status: "cancelled" })));
    await commitOutcomes(db, { leftoverOf: imp }, imp, outcomes);
  }
  return leftovers.length;
}
