import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { getConnection } from "@/db/queries/connections";
import { listDrafts, listImports, type ImportSort } from "@/db/queries/imports";
import { listScheduledRuns, scheduleRunBy } from "@/lib/schedule/history";
import { needsMappingText } from "@/lib/schedule/run";
import { slugOfCategory } from "../settings/categories";
import { Alert, Badge, Button, EmptyState, PageHeader, NoCompanyPage } from "@/app/_components/ui";
import { DataTable, numeric, type DataColumn } from "@/app/_components/data-table";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { newImport } from "./actions";
import { formatDateTime, formatHours, STATUS_LABEL } from "./_components/steps";
import { AutoRefresh } from "./_components/auto-refresh";
import { DraftsList } from "./drafts-list";

export const metadata: Metadata = { title: "Import History" };

const SORTS: { key: ImportSort; label: string }[] = [
  { key: "newest", label: "Newest first" },
  { key: "status", label: "Status" },
  { key: "user", label: "User" },
];

const COLUMNS: DataColumn[] = ["Status", "Date range", "Run by", "Started", ...["Created", "Updated", "Deleted", "Left alone", "Failed", "Hours"].map(numeric)];

export default async function ImportHistoryPage({ searchParams }: { searchParams: Promise<{ sort?: string; error?: string; discarded?: string; company?: string }> }) {
  const params = await searchParams;
  const session = await requireSession();
  const { current: currentCompany } = await getCurrentCompany(session);
  // A disconnected company's history stays readable (read-only): /imports?company=<id>, of this account only.
  const disconnected = params.company ? await getConnection(await getDb(), session.accountId, params.company) : undefined;
  const readOnly = disconnected?.status === "disconnected";
  const current = readOnly ? disconnected! : currentCompany;
  if (!current) return <NoCompanyPage page="Import History" title="Connect a QuickBooks company to start">Hours are imported into a QuickBooks Online company. Connect yours, then map people, projects and types of work once.</NoCompanyPage>;
  const sort = SORTS.find((s) => s.key === params.sort)?.key ?? "newest";
  const db = await getDb();
  const [rows, drafts, scheduled] = await Promise.all([listImports(db, session.accountId, current.id, sort), readOnly ? [] : listDrafts(db, session.accountId, current.id, session.adminId), listScheduledRuns(db, session.accountId, current.id)]);
  const scheduledByImport = new Map(scheduled.filter((r) => r.importId).map((r) => [r.importId!, r]));
  const latestRun = scheduled[0];
  const needsMapping = latestRun?.needsMapping ?? [];
  const notRun = scheduled.filter((r) => r.outcome !== "started").slice(0, 10);
  const running = rows.some((r) => r.import.status === "running" || r.import.status === "interrupting");
  const canImport = current.status === "connected";
  return (
    <>
      <PageHeader
        title="Import History"
        description={`Imports of actiTIME time into ${current.companyName}.`}
        actions={
          canImport ? (
            <form action={newImport}>
              <Button type="submit">New Import</Button>
            </form>
          ) : undefined
        }
      />
      {running ? <AutoRefresh intervalMs={3000} /> : null}
      {readOnly ? (
        <p role="status" className="mb-4 rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-700">
          {current.companyName} is disconnected: its history is shown read-only. <Link className="underline" href="/companies">Connect it again</Link> to import.
        </p>
      ) : !canImport ? (
        <p role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {current.companyName} needs to be reconnected before importing. <Link className="underline" href="/companies">Go to QuickBooks Companies</Link>
        </p>
      ) : null}
      {params.error ? <div className="mb-4"><Alert tone="error">{params.error}</Alert></div> : null}
      {params.discarded ? <div className="mb-4"><Alert tone="success">Draft discarded. Nothing had been written to QuickBooks.</Alert></div> : null}
      {needsMapping.length > 0 ? (
        <div className="mb-4">
          <Alert tone="warning" title="Needs mapping">
            The last scheduled import ({formatDateTime(latestRun!.slotAt)}) left out {needsMappingText(needsMapping)} without a rule: {needsMapping.slice(0, 10).map((e) => e.name).join(", ")}
            {needsMapping.length > 10 ? ` and ${needsMapping.length - 10} more` : ""}. Their time is not imported until they have one.{" "}
            <Link className="font-medium underline" href={`/settings/${slugOfCategory(needsMapping[0]!.category)}`}>Map them in Settings</Link>, or start a New Import to map them in the wizard.
          </Alert>
        </div>
      ) : null}
      {notRun.length > 0 ? (
        <section aria-labelledby="scheduled-not-run" className="mb-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <h2 id="scheduled-not-run" className="font-semibold">Scheduled runs that did not import</h2>
          <ul className="mt-2 space-y-1">
            {notRun.map((r) => (
              <li key={r.id} data-scheduled-run={r.outcome}>
                <Badge tone={r.outcome === "skipped" ? "amber" : "red"}>{r.outcome === "skipped" ? "Skipped" : r.outcome === "blocked" ? "Blocked" : "Failed"}</Badge>{" "}
                {formatDateTime(r.slotAt)} · {scheduleRunBy(r)}: {r.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <DraftsList drafts={drafts} />
      {rows.length === 0 ? (
        <EmptyState title="No imports yet" action={canImport ? <form action={newImport}><Button type="submit">New Import</Button></form> : undefined}>
          Choose a date range, map your people, projects and types of work once, preview, and import. Re-running the same range later applies corrections without duplicating anything.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-2 text-sm">
            <span className="text-slate-500">Sort by:</span>
            {SORTS.map((s) => (
              <Link key={s.key} href={`/imports?sort=${s.key}${readOnly ? `&company=${current.id}` : ""}`} aria-current={s.key === sort ? "true" : undefined} className={`rounded px-2 py-1 ${s.key === sort ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
                {s.label}
              </Link>
            ))}
          </div>
          <DataTable caption={`Imports, ${SORTS.find((s) => s.key === sort)!.label.toLowerCase()}`} columns={COLUMNS}>
              {rows.map(({ import: imp, adminName }) => {
                const status = STATUS_LABEL[imp.status]!;
                const active = imp.status === "running" || imp.status === "interrupting";
                const percent = imp.progressTotal > 0 ? Math.round((imp.progressDone / imp.progressTotal) * 100) : 0;
                return (
                  <tr key={imp.id} data-import={imp.id} className="hover:bg-slate-50">
                    <td className="px-4 py-3">
                      <Link href={`/imports/${imp.id}`} className="flex flex-col gap-1 focus:outline-none">
                        <Badge tone={status.tone}>{status.label}</Badge>
                        {imp.status === "error" && imp.failedCount > 0 ? <span className="text-xs text-red-700">{imp.failedCount} failed</span> : null}
                        {active ? (
                          <span className="block h-1.5 w-24 overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label="Import progress">
                            <span className="block h-full bg-brand-600" style={{ width: `${percent}%` }} />
                          </span>
                        ) : null}
                      </Link>
                    </td>
                    <td className="px-4 py-3">
                      <Link href={`/imports/${imp.id}`} className="font-medium text-brand-700 hover:underline">
                        {imp.kind === "undo" ? "Undo of " : ""}<span className="whitespace-nowrap">{imp.dateFrom}</span> – <span className="whitespace-nowrap">{imp.dateTo}</span>
                      </Link>
                    </td>
                    <td className="px-4 py-3">{scheduledByImport.has(imp.id) ? scheduleRunBy(scheduledByImport.get(imp.id)!) : adminName}</td>
                    <td className="px-4 py-3 text-slate-600">{formatDateTime(imp.startedAt)}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{imp.createdCount}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{imp.updatedCount}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{imp.deletedCount}</td>
                    <td className="px-4 py-3 text-right tabular-nums" title="Billed in QuickBooks: left as it is">{imp.skippedBilledCount}</td>
                    <td className={`px-4 py-3 text-right tabular-nums ${imp.failedCount > 0 ? "font-semibold text-red-700" : ""}`}>{imp.failedCount}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-right tabular-nums">{imp.kind === "undo" ? "—" : formatHours(imp.hours)}</td>
                  </tr>
                );
              })}
          </DataTable>
        </div>
      )}
    </>
  );
}
