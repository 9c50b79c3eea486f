import Link from "next/link";
import { Fragment } from "react";
import type { ImportItemRow, ItemFilter } from "@/db/queries/imports";
import { Badge } from "@/app/_components/ui";
import { APP_TABLE_LOOK, DataTable, numeric } from "@/app/_components/data-table";
import { adviceForFault, isQboCode } from "@/lib/qbo/advice";
import type { NamesByRole } from "@/lib/import/ref-names";
import type { PreviewSummary } from "@/lib/import/prepare";
import { CorrectionCells, roleNames } from "./correction-row";
import { parseEntityItemPayload, parseItemBefore, parseStoredActivityItem } from "@/db/types";

export const ITEMS_PAGE_SIZE = 100;

const STATUS_TONE: Record<string, "neutral" | "green" | "amber" | "red" | "blue"> = {
  pending: "neutral",
  sending: "blue",
  created: "green",
  updated: "green",
  deleted: "green",
  unchanged: "neutral",
  skipped_billed: "amber",
  failed: "red",
  cancelled: "neutral",
};
const STATUS_TEXT: Record<string, string> = {
  pending: "To do",
  sending: "Sending",
  created: "Created",
  updated: "Updated",
  deleted: "Deleted",
  unchanged: "Unchanged",
  skipped_billed: "Billed: left alone",
  failed: "Failed",
  cancelled: "Not done (interrupted)",
};
const OPERATION_TEXT = { create: "Create", update: "Update", delete: "Delete" } as const;

const hours = (h: number, m: number) => Math.round((h + m / 60) * 100) / 100;

export function ItemsTable({ rows, names, preview, byRole }: { rows: ImportItemRow[]; names: Map<string, string>; preview: boolean; byRole?: NamesByRole }) {
  const label = (ref: string | null | undefined, fallback = "—") => (ref ? (names.get(ref) ?? fallback) : fallback);
  const roleName = roleNames(byRole, names);
  return (
    <DataTable
      look={{ ...APP_TABLE_LOOK, headerCell: "px-3 py-2" }}
      columns={[preview ? "Change" : "Status", "Date", "Employee", "Customer", "Service item", "Billable", numeric("Hours before"), numeric("Hours after"), "Description"]}
    >
        {rows.map((item) => {
          if (item.entity !== "TimeActivity") {
            const entity = parseEntityItemPayload(item.desired);
            return (
              <Fragment key={item.id}>
                <tr className={item.status === "failed" ? "bg-red-50/50" : undefined}>
                  <td className="px-3 py-2"><Badge tone={preview ? "blue" : STATUS_TONE[item.status]!}>{preview ? "Create" : STATUS_TEXT[item.status]}</Badge></td>
                  <td className="px-3 py-2 text-slate-500" colSpan={8}>
                    New QuickBooks {item.entity === "Item" ? "service item" : item.entity.toLowerCase()}: <span className="font-medium text-slate-900">{entity.name}</span>
                  </td>
                </tr>
                <FailedReasonRow item={item} />
              </Fragment>
            );
          }
          const payload = parseStoredActivityItem(item.desired);
          const activity = payload.activity;
          const before = parseItemBefore(item.before);
          const shown = activity ?? before?.written;
          // A billed difference: what actiTIME now says for the records that stay with the billed activity.
          const billed = payload.billed;
          const afterHours = billed ? hours(0, billed.afterMinutes) : item.operation === "delete" ? 0 : activity ? hours(activity.hours, activity.minutes) : null;
          const tone = preview ? (item.status === "skipped_billed" ? "amber" : item.status === "unchanged" ? "neutral" : "blue") : STATUS_TONE[item.status]!;
          const text = preview ? (item.status === "skipped_billed" ? "Billed: left alone" : item.status === "unchanged" ? "Unchanged" : OPERATION_TEXT[item.operation]) : STATUS_TEXT[item.status];
          const statusCell = (
            <>
              <Badge tone={tone}>{text}</Badge>
              <BilledNote item={item} />
            </>
          );
          if (before?.written && item.operation !== "create") {
            // A correction: before → after for every field (correction-row.tsx).
            const sides = { before: before.written, after: item.operation === "delete" ? null : (activity ?? before.written) };
            return (
              <Fragment key={item.id}>
                <tr data-correction={item.operation} className={item.status === "failed" ? "bg-red-50/50" : undefined}>
                  <CorrectionCells sides={sides} name={roleName} status={statusCell} />
                </tr>
                <FailedReasonRow item={item} />
              </Fragment>
            );
          }
          return (
            <Fragment key={item.id}>
            <tr className={item.status === "failed" ? "bg-red-50/50" : undefined}>
              <td className="px-3 py-2 align-top">{statusCell}</td>
              <td className="whitespace-nowrap px-3 py-2 align-top tabular-nums">{shown?.txnDate ?? "—"}</td>
              <td className="px-3 py-2 align-top">{label(shown?.employeeRef)}</td>
              <td className="px-3 py-2 align-top">{label(shown?.customerRef, "No customer")}</td>
              <td className="px-3 py-2 align-top">{label(shown?.itemRef)}</td>
              <td className="px-3 py-2 align-top">{shown?.billableStatus === "Billable" ? "Billable" : "Not billable"}</td>
              <td className="px-3 py-2 text-right align-top tabular-nums">{before?.hours ?? (item.operation === "create" ? 0 : "—")}</td>
              <td className="px-3 py-2 text-right align-top tabular-nums">
                {afterHours ?? "—"}
                {!billed && activity?.sources?.trackedMinutes !== undefined && hours(0, activity.sources.trackedMinutes) !== afterHours ? (
                  <span className="block text-xs font-normal text-slate-500">tracked {hours(0, activity.sources.trackedMinutes)}</span>
                ) : null}
              </td>
              <td className="max-w-xs px-3 py-2 align-top text-slate-700">{activity?.description ?? <span className="text-slate-400">—</span>}</td>
            </tr>
            <FailedReasonRow item={item} />
            </Fragment>
          );
        })}
    </DataTable>
  );
}

/** A billed item's note, under its status. */
function BilledNote({ item }: { item: ImportItemRow }) {
  if (!item.errorMessage || item.status === "failed") return null;
  return <p className="mt-1 max-w-xs text-xs text-amber-800">{item.errorMessage}</p>;
}

/**
 * A failed item's reason, on its own row under the item: QuickBooks' own Message and Detail, its
 * code and intuit_tid, and one sentence of what to do for the codes we know.
 */
function FailedReasonRow({ item }: { item: ImportItemRow }) {
  if (item.status !== "failed" || !item.errorMessage) return null;
  const advice = adviceForFault(item.errorCode);
  const code = isQboCode(item.errorCode) ? item.errorCode : null;
  return (
    <tr className="bg-red-50/50">
      <td colSpan={9} className="px-3 pb-3 pt-0">
        <div className="space-y-1 rounded-md border border-red-200 bg-white px-3 py-2 text-xs text-red-800" data-testid="qbo-reason">
          <p><span className="font-semibold">QuickBooks said:</span> {item.errorMessage}{item.errorDetail ? <span className="text-red-700"> — {item.errorDetail}</span> : null}</p>
          {code || item.intuitTid ? (
            <p className="text-red-700">
              {code ? `Code ${code}` : null}
              {code && item.intuitTid ? " · " : null}
              {item.intuitTid ? <>intuit_tid <span className="font-mono">{item.intuitTid}</span></> : null}
            </p>
          ) : null}
          {advice ? <p className="text-slate-800"><span className="font-semibold">What to do:</span> {advice}</p> : null}
        </div>
      </td>
    </tr>
  );
}

export function ItemFilters({ base, current, filters }: { base: string; current: ItemFilter; filters: { key: ItemFilter; label: string }[] }) {
  return (
    <div className="flex flex-wrap gap-2 border-b border-slate-200 px-3 py-2 text-sm" role="navigation" aria-label="Filter activities">
      {filters.map((f) => (
        <Link key={f.key} href={`${base}?filter=${f.key}`} aria-current={f.key === current ? "true" : undefined} className={`rounded px-2 py-1 ${f.key === current ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
          {f.label}
        </Link>
      ))}
    </div>
  );
}

export function Pager({ base, filter, page, total }: { base: string; filter: ItemFilter; page: number; total: number }) {
  const pages = Math.max(1, Math.ceil(total / ITEMS_PAGE_SIZE));
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-sm">
      <span className="text-slate-600">Page {page} of {pages} · {total.toLocaleString("en-US")} rows</span>
      <span className="flex gap-2">
        {page > 1 ? <Link className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50" href={`${base}?filter=${filter}&page=${page - 1}`}>Previous</Link> : null}
        {page < pages ? <Link className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50" href={`${base}?filter=${filter}&page=${page + 1}`}>Next</Link> : null}
      </span>
    </nav>
  );
}

const BREAKDOWNS = [
  ["By employee", "byUser"],
  ["By customer", "byCustomer"],
  ["By service item", "byItem"],
  ["Billable", "byBillable"],
] as const;

/** The plan's hours by employee, customer, service item and billable, side by side; `className` places the grid. */
export function BreakdownCharts({ breakdown, className }: { breakdown: PreviewSummary["breakdown"]; className: string }) {
  return (
    <div className={`${className} grid gap-4 md:grid-cols-2 xl:grid-cols-4`}>
      {BREAKDOWNS.map(([title, key]) => (
        <BreakdownChart key={key} title={title} rows={breakdown[key]} />
      ))}
    </div>
  );
}

export function BreakdownChart({ title, rows }: { title: string; rows: { name: string; hours: number; activities: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.hours));
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      {rows.length === 0 ? <p className="mt-2 text-sm text-slate-500">Nothing.</p> : null}
      <ul className="mt-3 space-y-2">
        {rows.slice(0, 12).map((r) => (
          <li key={r.name} className="text-sm">
            <div className="flex justify-between gap-2">
              <span className="truncate text-slate-700" title={r.name}>{r.name}</span>
              <span className="shrink-0 tabular-nums text-slate-600">{r.hours.toLocaleString("en-US")} h · {r.activities}</span>
            </div>
            <div className="mt-1 h-2 rounded bg-slate-100" aria-hidden>
              <div className="h-2 rounded bg-brand-600" style={{ width: `${(r.hours / max) * 100}%` }} />
            </div>
          </li>
        ))}
        {rows.length > 12 ? <li className="text-xs text-slate-500">and {rows.length - 12} more</li> : null}
      </ul>
    </section>
  );
}
