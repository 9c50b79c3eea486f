// Mapping rules in their three shapes: lib/mapping's typed rule (forms, validation, suggestions),
// the import's snapshot (what a run used), and the mapping_rules row.
import type { mappingRules } from "@/db/schema";
import type { MappingRule, RuleForEntity } from "@/lib/mapping/rules";
import type { SnapshotRule } from "./types";

type RuleRow = typeof mappingRules.$inferSelect;

export function snapshotFromRule(entry: RuleForEntity): SnapshotRule {
  const base = { category: entry.category, sourceId: entry.sourceId, sourceName: entry.sourceName };
  const rule = entry.rule;
  if (rule.kind === "skip") return { ...base, kind: "skip", targetQboId: null, targetName: null, createOptions: null };
  if (rule.kind === "link") return { ...base, kind: "link", targetQboId: rule.targetQboId, targetName: rule.targetName, createOptions: null };
  const createOptions: Record<string, unknown> = {};
  if (rule.parentQboId) createOptions.parentQboId = rule.parentQboId;
  if (rule.incomeAccountId !== undefined) createOptions.incomeAccountId = rule.incomeAccountId;
  if (rule.unitPrice !== undefined) createOptions.unitPrice = rule.unitPrice;
  return { ...base, kind: "create", targetQboId: rule.targetQboId ?? null, targetName: rule.name, createOptions };
}

export function ruleFromSnapshot(rule: SnapshotRule): RuleForEntity {
  const base = { category: rule.category, sourceId: rule.sourceId, sourceName: rule.sourceName };
  if (rule.kind === "skip") return { ...base, rule: { kind: "skip" } };
  if (rule.kind === "link") return { ...base, rule: { kind: "link", targetQboId: rule.targetQboId ?? "", targetName: rule.targetName ?? "" } };
  const options = rule.createOptions ?? {};
  const created: MappingRule = {
    kind: "create",
    name: rule.targetName ?? rule.sourceName,
    parentQboId: (options.parentQboId as string | undefined) ?? null,
    incomeAccountId: options.incomeAccountId as string | undefined,
    unitPrice: options.unitPrice as number | undefined,
    targetQboId: rule.targetQboId ?? null,
  };
  return { ...base, rule: created };
}

export function snapshotFromRow(row: RuleRow): SnapshotRule {
  // A create rule whose entity exists (rows saved before such rules became links) reads as the link it is.
  if (row.kind === "create" && row.targetQboId) {
    return { category: row.category, sourceId: row.sourceId, sourceName: row.sourceName, kind: "link", targetQboId: row.targetQboId, targetName: row.targetName, createOptions: null };
  }
  return {
    category: row.category,
    sourceId: row.sourceId,
    sourceName: row.sourceName,
    kind: row.kind,
    targetQboId: row.targetQboId,
    targetName: row.targetName,
    createOptions: (row.createOptions as Record<string, unknown> | null) ?? null,
  };
}
