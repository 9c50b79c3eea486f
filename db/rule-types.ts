// Mapping rules as stored: the mapping_rules columns, a history row's before/after and an import's
// snapshot of them (issue 16: row-level shapes live with the schema). db/types re-exports this file;
// lib/mapping/rules.ts builds the rule model on it and re-exports it.
import { z } from "zod";

/** The actiTIME entity categories a mapping rule is for: the `mapping_category` enum (db/schema/mappings.ts) and the rule model (lib/mapping/rules.ts) read this list. */
export const MAPPING_CATEGORIES = ["user", "project", "type_of_work", "leave_type"] as const;
export type MappingCategory = (typeof MAPPING_CATEGORIES)[number];

export const mappingCategorySchema = z.enum(MAPPING_CATEGORIES);

export const MAPPING_RULE_KINDS = ["create", "link", "skip"] as const;
export type MappingRuleKind = (typeof MAPPING_RULE_KINDS)[number];

/** Users only: "Vendor" makes a link / create rule a QuickBooks Vendor (a contractor) instead of an Employee. */
export const ruleNameOfSchema = z.literal("Vendor");
export type RuleNameOf = z.infer<typeof ruleNameOfSchema>;

/** The QuickBooks Class / Department (Location) a project's or user's time is written with; null = leave it empty. */
export const dimensionChoiceSchema = z.object({ qboId: z.string().min(1), name: z.string() }).nullable();
export type DimensionChoice = z.infer<typeof dimensionChoiceSchema>;

/**
 * Class and Location rules, carried by project and user rules (stored as mapping_rules.dimensions).
 * A missing key is no rule (a project's falls through to its user's); null is an explicit "leave it
 * empty". Only read when the company tracks classes / locations.
 */
export const ruleDimensionsSchema = z.object({ class: dimensionChoiceSchema.optional(), location: dimensionChoiceSchema.optional() });
export type RuleDimensions = z.infer<typeof ruleDimensionsSchema>;

/** Which actiTIME entity a rule is for. */
export const entityKeySchema = z.object({ category: mappingCategorySchema, sourceId: z.number().int(), sourceName: z.string() });
export type EntityKey = z.infer<typeof entityKeySchema>;

const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** What a create rule adds (stored as mapping_rules.create_options); a value of the wrong type reads as absent. */
export const createOptionsSchema = z.object({
  parentQboId: optional(z.string()),
  incomeAccountId: optional(z.string()),
  unitPrice: optional(z.number()),
});
export type CreateOptions = z.infer<typeof createOptionsSchema>;

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((v) => v ?? null);

/** A rule as stored: the mapping_rules columns that say what it does, and a history row's before/after. */
export const storedRuleSchema = z.object({
  kind: z.enum(MAPPING_RULE_KINDS),
  /** link: the QBO entity's Id; create: set once the entity exists. */
  targetQboId: nullable(z.string()),
  /** link: the entity's display/full name; create: the name to create. */
  targetName: nullable(z.string()),
  createOptions: nullable(createOptionsSchema),
  /**
   * History rows from Settings only: the names of the parent and income account at the time of the
   * change, so the history still reads in words after QuickBooks renames or removes them.
   */
  names: z.object({ parent: z.string().optional(), incomeAccount: z.string().optional() }).optional(),
  /** Users' link / create only: "Vendor" (mapping_rules.name_of); absent: an Employee. */
  nameOf: ruleNameOfSchema.optional().catch(undefined),
  /** Class / Location rules (mapping_rules.dimensions); absent: none. */
  dimensions: ruleDimensionsSchema.optional().catch(undefined),
  /**
   * Rules that apply from a date (issue 19 §2): the first actiTIME date the rule is in force; null or
   * absent = all dates (from the start of time). sameStoredRule does not compare it.
   */
  validFrom: z.string().nullable().optional(),
});
export type StoredRule = z.infer<typeof storedRuleSchema>;

/** One rule as an import's mapping snapshot holds it (what a run used). */
export const snapshotRuleSchema = entityKeySchema.extend(storedRuleSchema.shape);
export type SnapshotRule = z.infer<typeof snapshotRuleSchema>;

/** A rule field a Map step / Settings error names. */
export type RuleField = "kind" | "name" | "target" | "parent" | "incomeAccount" | "unitPrice" | "class" | "location";

export interface FieldError {
  category: MappingCategory;
  sourceId: number;
  field: RuleField;
  message: string;
}
