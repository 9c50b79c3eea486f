// Mapping rules: for one actiTIME entity, what it becomes in QBO (product spec §2, §4).
// The category and kind strings are the database enums in db/schema/mappings.ts; keep them equal
// (tests/mapping/rules.test.ts checks it). This module is pure: no database, no network.
import { z } from "zod";

export const MAPPING_CATEGORIES = ["user", "project", "type_of_work", "leave_type"] as const;
export type MappingCategory = (typeof MAPPING_CATEGORIES)[number];
export const mappingCategorySchema = z.enum(MAPPING_CATEGORIES);

export const MAPPING_RULE_KINDS = ["create", "link", "skip"] as const;
export type MappingRuleKind = (typeof MAPPING_RULE_KINDS)[number];

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
  },
};

/** Categories whose target is a QBO service item (these need an income account and a rate on create). */
export function isItemCategory(category: MappingCategory): boolean {
  return MAPPING_CATEGORY_META[category].qboEntity === "Item";
}

/**
 * The words the UI shows for a rule (user guide: "Create new [QB Entity]", "Link to [Existing QB
 * Entity]", "Do not import"). `nested` picks the sub-customer / sub-service wording.
 */
export function ruleKindLabel(category: MappingCategory, kind: MappingRuleKind, nested = false): string {
  if (kind === "skip") return "Do not import";
  const meta = MAPPING_CATEGORY_META[category];
  const noun = nested && meta.qboSubNoun !== null ? meta.qboSubNoun : meta.qboNoun;
  return kind === "create" ? `Create new QB ${noun}` : `Link to QB ${noun}`;
}

const qboIdSchema = z.string().trim().min(1, "Choose a QuickBooks entry");

export const skipRuleSchema = z.object({ kind: z.literal("skip") });

export const linkRuleSchema = z.object({
  kind: z.literal("link"),
  targetQboId: qboIdSchema,
  /** Display name or full name at the time of choosing, for lists and history. */
  targetName: z.string(),
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
});

export const mappingRuleSchema = z.discriminatedUnion("kind", [skipRuleSchema, linkRuleSchema, createRuleSchema]);

export type SkipRule = z.infer<typeof skipRuleSchema>;
export type LinkRule = z.infer<typeof linkRuleSchema>;
export type CreateRule = z.infer<typeof createRuleSchema>;
export type MappingRule = z.infer<typeof mappingRuleSchema>;

/** A rule together with the actiTIME entity it belongs to. */
export interface RuleForEntity {
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
  rule: MappingRule;
}
