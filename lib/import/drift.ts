// Changes made inside QuickBooks: ledger activities edited or deleted in QBO since we wrote them.
// Found by a scan (Change Data Capture for rows written in the last 30 days, a bulk re-read by Id,
// 500 per query, for older ones) and by every preview (which reads the rows of its range anyway),
// stored in qbo_changes, and honoured by the next preview: "Keep QuickBooks version" makes the
// ledger adopt QBO's content; "Restore from actiTIME" makes the diff write ours back.
import type { Db } from "@/db/client";
import { ledgerRowsForScan, openQboChanges, openQboChangesAmong, setQboChangeDecision, storeQboChanges } from "@/db/queries/qbo-changes";
import type { QboClient } from "@/lib/qbo/client";
import { QBO_CDC_MAX_LOOKBACK_MS } from "@/lib/qbo/client";
import { QboFault } from "@/lib/qbo/faults";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { readActivitiesById } from "./execute";
import { workerAndDimensionsFromQbo } from "./qbo-activity";
import { canonicalRate } from "./plan/keys";
import type { DesiredActivity, LedgerEntry, QboActivityState, TargetRef, WrittenActivity } from "./types";

/** Rows written at least this long before the 30-day CDC limit are re-read by Id instead (clock skew, request time). */
const CDC_EDGE_MARGIN_MS = 10 * 60 * 1000;
/** CDC asks from this long before the oldest ledger write it covers: QBO stamps our write before we commit it. */
const CDC_SKEW_MS = 5 * 60 * 1000;

import type { PreviewQboChanges, QboChangeDecision, QboSideChange } from "@/db/types";
export type { QboChangeDecision, QboChangeKind, QboSideChange } from "@/db/types";

/** The fields the QuickBooks changes page compares. */
export type ComparedField = "txnDate" | "employee" | "customer" | "item" | "hours" | "billable" | "rate" | "description" | "class" | "department";

function ref(value: { value: string } | undefined): TargetRef | undefined {
  return value ? (`qbo:${value.value}` as TargetRef) : undefined;
}

/** QBO's TimeActivity as the fields we write (HasBeenBilled keeps the status we wrote: billing is not an edit). */
export function writtenFromQbo(ta: QboTimeActivity, fallback: WrittenActivity): WrittenActivity {
  const { employeeRef, ...workerAndDimensions } = workerAndDimensionsFromQbo(ta);
  return {
    txnDate: ta.TxnDate,
    employeeRef: employeeRef ?? fallback.employeeRef,
    ...workerAndDimensions,
    customerRef: ref(ta.CustomerRef) ?? null,
    itemRef: ref(ta.ItemRef) ?? fallback.itemRef,
    // Billing is not an edit: a billed activity keeps the billable status we wrote.
    billableStatus: ta.BillableStatus === "HasBeenBilled" ? fallback.billableStatus : ta.BillableStatus === "Billable" ? "Billable" : "NotBillable",
    hourlyRate: ta.HourlyRate ?? null,
    hours: ta.Hours ?? 0,
    minutes: ta.Minutes ?? 0,
    description: ta.Description ?? null,
  };
}

function writtenFromState(state: QboActivityState, fallback: WrittenActivity): WrittenActivity {
  return {
    txnDate: state.txnDate ?? fallback.txnDate,
    employeeRef: state.employeeRef ?? fallback.employeeRef,
    ...(state.nameOf ? { nameOf: state.nameOf } : {}),
    ...(state.classRef ? { classRef: state.classRef } : {}),
    ...(state.departmentRef ? { departmentRef: state.departmentRef } : {}),
    customerRef: state.customerRef === undefined ? fallback.customerRef : state.customerRef,
    itemRef: state.itemRef ?? fallback.itemRef,
    billableStatus: state.hasBeenBilled ? fallback.billableStatus : (state.billableStatus ?? fallback.billableStatus),
    hourlyRate: state.hourlyRate === undefined ? fallback.hourlyRate : state.hourlyRate,
    hours: state.hours,
    minutes: state.minutes,
    description: state.description === undefined ? fallback.description : state.description,
  };
}

/** The compared fields where `a` and `b` differ (empty: the same activity). Minutes count as hours. */
export function differingFields(a: WrittenActivity, b: WrittenActivity): ComparedField[] {
  const out: ComparedField[] = [];
  if (a.txnDate !== b.txnDate) out.push("txnDate");
  if (a.employeeRef !== b.employeeRef || (a.nameOf ?? "Employee") !== (b.nameOf ?? "Employee")) out.push("employee");
  if ((a.customerRef ?? null) !== (b.customerRef ?? null)) out.push("customer");
  if (a.itemRef !== b.itemRef) out.push("item");
  if (a.hours * 60 + a.minutes !== b.hours * 60 + b.minutes) out.push("hours");
  if (a.billableStatus !== b.billableStatus) out.push("billable");
  else if (a.billableStatus === "Billable" && canonicalRate(a.hourlyRate) !== canonicalRate(b.hourlyRate)) out.push("rate");
  if ((a.description ?? "") !== (b.description ?? "")) out.push("description");
  if ((a.classRef ?? null) !== (b.classRef ?? null)) out.push("class");
  if ((a.departmentRef ?? null) !== (b.departmentRef ?? null)) out.push("department");
  return out;
}

/** Compares a ledger row with QBO's activity (undefined: not found, i.e. deleted). Pure. */
export function compareWithQbo(row: LedgerEntry, ta: QboTimeActivity | undefined, deletedAt: string | null = null): QboSideChange | null {
  const base = { key: row.key, qboId: row.qboId, txnDate: row.txnDate, written: row.written, ledgerSyncToken: row.syncToken };
  if (!ta) return { ...base, kind: "deleted", current: null, qboSyncToken: null, billed: false, changedAt: deletedAt, changedBy: null };
  if (ta.SyncToken === row.syncToken) return null;
  const current = writtenFromQbo(ta, row.written);
  if (differingFields(row.written, current).length === 0) return null;
  return {
    ...base,
    kind: "changed",
    current,
    qboSyncToken: ta.SyncToken,
    billed: ta.BillableStatus === "HasBeenBilled",
    changedAt: ta.MetaData?.LastUpdatedTime ?? null,
    changedBy: ta.MetaData?.LastModifiedByRef?.name ?? ta.MetaData?.LastModifiedByRef?.value ?? null,
  };
}

/** The same comparison from the state a preview read (lib/import/qbo-activity.ts). */
export function compareWithState(row: LedgerEntry, state: QboActivityState | undefined): QboSideChange | null {
  if (!state) return null;
  const base = { key: row.key, qboId: row.qboId, txnDate: row.txnDate, written: row.written, ledgerSyncToken: row.syncToken };
  if (state.deleted) return { ...base, kind: "deleted", current: null, qboSyncToken: null, billed: false, changedAt: null, changedBy: null };
  if (state.syncToken === row.syncToken) return null;
  const current = writtenFromState(state, row.written);
  if (differingFields(row.written, current).length === 0) return null;
  return { ...base, kind: "changed", current, qboSyncToken: state.syncToken, billed: state.hasBeenBilled, changedAt: null, changedBy: null };
}

// ── The scan ───────────────────────────────────────────────────────────────────────────────

export interface ScanStats {
  rows: number;
  viaCdc: number;
  viaBulkRead: number;
  cdcRequests: number;
  /** Why CDC was not enough, when it was not (refused by QBO, or more than 1,000 objects). */
  cdcFallback: string | null;
  changed: number;
  deleted: number;
}

export interface ScanDeps {
  db: Db;
  qbo: QboClient;
  now?: () => Date;
}

/**
 * Compares every ledger activity of a company with QBO and records what differs. Rows written in
 * the last 30 days are checked with one CDC request (changes since the oldest of those writes);
 * older rows, and all of them when CDC is refused or answers its 1,000-object maximum, are re-read
 * by Id, 500 per query.
 */
export async function scanQboChanges(deps: ScanDeps, connectionId: string): Promise<ScanStats> {
  const now = deps.now ?? (() => new Date());
  const rows = await ledgerRowsForScan(deps.db, connectionId);
  const entries = rows.map((r) => ({
    entry: { key: r.key, qboId: r.qboId, syncToken: r.syncToken, txnDate: r.txnDate, written: r.written, sources: r.sources },
    updatedAt: r.updatedAt,
  }));
  const nowMs = now().getTime();
  const edge = nowMs - QBO_CDC_MAX_LOOKBACK_MS + CDC_EDGE_MARGIN_MS;
  let recent = entries.filter((e) => e.updatedAt.getTime() >= edge);
  let old = entries.filter((e) => e.updatedAt.getTime() < edge);
  const stats: ScanStats = { rows: entries.length, viaCdc: 0, viaBulkRead: 0, cdcRequests: 0, cdcFallback: null, changed: 0, deleted: 0 };
  const found: QboSideChange[] = [];

  if (recent.length > 0) {
    const oldest = Math.min(...recent.map((e) => e.updatedAt.getTime()));
    const since = new Date(Math.max(oldest - CDC_SKEW_MS, nowMs - QBO_CDC_MAX_LOOKBACK_MS + CDC_SKEW_MS));
    try {
      stats.cdcRequests += 1;
      const answer = await deps.qbo.cdc("TimeActivity", since);
      if (answer.truncated) {
        stats.cdcFallback = "more than 1,000 changes";
      } else {
        const changed = new Map(answer.changed.map((ta) => [ta.Id, ta]));
        const deleted = new Map(answer.deleted.map((d) => [d.Id, d.MetaData?.LastUpdatedTime ?? null]));
        for (const { entry } of recent) {
          const ta = changed.get(entry.qboId);
          const change = deleted.has(entry.qboId) ? compareWithQbo(entry, undefined, deleted.get(entry.qboId) ?? null) : ta ? compareWithQbo(entry, ta) : null;
          if (change) found.push(change);
        }
        stats.viaCdc = recent.length;
        recent = [];
      }
    } catch (error) {
      // Intuit documents CDC without TimeActivity (reference §7): a refusal falls back to reading by Id.
      if (!(error instanceof QboFault) || error.kind === "auth" || error.kind === "timeout" || error.kind === "network") throw error;
      stats.cdcFallback = `QuickBooks refused change data capture (${error.message})`;
    }
    old = [...old, ...recent];
  }

  if (old.length > 0) {
    const current = await readActivitiesById(deps.qbo, old.map((e) => e.entry.qboId));
    for (const { entry } of old) {
      const change = compareWithQbo(entry, current.get(entry.qboId));
      if (change) found.push(change);
    }
    stats.viaBulkRead = old.length;
  }
  for (const c of found) stats[c.kind] += 1;
  await recordQboChanges(deps.db, connectionId, entries.map((e) => e.entry.key), found, now());
  return stats;
}

/**
 * Stores what a scan or a preview found: upserts each change (a new QBO version, or a new ledger
 * write, sends it back to pending) and marks resolved the open changes of `checkedKeys` that no
 * longer differ.
 */
export async function recordQboChanges(db: Db, connectionId: string, checkedKeys: readonly string[], found: readonly QboSideChange[], now: Date): Promise<void> {
  const differing = new Set(found.map((c) => c.key));
  const agreeing = checkedKeys.filter((k) => !differing.has(k));
  await storeQboChanges(db, connectionId, found, agreeing, now);
}

// ── Choices ────────────────────────────────────────────────────────────────────────────────

export class QboChangeError extends Error {}

/**
 * Sets Keep / Restore on open changes of a connection (the caller has checked that the connection
 * belongs to the signed-in account). Billed ones cannot be restored. Returns how many were set.
 */
export async function decideQboChanges(db: Db, connectionId: string, adminId: string, ids: readonly string[], decision: "keep" | "restore", now = new Date()): Promise<number> {
  if (ids.length === 0) throw new QboChangeError("Choose at least one change.");
  const rows = await openQboChangesAmong(db, connectionId, ids);
  if (rows.length !== ids.length) throw new QboChangeError("Some of these changes are no longer open; reload the page.");
  if (decision === "restore" && rows.some((r) => r.billed)) throw new QboChangeError("Billed activities cannot be restored from actiTIME; they stay as QuickBooks has them.");
  await setQboChangeDecision(db, connectionId, ids, decision, adminId, now);
  return rows.length;
}

/** A stored change, with the admin's choice. */
export interface QboChangeRow extends QboSideChange {
  id: string;
  decision: QboChangeDecision;
  decidedAt: Date | null;
}

/**
 * Open changes of a connection, optionally within a date range, by date then key. A change whose
 * ledger row an import has written since (restored, or actiTIME changed it) is over: not listed.
 */
export async function listOpenQboChanges(db: Db, connectionId: string, range?: { dateFrom: string; dateTo: string }): Promise<QboChangeRow[]> {
  const rows = await openQboChanges(db, connectionId, range);
  return rows.map((r) => ({
    id: r.id,
    key: r.sourceKey,
    qboId: r.qboId,
    txnDate: r.txnDate,
    kind: r.kind,
    written: r.written,
    current: r.current ?? null,
    ledgerSyncToken: r.ledgerSyncToken,
    qboSyncToken: r.qboSyncToken,
    billed: r.billed,
    changedAt: r.changedAt,
    changedBy: r.changedBy,
    decision: r.decision,
    decidedAt: r.decidedAt,
  }));
}

function sameContent(a: WrittenActivity, b: WrittenActivity): boolean {
  return differingFields(a, b).length === 0;
}

export interface AppliedChoices {
  desired: DesiredActivity[];
  ledger: LedgerEntry[];
  /** Keys whose QBO version stays (Keep), and keys written back from actiTIME (Restore). */
  kept: string[];
  restored: string[];
}

/**
 * The choices made on QuickBooks-side changes, applied before the diff (pure):
 * - Keep: while QBO still holds the version seen and actiTIME still says what the ledger wrote,
 *   the ledger adopts QBO's version (a changed activity is left as QBO has it, a deleted one stays
 *   deleted); once actiTIME changes the record, the import writes actiTIME's new content.
 * - Restore: the ledger row is compared as QBO holds it, so the diff writes ours back (a correction);
 *   a deleted one is created again (the diff does that for every deleted row).
 * A change whose QBO version or ledger row moved on since it was seen is not applied (it is pending
 * again once seen anew). Billed activities are never restored.
 */
export function applyQboChoices(
  desired: readonly DesiredActivity[],
  rows: readonly LedgerEntry[],
  qboState: ReadonlyMap<string, QboActivityState>,
  choices: readonly QboChangeRow[],
): AppliedChoices {
  const byKey = new Map(choices.filter((c) => c.decision !== "pending").map((c) => [c.key, c]));
  if (byKey.size === 0) return { desired: [...desired], ledger: [...rows], kept: [], restored: [] };
  const desiredByKey = new Map(desired.map((d) => [d.key, d]));
  const dropped = new Set<string>();
  const replaced = new Map<string, DesiredActivity>();
  const kept: string[] = [];
  const restored: string[] = [];
  const ledgerOut = rows.map((row) => {
    const choice = byKey.get(row.key);
    if (!choice || choice.ledgerSyncToken !== row.syncToken) return row;
    const state = qboState.get(row.qboId);
    if (!state) return row;
    const still = choice.kind === "deleted" ? state.deleted === true : !state.deleted && state.syncToken === choice.qboSyncToken;
    if (!still) return row;
    const want = desiredByKey.get(row.key);
    if (choice.decision === "keep") {
      if (!want || !sameContent(want, row.written)) return row; // actiTIME changed the record: it wins
      kept.push(row.key);
      if (choice.kind === "deleted") {
        dropped.add(row.key);
        return row;
      }
      const current = choice.current ?? row.written;
      replaced.set(row.key, { ...want, ...current, key: want.key, sources: want.sources });
      return { ...row, written: current, syncToken: state.syncToken };
    }
    if (choice.billed || state.hasBeenBilled) return row;
    restored.push(row.key);
    if (choice.kind === "deleted") return row;
    return { ...row, written: choice.current ?? row.written, syncToken: state.syncToken };
  });
  return {
    desired: desired.filter((d) => !dropped.has(d.key)).map((d) => replaced.get(d.key) ?? d),
    ledger: ledgerOut.filter((r) => !dropped.has(r.key)),
    kept,
    restored,
  };
}

export type { PreviewQboChanges };

/**
 * The preview's part: records what the rows it read show (each one read is checked), loads the
 * open changes of its range and applies their choices. Called by lib/import/prepare.ts between
 * reading QBO and diffing.
 */
export async function qboChangesForPreview(
  db: Db,
  connectionId: string,
  range: { dateFrom: string; dateTo: string },
  desired: readonly DesiredActivity[],
  rows: readonly LedgerEntry[],
  qboState: ReadonlyMap<string, QboActivityState>,
  now: Date,
): Promise<AppliedChoices & { summary: PreviewQboChanges }> {
  const read = rows.filter((r) => qboState.has(r.qboId));
  const found = read.map((r) => compareWithState(r, qboState.get(r.qboId))).filter((c): c is QboSideChange => c !== null);
  await recordQboChanges(db, connectionId, read.map((r) => r.key), found, now);
  const open = await listOpenQboChanges(db, connectionId, range);
  const applied = applyQboChoices(desired, rows, qboState, open);
  return {
    ...applied,
    summary: { open: open.length, pending: open.filter((c) => c.decision === "pending").length, kept: applied.kept.length, restored: applied.restored.length },
  };
}
