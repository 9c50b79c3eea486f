// One correction (update or delete of an activity we wrote before) as a table row: before → after for
// employee, customer, service item, billable, hours and description, only the parts that change
// highlighted. Kept apart from items-table so the preview's wording can change without touching it.
import type { ReactNode } from "react";
import type { NamesByRole } from "@/lib/import/ref-names";
import type { WrittenActivity } from "@/lib/import/types";

export type RoleNames = (role: keyof NamesByRole, ref: string | null | undefined, fallback: string) => string;

/** A lookup over per-role names, falling back to the shared `ref → name` map of older previews. */
export function roleNames(byRole: NamesByRole | undefined, names: Map<string, string>): RoleNames {
  return (role, ref, fallback) => (ref ? (byRole?.[role][ref] ?? names.get(ref) ?? fallback) : fallback);
}

const hoursOf = (a: Pick<WrittenActivity, "hours" | "minutes">) => Math.round((a.hours + a.minutes / 60) * 100) / 100;
const billableText = (a: Pick<WrittenActivity, "billableStatus">) => (a.billableStatus === "Billable" ? "Billable" : "Not billable");

/** before → after when they differ (the change highlighted, in words for screen readers); the value alone when not. */
export function Change({ before, after, label, className = "" }: { before: string | null; after: string | null; label: string; className?: string }) {
  const b = before ?? "—";
  const a = after ?? "—";
  if (b === a) return <span className={className}>{a}</span>;
  return (
    <span className={className} data-changed={label}>
      <span className="sr-only">{`${label} changes from ${b} to ${a}: `}</span>
      <span aria-hidden className="text-slate-500 line-through decoration-slate-400">{b}</span>
      <span aria-hidden className="px-1 text-slate-400">→</span>
      <mark aria-hidden className="rounded bg-amber-100 px-1 font-medium text-amber-950">{a}</mark>
    </span>
  );
}

export interface CorrectionSides {
  before: WrittenActivity | null;
  /** null for a delete: nothing stays in QuickBooks. */
  after: WrittenActivity | null;
}

/** The cells of a correction row after its status cell: date, employee, customer, item, billable, hours before/after, description. */
export function CorrectionCells({ sides, name, status }: { sides: CorrectionSides; name: RoleNames; status: ReactNode }) {
  const { before, after } = sides;
  const deleted = after === null;
  const v = (a: WrittenActivity | null, pick: (a: WrittenActivity) => string) => (a ? pick(a) : null);
  const employee = (a: WrittenActivity) => name("employee", a.employeeRef, "Unknown employee");
  const customer = (a: WrittenActivity) => name("customer", a.customerRef, a.customerRef ? "Unknown customer" : "No customer");
  const item = (a: WrittenActivity) => name("item", a.itemRef, "Unknown item");
  const description = (a: WrittenActivity) => a.description ?? "";
  // A delete shows what goes away, unhighlighted except hours (→ 0).
  const pair = (pick: (a: WrittenActivity) => string) => (deleted ? { before: v(before, pick), after: v(before, pick) } : { before: before ? pick(before) : null, after: v(after, pick) });
  const hb = before ? hoursOf(before) : 0;
  const ha = after ? hoursOf(after) : 0;
  const cell = "px-3 py-2 align-top";
  return (
    <>
      <td className={cell}>{status}</td>
      <td className={`whitespace-nowrap ${cell} tabular-nums`}><Change label="Date" {...pair((a) => a.txnDate)} /></td>
      <td className={cell}><Change label="Employee" {...pair(employee)} /></td>
      <td className={cell}><Change label="Customer" {...pair(customer)} /></td>
      <td className={cell}><Change label="Service item" {...pair(item)} /></td>
      <td className={cell}><Change label="Billable" {...pair(billableText)} /></td>
      <td className={`${cell} text-right tabular-nums`}>{before ? hb : 0}</td>
      <td className={`${cell} text-right tabular-nums`}>{hb === ha ? ha : <mark className="rounded bg-amber-100 px-1 font-medium text-amber-950">{ha}</mark>}</td>
      <td className={`${cell} max-w-xs text-slate-700`}>{(before?.description ?? after?.description) ? <Change label="Description" {...pair(description)} /> : <span className="text-slate-400">—</span>}</td>
    </>
  );
}
