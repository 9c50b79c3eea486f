import type { Metadata } from "next";
import { Alert, Button, PageHeader } from "@/app/_components/ui";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { scopeOf } from "@/lib/import/prepare";
import { ruleFromSnapshot } from "@/lib/mapping/rules";
import { describeDraftChange, savedRuleRows, upToDateDraftRules } from "@/lib/import/created-rules";
import { actitimeClientForAdmin, readSource } from "@/lib/import/source";
import { MAPPING_CATEGORIES, MAPPING_CATEGORY_META, type MappingCategory } from "@/lib/mapping/rules";
import { DIMENSION_EMPTY_VALUE, RULE_DIMENSION_META, RULE_DIMENSIONS } from "@/lib/mapping/rules";
import { dimensionTargets, ruleTargets, vendorTargets, type RuleTargets } from "@/lib/mapping/targets";
import { loadQboDirectory } from "@/lib/qbo/directory";
import { redirect } from "next/navigation";
import { loadDraft } from "../../_lib/context";
import { WizardSteps } from "../../_components/steps";
import { confirmMappingAction, refreshDirectoryAction } from "../actions";
import { MapForm, type MapDimension, type MapRow } from "./map-form";
import { mappingSnapshotOf } from "@/lib/import/snapshot";

export const metadata: Metadata = { title: "New Import · Map" };

export default async function MapStep({ params, searchParams }: { params: Promise<{ importId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { importId } = await params;
  const query = await searchParams;
  const { db, imp, actor, connection, qbo } = await loadDraft(importId);
  if (!imp.dateFrom) redirect(`/imports/${importId}/select`);
  let source, directory, saved;
  try {
    const actitime = await actitimeClientForAdmin(db, actor.accountId, actor.adminId);
    [source, directory, saved] = await Promise.all([readSource(actitime, scopeOf(imp)), loadQboDirectory(db, connection.id, qbo), listSavedRules(db, connection.id)]);
  } catch (error) {
    return (
      <>
        <WizardSteps importId={importId} current="map" reached={imp.step} />
        <Alert tone="error" title="The data for mapping could not be read">
          {error instanceof Error ? error.message : "Please try again."}
        </Alert>
      </>
    );
  }
  const entities = mapStepEntities(source, saved, directory);
  const draft = mappingSnapshotOf(imp);
  // An older draft follows the company's rules changed since (Settings, or an import that created the entity), and says so.
  const upToDate = upToDateDraftRules(draft.rules ?? [], await savedRuleRows(db, connection.id), imp.updatedAt);
  const drafted = new Map(upToDate.rules.map((r) => [`${r.category}:${r.sourceId}`, ruleFromSnapshot(r).rule]));
  const errors = draft.errors ?? [];
  const rows: MapRow[] = entities.map((e) => {
    const key = `${e.category}:${e.sourceId}`;
    return {
      key,
      category: e.category,
      sourceId: e.sourceId,
      name: e.name,
      detail: e.detail,
      hours: e.hours,
      initial: drafted.get(key) ?? e.saved?.rule ?? e.suggestion?.rule ?? { kind: "skip" },
      suggested: e.suggestion?.rule ?? null,
      reason: e.saved ? "Saved rule" : (e.suggestion?.reason ?? null),
      hasSavedRule: e.saved !== null,
      errors: errors.filter((x) => x.category === e.category && x.sourceId === e.sourceId).map((x) => ({ field: x.field, message: x.message })),
    };
  });
  const options = Object.fromEntries(MAPPING_CATEGORIES.map((category) => [category, ruleTargets(category, directory)])) as Record<MappingCategory, RuleTargets>;
  // Class / Location only when the company tracks them (hidden entirely otherwise).
  const tracked = dimensionTargets(directory);
  const dimensions: MapDimension[] = RULE_DIMENSIONS.flatMap((dimension) => {
    const list = tracked[dimension];
    const meta = RULE_DIMENSION_META[dimension];
    return list ? [{ dimension, label: meta.label, field: meta.formField, options: list, emptyValue: DIMENSION_EMPTY_VALUE }] : [];
  });
  const confirm = confirmMappingAction.bind(null, importId);
  const refresh = refreshDirectoryAction.bind(null, importId);
  return (
    <>
      <WizardSteps importId={importId} current="map" reached={imp.step} />
      <PageHeader
        title="Map"
        description={`How each actiTIME user, project, type of work and leave type of ${imp.dateFrom} – ${imp.dateTo} goes into ${connection.companyName}. Suggestions are pre-filled; change any of them.`}
        actions={
          <form action={refresh}>
            <Button variant="secondary" type="submit">Refresh QuickBooks lists</Button>
          </form>
        }
      />
      <div className="mb-4 space-y-3">
        {query.error ? <Alert tone="error">{query.error}</Alert> : null}
        {query.invalid ? <Alert tone="error" title="Some rules need attention">Fix the fields marked below, then confirm again. Nothing has been sent to QuickBooks.</Alert> : null}
        {query.refreshed ? <Alert tone="success">QuickBooks lists refreshed.</Alert> : null}
        {upToDate.changes.length > 0 ? (
          <Alert tone="info" title="Brought up to date with the company's rules">
            <ul className="list-disc pl-5">{upToDate.changes.map((c) => <li key={`${c.category}:${c.sourceId}`}>{describeDraftChange(c)}</li>)}</ul>
          </Alert>
        ) : null}
        {directory.payrollEnabled ? <Alert tone="info">QuickBooks Payroll is on in {connection.companyName}: employees must already exist in QuickBooks, so users can be linked to an employee, be QuickBooks vendors, or not be imported.</Alert> : null}
      </div>
      {rows.length === 0 ? (
        <Alert tone="info" title="No time in this selection">actiTIME has no time for the chosen dates and selection. Go back to Select data to choose another range.</Alert>
      ) : (
        <MapForm
          rows={rows}
          options={options}
          defaultIncomeAccountId={directory.incomeAccounts[0]?.id ?? null}
          payrollEnabled={directory.payrollEnabled}
          vendorTargets={vendorTargets(directory)}
          dimensions={dimensions}
          labels={Object.fromEntries(Object.values(MAPPING_CATEGORY_META).map((m) => [m.category, { label: m.label, noun: m.qboNoun, subNoun: m.qboSubNoun }]))}
          action={confirm}
          applyFrom={{
            initial: query.applyFromError ? { choice: "date", date: query.applyFromDate ?? "" } : draft.applyFrom?.validFrom ? { choice: "date", date: draft.applyFrom.validFrom } : undefined,
            error: query.applyFromError ?? null,
          }}
        />
      )}
    </>
  );
}
