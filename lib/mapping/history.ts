// Mapping rules as stored (mapping_rules columns, mapping_history before/after) and in plain words
// for Settings and its history view (product spec §4: who, when, before → after). Pure: no database.
// The stored shape is the one lib/import/execute.ts (saveRulesOfImport) writes, so history rows
// from imports and from Settings read the same way.
import { z } from "zod";
import type { QboDirectory } from "./directory";
import { isItemCategory, MAPPING_CATEGORY_META, ruleKindLabel, type MappingCategory, type MappingRule } from "./rules";

/** What one rule holds in the database: the mapping_rules columns that say what it does. */
export interface StoredRuleState {
  kind: "create" | "link" | "skip";
  targetQboId: string | null;
  targetName: string | null;
  createOptions: Record<string, unknown> | null;
  /**
   * History rows from Settings only: the names of the parent and income account at the time of the
   * change, so the history still reads in words after QuickBooks renames or removes them.
   */
  names?: { parent?: string; incomeAccount?: string };
}

const storedRuleStateSchema = z.object({
  kind: z.enum(["create", "link", "skip"]),
  targetQboId: z.string().nullable().optional().transform((v) => v ?? null),
  targetName: z.string().nullable().optional().transform((v) => v ?? null),
  createOptions: z.record(z.string(), z.unknown()).nullable().optional().transform((v) => v ?? null),
  names: z.object({ parent: z.string().optional(), incomeAccount: z.string().optional() }).optional(),
});

/** A history row's before/after JSON, or null when it is absent or not a rule we can read. */
export function parseStoredRuleState(value: unknown): StoredRuleState | null {
  const parsed = storedRuleStateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The stored columns of a typed rule (the same mapping as lib/import/rules.ts snapshotFromRule). */
export function storedStateFromRule(rule: MappingRule): StoredRuleState {
  if (rule.kind === "skip") return { kind: "skip", targetQboId: null, targetName: null, createOptions: null };
  if (rule.kind === "link") return { kind: "link", targetQboId: rule.targetQboId, targetName: rule.targetName, createOptions: null };
  const createOptions: Record<string, unknown> = {};
  if (rule.parentQboId) createOptions.parentQboId = rule.parentQboId;
  if (rule.incomeAccountId !== undefined) createOptions.incomeAccountId = rule.incomeAccountId;
  if (rule.unitPrice !== undefined) createOptions.unitPrice = rule.unitPrice;
  return { kind: "create", targetQboId: rule.targetQboId ?? null, targetName: rule.name, createOptions };
}

/** The typed rule of stored columns (what lib/import/rules.ts ruleFromSnapshot does, without the entity). */
export function ruleFromStoredState(state: StoredRuleState, fallbackName: string): MappingRule {
  if (state.kind === "skip") return { kind: "skip" };
  if (state.kind === "link") return { kind: "link", targetQboId: state.targetQboId ?? "", targetName: state.targetName ?? "" };
  const options = state.createOptions ?? {};
  return {
    kind: "create",
    name: state.targetName ?? fallbackName,
    parentQboId: typeof options.parentQboId === "string" ? options.parentQboId : null,
    incomeAccountId: typeof options.incomeAccountId === "string" ? options.incomeAccountId : undefined,
    unitPrice: typeof options.unitPrice === "number" ? options.unitPrice : undefined,
    targetQboId: state.targetQboId ?? null,
  };
}

/** Equal in what the rule does (the `names` labels do not count). */
export function sameRuleState(a: StoredRuleState | null, b: StoredRuleState | null): boolean {
  if (a === null || b === null) return a === b;
  const key = (s: StoredRuleState) =>
    JSON.stringify([s.kind, s.targetQboId, s.targetName, Object.entries(s.createOptions ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))]);
  return key(a) === key(b);
}

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

/** The labels a history row keeps beside the ids (see StoredRuleState.names). */
export function namesForState(category: MappingCategory, state: StoredRuleState, lookup: NameLookup): StoredRuleState["names"] {
  if (state.kind !== "create") return undefined;
  const options = state.createOptions ?? {};
  const names: NonNullable<StoredRuleState["names"]> = {};
  if (typeof options.parentQboId === "string") {
    const parent = lookup.parentName(category, options.parentQboId);
    if (parent !== undefined) names.parent = parent;
  }
  if (typeof options.incomeAccountId === "string") {
    const account = lookup.incomeAccountName(options.incomeAccountId);
    if (account !== undefined) names.incomeAccount = account;
  }
  return Object.keys(names).length > 0 ? names : undefined;
}

/** Whether the rule's target is a sub-customer / sub-service (for the incumbent's wording). */
export function isNestedState(state: StoredRuleState): boolean {
  if (state.kind === "link") return (state.targetName ?? "").includes(":");
  if (state.kind === "create") return typeof state.createOptions?.parentQboId === "string";
  return false;
}

/** "Link to QB Sub-customer", "Create new QB Employee", "Do not import". */
export function ruleKindText(category: MappingCategory, state: StoredRuleState): string {
  return ruleKindLabel(category, state.kind, isNestedState(state));
}

export interface RuleDescription {
  /** The rule kind in the incumbent's words. */
  kind: string;
  /** The QuickBooks entry, by name; null for Do not import. */
  target: string | null;
  /** Further detail in words: parent, income account, rate, whether it exists yet. */
  details: string[];
}

function formatRate(value: unknown): string | null {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(2) : null;
}

/** A stored rule in words, never showing a raw QuickBooks id where a name is known. */
export function describeRuleState(category: MappingCategory, state: StoredRuleState, lookup: NameLookup): RuleDescription {
  const kind = ruleKindText(category, state);
  if (state.kind === "skip") return { kind, target: null, details: [] };
  if (state.kind === "link") {
    return { kind, target: state.targetName && state.targetName !== "" ? state.targetName : `a QuickBooks ${MAPPING_CATEGORY_META[category].qboNoun.toLowerCase()}`, details: [] };
  }
  const options = state.createOptions ?? {};
  const details: string[] = [];
  if (typeof options.parentQboId === "string") {
    const parent = state.names?.parent ?? lookup.parentName(category, options.parentQboId);
    const parentNoun = category === "project" ? "customer" : "service item";
    details.push(parent !== undefined ? `under "${parent}"` : `under a parent ${parentNoun} no longer in QuickBooks`);
  }
  if (isItemCategory(category)) {
    if (typeof options.incomeAccountId === "string") {
      const account = state.names?.incomeAccount ?? lookup.incomeAccountName(options.incomeAccountId);
      details.push(account !== undefined ? `income account "${account}"` : "an income account no longer in QuickBooks");
    }
    const rate = formatRate(options.unitPrice);
    if (rate !== null) details.push(`rate ${rate}`);
  }
  if (state.targetQboId) details.push("already created in QuickBooks");
  return { kind, target: state.targetName ?? null, details };
}

/** One line: `Create new QB Sub-customer "Web" (under "Acme")`. */
export function describeRuleStateText(category: MappingCategory, state: StoredRuleState | null, lookup: NameLookup): string {
  if (state === null) return "No rule";
  const d = describeRuleState(category, state, lookup);
  const target = d.target !== null ? ` "${d.target}"` : "";
  const details = d.details.length > 0 ? ` (${d.details.join(", ")})` : "";
  return `${d.kind}${target}${details}`;
}

/** An unchanged create (same name, same parent) still points at what an import already created. */
export function keepCreatedEntity(rule: MappingRule, before: Pick<StoredRuleState, "kind" | "targetQboId" | "targetName" | "createOptions">): MappingRule {
  if (rule.kind !== "create" || rule.targetQboId || before.kind !== "create" || !before.targetQboId) return rule;
  const beforeParent = typeof before.createOptions?.parentQboId === "string" ? before.createOptions.parentQboId : null;
  const sameName = (before.targetName ?? "").trim().toLowerCase() === rule.name.trim().toLowerCase();
  return sameName && beforeParent === (rule.parentQboId ?? null) ? { ...rule, targetQboId: before.targetQboId } : rule;
}
