import type { Metadata } from "next";
import { scheduledRunForImport, scheduleRunBy } from "@/lib/schedule/history";
import Link from "next/link";
import { redirect } from "next/navigation";
import { adminName } from "@/db/queries/imports";
import { importProgress } from "@/lib/import/progress-words";
import { Alert, Badge, PageHeader } from "@/app/_components/ui";
import { DataTable } from "@/app/_components/data-table";
import { billedSummaryText } from "@/lib/import/billed";
import { trackedAndRoundedText } from "@/lib/import/time-words";
import { refNames } from "@/lib/import/ref-names";
import { parseImportSummary } from "@/db/types";
import { ruleKindLabel, MAPPING_CATEGORY_META } from "@/lib/mapping/rules";
import { loadImport } from "../_lib/context";
import { BreakdownCharts, ItemFilters, ItemsTable, Pager } from "../_components/items-table";
import { loadItemsPage } from "../_lib/items-page";
import { formatDateTime, formatHours, STATUS_LABEL } from "../_components/steps";
import { interruptAction } from "./actions";
import { ImportProgress } from "./progress";
import { AuditDownload } from "./audit-download";
import { snapshotRulesOf } from "@/lib/import/snapshot";

export const metadata: Metadata = { title: "Import" };

export default async function ImportPage({ params, searchParams }: { params: Promise<{ importId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { importId } = await params;
  const query = await searchParams;
  const { db, imp, session, connection } = await loadImport(importId);
  if (imp.status === "draft") redirect(`/imports/${importId}/${imp.step}`);
  const [adminFullName, scheduled] = await Promise.all([adminName(db, imp.createdByAdminId), scheduledRunForImport(db, imp.id)]);
  const summary = parseImportSummary(imp.summary);
  const rules = snapshotRulesOf(imp);
  const names = new Map([...refNames(rules), ...Object.entries(summary?.names ?? {})]);
  const { filters, filter, page, rows, total } = await loadItemsPage(db, imp.id, "import", query);
  const status = STATUS_LABEL[imp.status]!;
  const interrupt = interruptAction.bind(null, importId);
  const base = `/imports/${importId}`;
  return (
    <>
      <PageHeader
        title={imp.kind === "undo" ? `Undo of ${imp.dateFrom} – ${imp.dateTo}` : `Import ${imp.dateFrom} – ${imp.dateTo}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={status.tone}>{status.label}</Badge>
            <span>
              {connection.companyName} · run by {scheduled ? scheduleRunBy(scheduled) : (adminFullName ?? "an admin")} · started {formatDateTime(imp.startedAt)}
              {imp.finishedAt ? ` · finished ${formatDateTime(imp.finishedAt)}` : ""}
            </span>
          </span>
        }
        actions={<AuditDownload importId={imp.id} />}
      />
      {query.error ? <div className="mb-4"><Alert tone="error">{query.error}</Alert></div> : null}
      <ImportProgress
        importId={imp.id}
        kind={imp.kind}
        canInterrupt={imp.createdByAdminId === session.adminId}
        interrupt={interrupt}
        initial={importProgress(imp)}
      />
      {/* A completed undo has nothing left to undo. */}
      {(imp.status === "completed" && imp.kind !== "undo") || imp.status === "interrupted" || imp.status === "error" ? (
        <p className="mt-4">
          <Link href={`/imports/${imp.kind === "undo" && imp.status !== "completed" && imp.undoOfImportId ? imp.undoOfImportId : imp.id}/undo`} className="inline-flex rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50">
            {imp.kind === "undo" && imp.status !== "completed" ? "Finish this undo" : "Undo this import"}
          </Link>
        </p>
      ) : null}
      {summary && summary.kind !== "undo" ? (
        <>
          <p className="mt-4 text-sm text-slate-600">
            {imp.status === "completed"
              ? `${summary.activities.toLocaleString("en-US")} activities, ${formatHours(summary.hours)} in this range after the import; ${summary.counts.unchanged.toLocaleString("en-US")} were already right.`
              : `The preview planned ${summary.activities.toLocaleString("en-US")} activities, ${formatHours(summary.hours)} in this range; ${(imp.createdCount + imp.updatedCount + imp.deletedCount).toLocaleString("en-US")} changes were written${imp.status === "running" || imp.status === "interrupting" ? " so far" : " before it ended"} (${imp.createdCount.toLocaleString("en-US")} created, ${imp.updatedCount.toLocaleString("en-US")} updated, ${imp.deletedCount.toLocaleString("en-US")} deleted). The charts show the plan.`}
            {billedSummaryText(summary.billed) ? ` ${billedSummaryText(summary.billed)}` : ""}
            {trackedAndRoundedText(summary.time, summary.hours, formatHours) ? ` ${trackedAndRoundedText(summary.time, summary.hours, formatHours)}` : ""}
          </p>
          <BreakdownCharts breakdown={summary.breakdown} className="mt-4" />
        </>
      ) : null}
      <section className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <h2 className="px-4 pt-4 text-base font-semibold">Activities and entities</h2>
        <ItemFilters base={base} current={filter} filters={filters} />
        {rows.length === 0 ? <p className="px-4 py-6 text-sm text-slate-500">Nothing in this list.</p> : <ItemsTable rows={rows} names={names} preview={false} byRole={summary?.namesByRole} />}
        <Pager base={base} filter={filter} page={page} total={total} />
      </section>
      {/* An undo maps nothing: it puts back what its import wrote. */}
      {imp.kind !== "undo" && (<section className="mt-6 rounded-lg border border-slate-200 bg-white shadow-sm">
        <h2 className="px-4 pt-4 text-base font-semibold">Mapping rules used</h2>
        <p className="px-4 text-sm text-slate-500">As they were when this import was previewed.</p>
        <DataTable className="mt-2" columns={["Category", "actiTIME", "Rule", "QuickBooks"]}>
            {rules.map((r) => (
              <tr key={`${r.category}-${r.sourceId}`}>
                <td className="px-4 py-2 text-slate-600">{MAPPING_CATEGORY_META[r.category].label}</td>
                <td className="px-4 py-2">{r.sourceName}</td>
                <td className="px-4 py-2">{ruleKindLabel(r.category, r.kind, Boolean(r.createOptions?.parentQboId))}</td>
                <td className="px-4 py-2">{r.kind === "skip" ? "—" : r.targetName}</td>
              </tr>
            ))}
        </DataTable>
      </section>)}
    </>
  );
}
