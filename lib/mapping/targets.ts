// What a rule of a category can point at in QuickBooks: the one builder of the lists that the Map
// step and Settings offer (links, parents of a new sub-customer / sub-service, income accounts),
// and the name QuickBooks gives an Id. Pure: the directory is read by the caller.
import { QBO_CATEGORY_ITEM_TYPE, QBO_MAX_NESTING_LEVEL, QBO_SERVICE_ITEM_TYPE, qboLevelOf, type QboDirectory } from "./directory";
import { isItemCategory, MAPPING_CATEGORY_META, type MappingCategory } from "./rules";

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
export function targetNameOf(category: MappingCategory, directory: QboDirectory, qboId: string): string | undefined {
  const entity = MAPPING_CATEGORY_META[category].qboEntity;
  if (entity === "Employee") return directory.employees.find((e) => e.id === qboId)?.name;
  if (entity === "Customer") return directory.customers.find((c) => c.id === qboId)?.fullyQualifiedName;
  return directory.items.find((i) => i.id === qboId)?.fullyQualifiedName;
}
