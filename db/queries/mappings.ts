// Mapping rules, their history and the Time Description Settings of one connection (product spec
// §4). Every function is scoped by connectionId; callers pass a connection they have already
// checked against the session's account (db/queries/connections.ts getConnection).
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, mappingHistory, mappingRulePeriods, mappingRules, timeDescriptionSettings } from "@/db/schema";
import { createOptionsSchema, extrasOf, parseStoredRule, periodsAfterApply, ruleDimensionsSchema, sameStoredRule, samePeriods, sortPeriods, type CreateOptions, type EntityKey, type MappingCategory, type RuleDimensions, type RuleNameOf, type RulePeriod, type StoredRule } from "@/lib/mapping/rules";
import { isUuid } from "./connections";
import { ROUNDING_INCREMENTS, type CombineMode, type RoundingIncrement, type RoundingMode, type TimeSettings } from "@/db/types";

/** A mapping_rules row, its create options parsed (lib/mapping/rules.ts StoredRule is its rule part). */
export type MappingRuleRow = Omit<typeof mappingRules.$inferSelect, "createOptions" | "nameOf" | "dimensions"> & {
  createOptions: CreateOptions | null;
  /** Absent: an Employee (users) or not applicable. */
  nameOf?: RuleNameOf;
  /** Absent: no Class / Location rule. */
  dimensions?: RuleDimensions;
};

function ruleOfRow(row: typeof mappingRules.$inferSelect): MappingRuleRow {
  const { nameOf, dimensions, ...rest } = row;
  const options = createOptionsSchema.safeParse(row.createOptions);
  const parsedDimensions = ruleDimensionsSchema.safeParse(dimensions);
  const extras = extrasOf({ kind: row.kind, nameOf: nameOf === "Vendor" ? "Vendor" : undefined, dimensions: parsedDimensions.success ? parsedDimensions.data : undefined });
  return { ...rest, createOptions: options.success ? options.data : null, ...extras };
}

export type MappingRuleListRow = MappingRuleRow & { updatedByName: string | null };

/** The connection's rules of one category, by actiTIME name, with the name of the admin who last changed each. */
export async function listRules(db: Db, connectionId: string, category: MappingCategory): Promise<MappingRuleListRow[]> {
  const rows = await db
    .select({ rule: mappingRules, adminName: admins.fullName })
    .from(mappingRules)
    .leftJoin(admins, eq(admins.id, mappingRules.updatedByAdminId))
    .where(and(eq(mappingRules.connectionId, connectionId), eq(mappingRules.category, category)))
    .orderBy(asc(mappingRules.sourceName), asc(mappingRules.sourceId));
  return rows.map(({ rule, adminName }) => ({ ...ruleOfRow(rule), updatedByName: adminName }));
}

/** Every rule of the connection (the Map step, the import's checks). */
export async function listConnectionRules(db: Db, connectionId: string): Promise<MappingRuleRow[]> {
  const rows = await db.select().from(mappingRules).where(eq(mappingRules.connectionId, connectionId));
  return rows.map(ruleOfRow);
}

/**
 * Every rule of the connection, locked until the transaction ends. Rule edits of one connection are
 * serialised this way, so two admins cannot, say, link two users to one employee at the same time.
 */
export async function lockConnectionRules(tx: Db, connectionId: string): Promise<MappingRuleRow[]> {
  const rows = await tx
    .select()
    .from(mappingRules)
    .where(eq(mappingRules.connectionId, connectionId))
    .orderBy(asc(mappingRules.category), asc(mappingRules.sourceName), asc(mappingRules.sourceId))
    .for("update");
  return rows.map(ruleOfRow);
}

/** How many rules each category has (the Settings overview). */
export async function countRules(db: Db, connectionId: string): Promise<Record<MappingCategory, number>> {
  const rows = await db.select({ category: mappingRules.category }).from(mappingRules).where(eq(mappingRules.connectionId, connectionId));
  const counts: Record<MappingCategory, number> = { user: 0, project: 0, type_of_work: 0, leave_type: 0 };
  for (const row of rows) counts[row.category] += 1;
  return counts;
}

/** One rule, only when it belongs to the connection (a rule id from elsewhere → undefined). */
export async function getRule(db: Db, connectionId: string, ruleId: string): Promise<MappingRuleRow | undefined> {
  if (!isUuid(ruleId)) return undefined;
  const [row] = await db
    .select()
    .from(mappingRules)
    .where(and(eq(mappingRules.connectionId, connectionId), eq(mappingRules.id, ruleId)));
  return row ? ruleOfRow(row) : undefined;
}

/** The connection's rule for one actiTIME entity. */
export async function findRule(db: Db, connectionId: string, entity: Pick<EntityKey, "category" | "sourceId">): Promise<MappingRuleRow | undefined> {
  const [row] = await db
    .select()
    .from(mappingRules)
    .where(and(eq(mappingRules.connectionId, connectionId), eq(mappingRules.category, entity.category), eq(mappingRules.sourceId, entity.sourceId)));
  return row ? ruleOfRow(row) : undefined;
}

export interface SaveRuleInput {
  connectionId: string;
  entity: EntityKey;
  /** The rule from now on; its `names` go into the history row only. */
  rule: StoredRule;
  changedByAdminId: string | null;
  /** Set when the change comes from an import (its completion, or an entity it created). */
  importId?: string | null;
  at: Date;
}

export type SaveRuleResult = { changed: boolean; rule: MappingRuleRow; before: StoredRule | null };

/**
 * The one writer of mapping rules: the entity's rule becomes `rule` (inserted or updated) and the
 * change is recorded in mapping_history (who, when, before → after, which import). A rule that does
 * the same as before writes nothing. Run it inside the caller's transaction.
 */
export async function saveRule(db: Db, input: SaveRuleInput): Promise<SaveRuleResult> {
  const existing = await findRule(db, input.connectionId, input.entity);
  const before = existing ? columnsOf(existing) : null;
  const after = columnsOf(input.rule);
  if (existing && sameStoredRule(before, after)) return { changed: false, rule: existing, before };
  const values = { ...after, nameOf: after.nameOf ?? null, dimensions: after.dimensions ?? null, sourceName: input.entity.sourceName, updatedByAdminId: input.changedByAdminId, updatedAt: input.at };
  const [saved] = existing
    ? await db.update(mappingRules).set(values).where(and(eq(mappingRules.id, existing.id), eq(mappingRules.connectionId, input.connectionId))).returning()
    : await db.insert(mappingRules).values({ connectionId: input.connectionId, category: input.entity.category, sourceId: input.entity.sourceId, ...values }).returning();
  await recordHistory(db, input, saved!.id, before, input.rule.names ? { ...after, names: input.rule.names } : after);
  return { changed: true, rule: ruleOfRow(saved!), before };
}

/** The mapping_history row of one change to a rule (rows are never updated). */
async function recordHistory(db: Db, input: SaveRuleInput, ruleId: string, before: StoredRule | null, after: StoredRule): Promise<void> {
  await db.insert(mappingHistory).values({
    connectionId: input.connectionId,
    ruleId,
    category: input.entity.category,
    sourceId: input.entity.sourceId,
    sourceName: input.entity.sourceName,
    changedByAdminId: input.changedByAdminId,
    importId: input.importId ?? null,
    before,
    after,
    changedAt: input.at,
  });
}

function columnsOf(rule: Pick<StoredRule, "kind" | "targetQboId" | "targetName" | "createOptions" | "nameOf" | "dimensions">): StoredRule {
  return { kind: rule.kind, targetQboId: rule.targetQboId, targetName: rule.targetName, createOptions: rule.createOptions, ...extrasOf(rule) };
}

// ── Rules that apply from a date (issue 19 §2) ───────────────────────────────────────────────

function storedOfPeriodRow(row: typeof mappingRulePeriods.$inferSelect): StoredRule {
  const options = createOptionsSchema.safeParse(row.createOptions);
  const dimensions = ruleDimensionsSchema.safeParse(row.dimensions);
  const extras = extrasOf({ kind: row.kind, nameOf: row.nameOf === "Vendor" ? "Vendor" : undefined, dimensions: dimensions.success ? dimensions.data : undefined });
  return { kind: row.kind, targetQboId: row.targetQboId, targetName: row.targetName, createOptions: options.success ? options.data : null, ...extras };
}

/**
 * Every period of the given rules (of the connection), the rule's own row included (its valid_from
 * is the last period's start), by rule id, in date order.
 */
export async function listRulePeriods(db: Db, connectionId: string, rules: readonly Pick<MappingRuleRow, "id" | "validFrom" | "kind" | "targetQboId" | "targetName" | "createOptions">[]): Promise<Map<string, RulePeriod[]>> {
  const byRule = new Map<string, RulePeriod[]>(rules.map((r) => [r.id, [{ validFrom: r.validFrom ?? null, rule: columnsOf(r) }]]));
  const dated = rules.filter((r) => r.validFrom !== null).map((r) => r.id);
  if (dated.length === 0) return byRule;
  const rows = await db
    .select()
    .from(mappingRulePeriods)
    .where(and(eq(mappingRulePeriods.connectionId, connectionId), inArray(mappingRulePeriods.ruleId, dated)));
  for (const row of rows) byRule.get(row.ruleId)?.push({ validFrom: row.validFrom, rule: storedOfPeriodRow(row) });
  for (const [id, periods] of byRule) byRule.set(id, sortPeriods(periods));
  return byRule;
}

/**
 * saveRule with "Apply from": `validFrom` null = all dates (today's behaviour: the rule alone, its
 * earlier periods deleted); a date = the rule from that date on, earlier dates keeping the rules in
 * force for them (lib/mapping/rules.ts periodsAfterApply). The rule's row holds the last period, the
 * earlier ones are mapping_rule_periods rows. One mapping_history row records the change (before and
 * after carry their validFrom). Nothing changes → nothing is written. Run inside the caller's transaction.
 */
export async function saveRuleFrom(db: Db, input: SaveRuleInput & { validFrom: string | null }): Promise<SaveRuleResult & { periods: RulePeriod[] }> {
  const existing = await findRule(db, input.connectionId, input.entity);
  const after = columnsOf(input.rule);
  if (!existing) {
    const saved = await saveRule(db, input);
    return { ...saved, periods: [{ validFrom: null, rule: after }] };
  }
  const current = (await listRulePeriods(db, input.connectionId, [existing])).get(existing.id)!;
  const next = periodsAfterApply(current, after, input.validFrom);
  const before = { ...columnsOf(existing), validFrom: existing.validFrom };
  if (samePeriods(current, next)) return { changed: false, rule: existing, before, periods: current };
  const last = next[next.length - 1]!;
  const [saved] = await db
    .update(mappingRules)
    .set({ ...last.rule, nameOf: last.rule.nameOf ?? null, dimensions: last.rule.dimensions ?? null, validFrom: last.validFrom, sourceName: input.entity.sourceName, updatedByAdminId: input.changedByAdminId, updatedAt: input.at })
    .where(and(eq(mappingRules.id, existing.id), eq(mappingRules.connectionId, input.connectionId)))
    .returning();
  await db.delete(mappingRulePeriods).where(and(eq(mappingRulePeriods.ruleId, existing.id), eq(mappingRulePeriods.connectionId, input.connectionId)));
  const earlier = next.slice(0, -1);
  if (earlier.length > 0) {
    await db.insert(mappingRulePeriods).values(earlier.map((p) => ({ connectionId: input.connectionId, ruleId: existing.id, validFrom: p.validFrom, ...p.rule })));
  }
  await recordHistory(db, input, existing.id, before, { ...after, ...(input.rule.names ? { names: input.rule.names } : {}), validFrom: input.validFrom });
  return { changed: true, rule: ruleOfRow(saved!), before, periods: next };
}

/**
 * An earlier period's "Create new QB …" whose entity now exists (an import created it, or found it by
 * name): the period becomes a link to it, as saveRule makes a current create one, so later imports of
 * its dates link instead of creating it again. One mapping_history row (before and after carry the
 * period's validFrom). Nothing is written when the period is gone or links already. Run inside the
 * caller's transaction.
 */
export async function linkPeriodToCreated(db: Db, input: Omit<SaveRuleInput, "rule"> & { validFrom: string | null; qboId: string; targetName: string }): Promise<boolean> {
  const rule = await findRule(db, input.connectionId, input.entity);
  if (!rule) return false;
  const at = and(eq(mappingRulePeriods.ruleId, rule.id), eq(mappingRulePeriods.connectionId, input.connectionId), input.validFrom === null ? isNull(mappingRulePeriods.validFrom) : eq(mappingRulePeriods.validFrom, input.validFrom));
  const [row] = await db.select().from(mappingRulePeriods).where(at);
  if (!row) {
    // Not a period yet: the rule's own row, which a Map step's change "from a date" makes an earlier
    // period when the import completes (saveRuleFrom). It links to the entity until then.
    if ((rule.validFrom ?? null) !== input.validFrom || rule.kind !== "create" || rule.targetQboId) return false;
    const link: StoredRule = { kind: "link", targetQboId: input.qboId, targetName: input.targetName, createOptions: null, ...extrasOf({ kind: "link", nameOf: rule.nameOf, dimensions: rule.dimensions }) };
    return (await saveRule(db, { ...input, rule: link })).changed;
  }
  if (row.kind !== "create") return false;
  const before = storedOfPeriodRow(row);
  const after: StoredRule = { kind: "link", targetQboId: input.qboId, targetName: input.targetName, createOptions: null, ...extrasOf({ kind: "link", nameOf: before.nameOf, dimensions: before.dimensions }) };
  await db.update(mappingRulePeriods).set({ kind: "link", targetQboId: input.qboId, targetName: input.targetName, createOptions: null }).where(eq(mappingRulePeriods.id, row.id));
  await recordHistory(db, { ...input, rule: after }, rule.id, { ...before, validFrom: input.validFrom }, { ...after, validFrom: input.validFrom });
  return true;
}

export interface HistoryEntry {
  id: number;
  ruleId: string | null;
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
  changedAt: Date;
  /** The admin's name; null when that admin no longer exists. */
  changedByName: string | null;
  /** Set when the change came from completing an import. */
  importId: string | null;
  before: StoredRule | null;
  after: StoredRule | null;
}

/** The connection's mapping history, newest first, optionally for one category or one rule. */
export async function listHistory(
  db: Db,
  connectionId: string,
  filter: { category?: MappingCategory; ruleId?: string; limit?: number } = {},
): Promise<HistoryEntry[]> {
  if (filter.ruleId !== undefined && !isUuid(filter.ruleId)) return [];
  const conditions = [eq(mappingHistory.connectionId, connectionId)];
  if (filter.category !== undefined) conditions.push(eq(mappingHistory.category, filter.category));
  if (filter.ruleId !== undefined) conditions.push(eq(mappingHistory.ruleId, filter.ruleId));
  const rows = await db
    .select({ history: mappingHistory, adminName: admins.fullName })
    .from(mappingHistory)
    .leftJoin(admins, eq(admins.id, mappingHistory.changedByAdminId))
    .where(and(...conditions))
    .orderBy(desc(mappingHistory.changedAt), desc(mappingHistory.id))
    .limit(filter.limit ?? 200);
  return rows.map(({ history, adminName }) => ({
    id: history.id,
    ruleId: history.ruleId,
    category: history.category,
    sourceId: history.sourceId,
    sourceName: history.sourceName,
    changedAt: history.changedAt,
    changedByName: adminName,
    importId: history.importId,
    before: parseStoredRule(history.before),
    after: parseStoredRule(history.after),
  }));
}

export interface TimeDescriptionSettings {
  importTaskNames: boolean;
  importComments: boolean;
  combine: CombineMode;
  rounding: RoundingMode;
  roundingMinutes: RoundingIncrement;
  updatedAt: Date | null;
  updatedByName: string | null;
}

export const COMBINE_MODES: readonly CombineMode[] = ["auto", "record", "day", "week"];
export const ROUNDING_MODES: readonly RoundingMode[] = ["none", "up", "nearest"];

/** A stored value the code no longer knows (or a hand edit) falls back to today's behaviour. */
function storedCombine(value: string): CombineMode {
  return (COMBINE_MODES as readonly string[]).includes(value) ? (value as CombineMode) : "auto";
}
function storedRounding(value: string): RoundingMode {
  return (ROUNDING_MODES as readonly string[]).includes(value) ? (value as RoundingMode) : "none";
}
function storedIncrement(value: number): RoundingIncrement {
  return (ROUNDING_INCREMENTS as readonly number[]).includes(value) ? (value as RoundingIncrement) : 15;
}

/** The connection's Time settings; descriptions off, combining auto and no rounding when never saved. */
export async function getTimeDescriptionSettings(db: Db, connectionId: string): Promise<TimeDescriptionSettings> {
  const [row] = await db
    .select({ settings: timeDescriptionSettings, adminName: admins.fullName })
    .from(timeDescriptionSettings)
    .leftJoin(admins, eq(admins.id, timeDescriptionSettings.updatedByAdminId))
    .where(eq(timeDescriptionSettings.connectionId, connectionId));
  if (!row) return { importTaskNames: false, importComments: false, combine: "auto", rounding: "none", roundingMinutes: 15, updatedAt: null, updatedByName: null };
  return {
    importTaskNames: row.settings.importTaskNames,
    importComments: row.settings.importComments,
    combine: storedCombine(row.settings.combine),
    rounding: storedRounding(row.settings.rounding),
    roundingMinutes: storedIncrement(row.settings.roundingMinutes),
    updatedAt: row.settings.updatedAt,
    updatedByName: row.adminName,
  };
}

/** The Time settings as the planner takes them (lib/import/plan). */
export async function getPlannerTimeSettings(db: Db, connectionId: string): Promise<TimeSettings> {
  const { importTaskNames, importComments, combine, rounding, roundingMinutes } = await getTimeDescriptionSettings(db, connectionId);
  return { importTaskNames, importComments, combine, rounding, roundingMinutes };
}

export async function saveTimeDescriptionSettings(
  db: Db,
  input: {
    connectionId: string;
    adminId: string;
    importTaskNames: boolean;
    importComments: boolean;
    /** Left as stored when absent. */
    combine?: CombineMode;
    rounding?: RoundingMode;
    roundingMinutes?: RoundingIncrement;
    at?: Date;
  },
): Promise<void> {
  const values = {
    importTaskNames: input.importTaskNames,
    importComments: input.importComments,
    ...(input.combine !== undefined ? { combine: input.combine } : {}),
    ...(input.rounding !== undefined ? { rounding: input.rounding } : {}),
    ...(input.roundingMinutes !== undefined ? { roundingMinutes: input.roundingMinutes } : {}),
    updatedByAdminId: input.adminId,
    updatedAt: input.at ?? new Date(),
  };
  await db
    .insert(timeDescriptionSettings)
    .values({ connectionId: input.connectionId, ...values })
    .onConflictDoUpdate({ target: timeDescriptionSettings.connectionId, set: values });
}
