// Before an older draft's preview is rebuilt: its rules follow the company's rules changed since
// (lib/import/created-rules upToDateDraftRules), stored on the draft so the preview and Start use them.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { imports } from "@/db/schema";
import type { ImportRow } from "@/db/queries/imports";
import { savedRuleRows, upToDateDraftRules, type DraftRuleChange } from "./created-rules";
import type { MapDraft } from "./wizard";

/** The draft with its rules brought up to date (stored when anything changed), and what changed. */
export async function bringDraftUpToDate(db: Db, imp: ImportRow): Promise<ImportRow & { ruleChanges?: DraftRuleChange[] }> {
  const draft = (imp.mappingSnapshot ?? {}) as Partial<MapDraft>;
  const { rules, changes } = upToDateDraftRules(draft.rules ?? [], await savedRuleRows(db, imp.connectionId), imp.updatedAt);
  if (changes.length === 0) return imp;
  const mappingSnapshot: MapDraft = { ...draft, rules };
  const [row] = await db.update(imports).set({ mappingSnapshot, updatedAt: new Date() }).where(eq(imports.id, imp.id)).returning();
  return { ...row!, ruleChanges: changes };
}
