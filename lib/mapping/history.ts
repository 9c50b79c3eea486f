// Stored mapping rules (lib/mapping/rules.ts StoredRule) in plain words for Settings and its
// history view (product spec §4: who, when, before → after). Pure: no database.
import type { QboDirectory } from "./directory";
import { isItemCategory, MAPPING_CATEGORY_META, RULE_DIMENSION_META, RULE_DIMENSIONS, ruleKindLabel, workerOf, type MappingCategory, type StoredRule } from "./rules";

/** Names the directory knows for ids a rule refers to (a parent, an income account). */
export interface NameLookup {
  parentName(category: MappingCategory, qboId: string): string | undefined;
  incomeAccountName(qboId: string): string | undefined;
}

export function nameLookupFromDirectory(directory: QboDirectory | null): NameLookup {
  if (directory === null) return { parentName: () => undefined, incomeAccountName: () => undefined };
  const customers = new Map(directory.customers.map((c) => [c.id, c.fullyQualifiedName]));
  const items = new Map(directory.items.map((i) => [i.id, i.fullyQualifiedName]));
  const accounts = new Map(directory.incomeAccounts.map((a) => [a.id, a.name]));
  return {
    parentName: (category, id) => (category === "project" ? customers.get(id) : isItemCategory(category) ? items.get(id) : undefined),
    incomeAccountName: (id) => accounts.get(id),
  };
}

/** The labels a history row keeps beside the ids (see StoredRule.names). */
export function namesForState(category: MappingCategory, state: StoredRule, lookup: NameLookup): StoredRule["names"] {
  if (state.kind !== "create") return undefined;
  const options = state.createOptions ?? {};
  const names: NonNullable<StoredRule["names"]> = {};
  if (options.parentQboId !== undefined) {
    const parent = lookup.parentName(category, options.parentQboId);
    if (parent !== undefined) names.parent = parent;
  }
  if (options.incomeAccountId !== undefined) {
    const account = lookup.incomeAccountName(options.incomeAccountId);
    if (account !== undefined) names.incomeAccount = account;
  }
  return Object.keys(names).length > 0 ? names : undefined;
}

/** Whether the rule's target is a sub-customer / sub-service (for the incumbent's wording). */
export function isNestedState(state: StoredRule): boolean {
  if (state.kind === "link") return (state.targetName ?? "").includes(":");
  if (state.kind === "create") return state.createOptions?.parentQboId !== undefined;
  return false;
}

/** "Link to QB Sub-customer", "Create new QB Employee", "Do not import". */
export function ruleKindText(category: MappingCategory, state: StoredRule): string {
  return ruleKindLabel(category, state.kind, isNestedState(state), state.nameOf);
}

/** Class / Location rules in words: `class "East"`, `no location`. */
export function dimensionDetails(state: StoredRule): string[] {
  return RULE_DIMENSIONS.flatMap((dimension) => {
    const choice = state.dimensions?.[dimension];
    const noun = RULE_DIMENSION_META[dimension].label.toLowerCase();
    if (choice === undefined) return [];
    return [choice === null ? `no ${noun}` : `${noun} "${choice.name || choice.qboId}"`];
  });
}

export interface RuleDescription {
  /** The rule kind in the incumbent's words. */
  kind: string;
  /** The QuickBooks entry, by name; null for Do not import. */
  target: string | null;
  /** Further detail in words: parent, income account, rate, whether it exists yet. */
  details: string[];
}

function formatRate(value: number | undefined): string | null {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(2) : null;
}

/** A stored rule in words, never showing a raw QuickBooks id where a name is known. */
export function describeRuleState(category: MappingCategory, state: StoredRule, lookup: NameLookup): RuleDescription {
  const kind = ruleKindText(category, state);
  if (state.kind === "skip") return { kind, target: null, details: [] };
  const noun = category === "user" && workerOf(state) === "Vendor" ? "vendor" : MAPPING_CATEGORY_META[category].qboNoun.toLowerCase();
  if (state.kind === "link") {
    return { kind, target: state.targetName && state.targetName !== "" ? state.targetName : `a QuickBooks ${noun}`, details: dimensionDetails(state) };
  }
  const options = state.createOptions ?? {};
  const details: string[] = [];
  if (options.parentQboId !== undefined) {
    const parent = state.names?.parent ?? lookup.parentName(category, options.parentQboId);
    details.push(parent !== undefined ? `under "${parent}"` : `under a parent ${MAPPING_CATEGORY_META[category].parentNoun ?? "entry"} no longer in QuickBooks`);
  }
  if (isItemCategory(category)) {
    if (options.incomeAccountId !== undefined) {
      const account = state.names?.incomeAccount ?? lookup.incomeAccountName(options.incomeAccountId);
      details.push(account !== undefined ? `income account "${account}"` : "an income account no longer in QuickBooks");
    }
    const rate = formatRate(options.unitPrice);
    if (rate !== null) details.push(`rate ${rate}`);
  }
  if (state.targetQboId) details.push("already created in QuickBooks");
  details.push(...dimensionDetails(state));
  return { kind, target: state.targetName ?? null, details };
}

/** One line: `Create new QB Sub-customer "Web" (under "Acme")`. */
export function describeRuleStateText(category: MappingCategory, state: StoredRule | null, lookup: NameLookup): string {
  if (state === null) return "No rule";
  const d = describeRuleState(category, state, lookup);
  const target = d.target !== null ? ` "${d.target}"` : "";
  const details = d.details.length > 0 ? ` (${d.details.join(", ")})` : "";
  return `${d.kind}${target}${details}`;
}
