// Billed means frozen: the words the preview, the import's items and the history use for billed
// activities, and the ledger rows an import must know the QBO state of before it plans
// (plan/lineage.ts holds the model).
import type { BilledDifference, DiffResult } from "./diff";
import { planImport, type PlanInput, type PlanResult } from "./plan";
import { baseKey, billedLineage, lineageOf } from "./plan/lineage";
import { activityInScope, type CompiledScope } from "./plan/scope";
import type { DesiredActivity, LedgerEntry, QboActivityState } from "./types";

const MINUTES_PER_HOUR = 60;
const CENTS = 100;

function hoursText(minutes: number): string {
  const hours = Math.round((minutes / MINUTES_PER_HOUR) * 100) / 100;
  return `${hours.toLocaleString("en-US")} h`;
}

function amountText(cents: number): string {
  return (cents / CENTS).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function recordsText(n: number): string {
  return n === 1 ? "1 record" : `${n.toLocaleString("en-US")} records`;
}

/** The `desired` of a skipped_billed item: what actiTIME now says, beside the billed activity. */
export interface BilledItemPayload {
  activity?: DesiredActivity;
  billed: BilledDifference;
}

/**
 * The reason on a skipped_billed item, e.g. "Billed in QuickBooks: stays at 3 h (amount 360.00).
 * actiTIME now says 5 h (amount 600.00) for its 1 record: the 2 h difference is not written."
 */
export function billedDifferenceNote(d: BilledDifference): string {
  const before = d.beforeAmountCents === null ? hoursText(d.beforeMinutes) : `${hoursText(d.beforeMinutes)} (amount ${amountText(d.beforeAmountCents)})`;
  const after = d.beforeAmountCents === null && d.afterAmountCents === 0 ? hoursText(d.afterMinutes) : `${hoursText(d.afterMinutes)} (amount ${amountText(d.afterAmountCents)})`;
  const now =
    d.records === 0
      ? "actiTIME now has none of its records"
      : `actiTIME now says ${after} for its ${recordsText(d.records)}${d.remapped ? ", which now map to another employee, customer, service item or rate" : ""}`;
  const delta = d.afterMinutes - d.beforeMinutes;
  const tail =
    delta !== 0
      ? `the ${hoursText(Math.abs(delta))} difference is not written`
      : d.afterAmountCents !== (d.beforeAmountCents ?? 0)
        ? "the amount difference is not written"
        : "nothing is written";
  return `Billed in QuickBooks: stays at ${before}. ${now}: ${tail}.`;
}

/** The note on a billed activity that actiTIME agrees with (an unchanged item). */
export function billedAgreesNote(records: number): string {
  return `Billed in QuickBooks: stays as it is; actiTIME agrees for its ${recordsText(records)}.`;
}

/** The line the preview and the history detail show, e.g. "3 records stay with billed activities; 2 h differ." */
export function billedSummaryText(billed: DiffResult["totals"]["billed"] | undefined): string | null {
  if (!billed || billed.activities === 0) return null;
  const stay = `${recordsText(billed.records)} ${billed.records === 1 ? "stays" : "stay"} with ${billed.activities === 1 ? "a billed activity" : "billed activities"}`;
  if (billed.differing === 0) return `${stay}; nothing differs.`;
  const minutes = Math.round(billed.hoursDiffer * MINUTES_PER_HOUR);
  const differ = minutes > 0 ? `${hoursText(minutes)} differ` : "their amounts or rules differ";
  return `${stay}; ${differ}.`;
}

/**
 * Ledger rows whose QBO state the preview reads before planning for good: those the first plan
 * would update, those in the import's scope, those of an overflow family it plans, and those
 * standing for records it plans (a billed one of these keeps its records, wherever they now go).
 */
export function rowsToRead(ledger: readonly LedgerEntry[], desired: readonly DesiredActivity[], scope: CompiledScope): LedgerEntry[] {
  const desiredKeys = new Set(desired.map((a) => a.key));
  let plannedRecords: Set<string> | null = null;
  return ledger.filter((row) => {
    if (desiredKeys.has(row.key) || desiredKeys.has(baseKey(row.key)) || activityInScope(row.txnDate, row.sources, scope)) return true;
    plannedRecords ??= new Set(desired.flatMap((a) => a.sources.records ?? []));
    const records = plannedRecords;
    return lineageOf(row).some((id) => records.has(id));
  });
}

/**
 * Billed means frozen: given the first plan and QBO's state of the rows it touches (rowsToRead),
 * plans again with the records of billed activities left with them and their keys taken. Returns
 * the first plan when no billed activity is involved. Pure; the preview and the tests share it.
 */
export function planWithoutBilled(
  input: PlanInput,
  first: PlanResult,
  read: readonly LedgerEntry[],
  qboState: ReadonlyMap<string, QboActivityState>,
): PlanResult {
  const billedRows = read.filter((row) => {
    const state = qboState.get(row.qboId);
    return state?.hasBeenBilled === true && !state.deleted;
  });
  if (billedRows.length === 0) return first;
  return planImport({ ...input, billed: billedLineage(billedRows) });
}
