import { Badge, Button } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";
import type { QboChangeRow } from "@/lib/import/drift";
import type { WrittenActivity } from "@/lib/import/types";

/** QuickBooks names by ref (`qbo:<Id>`) for employees, customers and items. */
export interface RefNames {
  employee: (ref: string | null) => string;
  customer: (ref: string | null) => string;
  item: (ref: string | null) => string;
}

/** MetaData.LastUpdatedTime (QBO local time with offset) shown in UTC like the rest of the app. */
function changedAtText(value: string | null): string {
  const at = value ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) return value ?? "—";
  return at.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}

function hours(a: WrittenActivity): string {
  const h = Math.round((a.hours + a.minutes / 60) * 100) / 100;
  return `${h.toLocaleString("en-US")} h`;
}

function billable(a: WrittenActivity): string {
  return a.billableStatus === "Billable" ? `Billable${a.hourlyRate !== null ? ` at ${a.hourlyRate}` : ""}` : "Not billable";
}

/** One compared field: what we wrote → what QuickBooks has now (highlighted when they differ). */
function Field({ label, ours, theirs }: { label: string; ours: string; theirs: string | null }) {
  const changed = theirs !== null && theirs !== ours;
  return (
    <div className={changed ? "font-medium text-amber-900" : "text-slate-600"}>
      <span className="text-xs uppercase tracking-wide text-slate-500">{label}: </span>
      {theirs === null ? ours : changed ? (
        <>
          <span className="line-through decoration-slate-400">{ours}</span> <span aria-hidden>→</span>
          <span className="sr-only"> changed in QuickBooks to </span> {theirs}
        </>
      ) : (
        ours
      )}
    </div>
  );
}

const DECISION_LABEL = {
  pending: { label: "Needs a choice", tone: "amber" },
  keep: { label: "QuickBooks version kept", tone: "blue" },
  restore: { label: "Restore at next import", tone: "green" },
} as const;

/**
 * The list of QuickBooks-side changes with Keep QuickBooks version / Restore from actiTIME, per row
 * and in bulk (checkboxes). `action` receives the form: `id` (checked rows) and `decision`, or
 * `one` = "<id>:<decision>" for a single row's button.
 */
export function QboChangesTable({ changes, names, action, hidden = {} }: { changes: QboChangeRow[]; names: RefNames; action: (form: FormData) => Promise<void>; hidden?: Record<string, string> }) {
  const restorable = changes.some((c) => !c.billed);
  return (
    <form action={action}>
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-2 text-sm">
        <span className="text-slate-600">With the checked activities:</span>
        <Button variant="secondary" type="submit" name="decision" value="keep">
          Keep QuickBooks version
        </Button>
        {restorable ? (
          <Button variant="secondary" type="submit" name="decision" value="restore">
            Restore from actiTIME
          </Button>
        ) : null}
      </div>
      <DataTable
        caption="Activities changed or deleted in QuickBooks since they were imported"
        columns={[{ label: "Select", srOnly: true }, "Date", "Employee", "What we wrote → what QuickBooks has now", "Changed", "Choice"]}
      >
          {changes.map((c) => {
            const w = c.written;
            const q = c.current;
            const label = `${c.txnDate}, ${names.employee(w.employeeRef)}, ${names.customer(w.customerRef)}, ${names.item(w.itemRef)}`;
            const status = DECISION_LABEL[c.decision];
            return (
              <tr key={c.id} className="align-top">
                <td className="px-4 py-3">
                  <input type="checkbox" name="id" value={c.id} aria-label={`Select ${label}`} className="h-4 w-4" />
                </td>
                <td className="whitespace-nowrap px-4 py-3 tabular-nums">{c.txnDate}</td>
                <td className="px-4 py-3">{names.employee(w.employeeRef)}</td>
                <td className="space-y-0.5 px-4 py-3">
                  {c.kind === "deleted" ? (
                    <p className="font-medium text-red-800">
                      Deleted in QuickBooks: {hours(w)}, {names.customer(w.customerRef)}, {names.item(w.itemRef)}
                    </p>
                  ) : (
                    <>
                      <Field label="Hours" ours={hours(w)} theirs={q ? hours(q) : null} />
                      <Field label="Customer" ours={names.customer(w.customerRef)} theirs={q ? names.customer(q.customerRef) : null} />
                      <Field label="Item" ours={names.item(w.itemRef)} theirs={q ? names.item(q.itemRef) : null} />
                      <Field label="Billable" ours={billable(w)} theirs={q ? billable(q) : null} />
                      <Field label="Description" ours={w.description ?? "—"} theirs={q ? (q.description ?? "—") : null} />
                      {q && q.employeeRef !== w.employeeRef ? <Field label="Employee" ours={names.employee(w.employeeRef)} theirs={names.employee(q.employeeRef)} /> : null}
                      {q && q.txnDate !== w.txnDate ? <Field label="Date" ours={w.txnDate} theirs={q.txnDate} /> : null}
                    </>
                  )}
                  {c.billed ? (
                    <p className="text-xs text-slate-600">
                      <Badge tone="neutral">Billed</Badge> Billed in QuickBooks: it stays as QuickBooks has it and cannot be restored.
                    </p>
                  ) : null}
                </td>
                <td className="whitespace-nowrap px-4 py-3 text-xs text-slate-600">
                  {changedAtText(c.changedAt)}
                  {c.changedBy ? <div>by {c.changedBy}</div> : null}
                </td>
                <td className="space-y-2 px-4 py-3">
                  <Badge tone={status.tone}>{status.label}</Badge>
                  <div className="flex flex-col gap-1">
                    {c.decision !== "keep" ? (
                      <button type="submit" name="one" value={`${c.id}:keep`} aria-label={`Keep QuickBooks version of ${label}`} className="text-left text-sm text-brand-700 underline">
                        Keep QuickBooks version
                      </button>
                    ) : null}
                    {!c.billed && c.decision !== "restore" ? (
                      <button type="submit" name="one" value={`${c.id}:restore`} aria-label={`Restore from actiTIME ${label}`} className="text-left text-sm text-brand-700 underline">
                        Restore from actiTIME
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
      </DataTable>
    </form>
  );
}

/** Names from the cached QuickBooks directory (`qbo:<Id>` refs), falling back to the Id. */
export function refNamesFrom(directory: { employees: { id: string; name: string }[]; customers: { id: string; fullyQualifiedName: string }[]; items: { id: string; fullyQualifiedName: string }[] } | null): RefNames {
  const employees = new Map((directory?.employees ?? []).map((e) => [`qbo:${e.id}`, e.name]));
  const customers = new Map((directory?.customers ?? []).map((c) => [`qbo:${c.id}`, c.fullyQualifiedName]));
  const items = new Map((directory?.items ?? []).map((i) => [`qbo:${i.id}`, i.fullyQualifiedName]));
  const fallback = (ref: string) => `QuickBooks #${ref.replace(/^qbo:/, "")}`;
  return {
    employee: (ref) => (ref ? (employees.get(ref) ?? fallback(ref)) : "—"),
    customer: (ref) => (ref ? (customers.get(ref) ?? fallback(ref)) : "No customer"),
    item: (ref) => (ref ? (items.get(ref) ?? fallback(ref)) : "—"),
  };
}
