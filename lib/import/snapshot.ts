// An import's mapping snapshot (imports.mapping_snapshot), read in one place and parsed, never cast:
// the rules the run uses (snapshot form, lib/mapping/rules.ts) and, while a draft, the map step's errors.
import { z } from "zod";
import type { ImportRow } from "@/db/queries/imports";
import type { MappingSnapshot } from "@/db/types";
import { mappingCategorySchema, snapshotRuleSchema, type SnapshotRule } from "@/lib/mapping/rules";
import type { FieldError, RuleField } from "@/lib/mapping/validate";

const RULE_FIELDS = ["kind", "name", "target", "parent", "incomeAccount", "unitPrice", "class", "location"] as const satisfies readonly RuleField[];
const fieldErrorSchema: z.ZodType<FieldError> = z.object({ category: mappingCategorySchema, sourceId: z.number(), field: z.enum(RULE_FIELDS), message: z.string() });

const mappingSnapshotSchema = z.looseObject({
  rules: z.array(snapshotRuleSchema).optional(),
  /** Earlier periods of dated rules overlapping the import's range (issue 19 §2). */
  periods: z.array(snapshotRuleSchema).optional(),
  errors: z.array(fieldErrorSchema).optional(),
});

/** The snapshot as the map step wrote it (absent → empty). */
export function mappingSnapshotOf(imp: Pick<ImportRow, "mappingSnapshot">): MappingSnapshot {
  if (imp.mappingSnapshot == null) return {};
  const { rules, periods, errors } = mappingSnapshotSchema.parse(imp.mappingSnapshot);
  return { rules, ...(periods ? { periods } : {}), errors };
}

/** The rules an import's snapshot holds (none before the map step). */
export function snapshotRulesOf(imp: Pick<ImportRow, "mappingSnapshot">): SnapshotRule[] {
  return mappingSnapshotOf(imp).rules ?? [];
}
