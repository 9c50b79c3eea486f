// What saveRulesOfImport (lib/import/execute.ts) reads before it saves an import's rules as the
// company's through saveRule (db/queries/mappings.ts): the current rule and the entity the import created.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importItems, mappingRules } from "@/db/schema";
import type { MappingCategory } from "@/db/types";
import type { ImportRow } from "./imports";

export type MappingRuleRow = typeof mappingRules.$inferSelect;
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
    : undefined; // a created Vendor's rule stays a vendor rule (storedRuleAfterImport keeps nameOf)
  return { existing: existing as MappingRuleRow | undefined, created };
}
