import { byTxnDateThenKey } from "@/lib/import/plan";
import { canonicalRate, keyLayout } from "@/lib/import/plan/keys";
import { activityInScope, compileScope } from "@/lib/import/plan/scope";
import { sameLineage, targetSignature, type FrozenTally } from "@/lib/import/plan/lineage";
import type {
  DesiredActivity,
  ImportScope,
  LedgerEntry,
  QboActivityState,
  WrittenActivity,
} from "@/lib/import/types";
import type { BilledDifference } from "@/db/types";

/**
 * Diff: desired activities vs the ledger → the operations that make QBO hold exactly the desired
 * activities for this import's scope (spec §6 "Corrections"). Pure; the preview shows its output
 * and the executor runs it.
 */

export interface DiffInput {
  desired: readonly DesiredActivity[];
  /** Ledger rows of this connection in the import's date range (rows outside it are never touched anyway). */
  ledger: readonly LedgerEntry[];
  /** Which ledger rows this import owns: only those may be deleted. */
  scope: ImportScope;
  /**
   * Current QBO state by qboId, re-read by the caller for the rows it is about to update or
   * delete (and, optionally, for unchanged ones to detect deletions inside QBO). A row without
   * state is assumed to be as the ledger says.
   */
  qboState?: ReadonlyMap<string, QboActivityState>;
  /**
   * The planner's tallies of the records that stay with billed activities (plan.frozen): what
   * actiTIME now says for them. Without it, a billed row no longer desired is reported as if
   * actiTIME now had nothing for it.
   */
  frozen?: readonly FrozenTally[];
}

/**
 * A billed activity whose records no longer agree with it: shown in the preview and recorded on
 * the import's item, never written. Hours are what QBO holds (billed) → what actiTIME now says
 * for the records that stay with it; amounts are billable hours × rate, in cents.
 */
export type { BilledDifference } from "@/db/types";

export type WrittenField = keyof WrittenActivity;

interface OperationBase {
  key: string;
  txnDate: string;
}

export type DiffOperation =
  | (OperationBase & {
      op: "create";
      desired: DesiredActivity;
      /** Present when re-creating an activity deleted inside QBO: the executor replaces this ledger row. */
      ledger?: LedgerEntry;
      beforeHours: 0;
      afterHours: number;
    })
  | (OperationBase & {
      op: "update";
      desired: DesiredActivity;
      ledger: LedgerEntry;
      qboId: string;
      /** The newest SyncToken known: QBO's current one when it was re-read, else the ledger's. */
      syncToken: string;
      changedFields: WrittenField[];
      beforeHours: number;
      afterHours: number;
    })
  | (OperationBase & {
      op: "delete";
      ledger: LedgerEntry;
      qboId: string;
      syncToken: string;
      /** Already gone from QBO: only the ledger row is removed, no request is sent. */
      ledgerOnly: boolean;
      beforeHours: number;
      afterHours: 0;
    })
  | (OperationBase & {
      op: "unchanged";
      desired: DesiredActivity;
      ledger: LedgerEntry;
      beforeHours: number;
      afterHours: number;
      /** A billed activity that nothing differs for: the actiTIME records that stay with it. */
      billedRecords?: number;
    })
  | (OperationBase & {
      op: "skipped_billed";
      /** What we would have done, had QBO not marked the activity HasBeenBilled. */
      blocked: "update" | "delete";
      /** Absent when the blocked operation is a delete. */
      desired?: DesiredActivity;
      ledger: LedgerEntry;
      qboId: string;
      /** Hours QBO holds (billed, and left so) and hours actiTIME now calls for: the reported difference. */
      beforeHours: number;
      afterHours: number;
      difference: BilledDifference;
    });

export type DiffOp = DiffOperation["op"];

export interface DiffResult {
  /** Sorted by txnDate, then key: previews are deterministic. */
  operations: DiffOperation[];
  totals: {
    counts: Record<DiffOp, number>;
    /** Hours QBO holds in this import's scope before the import (touched rows only: in-scope or matched). */
    hoursBefore: number;
    /** Hours QBO will hold for the same rows after it (billed activities keep their hours). */
    hoursAfter: number;
    /** Sum of (desired − billed) over skipped_billed operations: the correction billing blocks. */
    hoursBlockedByBilling: number;
    /**
     * Billed activities this import met: how many, how many actiTIME records stay with them, how
     * many of them differ from what actiTIME now says, and by how many hours in all (|after − before|).
     */
    billed: { activities: number; records: number; differing: number; hoursDiffer: number };
  };
}

const MINUTES_PER_HOUR = 60;

function hoursOf(activity: { hours: number; minutes: number }): number {
  return activity.hours + activity.minutes / MINUTES_PER_HOUR;
}

function minutesOf(activity: { hours: number; minutes: number }): number {
  return activity.hours * MINUTES_PER_HOUR + activity.minutes;
}

const CENTS = 100;

/**
 * The difference between a billed activity and what actiTIME now says for its records. `tally`
 * absent: none of its records is in actiTIME now (or, when `desired` is given, the caller did not
 * freeze records and `desired` is what the activity would become).
 */
function billedDifference(ledger: LedgerEntry, state: QboActivityState, tally: FrozenTally | undefined, desired?: DesiredActivity): BilledDifference {
  const beforeMinutes = minutesOf(state);
  const billable = ledger.written.billableStatus === "Billable";
  const rate = canonicalRate(state.hourlyRate ?? ledger.written.hourlyRate);
  const beforeAmountCents = billable && rate !== null ? Math.round((beforeMinutes * rate * CENTS) / MINUTES_PER_HOUR) : null;
  if (desired && !tally) {
    const afterMinutes = minutesOf(desired);
    const afterRate = canonicalRate(desired.hourlyRate);
    return {
      records: desired.sources.recordCount,
      beforeMinutes,
      afterMinutes,
      beforeAmountCents,
      afterAmountCents: desired.billableStatus === "Billable" && afterRate !== null ? Math.round((afterMinutes * afterRate * CENTS) / MINUTES_PER_HOUR) : 0,
      remapped: targetSignature(desired) !== targetSignature(ledger.written),
    };
  }
  const own = targetSignature({ ...ledger.written, hourlyRate: canonicalRate(ledger.written.hourlyRate) });
  return {
    records: tally?.records ?? 0,
    beforeMinutes,
    afterMinutes: tally?.minutes ?? 0,
    beforeAmountCents,
    afterAmountCents: tally?.amountCents ?? 0,
    remapped: (tally?.targets ?? []).some((t) => t !== own),
  };
}

function differs(d: BilledDifference): boolean {
  return d.beforeMinutes !== d.afterMinutes || (d.beforeAmountCents ?? 0) !== d.afterAmountCents || d.remapped;
}

function sameRate(a: number | null, b: number | null): boolean {
  return canonicalRate(a) === canonicalRate(b);
}

function sameWritten(a: WrittenActivity, b: WrittenActivity): boolean {
  return (
    a.hours === b.hours &&
    a.minutes === b.minutes &&
    a.txnDate === b.txnDate &&
    a.employeeRef === b.employeeRef &&
    a.customerRef === b.customerRef &&
    a.itemRef === b.itemRef &&
    a.billableStatus === b.billableStatus &&
    sameRate(a.hourlyRate, b.hourlyRate) &&
    (a.description ?? null) === (b.description ?? null) &&
    sameWorkerAndDimensions(a, b)
  );
}

/** NameOf, ClassRef and DepartmentRef: absent on rows written before they existed, which means Employee / none. */
function sameWorkerAndDimensions(a: WrittenActivity, b: WrittenActivity): boolean {
  return (
    (a.nameOf ?? "Employee") === (b.nameOf ?? "Employee") &&
    (a.classRef ?? null) === (b.classRef ?? null) &&
    (a.departmentRef ?? null) === (b.departmentRef ?? null)
  );
}

/** The written fields that differ; empty when QBO already holds what we want. */
export function changedWrittenFields(before: WrittenActivity, after: WrittenActivity): WrittenField[] {
  const changed: WrittenField[] = [];
  if (before.txnDate !== after.txnDate) changed.push("txnDate");
  if (before.employeeRef !== after.employeeRef) changed.push("employeeRef");
  if ((before.nameOf ?? "Employee") !== (after.nameOf ?? "Employee")) changed.push("nameOf");
  if ((before.classRef ?? null) !== (after.classRef ?? null)) changed.push("classRef");
  if ((before.departmentRef ?? null) !== (after.departmentRef ?? null)) changed.push("departmentRef");
  if (before.customerRef !== after.customerRef) changed.push("customerRef");
  if (before.itemRef !== after.itemRef) changed.push("itemRef");
  if (before.billableStatus !== after.billableStatus) changed.push("billableStatus");
  if (!sameRate(before.hourlyRate, after.hourlyRate)) changed.push("hourlyRate");
  if (before.hours !== after.hours) changed.push("hours");
  if (before.minutes !== after.minutes) changed.push("minutes");
  if ((before.description ?? null) !== (after.description ?? null)) changed.push("description");
  return changed;
}

export function diffImport(input: DiffInput): DiffResult {
  const scope = compileScope(input.scope);
  const qboState = input.qboState;

  // Desired activities match ledger rows by key whether or not the row is in scope: a key is
  // unique per connection, so a matching row must be updated, never duplicated by a create.
  const ledgerByKey = new Map<string, LedgerEntry>();
  for (const entry of input.ledger) {
    if (ledgerByKey.has(entry.key)) throw new Error(`Ledger has two rows for key ${entry.key}`);
    ledgerByKey.set(entry.key, entry);
  }

  const operations: DiffOperation[] = [];
  const desiredKeys = new Set<string>();
  const frozenByKey = new Map((input.frozen ?? []).map((t) => [t.ledgerKey, t]));

  // Operations are written as full literals (no spread of a shared base): at 100k activities
  // the intermediate objects were a large share of the diff's time in garbage collection.
  for (const desired of input.desired) {
    const { key, txnDate } = desired;
    if (desiredKeys.has(key)) throw new Error(`Desired activities have two entries for key ${key}`);
    desiredKeys.add(key);
    const afterHours = hoursOf(desired);
    const ledger = ledgerByKey.get(key);
    if (!ledger) {
      operations.push({ op: "create", key, txnDate, desired, beforeHours: 0, afterHours });
      continue;
    }
    const state = qboState?.get(ledger.qboId);
    if (state?.deleted) {
      // Deleted inside QBO since our import: the desired activity is missing there, so it is made again.
      operations.push({ op: "create", key, txnDate, desired, ledger, beforeHours: 0, afterHours });
      continue;
    }
    const beforeHours = state ? hoursOf(state) : hoursOf(ledger.written);
    const qboId = ledger.qboId;
    // Cheap equality first: most rows of a re-run are unchanged, and need no field list.
    if (sameWritten(ledger.written, desired)) {
      // The records behind it changed while its sum did not (one task's time replaced by another's):
      // the ledger must learn its new lineage, or a later billing would freeze the wrong records.
      const relinked = !state?.hasBeenBilled && ledger.sources.records !== undefined && !sameLineage(ledger.sources.records, desired.sources.records ?? []);
      if (relinked) {
        const syncToken = state?.syncToken ?? ledger.syncToken;
        operations.push({ op: "update", key, txnDate, desired, ledger, qboId, syncToken, changedFields: [], beforeHours, afterHours });
      } else {
        operations.push({
          op: "unchanged",
          key,
          txnDate,
          desired,
          ledger,
          beforeHours,
          afterHours,
          ...(state?.hasBeenBilled ? { billedRecords: desired.sources.recordCount } : {}),
        });
      }
    } else if (state?.hasBeenBilled) {
      const difference = billedDifference(ledger, state, frozenByKey.get(key), desired);
      operations.push({ op: "skipped_billed", key, txnDate, blocked: "update", desired, ledger, qboId, beforeHours, afterHours, difference });
    } else {
      const syncToken = state?.syncToken ?? ledger.syncToken;
      const changedFields = changedWrittenFields(ledger.written, desired);
      operations.push({ op: "update", key, txnDate, desired, ledger, qboId, syncToken, changedFields, beforeHours, afterHours });
    }
  }

  for (const ledger of input.ledger) {
    const { key, txnDate, qboId } = ledger;
    if (desiredKeys.has(key)) continue;
    const tally = frozenByKey.get(key);
    // A billed row outside the scope is still reported when records of this import stay with it.
    if (!tally && !activityInScope(txnDate, ledger.sources, scope)) continue;
    const state = qboState?.get(qboId);
    if (state?.hasBeenBilled && !state.deleted) {
      const difference = billedDifference(ledger, state, tally);
      const beforeHours = hoursOf(state);
      if (!differs(difference)) {
        // Its records all stay with it and actiTIME agrees: nothing to report but that they stay.
        const desired: DesiredActivity = { key, ...ledger.written, sources: ledger.sources };
        operations.push({ op: "unchanged", key, txnDate, desired, ledger, beforeHours, afterHours: beforeHours, billedRecords: difference.records });
      } else {
        const afterHours = difference.afterMinutes / MINUTES_PER_HOUR;
        operations.push({ op: "skipped_billed", key, txnDate, blocked: difference.afterMinutes > 0 ? "update" : "delete", ledger, qboId, beforeHours, afterHours, difference });
      }
      continue;
    }
    if (!activityInScope(txnDate, ledger.sources, scope)) continue;
    const syncToken = state?.syncToken ?? ledger.syncToken;
    const ledgerOnly = state?.deleted === true;
    const beforeHours = ledgerOnly ? 0 : state ? hoursOf(state) : hoursOf(ledger.written);
    operations.push({ op: "delete", key, txnDate, ledger, qboId, syncToken, ledgerOnly, beforeHours, afterHours: 0 });
  }

  operations.sort(byTxnDateThenKey);
  return { operations, totals: totalsOf(operations) };
}

function totalsOf(operations: readonly DiffOperation[]): DiffResult["totals"] {
  const counts: Record<DiffOp, number> = { create: 0, update: 0, delete: 0, unchanged: 0, skipped_billed: 0 };
  // Summed in whole minutes so totals carry no floating-point drift (20 min = 0.333… h).
  const toMinutes = (hours: number) => Math.round(hours * MINUTES_PER_HOUR);
  let minutesBefore = 0;
  let minutesAfter = 0;
  let minutesBlockedByBilling = 0;
  const billed = { activities: 0, records: 0, differing: 0, minutesDiffer: 0 };
  for (const operation of operations) {
    counts[operation.op] += 1;
    if (operation.op === "unchanged" && operation.billedRecords !== undefined) {
      billed.activities += 1;
      billed.records += operation.billedRecords;
    } else if (operation.op === "skipped_billed") {
      billed.activities += 1;
      billed.differing += 1;
      billed.records += operation.difference.records;
      billed.minutesDiffer += Math.abs(operation.difference.afterMinutes - operation.difference.beforeMinutes);
    }
    const before = toMinutes(operation.beforeHours);
    const after = toMinutes(operation.afterHours);
    minutesBefore += before;
    if (operation.op === "skipped_billed") {
      minutesAfter += before;
      minutesBlockedByBilling += after - before;
    } else {
      minutesAfter += after;
    }
  }
  return {
    counts,
    hoursBefore: minutesBefore / MINUTES_PER_HOUR,
    hoursAfter: minutesAfter / MINUTES_PER_HOUR,
    hoursBlockedByBilling: minutesBlockedByBilling / MINUTES_PER_HOUR,
    billed: { activities: billed.activities, records: billed.records, differing: billed.differing, hoursDiffer: billed.minutesDiffer / MINUTES_PER_HOUR },
  };
}

/**
 * Ledger activities written under other Time settings (their key layout differs from `layout`,
 * see plan/keys.ts keyLayout): `replaced` are deleted by this import while their records are
 * planned again under the current keys; `billed` are left alone (their records stay with them).
 */
export function replacedByTimeSettings(operations: readonly DiffOperation[], layout: string): { replaced: number; billed: number } {
  let replaced = 0;
  let billed = 0;
  for (const operation of operations) {
    if (operation.op === "delete") {
      if (keyLayout(operation.key) !== layout) replaced += 1;
    } else if (operation.op === "skipped_billed" || (operation.op === "unchanged" && operation.billedRecords !== undefined)) {
      if (keyLayout(operation.key) !== layout) billed += 1;
    }
  }
  return { replaced, billed };
}
