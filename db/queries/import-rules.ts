// The statements behind saveRulesOfImport (lib/import/execute.ts): the rules of an import that ran to
// its end become the company's, each change kept in the mapping history. (The rule model's own
// saveRule replaces this when it lands.)
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importItems, mappingHistory, mappingRules } from "@/db/schema";
import type { MappingCategory } from "@/db/types";
import type { ImportRow } from "./imports";

export type MappingRuleRow = typeof mappingRules.$inferSelect;
type StoredRuleFields = Pick<typeof mappingRules.$inferInsert, "kind" | "targetQboId" | "targetName" | "createOptions">;
interface RuleKey {
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
}

/** The company's rule for this actiTIME entity, and the QBO Id the import's `create` item got for it. */
export async function importRuleContext(db: Db, imp: Pick<ImportRow, "id" | "connectionId">, rule: RuleKey, withCreated: boolean) {
  const [existing] = await db
    .select()
    .from(mappingRules)
    .where(and(eq(mappingRules.connectionId, imp.connectionId), eq(mappingRules.category, rule.category), eq(mappingRules.sourceId, rule.sourceId)));
  const created = withCreated
    ? (
        await db
          .select({ qboId: importItems.qboId })
          .from(importItems)
          .where(and(eq(importItems.importId, imp.id), eq(importItems.sourceKey, `new:${rule.category}:${rule.sourceId}`), eq(importItems.status, "created")))
      )[0]?.qboId
    : undefined;
  return { existing: existing as MappingRuleRow | undefined, created };
}

/** Writes the rule (update of `existing`, else insert) and its history row. */
export async function writeImportRule(
  db: Db,
  imp: Pick<ImportRow, "id" | "connectionId" | "createdByAdminId">,
  rule: RuleKey,
  existing: MappingRuleRow | undefined,
  before: StoredRuleFields | null,
  next: StoredRuleFields,
  at: Date,
): Promise<void> {
  const [saved] = existing
    ? await db.update(mappingRules).set({ ...next, sourceName: rule.sourceName, updatedByAdminId: imp.createdByAdminId, updatedAt: at }).where(eq(mappingRules.id, existing.id)).returning()
    : await db
        .insert(mappingRules)
        .values({ connectionId: imp.connectionId, category: rule.category, sourceId: rule.sourceId, sourceName: rule.sourceName, ...next, updatedByAdminId: imp.createdByAdminId })
        .returning();
  await db.insert(mappingHistory).values({
    connectionId: imp.connectionId,
    ruleId: saved!.id,
    category: rule.category,
    sourceId: rule.sourceId,
    sourceName: rule.sourceName,
    changedByAdminId: imp.createdByAdminId,
    importId: imp.id,
    before,
    after: next,
    changedAt: at,
  });
}
