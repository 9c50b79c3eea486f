// An import's mapping snapshot (imports.mapping_snapshot), read in one place and parsed, never cast:
// the rules the run uses (snapshot form, lib/mapping/rules.ts) and, while a draft, the map step's errors.
import { z } from "zod";
import type { ImportRow } from "@/db/queries/imports";
import type { MapApplyFrom, MappingSnapshot } from "@/db/types";
import { mappingCategorySchema, snapshotRuleSchema, sortPeriods, workerOf, type SnapshotRule } from "@/lib/mapping/rules";
import type { FieldError, RuleField } from "@/lib/mapping/validate";

const RULE_FIELDS = ["kind", "name", "target", "parent", "incomeAccount", "unitPrice", "class", "location"] as const satisfies readonly RuleField[];
const fieldErrorSchema: z.ZodType<FieldError> = z.object({ category: mappingCategorySchema, sourceId: z.number(), field: z.enum(RULE_FIELDS), message: z.string() });

/** The Map step's "Apply from" (db/types MapApplyFrom). */
export const mapApplyFromSchema: z.ZodType<MapApplyFrom> = z.object({ validFrom: z.string().nullable(), keys: z.array(z.string()) });
export type { MapApplyFrom };

const mappingSnapshotSchema = z.looseObject({
  rules: z.array(snapshotRuleSchema).optional(),
  /** Earlier periods of dated rules overlapping the import's range (issue 19 §2). */
  periods: z.array(snapshotRuleSchema).optional(),
  errors: z.array(fieldErrorSchema).optional(),
  applyFrom: mapApplyFromSchema.optional(),
});

/** The snapshot as the map step wrote it (absent → empty). */
export function mappingSnapshotOf(imp: Pick<ImportRow, "mappingSnapshot">): MappingSnapshot {
  if (imp.mappingSnapshot == null) return {};
  const { rules, periods, errors, applyFrom } = mappingSnapshotSchema.parse(imp.mappingSnapshot);
  return { rules, ...(periods ? { periods } : {}), errors, ...(applyFrom ? { applyFrom } : {}) };
}

/** The rules an import's snapshot holds (none before the map step). */
export function snapshotRulesOf(imp: Pick<ImportRow, "mappingSnapshot">): SnapshotRule[] {
  return mappingSnapshotOf(imp).rules ?? [];
}

/** The creates of one actiTIME entity an import makes: the rule whose entity it creates, and the earlier periods that stand for the same entity. */
export interface SnapshotCreate {
  rule: SnapshotRule;
  /** The earlier periods (rules that apply from a date) whose "Create new QB …" is this entity, `rule` too when it is one; oldest first. */
  periods: SnapshotRule[];
}

const makesNothingYet = (rule: SnapshotRule) => rule.kind === "create" && !rule.targetQboId;
const sameEntityToCreate = (a: SnapshotRule, b: SnapshotRule) =>
  (a.targetName ?? a.sourceName).trim().toLowerCase() === (b.targetName ?? b.sourceName).trim().toLowerCase() &&
  (a.createOptions?.parentQboId ?? null) === (b.createOptions?.parentQboId ?? null) &&
  workerOf(a) === workerOf(b);

/**
 * Per actiTIME entity (`category:sourceId`), the create an import makes: each entity has one `new:`
 * ref, so one entity to create. The current rule's "Create new QB …" owns it; without one, the latest
 * earlier period's that made nothing yet (issue 19 §2: re-importing a period before the rule changed
 * creates what that period's rule says). Earlier periods naming the same entity (name, parent,
 * Employee / Vendor) share it; another name in an earlier period resolves as no rule for its dates.
 */
export function snapshotCreates(snapshot: { rules?: readonly SnapshotRule[]; periods?: readonly SnapshotRule[] }): Map<string, SnapshotCreate> {
  const out = new Map<string, SnapshotCreate>();
  const key = (rule: SnapshotRule) => `${rule.category}:${rule.sourceId}`;
  for (const rule of snapshot.rules ?? []) if (makesNothingYet(rule)) out.set(key(rule), { rule, periods: [] });
  const periods = sortPeriods((snapshot.periods ?? []).filter(makesNothingYet)).reverse();
  for (const period of periods) if (!out.has(key(period))) out.set(key(period), { rule: period, periods: [] });
  for (const period of periods) {
    const create = out.get(key(period));
    if (create && sameEntityToCreate(create.rule, period)) create.periods.push(period);
  }
  for (const create of out.values()) create.periods.reverse();
  return out;
}
