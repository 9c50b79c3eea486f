// Billed differences worklist: every correction an import could not apply because QuickBooks had
// billed the activity (import items with status skipped_billed), still open, across imports.
// "Mark resolved" records who, when and a note against the difference it resolved; a later import
// that finds a different difference for the same activity opens it again.
import type { Db } from "@/db/client";
import { insertBilledResolution, listBilledResolutions as listResolutions, resolvedSignatures, skippedBilledItems } from "@/db/queries/billed";
import type { BilledDifference } from "@/lib/import/diff";
import { toCsv } from "@/lib/csv";
import { parseItemBefore, parseStoredActivityItem, summaryNamesOf } from "@/db/types";

const MINUTES_PER_HOUR = 60;
export const RESOLUTION_NOTE_MAX = 1000;

export interface BilledDifferenceRow {
  itemId: number;
  sourceKey: string;
  txnDate: string;
  employee: string;
  customer: string;
  item: string;
  customerRef: string | null;
  hoursBilled: number;
  hoursNow: number;
  /** The billed activity's hourly rate (null when it has none: not billable). */
  hourlyRate: number | null;
  /** What actiTIME now says minus what was billed, in cents (billable hours × rate). */
  amountDifferenceCents: number;
  remapped: boolean;
  importId: string;
  importRange: string;
  importCreatedAt: Date;
  signature: string;
}

export interface BilledFilter {
  customer?: string | null;
  dateFrom?: string | null;
  dateTo?: string | null;
}

export function differenceSignature(d: BilledDifference): string {
  return [d.beforeMinutes, d.afterMinutes, d.beforeAmountCents ?? "", d.afterAmountCents].join("|");
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Open billed differences of a company (scoped to the account), newest import's finding per
 * activity, by date then employee. Drafts do not count: only imports that were started.
 */
export async function listBilledDifferences(db: Db, accountId: string, connectionId: string, filter: BilledFilter = {}): Promise<BilledDifferenceRow[]> {
  const found = await skippedBilledItems(db, accountId, connectionId);
  const latest = new Map<string, (typeof found)[number]>();
  for (const row of found) if (!latest.has(row.sourceKey)) latest.set(row.sourceKey, row);
  const keys = [...latest.keys()];
  const resolved = new Set<string>();
  for (const r of await resolvedSignatures(db, connectionId, keys)) resolved.add(`${r.sourceKey}\u0000${r.signature}`);
  const rows: BilledDifferenceRow[] = [];
  for (const row of latest.values()) {
    const desired = parseStoredActivityItem(row.desired);
    const billed = desired.billed;
    if (!billed) continue;
    const signature = differenceSignature(billed);
    if (resolved.has(`${row.sourceKey}\u0000${signature}`)) continue;
    const written = parseItemBefore(row.before)?.written ?? desired.activity;
    if (!written) continue;
    const { names } = summaryNamesOf(row.summary);
    const name = (ref: string | null | undefined, fallback: string) => (ref ? (names[ref] ?? ref.replace(/^qbo:/, "QuickBooks #")) : fallback);
    rows.push({
      itemId: row.id,
      sourceKey: row.sourceKey,
      txnDate: written.txnDate,
      employee: name(written.employeeRef, "Unknown employee"),
      customer: name(written.customerRef, "No customer (leave)"),
      item: name(written.itemRef, "Unknown item"),
      customerRef: written.customerRef,
      hoursBilled: round2(billed.beforeMinutes / MINUTES_PER_HOUR),
      hoursNow: round2(billed.afterMinutes / MINUTES_PER_HOUR),
      hourlyRate: written.billableStatus === "Billable" ? written.hourlyRate : null,
      amountDifferenceCents: billed.afterAmountCents - (billed.beforeAmountCents ?? 0),
      remapped: billed.remapped,
      importId: row.importId,
      importRange: `${row.dateFrom ?? ""} – ${row.dateTo ?? ""}`,
      importCreatedAt: row.createdAt,
      signature,
    });
  }
  return rows
    .filter((r) => !filter.customer || r.customerRef === filter.customer || r.customer === filter.customer)
    .filter((r) => !filter.dateFrom || r.txnDate >= filter.dateFrom)
    .filter((r) => !filter.dateTo || r.txnDate <= filter.dateTo)
    .sort((a, b) => a.txnDate.localeCompare(b.txnDate) || a.employee.localeCompare(b.employee) || a.sourceKey.localeCompare(b.sourceKey));
}

export class BilledResolveError extends Error {}

/** Mark resolved, with a note: refused for an item that is not an open billed difference of this company. */
export async function resolveBilledDifference(db: Db, accountId: string, connectionId: string, adminId: string, itemId: number, note: string, now = new Date()): Promise<void> {
  const text = note.trim();
  if (!text) throw new BilledResolveError("Write a note: what was done about this difference (e.g. credit note 1043).");
  if (text.length > RESOLUTION_NOTE_MAX) throw new BilledResolveError(`The note is too long (at most ${RESOLUTION_NOTE_MAX} characters).`);
  const open = await listBilledDifferences(db, accountId, connectionId);
  const row = open.find((r) => r.itemId === itemId);
  if (!row) throw new BilledResolveError("This difference is no longer open; reload the page.");
  const amount = (row.amountDifferenceCents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "exceptZero" });
  const label = `${row.txnDate} · ${row.employee} · ${row.customer} · ${row.item}: ${row.hoursBilled} h billed, ${row.hoursNow} h in actiTIME (${amount})`;
  await insertBilledResolution(db, { connectionId, sourceKey: row.sourceKey, importItemId: itemId, signature: row.signature, label, note: text, resolvedByAdminId: adminId, resolvedAt: now });
}

export interface ResolutionRow {
  id: string;
  sourceKey: string;
  label: string;
  note: string;
  resolvedBy: string | null;
  resolvedAt: Date;
  signature: string;
}

/** History of resolutions, newest first. */
export async function listBilledResolutions(db: Db, connectionId: string, limit = 200): Promise<ResolutionRow[]> {
  return listResolutions(db, connectionId, limit);
}

export const BILLED_CSV_HEADER = ["Date", "Employee", "Customer", "Item", "Hours billed", "Hours now in actiTIME", "Hourly rate", "Amount difference", "Found by import", "Import date range"];

export function billedDifferencesCsv(rows: readonly BilledDifferenceRow[]): string {
  return toCsv(
    BILLED_CSV_HEADER,
    rows.map((r) => [
      r.txnDate,
      r.employee,
      r.customer,
      r.item,
      r.hoursBilled,
      r.hoursNow,
      r.hourlyRate,
      r.amountDifferenceCents / 100,
      r.importCreatedAt.toISOString(),
      r.importRange,
    ]),
  );
}
