import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert, Button, PageHeader } from "@/app/_components/ui";
import { billedSummaryText } from "@/lib/import/billed";
import { isRounded, replacementText, timeSettingsLine } from "@/lib/import/time-words";
import { datedRuleSentence } from "@/lib/import/prepare";
import { refNames } from "@/lib/import/ref-names";
import { parsePreviewSummary } from "@/db/types";
import { deliberateCreates } from "@/lib/import/created-rules";
import { blockedReason, preflightChecks } from "@/lib/import/checks";
import { listSavedRules } from "@/lib/import/mapping-step";
import { loadDraft } from "../../_lib/context";
import { ChecksPanel } from "../../_components/checks-panel";
import { BreakdownCharts, ItemFilters, ItemsTable, Pager } from "../../_components/items-table";
import { loadItemsPage } from "../../_lib/items-page";
import { formatHours, WizardSteps } from "../../_components/steps";
import { refreshPreviewAction, startImportAction } from "../actions";
import { loadPreviewQboChanges, PreviewQboChanges } from "./qbo-changes";
import { snapshotRulesOf } from "@/lib/import/snapshot";

export const metadata: Metadata = { title: "New Import · Preview" };

export default async function PreviewStep({ params, searchParams }: { params: Promise<{ importId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { importId } = await params;
  const query = await searchParams;
  const { db, imp, connection } = await loadDraft(importId);
  if (imp.step !== "preview" || !imp.summary) redirect(`/imports/${importId}/${imp.step}`);
  const summary = parsePreviewSummary(imp.summary);
  const { filters, filter, page, rows, total } = await loadItemsPage(db, imp.id, "preview", query);
  const snapshotRules = snapshotRulesOf(imp);
  const names = new Map([...refNames(snapshotRules), ...Object.entries(summary.names ?? {})]);
  const secondEntities = deliberateCreates(snapshotRules, await listSavedRules(db, connection.id));
  // The company's facts were re-read when this preview was built (lib/import/company-check).
  const checks = await preflightChecks(db, imp, connection);
  const blockedBy = blockedReason(checks);
  const blocked = blockedBy !== null;
  const writes = summary.counts.create + summary.counts.update + summary.counts.delete + summary.entitiesToCreate.length;
  const start = startImportAction.bind(null, importId, imp.draftRevision);
  const refresh = refreshPreviewAction.bind(null, importId);
  const base = `/imports/${importId}/preview`;
  const qboChanges = await loadPreviewQboChanges(db, connection.id, { dateFrom: imp.dateFrom!, dateTo: imp.dateTo! });
  return (
    <>
      <WizardSteps importId={importId} current="preview" reached={imp.step} />
      <PageHeader
        title="Preview"
        description={`${imp.dateFrom} – ${imp.dateTo} into ${connection.companyName}. This is exactly what Start Import will do.`}
        actions={
          <form action={refresh}>
            <Button variant="secondary" type="submit">Refresh preview</Button>
          </form>
        }
      />
      <div className="mb-6 space-y-3">
        {query.error ? <Alert tone="error" title="The import was not started">{query.error}</Alert> : null}
        {query.refreshed ? <Alert tone="success">Preview rebuilt from the current actiTIME and QuickBooks data.</Alert> : null}
        {secondEntities.length > 0 ? (
          <Alert tone="warning" title="Another QuickBooks entity will be created">
            <ul className="list-disc pl-5">
              {secondEntities.map((d) => (
                <li key={`${d.category}:${d.sourceName}`}>
                  {d.sourceName} already goes to <strong>{d.currentName}</strong> in QuickBooks. This import creates a second one, <strong>{d.newName}</strong>, and moves {d.sourceName}&apos;s time in this range to it. To keep {d.currentName}, go back to Map and choose Link to.
                </li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {replacementText(summary.time) ? (
          <Alert tone="warning" title="Time settings changed">
            {replacementText(summary.time)}
          </Alert>
        ) : null}
        {summary.time?.range ? (
          <Alert tone="info">
            Activities are combined per week, so this import covers whole weeks: {summary.time.range.dateFrom} – {summary.time.range.dateTo}.
          </Alert>
        ) : null}
        {summary.datedRules && summary.datedRules.length > 0 ? (
          <Alert tone="info" title="Rules that apply from a date">
            <ul className="list-disc pl-5">
              {summary.datedRules.map((d) => (
                <li key={`${d.category}:${d.sourceId}:${d.from}`}>{datedRuleSentence(d)}; earlier records keep the rule they had.</li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {summary.unmapped.length > 0 ? (
          <Alert tone="warning" title="Some time has no rule and will not be imported">
            {summary.unmapped.map((u) => `${u.name ?? "Unknown"} (${u.hours} h)`).join(", ")}. Go back to Map to choose a rule.
          </Alert>
        ) : null}
      </div>
      <ChecksPanel checks={checks} />
      <dl className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {[
          ["Activities", summary.activities.toLocaleString("en-US")],
          ["Hours", formatHours(summary.hours)],
          ...(isRounded(summary.time) ? [["Tracked hours", formatHours(summary.time.trackedHours)]] : []),
          ["New", summary.counts.create],
          ["To update", summary.counts.update],
          ["To delete", summary.counts.delete],
          ["Billed, left alone", summary.counts.skipped_billed],
        ].map(([label, value]) => (
          <div key={String(label)} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {summary.time ? (
        <p className="mt-2 text-sm text-slate-600">
          {timeSettingsLine(summary.time)}
          {isRounded(summary.time) ? ` Hours are what QuickBooks gets after rounding; tracked hours are what actiTIME has for the same activities.` : ""}
          {summary.records.skipped.rounded_to_zero ? ` ${summary.records.skipped.rounded_to_zero.records.toLocaleString("en-US")} records round to nothing and are not imported.` : ""}
        </p>
      ) : null}
      <p className="mt-2 text-sm text-slate-600">
        {summary.counts.unchanged.toLocaleString("en-US")} activities already in QuickBooks stay as they are.
        {summary.billed
          ? billedSummaryText(summary.billed)
            ? ` ${billedSummaryText(summary.billed)} Billed activities are never changed, and their records are never imported again: the differences are listed under Billed (left alone).`
            : ""
          : summary.hoursBlockedByBilling !== 0
            ? ` Billed activities stay as they are: QuickBooks keeps ${formatHours(Math.abs(summary.hoursBlockedByBilling))} ${summary.hoursBlockedByBilling < 0 ? "more" : "fewer"} than actiTIME now has for them.`
            : ""}
      </p>

      <BreakdownCharts breakdown={summary.breakdown} className="mt-6" />

      {summary.entitiesToCreate.length > 0 ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-base font-semibold">New in QuickBooks</h2>
          <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
            {summary.entitiesToCreate.map((e) => (
              <li key={`${e.category}-${e.name}`}>
                <span className="text-slate-500">{e.entity === "Item" ? "Service item" : e.entity}:</span> {e.name}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <PreviewQboChanges importId={importId} {...qboChanges} />

      <section className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <ItemFilters base={base} current={filter} filters={filters} />
        {rows.length === 0 ? <p className="px-4 py-6 text-sm text-slate-500">Nothing in this list.</p> : <ItemsTable rows={rows} names={names} preview byRole={summary.namesByRole} />}
        <Pager base={base} filter={filter} page={page} total={total} />
      </section>

      <div className="sticky bottom-0 mt-6 flex items-center justify-between gap-3 border-t border-slate-200 bg-slate-50/95 py-4">
        <p className="text-sm text-slate-600">{writes === 0 ? "QuickBooks already matches actiTIME for this range: nothing to write." : `${writes.toLocaleString("en-US")} changes will be written to ${connection.companyName}.`}</p>
        <form action={start} className="flex items-center gap-3">
          {blocked ? <span id="start-blocked" className="max-w-md text-right text-sm text-red-700">{blockedBy}</span> : null}
          <Button type="submit" disabled={blocked} aria-describedby={blocked ? "start-blocked" : undefined}>Start Import</Button>
        </form>
      </div>
    </>
  );
}
