import type { Metadata } from "next";
import { Fragment } from "react";
import Link from "next/link";
import { Alert, Button, Card, EmptyState, NoCompanyPage, PageHeader } from "@/app/_components/ui";
import { buttonVariants } from "@/app/_components/ui";
import { DataTable, numeric, type DataColumn } from "@/app/_components/data-table";
import { getDb } from "@/db/client";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { listBilledDifferences, listBilledResolutions, RESOLUTION_NOTE_MAX } from "@/lib/review/billed";
import { parseBilledFilter } from "@/lib/review/filter";
import { formatDateTime } from "../imports/_components/steps";
import { resolveAction } from "./actions";

export const metadata: Metadata = { title: "Billed differences" };

const money = (cents: number) => (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "exceptZero" });
const COLUMNS: DataColumn[] = ["Date", "Employee", "Customer", "Item", numeric("Billed"), numeric("actiTIME now"), numeric("Hourly rate"), numeric("Amount difference"), "Found by", "Mark resolved"];
const hours = (h: number) => `${h.toLocaleString("en-US", { maximumFractionDigits: 2 })} h`;

export default async function BilledDifferencesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = await searchParams;
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) return <NoCompanyPage page="Billed differences">Corrections that could not be written because the activity was billed are listed here.</NoCompanyPage>;
  const db = await getDb();
  const parsed = parseBilledFilter(query);
  const filter = "error" in parsed ? { customer: null, dateFrom: null, dateTo: null } : parsed;
  const [all, rows, history] = await Promise.all([
    listBilledDifferences(db, session.accountId, current.id),
    listBilledDifferences(db, session.accountId, current.id, filter),
    listBilledResolutions(db, current.id, 50),
  ]);
  const customers = [...new Map(all.map((r) => [r.customerRef ?? "", r.customer])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const total = rows.reduce((s, r) => s + r.amountDifferenceCents, 0);
  const csvQuery = new URLSearchParams();
  if (filter.customer) csvQuery.set("customer", filter.customer);
  if (filter.dateFrom) csvQuery.set("from", filter.dateFrom);
  if (filter.dateTo) csvQuery.set("to", filter.dateTo);
  const hidden = (
    <>
      {filter.customer ? <input type="hidden" name="customer" value={filter.customer} /> : null}
      {filter.dateFrom ? <input type="hidden" name="from" value={filter.dateFrom} /> : null}
      {filter.dateTo ? <input type="hidden" name="to" value={filter.dateTo} /> : null}
    </>
  );
  return (
    <>
      <PageHeader
        title="Billed differences"
        description={`Corrections that imports could not write to ${current.companyName} because the activity was already billed: what was billed, what actiTIME says now, and the amount that differs. Mark one resolved once it is dealt with (an extra invoice, a credit note).`}
        actions={
          <a href={`/api/billed-differences?${csvQuery}`} className={buttonVariants.secondary} download>
            Download CSV
          </a>
        }
      />
      <div className="mb-4 space-y-3">
        {"error" in parsed ? <Alert tone="error">{parsed.error}</Alert> : null}
        {query.error ? <Alert tone="error">{query.error}</Alert> : null}
        {query.resolved ? <Alert tone="success">Marked resolved; the note is kept in the history below.</Alert> : null}
      </div>
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm" aria-label="Filter billed differences">
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">Customer</span>
          <select name="customer" defaultValue={filter.customer ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5">
            <option value="">All customers</option>
            {customers.map(([ref, name]) => (
              <option key={ref} value={ref}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">From</span>
          <input type="date" name="from" defaultValue={filter.dateFrom ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">To</span>
          <input type="date" name="to" defaultValue={filter.dateTo ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <Button type="submit" variant="secondary">
          Apply filter
        </Button>
        {filter.customer || filter.dateFrom || filter.dateTo ? (
          <Link href="/billed-differences" className="px-2 py-2 text-brand-700 underline">
            Clear filter
          </Link>
        ) : null}
      </form>
      {rows.length === 0 ? (
        <EmptyState title={all.length === 0 ? "No open billed differences" : "No billed differences match this filter"}>
          When an import finds that actiTIME changed time QuickBooks has already billed, the difference is listed here instead of being written.
        </EmptyState>
      ) : (
        <Card className="overflow-x-auto">
          <p className="border-b border-slate-200 px-4 py-3 text-sm text-slate-700">
            {rows.length.toLocaleString("en-US")} open {rows.length === 1 ? "difference" : "differences"}; amount difference in all: <strong className="tabular-nums">{money(total)}</strong>
          </p>
          <DataTable caption="Open billed differences" columns={COLUMNS}>
              {rows.map((r) => (
                <tr key={r.itemId} className="align-top">
                  <td className="whitespace-nowrap px-4 py-3 tabular-nums">{r.txnDate}</td>
                  <td className="px-4 py-3">{r.employee}</td>
                  <td className="px-4 py-3">{r.customer}</td>
                  <td className="px-4 py-3">{r.item}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{hours(r.hoursBilled)}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{hours(r.hoursNow)}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{r.hourlyRate === null ? "—" : r.hourlyRate.toLocaleString("en-US", { minimumFractionDigits: 2 })}</td>
                  <td className={`px-4 py-3 text-right font-medium tabular-nums ${r.amountDifferenceCents < 0 ? "text-red-700" : "text-slate-900"}`}>{money(r.amountDifferenceCents)}</td>
                  <td className="px-4 py-3">
                    <Link href={`/imports/${r.importId}?filter=billed`} className="text-brand-700 underline">
                      {/* Dates never break inside themselves. */}
                      Import {r.importRange.split(" – ").map((d, i, all) => <Fragment key={d + i}>{i > 0 ? " " : null}<span className="whitespace-nowrap">{d}{i < all.length - 1 ? " –" : ""}</span></Fragment>)}
                    </Link>
                  </td>
                  <td className="px-4 py-3">
                    <form action={resolveAction} className="flex flex-col gap-1">
                      <input type="hidden" name="itemId" value={r.itemId} />
                      {hidden}
                      <label className="sr-only" htmlFor={`note-${r.itemId}`}>
                        Note for {r.txnDate}, {r.employee}, {r.customer}
                      </label>
                      <input id={`note-${r.itemId}`} name="note" required maxLength={RESOLUTION_NOTE_MAX} placeholder="Note, e.g. credit note 1043" className="w-48 rounded-md border border-slate-300 px-2 py-1" />
                      <Button type="submit" variant="secondary" aria-label={`Mark resolved: ${r.txnDate}, ${r.employee}, ${r.customer}`}>
                        Mark resolved
                      </Button>
                    </form>
                  </td>
                </tr>
              ))}
          </DataTable>
        </Card>
      )}
      {history.length > 0 ? (
        <section className="mt-8">
          <h2 className="mb-2 text-base font-semibold">Resolved</h2>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            {history.map((h) => (
              <li key={h.id} className="px-4 py-2">
                <span className="text-slate-500">{formatDateTime(h.resolvedAt)} · {h.resolvedBy ?? "an admin"} · </span>
                <span className="text-slate-700">{h.label}</span>
                <p className="mt-0.5 whitespace-pre-wrap text-slate-800">{h.note}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
