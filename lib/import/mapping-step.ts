// The wizard's Map step: which actiTIME entities occur in the selected data, the rule each has,
// and a suggestion for those without one (spec §5 step 2).
import type { Db } from "@/db/client";
import { listConnectionRules, listRulePeriods } from "@/db/queries/mappings";
import type { QboDirectory } from "@/lib/mapping/directory";
import { linkOnceCreated, periodsAfterApply, periodsOverlapping, ruleFromSnapshot, snapshotRuleSchema, type MappingCategory, type RuleForEntity, type SnapshotRule } from "@/lib/mapping/rules";
import type { MapApplyFrom } from "./snapshot";
import { wholeWeeks } from "./plan/time-settings";
import { suggestRules, type Suggestion } from "@/lib/mapping/suggest";
import { withVendorAndDimensionSuggestions } from "@/lib/mapping/suggest-vendors-dimensions";
import type { SourceData } from "./source";

export interface MapEntity {
  category: MappingCategory;
  sourceId: number;
  name: string;
  /** Extra context shown beside the name: the customer of a project, a type of work's rate, an e-mail. */
  detail: string | null;
  recordCount: number;
  hours: number;
  /** The connection's saved rule, if any. */
  saved: RuleForEntity | null;
  /** A suggestion for entities without a saved rule. */
  suggestion: Suggestion | null;
}

const MINUTES_PER_HOUR = 60;

/** The connection's rules as the Map step offers them (a create whose entity exists reads as the link it is). */
export async function listSavedRules(db: Db, connectionId: string): Promise<SnapshotRule[]> {
  return (await listConnectionRules(db, connectionId)).map((row) => snapshotRuleSchema.parse(linkOnceCreated(row)));
}

/**
 * Rules that apply from a date (issue 19 §2): the snapshot of an import's rules for its range. Each
 * rule (the Map step's: the entity's current rule) keeps the saved rule's validFrom, and `periods`
 * holds the entity's earlier periods in force on some date of [dateFrom, dateTo]. A saved rule the
 * Map step changes follows its "Apply from" (`applyFrom`, for the rules it lists): from a date, the
 * earlier dates keep the saved periods; all dates, the rule alone. Without it, a change changes the
 * current period only.
 */
export async function datedSnapshot(
  db: Db,
  connectionId: string,
  rules: readonly SnapshotRule[],
  range: { dateFrom: string; dateTo: string },
  applyFrom?: MapApplyFrom,
): Promise<{ rules: SnapshotRule[]; periods: SnapshotRule[] }> {
  const keyOf = (r: { category: MappingCategory; sourceId: number }) => `${r.category}:${r.sourceId}`;
  const applied = new Set(applyFrom?.keys ?? []);
  const rows = (await listConnectionRules(db, connectionId)).filter((row) => row.validFrom !== null || applied.has(keyOf(row)));
  if (rows.length === 0) return { rules: rules.map(({ validFrom: _validFrom, ...rule }) => rule), periods: [] };
  const rowByKey = new Map(rows.map((row) => [keyOf(row), row]));
  const periodsByRule = await listRulePeriods(db, connectionId, rows);
  const weeks = wholeWeeks(range);
  const periods: SnapshotRule[] = [];
  const dated = rules.map(({ validFrom: _validFrom, ...rule }) => {
    const row = rowByKey.get(keyOf(rule));
    if (!row) return rule;
    const saved = periodsByRule.get(row.id) ?? [];
    const all = applyFrom && applied.has(keyOf(rule)) ? periodsAfterApply(saved, rule, applyFrom.validFrom) : saved;
    const current = all[all.length - 1]!;
    const entries = all.map((p, index) => ({ validFrom: p.validFrom, snapshot: index === all.length - 1 ? null : ({ category: rule.category, sourceId: rule.sourceId, sourceName: rule.sourceName, ...p.rule, validFrom: p.validFrom } as SnapshotRule) }));
    // The whole weeks around the range: a preview may plan them (per-week activities, prepare.ts
    // timeScope), and their days keep the rules in force on them too. A period more is harmless.
    for (const period of periodsOverlapping(entries, weeks.dateFrom, weeks.dateTo)) if (period.snapshot) periods.push(snapshotRuleSchema.parse(period.snapshot));
    return current.validFrom === null ? rule : { ...rule, validFrom: current.validFrom };
  });
  return { rules: dated, periods };
}

/** Entities that occur in the source data, with their usage, saved rules and suggestions. */
export function mapStepEntities(source: SourceData, saved: readonly SnapshotRule[], directory: QboDirectory): MapEntity[] {
  const usage = new Map<string, { records: number; minutes: number }>();
  const tally = (category: MappingCategory, id: number, minutes: number) => {
    const key = `${category}:${id}`;
    const u = usage.get(key) ?? { records: 0, minutes: 0 };
    u.records += 1;
    u.minutes += minutes;
    usage.set(key, u);
  };
  const taskById = new Map(source.tasks.map((t) => [t.id, t]));
  for (const r of source.timeTrack) {
    const task = taskById.get(r.taskId);
    tally("user", r.userId, r.minutes);
    if (!task) continue;
    tally("project", task.projectId, r.minutes);
    tally("type_of_work", task.typeOfWorkId, r.minutes);
  }
  for (const r of source.leave) {
    tally("user", r.userId, r.minutes);
    tally("leave_type", r.leaveTypeId, r.minutes);
  }
  const customerName = new Map(source.customers.map((c) => [c.id, c.name]));
  const occurring = <T extends { id: number }>(category: MappingCategory, list: readonly T[]) => list.filter((e) => usage.has(`${category}:${e.id}`));
  const users = occurring("user", source.users);
  const projects = occurring("project", source.projects).map((p) => ({ ...p, customerName: customerName.get(p.customerId) ?? "" }));
  const typesOfWork = occurring("type_of_work", source.typesOfWork);
  const leaveTypes = occurring("leave_type", source.leaveTypes);

  const savedByKey = new Map(saved.map((r) => [`${r.category}:${r.sourceId}`, ruleFromSnapshot(r)]));
  const userInputs = users.map((u) => ({ id: u.id, fullName: u.fullName, email: u.email }));
  const existingRules = [...savedByKey.values()];
  const suggestions = withVendorAndDimensionSuggestions(
    suggestRules({
      users: userInputs,
      projects,
      typesOfWork: typesOfWork.map((t) => ({ id: t.id, name: t.name, rate: source.ratesVisible ? t.rate : null, billable: t.billable })),
      leaveTypes,
      existingRules,
      directory,
    }),
    { users: userInputs, projects, directory, existingRules },
  );
  const suggestionByKey = new Map(suggestions.map((s) => [`${s.category}:${s.sourceId}`, s]));

  const entity = (category: MappingCategory, id: number, name: string, detail: string | null): MapEntity => {
    const key = `${category}:${id}`;
    const u = usage.get(key)!;
    return {
      category,
      sourceId: id,
      name,
      detail,
      recordCount: u.records,
      hours: Math.round((u.minutes / MINUTES_PER_HOUR) * 100) / 100,
      saved: savedByKey.get(key) ?? null,
      suggestion: savedByKey.has(key) ? null : (suggestionByKey.get(key) ?? null),
    };
  };
  const byName = (a: MapEntity, b: MapEntity) => a.name.localeCompare(b.name);
  return [
    ...users.map((u) => entity("user", u.id, u.fullName, u.email)).sort(byName),
    ...projects.map((p) => entity("project", p.id, p.name, p.customerName)).sort(byName),
    ...typesOfWork
      .map((t) => entity("type_of_work", t.id, t.name, [t.billable ? "billable" : "not billable", source.ratesVisible && t.rate !== null ? `rate ${t.rate}` : null].filter(Boolean).join(", ")))
      .sort(byName),
    ...leaveTypes.map((l) => entity("leave_type", l.id, l.name, null)).sort(byName),
  ];
}
