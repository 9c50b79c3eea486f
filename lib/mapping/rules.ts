// Mapping rules: for one actiTIME entity, what it becomes in QBO (product spec §2, §4). The one rule
// model, pure (no database, no network):
// - MAPPING_CATEGORY_META: the table of categories everything reads (QBO entity, nouns, URL slug…);
// - MappingRule: a rule as forms, validation and suggestions see it (one zod schema per kind);
// - StoredRule: the same rule as stored (mapping_rules columns, mapping_history before/after, and
//   with its EntityKey an import's SnapshotRule); storedFromRule / ruleFromStored convert between them.
// A new rule kind or rule field is added here: its schema, its stored form in the converter pair.
// Issue 19 added two fields this way (ruleExtras / targetExtras): `nameOf: "Vendor"` on users' link
// and create rules (Link to / Create new QB Vendor), and `dimensions` (Class / Location rules) on
// project and user rules.
// The category and kind strings are the database enums in db/schema/mappings.ts; keep them equal
// (tests/mapping/rules.test.ts checks it).
import { z } from "zod";

import { MAPPING_CATEGORIES, ruleNameOfSchema, ruleDimensionsSchema, storedRuleSchema, type MappingCategory, type MappingRuleKind, type RuleNameOf, type RuleDimensions, type EntityKey, type CreateOptions, type StoredRule, type SnapshotRule } from "@/db/rule-types";

// The stored shapes of a rule (mapping_rules columns, history before/after, the snapshot) live with the
// schema in db/rule-types; this module is the rule model built on them.
export * from "@/db/rule-types";

/** QBO name lists a category maps into. Employee/Customer names are DisplayNames; Items have Name. */
export type QboTargetEntity = "Employee" | "Customer" | "Item";
/** Which QBO name rule applies (reference §2.2–2.4): DisplayName ≤ 500 or Item Name ≤ 100. */
export type QboNameKind = "display" | "item";

export interface MappingCategoryMeta {
  category: MappingCategory;
  /** Section title in the wizard and Settings. */
  label: string;
  /** One entity of the category, for messages ("actiTIME user"). */
  sourceNoun: string;
  qboEntity: QboTargetEntity;
  /** What the target is called in the UI, top level and nested ("Customer" / "Sub-customer"). */
  qboNoun: string;
  qboSubNoun: string | null;
  /** Users map one-to-one (one employee per user, product spec §4); the rest many-to-one. */
  cardinality: "one-to-one" | "many-to-one";
  nameKind: QboNameKind;
  /** The Settings page's URL segment (/settings/projects). */
  slug: string;
  /** One line under the category's title in Settings. */
  blurb: string;
  /** What a sub-customer / sub-service sits under, in words; null when the category does not nest. */
  parentNoun: string | null;
}

export const MAPPING_CATEGORY_META: Readonly<Record<MappingCategory, MappingCategoryMeta>> = {
  user: {
    category: "user",
    label: "Users",
    sourceNoun: "user",
    qboEntity: "Employee",
    qboNoun: "Employee",
    qboSubNoun: null,
    cardinality: "one-to-one",
    nameKind: "display",
    slug: "users",
    blurb: "Each actiTIME user becomes one QuickBooks employee (one-to-one).",
    parentNoun: null,
  },
  project: {
    category: "project",
    label: "Projects",
    sourceNoun: "project",
    qboEntity: "Customer",
    qboNoun: "Customer",
    qboSubNoun: "Sub-customer",
    cardinality: "many-to-one",
    nameKind: "display",
    slug: "projects",
    blurb: "actiTIME projects become QuickBooks customers or sub-customers; several projects may share one.",
    parentNoun: "customer",
  },
  type_of_work: {
    category: "type_of_work",
    label: "Types of Work",
    sourceNoun: "type of work",
    qboEntity: "Item",
    qboNoun: "Service Item",
    qboSubNoun: "Sub-service",
    cardinality: "many-to-one",
    nameKind: "item",
    slug: "types-of-work",
    blurb: "actiTIME types of work become QuickBooks service items or sub-services; several may share one.",
    parentNoun: "service item",
  },
  leave_type: {
    category: "leave_type",
    label: "Leave Types",
    sourceNoun: "leave type",
    qboEntity: "Item",
    qboNoun: "Service Item",
    qboSubNoun: "Sub-service",
    cardinality: "many-to-one",
    nameKind: "item",
    slug: "leave-types",
    blurb: "actiTIME leave types become QuickBooks service items or sub-services; several may share one.",
    parentNoun: "service item",
  },
};

/** The category of a Settings URL segment, or null. */
export function categoryOfSlug(slug: string): MappingCategory | null {
  return MAPPING_CATEGORIES.find((category) => MAPPING_CATEGORY_META[category].slug === slug) ?? null;
}

/** Categories whose target is a QBO service item (these need an income account and a rate on create). */
export function isItemCategory(category: MappingCategory): boolean {
  return MAPPING_CATEGORY_META[category].qboEntity === "Item";
}

/**
 * The words the UI shows for a rule (user guide: "Create new [QB Entity]", "Link to [Existing QB
 * Entity]", "Do not import"). `nested` picks the sub-customer / sub-service wording.
 */
export function ruleKindLabel(category: MappingCategory, kind: MappingRuleKind, nested = false, nameOf?: RuleNameOf): string {
  if (kind === "skip") return "Do not import";
  const meta = MAPPING_CATEGORY_META[category];
  const noun = nameOf === "Vendor" && category === "user" ? "Vendor" : nested && meta.qboSubNoun !== null ? meta.qboSubNoun : meta.qboNoun;
  return kind === "create" ? `Create new QB ${noun}` : `Link to QB ${noun}`;
}

const qboIdSchema = z.string().trim().min(1, "Choose a QuickBooks entry");

// ── Issue 19: what a rule adds beyond its kind (one place: these schemas, and the converter pair) ──

export const RULE_DIMENSIONS = ["class", "location"] as const;
export type RuleDimension = (typeof RULE_DIMENSIONS)[number];

/** The categories whose rules carry Class / Location rules (a project's wins over its user's). */
export const DIMENSION_CATEGORIES: readonly MappingCategory[] = ["project", "user"];

export interface RuleDimensionMeta {
  dimension: RuleDimension;
  /** The UI's word ("Class", "Location"). */
  label: string;
  /** The QuickBooks list: Class, Department (QuickBooks calls locations Departments in the API). */
  qboEntity: "Class" | "Department";
  /** The directory's list, present only when the company tracks it. */
  directoryKey: "classes" | "departments";
  /** The form field of the choice (Settings' rule form, the Map step's `r:<category>:<id>:<field>`). */
  formField: "classQboId" | "locationQboId";
}

export const RULE_DIMENSION_META: Readonly<Record<RuleDimension, RuleDimensionMeta>> = {
  class: { dimension: "class", label: "Class", qboEntity: "Class", directoryKey: "classes", formField: "classQboId" },
  location: { dimension: "location", label: "Location", qboEntity: "Department", directoryKey: "departments", formField: "locationQboId" },
};

/** A dimension choice's form value for "leave it empty" (an empty value is no rule). */
export const DIMENSION_EMPTY_VALUE = "none";

/** Fields every rule kind may carry (issue 19). */
const ruleExtras = { dimensions: ruleDimensionsSchema.optional() };
/** …and what link / create rules of users may carry. */
const targetExtras = { ...ruleExtras, nameOf: ruleNameOfSchema.optional() };

export const skipRuleSchema = z.object({ kind: z.literal("skip"), ...ruleExtras });

export const linkRuleSchema = z.object({
  kind: z.literal("link"),
  targetQboId: qboIdSchema,
  /** Display name or full name at the time of choosing, for lists and history. */
  targetName: z.string(),
  ...targetExtras,
});

export const createRuleSchema = z.object({
  kind: z.literal("create"),
  /** The DisplayName (employee, customer) or Item Name to create; QBO name rules live in names.ts. */
  name: z.string(),
  /** Sub-customer / sub-service: the parent's QBO Id. */
  parentQboId: z.string().nullable().optional(),
  /** Service items only: a QBO Income account Id (reference §2.4: IncomeAccountRef is required). */
  incomeAccountId: z.string().optional(),
  /** Service items only: the item's UnitPrice, a rate per hour. */
  unitPrice: z.number().nonnegative("Rate must be a number of 0 or more").optional(),
  /** Set once the entity exists in QBO, so later imports use it instead of creating it again. */
  targetQboId: z.string().nullable().optional(),
  ...targetExtras,
});

export const mappingRuleSchema = z.discriminatedUnion("kind", [skipRuleSchema, linkRuleSchema, createRuleSchema]);

export type SkipRule = z.infer<typeof skipRuleSchema>;
export type LinkRule = z.infer<typeof linkRuleSchema>;
export type CreateRule = z.infer<typeof createRuleSchema>;
export type MappingRule = z.infer<typeof mappingRuleSchema>;


/** A rule together with the actiTIME entity it belongs to. */
export type RuleForEntity = EntityKey & { rule: MappingRule };


/** Stored JSON (a history row's before/after) as a StoredRule, or null when absent or unreadable. */
export function parseStoredRule(value: unknown): StoredRule | null {
  const parsed = storedRuleSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The stored form of a typed rule (one half of the converter pair). */
export function storedFromRule(rule: MappingRule): StoredRule {
  return { ...storedCoreFromRule(rule), ...extrasOf(rule) };
}

function storedCoreFromRule(rule: MappingRule): StoredRule {
  if (rule.kind === "skip") return { kind: "skip", targetQboId: null, targetName: null, createOptions: null };
  if (rule.kind === "link") return { kind: "link", targetQboId: rule.targetQboId, targetName: rule.targetName, createOptions: null };
  const createOptions: CreateOptions = {};
  if (rule.parentQboId) createOptions.parentQboId = rule.parentQboId;
  if (rule.incomeAccountId !== undefined) createOptions.incomeAccountId = rule.incomeAccountId;
  if (rule.unitPrice !== undefined) createOptions.unitPrice = rule.unitPrice;
  return { kind: "create", targetQboId: rule.targetQboId ?? null, targetName: rule.name, createOptions };
}

/** The issue-19 fields of a rule, stored or typed, present only when set (a skip has no nameOf). */
export function extrasOf(rule: { kind: MappingRuleKind; nameOf?: RuleNameOf | null; dimensions?: RuleDimensions | null }): { nameOf?: RuleNameOf; dimensions?: RuleDimensions } {
  const out: { nameOf?: RuleNameOf; dimensions?: RuleDimensions } = {};
  if (rule.kind !== "skip" && rule.nameOf === "Vendor") out.nameOf = "Vendor";
  const dimensions = rule.dimensions ? Object.fromEntries(RULE_DIMENSIONS.filter((d) => rule.dimensions![d] !== undefined).map((d) => [d, rule.dimensions![d]])) : {};
  if (Object.keys(dimensions).length > 0) out.dimensions = dimensions as RuleDimensions;
  return out;
}

/** The typed rule of a stored one (the other half); a create without a name creates `fallbackName`. */
export function ruleFromStored(stored: Pick<StoredRule, "kind" | "targetQboId" | "targetName" | "createOptions"> & Pick<Partial<StoredRule>, "nameOf" | "dimensions">, fallbackName: string): MappingRule {
  return { ...ruleCoreFromStored(stored, fallbackName), ...extrasOf(stored) } as MappingRule;
}

function ruleCoreFromStored(stored: Pick<StoredRule, "kind" | "targetQboId" | "targetName" | "createOptions">, fallbackName: string): MappingRule {
  if (stored.kind === "skip") return { kind: "skip" };
  if (stored.kind === "link") return { kind: "link", targetQboId: stored.targetQboId ?? "", targetName: stored.targetName ?? "" };
  const options = stored.createOptions ?? {};
  return {
    kind: "create",
    name: stored.targetName ?? fallbackName,
    parentQboId: options.parentQboId ?? null,
    incomeAccountId: options.incomeAccountId,
    unitPrice: options.unitPrice,
    targetQboId: stored.targetQboId ?? null,
  };
}

/** What a user's rule makes in QuickBooks: an Employee, or a Vendor (Link to / Create new QB Vendor). */
export function workerOf(rule: object): "Employee" | "Vendor" {
  return "nameOf" in rule && rule.nameOf === "Vendor" ? "Vendor" : "Employee";
}

/** The pair with the entity key: a rule as an import's snapshot holds it… */
export function snapshotFromRule({ rule, ...key }: RuleForEntity): SnapshotRule {
  return { category: key.category, sourceId: key.sourceId, sourceName: key.sourceName, ...storedFromRule(rule) };
}

/** …and back. */
export function ruleFromSnapshot(snapshot: SnapshotRule): RuleForEntity {
  return { category: snapshot.category, sourceId: snapshot.sourceId, sourceName: snapshot.sourceName, rule: ruleFromStored(snapshot, snapshot.sourceName) };
}

/** Equal in what the rule does (the `names` labels and the order of option keys do not count). */
export function sameStoredRule(a: StoredRule | null, b: StoredRule | null): boolean {
  if (a === null || b === null) return a === b;
  const sorted = (o: object | null | undefined) => Object.entries(o ?? {}).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const key = (s: StoredRule) => {
    const extras = extrasOf(s);
    return JSON.stringify([s.kind, s.targetQboId, s.targetName, sorted(s.createOptions), extras.nameOf ?? null, sorted(extras.dimensions)]);
  };
  return key(a) === key(b);
}

/** A create whose entity exists (rows saved before such rules became links) is the link it is. */
export function linkOnceCreated<T extends StoredRule>(stored: T): T {
  if (stored.kind !== "create" || !stored.targetQboId) return stored;
  return { ...stored, kind: "link", createOptions: null };
}

/** An unchanged create (same name, same parent) still points at what an import already created. */
export function keepCreatedEntity(rule: MappingRule, before: Pick<StoredRule, "kind" | "targetQboId" | "targetName" | "createOptions"> & Pick<Partial<StoredRule>, "nameOf">): MappingRule {
  if (rule.kind !== "create" || rule.targetQboId || before.kind !== "create" || !before.targetQboId) return rule;
  // An employee the rule created is no vendor, and the other way round.
  if (workerOf(rule) !== workerOf(before)) return rule;
  const beforeParent = before.createOptions?.parentQboId ?? null;
  const sameName = (before.targetName ?? "").trim().toLowerCase() === rule.name.trim().toLowerCase();
  return sameName && beforeParent === (rule.parentQboId ?? null) ? { ...rule, targetQboId: before.targetQboId } : rule;
}

// ── Rules that apply from a date (issue 19 §2) ───────────────────────────────────────────────

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** One period of a rule: the rule from `validFrom` (null = the start of time) until the next period. */
export interface RulePeriod<R = StoredRule> {
  validFrom: string | null;
  rule: R;
}

/** Periods in order (the null one first, then by date). */
export function sortPeriods<P extends { validFrom?: string | null }>(periods: readonly P[]): P[] {
  return [...periods].sort((a, b) => compareFrom(a.validFrom ?? null, b.validFrom ?? null));
}

function compareFrom(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The period in force on `date`: the greatest validFrom ≤ date (null counts as the start of time); undefined before the first. */
export function periodOn<P extends { validFrom?: string | null }>(sorted: readonly P[], date: string): P | undefined {
  let found: P | undefined;
  for (const period of sorted) {
    const from = period.validFrom ?? null;
    if (from === null || from <= date) found = period;
    else break;
  }
  return found;
}

/** The periods in force on some date of [dateFrom, dateTo] (inclusive), in order. */
export function periodsOverlapping<P extends { validFrom?: string | null }>(periods: readonly P[], dateFrom: string, dateTo: string): P[] {
  const sorted = sortPeriods(periods);
  return sorted.filter((period, index) => {
    const from = period.validFrom ?? null;
    const next = sorted[index + 1]?.validFrom ?? null;
    const startsBy = from === null || from <= dateTo;
    const endsAfter = next === null || next > dateFrom;
    return startsBy && endsAfter;
  });
}

/**
 * The periods after "Apply from `validFrom`" with `rule` (null = all dates: the rule alone, for every
 * date). Periods from that date on are replaced; a rule equal to the one already in force the day
 * before adds no period (that period simply continues).
 */
export function periodsAfterApply(current: readonly RulePeriod[], rule: StoredRule, validFrom: string | null): RulePeriod[] {
  if (validFrom === null) return [{ validFrom: null, rule }];
  const kept = sortPeriods(current).filter((p) => p.validFrom === null || p.validFrom < validFrom);
  const last = kept[kept.length - 1];
  if (last && sameStoredRule(last.rule, rule)) return kept;
  return [...kept, { validFrom, rule }];
}

/** Equal period lists (same starts, rules that do the same). */
export function samePeriods(a: readonly RulePeriod[], b: readonly RulePeriod[]): boolean {
  const x = sortPeriods(a);
  const y = sortPeriods(b);
  return x.length === y.length && x.every((p, i) => p.validFrom === y[i]!.validFrom && sameStoredRule(p.rule, y[i]!.rule));
}
