import { boolean, date, index, integer, jsonb, pgEnum, pgTable, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { serialPrimaryKey, stampedAt, timestamps, uuidPrimaryKey } from "./columns";
import { adminRef } from "./accounts";
import { connectionRef } from "./connections";
import { MAPPING_CATEGORIES } from "../types";
import type { CreateOptions, RuleDimensions, StoredRule } from "@/lib/mapping/rules";

/** Users → Employees (one-to-one); Projects → Customers; Types of Work and Leave Types → Service items. */
export const mappingCategory = pgEnum("mapping_category", MAPPING_CATEGORIES);
/** create = "Create new QB …", link = "Link to QB …", skip = "Do not import". */
export const mappingRuleKind = pgEnum("mapping_rule_kind", ["create", "link", "skip"]);

/** What a rule does (lib/mapping/rules.ts StoredRule): the columns of a rule and of each of its earlier periods. */
function ruleTargetColumns() {
  return {
    kind: mappingRuleKind("kind").notNull(),
    /** link: the QBO entity's Id; create: set once the entity exists, so later imports link to it. */
    targetQboId: text("target_qbo_id"),
    /** link: the QBO entity's display/full name; create: the name to create. */
    targetName: text("target_name"),
    /** create only: parent (sub-customer / sub-service), income account, rate — validated by lib/mapping. */
    createOptions: jsonb("create_options").$type<CreateOptions>(),
    /** Users' link / create only: "Vendor" when the target is a QBO Vendor (a contractor); null: an Employee. */
    nameOf: text("name_of"),
    /** Project and user rules: Class / Location choices `{ class?, location? }` (lib/mapping/rules.ts RuleDimensions). */
    dimensions: jsonb("dimensions").$type<RuleDimensions>(),
  };
}

/** One rule per actiTIME entity per connection; born in the import wizard, edited in Settings. */
export const mappingRules = pgTable(
  "mapping_rules",
  {
    id: uuidPrimaryKey(),
    connectionId: connectionRef(),
    category: mappingCategory("category").notNull(),
    /** actiTIME id of the user / project / type of work / leave type. */
    sourceId: integer("source_id").notNull(),
    /** actiTIME name at the time the rule was last saved, for lists and history. */
    sourceName: text("source_name").notNull(),
    ...ruleTargetColumns(),
    /**
     * The first date this rule applies to (an actiTIME calendar date); null = all dates. Earlier dates
     * follow the rule's earlier periods (mapping_rule_periods). Issue 19 §2.
     */
    validFrom: date("valid_from", { mode: "string" }),
    updatedByAdminId: adminRef("updated_by_admin_id"),
    ...timestamps(),
  },
  (t) => [uniqueIndex("mapping_rules_connection_category_source_unique").on(t.connectionId, t.category, t.sourceId)],
);

/**
 * The earlier periods of a rule ("Apply from" a date in Settings): what the rule was for dates before
 * its valid_from. The rule in force on a date d is the period (or the rule itself) with the greatest
 * valid_from ≤ d, a null valid_from being the start of time. "All dates" deletes a rule's periods.
 */
export const mappingRulePeriods = pgTable(
  "mapping_rule_periods",
  {
    id: uuidPrimaryKey(),
    connectionId: connectionRef(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => mappingRules.id, { onDelete: "cascade" }),
    /** Null = from the start of time. */
    validFrom: date("valid_from", { mode: "string" }),
    ...ruleTargetColumns(),
    createdAt: stampedAt("created_at"),
  },
  (t) => [unique("mapping_rule_periods_rule_valid_from_unique").on(t.ruleId, t.validFrom).nullsNotDistinct(), index("mapping_rule_periods_connection_idx").on(t.connectionId)],
);

/** Every change to a rule: who, when, before → after. Rows are never updated. */
export const mappingHistory = pgTable(
  "mapping_history",
  {
    id: serialPrimaryKey(),
    connectionId: connectionRef(),
    ruleId: uuid("rule_id").references(() => mappingRules.id, { onDelete: "set null" }),
    category: mappingCategory("category").notNull(),
    sourceId: integer("source_id").notNull(),
    sourceName: text("source_name").notNull(),
    changedByAdminId: adminRef("changed_by_admin_id"),
    /** Set when the change came from completing an import rather than from Settings. */
    importId: uuid("import_id"),
    before: jsonb("before").$type<StoredRule>(),
    after: jsonb("after").$type<StoredRule>().notNull(),
    changedAt: stampedAt("changed_at"),
  },
  (t) => [
    index("mapping_history_connection_category_idx").on(t.connectionId, t.category, t.changedAt),
    index("mapping_history_rule_idx").on(t.ruleId),
  ],
);

/**
 * Time settings per connection (Settings → Time settings): descriptions, combining and rounding.
 * `combine` auto (the default, what every company had before): one activity per record with a
 * description option on, else per day; record / day / week choose it outright. `rounding` none /
 * up / nearest to `rounding_minutes` (6, 15 or 30). Values are checked in db/queries/mappings.ts.
 */
export const timeDescriptionSettings = pgTable("time_description_settings", {
  connectionId: connectionRef().primaryKey(),
  importTaskNames: boolean("import_task_names").notNull().default(false),
  importComments: boolean("import_comments").notNull().default(false),
  combine: text("combine").notNull().default("auto"),
  rounding: text("rounding").notNull().default("none"),
  roundingMinutes: integer("rounding_minutes").notNull().default(15),
  updatedByAdminId: adminRef("updated_by_admin_id"),
  updatedAt: stampedAt("updated_at"),
});
