// Before an older draft's preview is rebuilt: its rules follow the company's rules changed since
// (lib/import/created-rules upToDateDraftRules), stored on the draft so the preview and Start use them.
import type { Db } from "@/db/client";
import { updateDraftSnapshot, type ImportRow } from "@/db/queries/imports";
import { savedRuleRows, upToDateDraftRules, type DraftRuleChange } from "./created-rules";
import { lockDraft, nextRevision, type MapDraft } from "./wizard";
import { mappingSnapshotOf } from "./snapshot";

/** The draft with its rules brought up to date (stored when anything changed), and what changed. */
export async function bringDraftUpToDate(db: Db, imp: ImportRow): Promise<ImportRow & { ruleChanges?: DraftRuleChange[] }> {
  const draft = mappingSnapshotOf(imp);
  const { rules, changes } = upToDateDraftRules(draft.rules ?? [], await savedRuleRows(db, imp.connectionId), imp.updatedAt);
  if (changes.length === 0) return imp;
  const mappingSnapshot: MapDraft = { ...draft, rules };
  // A draft change like any other: under the draft's row lock, only while it is still the revision read.
  const row = await db.transaction(async (tx) => {
    await lockDraft(tx, imp.id, imp.draftRevision);
    return updateDraftSnapshot(tx, imp.id, mappingSnapshot, nextRevision);
  });
  return { ...row, ruleChanges: changes };
}
