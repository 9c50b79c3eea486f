// Before an older draft's preview is rebuilt: its rules follow the company's rules changed since
// (lib/import/created-rules upToDateDraftRules), stored on the draft so the preview and Start use them.
import type { Db } from "@/db/client";
import { updateDraftSnapshot, type ImportRow } from "@/db/queries/imports";
import { savedRuleRows, upToDateDraftRules, type DraftRuleChange } from "./created-rules";
import { datedSnapshot } from "./mapping-step";
import { lockDraft, nextRevision } from "./drafts";
import type { MapDraft } from "./wizard";
import { mappingSnapshotOf } from "./snapshot";

/** The draft with its rules brought up to date (stored when anything changed), and what changed. */
export async function bringDraftUpToDate(db: Db, imp: ImportRow): Promise<ImportRow & { ruleChanges?: DraftRuleChange[] }> {
  const draft = mappingSnapshotOf(imp);
  const upToDate = upToDateDraftRules(draft.rules ?? [], await savedRuleRows(db, imp.connectionId), imp.updatedAt);
  const { changes } = upToDate;
  // Dated rules (issue 19 §2): the periods in force for the range follow the company's rules too.
  const dated = imp.dateFrom ? await datedSnapshot(db, imp.connectionId, upToDate.rules, { dateFrom: imp.dateFrom, dateTo: imp.dateTo ?? imp.dateFrom }, draft.applyFrom) : { rules: upToDate.rules, periods: [] };
  const { rules } = dated;
  const periodsChanged = JSON.stringify([draft.periods ?? [], (draft.rules ?? []).map((r) => r.validFrom ?? null)]) !== JSON.stringify([dated.periods, rules.map((r) => r.validFrom ?? null)]);
  if (changes.length === 0 && !periodsChanged) return imp;
  const { periods: _periods, ...rest } = draft;
  const mappingSnapshot: MapDraft = { ...rest, rules, ...(dated.periods.length > 0 ? { periods: dated.periods } : {}) };
  // A draft change like any other: under the draft's row lock, only while it is still the revision read.
  const row = await db.transaction(async (tx) => {
    await lockDraft(tx, imp.id, imp.draftRevision);
    return updateDraftSnapshot(tx, imp.id, mappingSnapshot, nextRevision);
  });
  return { ...row, ruleChanges: changes };
}
