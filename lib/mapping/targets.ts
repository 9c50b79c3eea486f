// What a rule of a category can point at in QuickBooks: the one builder of the lists that the Map
// step and Settings offer (links, parents of a new sub-customer / sub-service, income accounts),
// and the name QuickBooks gives an Id. Pure: the directory is read by the caller.
import { QBO_CATEGORY_ITEM_TYPE, QBO_MAX_NESTING_LEVEL, QBO_SERVICE_ITEM_TYPE, qboLevelOf, type QboDirectory } from "./directory";
import { DIMENSION_CATEGORIES, isItemCategory, MAPPING_CATEGORY_META, RULE_DIMENSION_META, RULE_DIMENSIONS, workerOf, type MappingCategory, type MappingRule, type RuleDimension, type RuleDimensions } from "./rules";

export interface TargetOption {
  value: string;
  label: string;
}

export interface RuleTargets {
  /** Active entries a link can point at: employees; customers and sub-customers; service items and sub-services. */
  links: TargetOption[];
  /** Active entries a new sub-customer / sub-service can sit under (QuickBooks nests at most 5 levels); null when the category does not nest. */
  parents: TargetOption[] | null;
  /** Income accounts of a new service item; null for categories that are not items. */
  incomeAccounts: TargetOption[] | null;
}

const byLabel = (a: TargetOption, b: TargetOption) => a.label.localeCompare(b.label, "en", { sensitivity: "base" });
const option = (value: string, label: string): TargetOption => ({ value, label });
const canNestUnder = (fullyQualifiedName: string) => qboLevelOf(fullyQualifiedName) < QBO_MAX_NESTING_LEVEL;

export function ruleTargets(category: MappingCategory, directory: QboDirectory): RuleTargets {
  const entity = MAPPING_CATEGORY_META[category].qboEntity;
  if (entity === "Employee") {
    return { links: directory.employees.filter((e) => e.active).map((e) => option(e.id, e.name)).sort(byLabel), parents: null, incomeAccounts: null };
  }
  if (entity === "Customer") {
    const active = directory.customers.filter((c) => c.active);
    return {
      links: active.map((c) => option(c.id, c.fullyQualifiedName)).sort(byLabel),
      parents: active.filter((c) => canNestUnder(c.fullyQualifiedName)).map((c) => option(c.id, c.fullyQualifiedName)).sort(byLabel),
      incomeAccounts: null,
    };
  }
  const items = directory.items.filter((i) => i.active);
  return {
    links: items.filter((i) => i.type === QBO_SERVICE_ITEM_TYPE).map((i) => option(i.id, i.fullyQualifiedName)).sort(byLabel),
    parents: items
      .filter((i) => (i.type === QBO_SERVICE_ITEM_TYPE || i.type === QBO_CATEGORY_ITEM_TYPE) && canNestUnder(i.fullyQualifiedName))
      .map((i) => option(i.id, i.fullyQualifiedName))
      .sort(byLabel),
    incomeAccounts: isItemCategory(category) ? directory.incomeAccounts.map((a) => option(a.id, a.name)).sort(byLabel) : null,
  };
}

/** The name QuickBooks has for an entry of the category's list (active or not), as links store it. */
export function targetNameOf(category: MappingCategory, directory: QboDirectory, qboId: string, nameOf?: string | null): string | undefined {
  if (category === "user" && nameOf === "Vendor") return directory.vendors.find((v) => v.id === qboId)?.name;
  const entity = MAPPING_CATEGORY_META[category].qboEntity;
  if (entity === "Employee") return directory.employees.find((e) => e.id === qboId)?.name;
  if (entity === "Customer") return directory.customers.find((c) => c.id === qboId)?.fullyQualifiedName;
  return directory.items.find((i) => i.id === qboId)?.fullyQualifiedName;
}

// ── Issue 19: vendors, classes and locations ───────────────────────────────────────────────

/** Active vendors a user's Link to QB Vendor can point at. */
export function vendorTargets(directory: QboDirectory): TargetOption[] {
  return directory.vendors.filter((v) => v.active !== false).map((v) => option(v.id, v.name)).sort(byLabel);
}

/**
 * The Class / Location lists the company tracks: for each tracked dimension, its active entries by
 * full name; an untracked dimension is absent (its rules are hidden entirely).
 */
export function dimensionTargets(directory: QboDirectory): Partial<Record<RuleDimension, TargetOption[]>> {
  const out: Partial<Record<RuleDimension, TargetOption[]>> = {};
  for (const dimension of RULE_DIMENSIONS) {
    const list = directory[RULE_DIMENSION_META[dimension].directoryKey];
    if (list) out[dimension] = list.filter((e) => e.active).map((e) => option(e.id, e.fullyQualifiedName)).sort(byLabel);
  }
  return out;
}

/** Whether the company tracks the dimension (the directory lists it only then). */
export function tracksDimension(directory: QboDirectory | null, dimension: RuleDimension): boolean {
  return Boolean(directory?.[RULE_DIMENSION_META[dimension].directoryKey]);
}

/**
 * A rule from a form, named as QuickBooks names its targets (a vendor link's DisplayName, a class's
 * full name), with the Class / Location rules of `before` kept for what the company does not track
 * (those fields are not shown, so the form says nothing about them).
 */
export function withDirectoryNames(category: MappingCategory, rule: MappingRule, directory: QboDirectory, before?: { dimensions?: RuleDimensions | null }): MappingRule {
  let out = rule;
  if (rule.kind === "link" && workerOf(rule) === "Vendor") {
    const vendor = directory.vendors.find((v) => v.id === rule.targetQboId);
    if (vendor) out = { ...rule, targetName: vendor.name };
  }
  const dimensions: RuleDimensions = {};
  for (const dimension of RULE_DIMENSIONS) {
    const list = directory[RULE_DIMENSION_META[dimension].directoryKey];
    const choice = list ? rule.dimensions?.[dimension] : before?.dimensions?.[dimension];
    if (choice === undefined || !DIMENSION_CATEGORIES.includes(category)) continue;
    const entry = choice && list ? list.find((e) => e.id === choice.qboId) : undefined;
    dimensions[dimension] = choice === null ? null : { qboId: choice.qboId, name: entry?.fullyQualifiedName ?? choice.name };
  }
  const { dimensions: _old, ...rest } = out;
  return (Object.keys(dimensions).length > 0 ? { ...rest, dimensions } : rest) as MappingRule;
}
