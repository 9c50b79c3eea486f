// Preview: read → plan → diff, then store the result as the import's items, so what the preview
// shows is exactly what Start executes. The current state of every ledger activity in scope is read
// from QBO in bulk (Id IN …, 500 per query), never one read per activity.
import type { Db } from "@/db/client";
import { storePreview, type ImportRow } from "@/db/queries/imports";
import { listLedgerInRange, weeklyLedgerDates } from "@/db/queries/ledger";
import type { ActitimeClient } from "@/lib/actitime";
import type { QboDirectory } from "@/lib/mapping/directory";
import { MAPPING_CATEGORY_META, RULE_DIMENSION_META, RULE_DIMENSIONS, sortPeriods, workerOf } from "@/lib/mapping/rules";
import type { QboClient } from "@/lib/qbo/client";
import { diffImport, replacedByTimeSettings } from "./diff";
import { addDays, effectiveCombine, settingsLayout, wholeWeeks } from "./plan/time-settings";
import { ledgerVersionOf } from "@/db/queries/import-run";
import { getEnv } from "@/lib/env";
import { RECONCILE_AFTER_MS } from "./outcomes";
import { reconcileLeftovers } from "./reconcile";
import { qboChangesForPreview } from "./drift";
import { planImport } from "./plan";
import { compileScope } from "./plan/scope";
import { billedAgreesNote, billedDifferenceNote, planWithoutBilled, rowsToRead, type BilledItemPayload } from "./billed";
import { newRef, qboRef } from "./plan/keys";
import { activityStateFromQbo, readActivitiesById } from "./qbo-activity";
import { namesByRole, refNames } from "./ref-names";
import { readSource, type SourceData } from "./source";
import { lockDraft, nextRevision } from "./drafts";
import type { ActivityItemPayload, DatedDimension, DatedTarget, DesiredActivity, DimensionTargets, EntityItemPayload, ImportScope, LeaveRecord, SnapshotRule, MappingCategory, QboActivityState, QboTargetRef, ResolvedTargets, Target, TargetRef, TaskInfo, TimeDescriptionSettings, TimeTrackRecord } from "./types";
import { mappingSnapshotOf, snapshotCreates } from "./snapshot";
import { parseImportSelection, type BreakdownRow, type DatedRuleEffect, type PreviewSummary } from "@/db/types";

export type { BreakdownRow, DatedRuleEffect, ImportSelection, PreviewSummary } from "@/db/types";

/**
 * The range a preview plans: the chosen one, grown to whole weeks (Monday to Sunday) when
 * activities are combined per week or the ledger holds a per-week activity reaching past it, so a
 * week is always planned, compared and replaced whole by one import.
 */
async function timeScope<S extends ImportScope>(db: Db, connectionId: string, chosen: S, settings: TimeDescriptionSettings): Promise<S> {
  const weeks = wholeWeeks(chosen);
  if (weeks.dateFrom === chosen.dateFrom && weeks.dateTo === chosen.dateTo) return chosen;
  const crossing =
    effectiveCombine(settings) === "week" ||
    (await weeklyLedgerDates(db, connectionId, weeks.dateFrom, chosen.dateTo)).some((monday) => monday < chosen.dateFrom || addDays(monday, 6) > chosen.dateTo);
  return crossing ? { ...chosen, ...weeks } : chosen;
}

export function scopeOf(imp: Pick<ImportRow, "dateFrom" | "dateTo" | "selection">): ImportScope & { approvedOnly: boolean } {
  const selection = parseImportSelection(imp.selection);
  return {
    dateFrom: imp.dateFrom!,
    dateTo: imp.dateTo!,
    userIds: selection.userIds ?? null,
    projectIds: selection.projectIds ?? null,
    leaveTypeIds: selection.leaveTypeIds ?? null,
    approvedOnly: selection.approvedOnly ?? false,
  };
}

/** Mapping rules (the import's snapshot) → what each actiTIME entity becomes in QBO. */
export function resolveTargets(rules: readonly SnapshotRule[], directory: QboDirectory | null): ResolvedTargets {
  const itemPrice = new Map((directory?.items ?? []).map((i) => [i.id, i.unitPrice ?? null]));
  const maps: Record<MappingCategory, Map<number, Target>> = { user: new Map(), project: new Map(), type_of_work: new Map(), leave_type: new Map() };
  for (const rule of rules) {
    let target: Target;
    if (rule.kind === "skip") target = { kind: "skip" };
    else if (rule.targetQboId) {
      const price = rule.kind === "create" ? ((rule.createOptions?.unitPrice as number | undefined) ?? null) : (itemPrice.get(rule.targetQboId) ?? null);
      target = { kind: "qbo", ref: qboRef(rule.targetQboId), name: rule.targetName ?? "", unitPrice: price };
    } else if (rule.kind === "create") {
      target = { kind: "qbo", ref: newRef(rule.category, rule.sourceId), name: rule.targetName ?? "", unitPrice: (rule.createOptions?.unitPrice as number | undefined) ?? null };
    } else continue; // a link without a target is no rule: its time is reported unmapped
    if (target.kind === "qbo" && rule.category === "user" && workerOf(rule) === "Vendor") target.nameOf = "Vendor";
    maps[rule.category].set(rule.sourceId, target);
  }
  return { users: maps.user, projects: maps.project, typesOfWork: maps.type_of_work, leaveTypes: maps.leave_type, ...resolveDimensionTargets(rules, directory) };
}

/**
 * The Class / Location rules of project and user rules → ResolvedTargets.classes / departments, only
 * for what the company tracks (the directory lists classes / departments only then). A rule's null
 * is "leave it empty"; a rule without the key has none (a project's then falls through to its user's).
 */
export function resolveDimensionTargets(rules: readonly SnapshotRule[], directory: QboDirectory | null): Pick<ResolvedTargets, "classes" | "departments"> {
  const out: { classes?: DimensionTargets; departments?: DimensionTargets } = {};
  for (const dimension of RULE_DIMENSIONS) {
    const meta = RULE_DIMENSION_META[dimension];
    if (!directory?.[meta.directoryKey]) continue;
    const projects = new Map<number, QboTargetRef | null>();
    const users = new Map<number, QboTargetRef | null>();
    for (const rule of rules) {
      const choice = rule.dimensions?.[dimension];
      if (choice === undefined) continue;
      const map = rule.category === "project" ? projects : rule.category === "user" ? users : null;
      map?.set(rule.sourceId, choice === null ? null : (qboRef(choice.qboId) as QboTargetRef));
    }
    out[meta.directoryKey] = { projects, users };
  }
  return out;
}

/**
 * Rules that apply from a date (issue 19 §2). An import's mapping snapshot holds, besides `rules`
 * (one per entity: the Map step's, carrying its `validFrom`), the earlier `periods` of those rules
 * that are in force on some date of the import's range.
 */
export interface DatedSnapshot {
  rules?: SnapshotRule[];
  periods?: SnapshotRule[];
}

/**
 * resolveTargets with periods: per entity, its earliest period in the snapshot gives the undated
 * target, every later one a dated target from its validFrom. An earlier period's create that made
 * nothing yet creates its entity like a current create (the same `new:` ref) unless the entity has
 * another create in the snapshot (snapshotCreates): then it resolves as no rule for its dates.
 */
export function resolveDatedTargets(snapshot: DatedSnapshot, directory: QboDirectory | null): ResolvedTargets {
  const rules = snapshot.rules ?? [];
  // An earlier period's create makes its entity when it is the entity's one create (snapshotCreates).
  const creating = new Set([...snapshotCreates(snapshot).values()].flatMap((c) => c.periods));
  const periods = (snapshot.periods ?? []).map((p): SnapshotRule => (p.kind === "create" && !p.targetQboId && !creating.has(p) ? { ...p, kind: "link", targetQboId: null, createOptions: null } : p));
  if (periods.length === 0 && rules.every((r) => !r.validFrom)) return resolveTargets(rules, directory);
  const byEntity = new Map<string, SnapshotRule[]>();
  for (const rule of [...periods, ...rules]) {
    const key = `${rule.category}:${rule.sourceId}`;
    byEntity.set(key, [...(byEntity.get(key) ?? []), rule]);
  }
  const undated: SnapshotRule[] = [];
  const later: SnapshotRule[] = [];
  for (const list of byEntity.values()) {
    const [first, ...rest] = sortPeriods(list);
    undated.push(first!);
    later.push(...rest);
  }
  const base = resolveTargets(undated, directory);
  const field = { user: "users", project: "projects", type_of_work: "typesOfWork", leave_type: "leaveTypes" } as const;
  const dated: Record<(typeof field)[MappingCategory], Map<number, DatedTarget[]>> = { users: new Map(), projects: new Map(), typesOfWork: new Map(), leaveTypes: new Map() };
  for (const rule of sortPeriods(later)) {
    const target = resolveTargets([rule], directory)[field[rule.category]].get(rule.sourceId);
    const list = dated[field[rule.category]].get(rule.sourceId) ?? [];
    list.push({ from: rule.validFrom!, target });
    dated[field[rule.category]].set(rule.sourceId, list);
  }
  const some = <T,>(map: Map<number, T>) => (map.size > 0 ? map : undefined);
  return { ...base, ...datedDimensionTargets(base, sortPeriods(later)), dated: { users: some(dated.users), projects: some(dated.projects), typesOfWork: some(dated.typesOfWork), leaveTypes: some(dated.leaveTypes) } };
}

/**
 * The Class / Location choices of the later periods of project and user rules (in date order), as
 * dated dimension targets beside the undated ones (only for what the company tracks: base has it).
 */
function datedDimensionTargets(base: ResolvedTargets, later: readonly SnapshotRule[]): Pick<ResolvedTargets, "classes" | "departments"> {
  const out: { classes?: DimensionTargets; departments?: DimensionTargets } = {};
  for (const dimension of RULE_DIMENSIONS) {
    const key = RULE_DIMENSION_META[dimension].directoryKey;
    const undated = base[key];
    if (!undated) continue;
    const projects = new Map<number, DatedDimension[]>();
    const users = new Map<number, DatedDimension[]>();
    for (const rule of later) {
      const map = rule.category === "project" ? projects : rule.category === "user" ? users : null;
      if (!map) continue;
      const choice = rule.dimensions?.[dimension];
      const ref = choice === undefined ? undefined : choice === null ? null : (qboRef(choice.qboId) as QboTargetRef);
      map.set(rule.sourceId, [...(map.get(rule.sourceId) ?? []), { from: rule.validFrom!, ref }]);
    }
    out[key] = { ...undated, ...(projects.size > 0 ? { datedProjects: projects } : {}), ...(users.size > 0 ? { datedUsers: users } : {}) };
  }
  return out;
}

/**
 * What a dated rule changes in this import's records, for the Preview ("12 records from 2026-11-15
 * follow the new rule for Alice"): per dated target, the records of the range on or after its date
 * until the next one.
 */
export function datedRuleEffects(snapshot: DatedSnapshot, source: { timeTrack: readonly TimeTrackRecord[]; leave: readonly LeaveRecord[]; tasks: readonly TaskInfo[] }, scope: Pick<ImportScope, "dateFrom" | "dateTo">): DatedRuleEffect[] {
  const later = new Map<string, string[]>();
  const names = new Map<string, string>();
  for (const rule of [...(snapshot.periods ?? []), ...(snapshot.rules ?? [])]) {
    const key = `${rule.category}:${rule.sourceId}`;
    names.set(key, rule.sourceName);
    if (rule.validFrom && rule.validFrom > scope.dateFrom && rule.validFrom <= scope.dateTo) later.set(key, [...(later.get(key) ?? []), rule.validFrom]);
  }
  if (later.size === 0) return [];
  const counts = new Map<string, number>();
  const tally = (key: string, date: string) => {
    const starts = later.get(key);
    if (!starts || date < scope.dateFrom || date > scope.dateTo) return;
    const from = starts.filter((s) => s <= date).sort().pop();
    if (from) counts.set(`${key}|${from}`, (counts.get(`${key}|${from}`) ?? 0) + 1);
  };
  const taskById = new Map(source.tasks.map((t) => [t.id, t]));
  for (const r of source.timeTrack) {
    tally(`user:${r.userId}`, r.date);
    const task = taskById.get(r.taskId);
    if (task) {
      tally(`project:${task.projectId}`, r.date);
      tally(`type_of_work:${task.typeOfWorkId}`, r.date);
    }
  }
  for (const r of source.leave) {
    tally(`user:${r.userId}`, r.date);
    tally(`leave_type:${r.leaveTypeId}`, r.date);
  }
  return [...later].flatMap(([key, starts]) =>
    [...new Set(starts)].sort().map((from) => {
      const [category, sourceId] = key.split(":") as [MappingCategory, string];
      return { category, sourceId: Number(sourceId), name: names.get(key) ?? "", from, records: counts.get(`${key}|${from}`) ?? 0 };
    }),
  );
}

/** The Preview's sentence for one dated rule. */
export function datedRuleSentence(effect: DatedRuleEffect): string {
  const noun = MAPPING_CATEGORY_META[effect.category].sourceNoun;
  return `${effect.records} ${effect.records === 1 ? "record" : "records"} from ${effect.from} follow the new rule for ${noun} ${effect.name}`;
}

/**
 * refNames, with QuickBooks' own full names where the directory knows them, and `Parent:Child`
 * for sub-customers and sub-services a rule will create.
 */
export function displayNames(rules: readonly SnapshotRule[], directory: QboDirectory | null): Map<string, string> {
  const names = refNames(rules);
  if (!directory) return names;
  const full = new Map<string, string>([
    ...directory.employees.map((e) => [e.id, e.name] as const),
    ...directory.customers.map((c) => [`c${c.id}`, c.fullyQualifiedName] as const),
    ...directory.items.map((i) => [`i${i.id}`, i.fullyQualifiedName] as const),
    ...directory.vendors.map((v) => [`v${v.id}`, v.name] as const),
  ]);
  const prefix = (category: MappingCategory) => (category === "user" ? "" : category === "project" ? "c" : "i");
  for (const rule of rules) {
    if (rule.kind === "skip") continue;
    const listOf = rule.category === "user" && workerOf(rule) === "Vendor" ? "v" : prefix(rule.category);
    const known = rule.targetQboId ? full.get(`${listOf}${rule.targetQboId}`) : undefined;
    if (known && rule.targetQboId) names.set(`qbo:${rule.targetQboId}`, known);
    const parentId = rule.kind === "create" ? (rule.createOptions?.parentQboId as string | undefined) : undefined;
    const parent = parentId ? full.get(`${prefix(rule.category)}${parentId}`) : undefined;
    if (parent && !known) {
      const name = `${parent}:${rule.targetName ?? rule.sourceName}`;
      if (rule.targetQboId) names.set(`qbo:${rule.targetQboId}`, name);
      names.set(`new:${rule.category}:${rule.sourceId}`, name);
    }
  }
  return names;
}

/** The QBO body that creates the entity of a `create` rule (reference §2.2–2.4). */
export function entityBody(rule: SnapshotRule): Record<string, unknown> {
  const name = rule.targetName ?? rule.sourceName;
  const options = rule.createOptions ?? {};
  const parentQboId = (options.parentQboId as string | null | undefined) ?? null;
  if (rule.category === "user") {
    const parts = name.trim().split(/\s+/);
    const familyName = parts.length > 1 ? parts.pop()! : name;
    return { DisplayName: name, GivenName: parts.join(" ").slice(0, 100) || name.slice(0, 100), FamilyName: familyName.slice(0, 100) };
  }
  if (rule.category === "project") return parentQboId ? { DisplayName: name, Job: true, ParentRef: { value: parentQboId } } : { DisplayName: name };
  const body: Record<string, unknown> = {
    Name: name,
    Type: "Service",
    IncomeAccountRef: { value: String(options.incomeAccountId ?? "") },
    UnitPrice: typeof options.unitPrice === "number" ? options.unitPrice : 0,
  };
  if (parentQboId) Object.assign(body, { SubItem: true, ParentRef: { value: parentQboId } });
  return body;
}

/** The QBO body that creates a contractor's Vendor (Create new QB Vendor; DisplayName as for employees, reference §2.2). */
export function vendorBody(name: string): Record<string, unknown> {
  return { DisplayName: name.trim() };
}

const MINUTES_PER_HOUR = 60;
const round2 = (n: number) => Math.round(n * 100) / 100;

function breakdown(activities: readonly DesiredActivity[], label: (a: DesiredActivity) => string): BreakdownRow[] {
  const rows = new Map<string, { minutes: number; activities: number }>();
  for (const a of activities) {
    const key = label(a);
    const row = rows.get(key) ?? { minutes: 0, activities: 0 };
    row.minutes += a.hours * MINUTES_PER_HOUR + a.minutes;
    row.activities += 1;
    rows.set(key, row);
  }
  return [...rows]
    .map(([name, r]) => ({ name, hours: round2(r.minutes / MINUTES_PER_HOUR), activities: r.activities }))
    .sort((a, b) => b.hours - a.hours || a.name.localeCompare(b.name));
}

export interface PrepareDeps {
  db: Db;
  qbo: QboClient;
  actitime: ActitimeClient;
  directory: QboDirectory | null;
  /** Pre-read actiTIME data (the wizard reads it once for the map step); read here when absent. */
  source?: SourceData;
  now?: () => Date;
  /** Age at which an ended import's unknown outcomes are looked up (default RECONCILE_AFTER_MS). */
  reconcileAfterMs?: number;
  /**
   * Tests only: given the targets resolved from the rules (resolveTargets: vendors, classes and
   * departments included), returns the ones to plan with.
   */
  targets?: (fromRules: ResolvedTargets) => ResolvedTargets;
}

/** Builds the preview of a draft and stores it as the import's items. Returns the summary it stored. */
export async function preparePreview(deps: PrepareDeps, imp: ImportRow, settings: TimeDescriptionSettings): Promise<PreviewSummary> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const chosen = scopeOf(imp);
  const scope = await timeScope(db, imp.connectionId, chosen, settings);
  const widened = scope.dateFrom !== chosen.dateFrom || scope.dateTo !== chosen.dateTo;
  const snapshot: DatedSnapshot = mappingSnapshotOf(imp);
  const rules = snapshot.rules ?? [];
  // Earlier periods first, so the current rules' names win for shared refs.
  const namedRules = [...(snapshot.periods ?? []), ...rules];
  const source = (widened ? undefined : deps.source) ?? (await readSource(deps.actitime, scope));
  const fromRules = resolveDatedTargets(snapshot, deps.directory);
  const targets = deps.targets ? deps.targets(fromRules) : fromRules;
  const planInput = { ...source, targets, description: settings, scope, approvedOnly: scope.approvedOnly };
  let plan = planImport(planInput);

  const compiled = compileScope(scope);
  // Writes ended imports left with an unknown outcome are settled first, and the ledger version is
  // read before the ledger: Start refuses the plan if anything writes the ledger after this point.
  await reconcileLeftovers(db, deps.qbo, imp.connectionId, { reconcileAfterMs: deps.reconcileAfterMs ?? getEnv().importTimings.reconcileAfterMs ?? RECONCILE_AFTER_MS, excludeImportId: imp.id });
  const ledgerVersion = await ledgerVersionOf(db, imp.connectionId);
  const ledgerRows = await listLedgerInRange(db, imp.connectionId, scope.dateFrom, scope.dateTo);
  // Every ledger activity this import may update, delete or leave alone, or whose records it plans,
  // is re-read, so billed and deleted-in-QBO activities are known before anything is planned against them.
  const qboState = new Map<string, QboActivityState>();
  const readStates = async (rows: typeof ledgerRows) => {
    const unread = rows.filter((r) => !qboState.has(r.qboId));
    if (unread.length === 0) return;
    const current = await readActivitiesById(deps.qbo, unread.map((r) => r.qboId));
    for (const row of unread) {
      const ta = current.get(row.qboId);
      qboState.set(row.qboId, ta ? activityStateFromQbo(ta) : { qboId: row.qboId, syncToken: row.syncToken, hasBeenBilled: false, deleted: true, hours: 0, minutes: 0 });
    }
  };
  const relevant = rowsToRead(ledgerRows, plan.activities, compiled);
  await readStates(relevant);
  // Billed means frozen: the records of billed activities stay with them, so the plan is made
  // again without them (and without their keys); what differs is reported, never written.
  const frozen = planWithoutBilled(planInput, plan, relevant, qboState);
  if (frozen !== plan) {
    plan = frozen;
    // Overflow keys (`…#2`) may match rows not read yet.
    await readStates(rowsToRead(ledgerRows, plan.activities, compiled));
  }
  // Changes made inside QuickBooks (lib/import/drift.ts): recorded, and their Keep / Restore choices applied.
  const qboSide = await qboChangesForPreview(db, imp.connectionId, scope, plan.activities, ledgerRows, qboState, now());
  const diff = diffImport({ desired: qboSide.desired, ledger: qboSide.ledger, scope, qboState, frozen: plan.frozen });

  // The rule each `new:` ref creates: the current rule's create, or an earlier period's (snapshotCreates).
  const ruleByRef = new Map([...rules, ...[...snapshotCreates(snapshot).values()].map((c) => c.rule)].map((r) => [`new:${r.category}:${r.sourceId}`, r]));
  const entityItems = plan.entitiesToCreate.map((e, index) => {
    const rule = ruleByRef.get(e.ref)!;
    const name = rule.targetName ?? e.name;
    const body = e.qboEntity === "Vendor" ? vendorBody(name) : entityBody(rule);
    const payload: EntityItemPayload = { category: e.category, ref: e.ref, name, sourceIds: e.sourceIds, body };
    return {
      importId: imp.id,
      seq: index,
      entity: e.qboEntity ?? MAPPING_CATEGORY_META[e.category].qboEntity,
      operation: "create" as const,
      sourceKey: e.ref,
      status: "pending" as const,
      desired: payload,
    };
  });
  const offset = entityItems.length;
  const activityItems = diff.operations.map((op, index) => {
    const base = { importId: imp.id, seq: offset + index, entity: "TimeActivity" as const, sourceKey: op.key };
    const before = "ledger" in op && op.ledger ? { written: op.ledger.written, hours: op.beforeHours } : null;
    switch (op.op) {
      case "create":
        return { ...base, operation: "create" as const, status: "pending" as const, desired: { activity: op.desired } satisfies ActivityItemPayload, before };
      case "update":
        return { ...base, operation: "update" as const, status: "pending" as const, qboId: op.qboId, desired: { activity: op.desired, syncToken: op.syncToken } satisfies ActivityItemPayload, before };
      case "delete":
        return { ...base, operation: "delete" as const, status: "pending" as const, qboId: op.qboId, desired: { syncToken: op.syncToken, ledgerOnly: op.ledgerOnly } satisfies ActivityItemPayload, before };
      case "unchanged":
        return {
          ...base,
          operation: "update" as const,
          status: "unchanged" as const,
          qboId: op.ledger.qboId,
          desired: { activity: op.desired } satisfies ActivityItemPayload,
          before,
          ...(op.billedRecords !== undefined ? { errorMessage: billedAgreesNote(op.billedRecords) } : {}),
        };
      case "skipped_billed":
        return {
          ...base,
          operation: op.blocked,
          status: "skipped_billed" as const,
          qboId: op.qboId,
          desired: { activity: op.desired, billed: op.difference } satisfies BilledItemPayload & ActivityItemPayload,
          before,
          errorMessage: billedDifferenceNote(op.difference),
        };
    }
  });

  const settingsChange = replacedByTimeSettings(diff.operations, settingsLayout(settings));
  const names = displayNames(namedRules, deps.directory);
  const nameOf = (ref: TargetRef | null, fallback: string) => (ref ? (names.get(ref) ?? fallback) : fallback);
  const summary: PreviewSummary = {
    previewedAt: now().toISOString(),
    mode: plan.mode,
    activities: plan.totals.activities,
    hours: round2(plan.totals.hours),
    counts: diff.totals.counts,
    hoursBefore: round2(diff.totals.hoursBefore),
    hoursAfter: round2(diff.totals.hoursAfter),
    hoursBlockedByBilling: round2(diff.totals.hoursBlockedByBilling),
    billed: { ...diff.totals.billed, hoursDiffer: round2(diff.totals.billed.hoursDiffer) },
    records: { in: plan.counts.recordsIn, imported: plan.counts.recordsImported, skipped: plan.counts.skipped, billableWithoutRate: plan.counts.billableWithoutRate },
    unmapped: plan.counts.unmapped.map((u) => ({ category: u.category, name: u.name, recordCount: u.recordCount, hours: round2(u.minutes / MINUTES_PER_HOUR) })),
    entitiesToCreate: entityItems.map((e) => ({ category: e.desired.category, name: e.desired.name, entity: e.entity, activities: plan.entitiesToCreate[e.seq]!.activityCount })),
    breakdown: {
      byUser: breakdown(plan.activities, (a) => nameOf(a.employeeRef, "Unknown employee")),
      byCustomer: breakdown(plan.activities, (a) => nameOf(a.customerRef, "No customer (leave)")),
      byItem: breakdown(plan.activities, (a) => nameOf(a.itemRef, "Unknown item")),
      byBillable: breakdown(plan.activities, (a) => (a.billableStatus === "Billable" ? "Billable" : "Not billable")),
    },
    ratesVisible: source.ratesVisible,
    names: Object.fromEntries(names),
    namesByRole: namesByRole([...plan.activities, ...ledgerRows.map((r) => r.written)], namedRules, deps.directory),
    qboChanges: qboSide.summary,
    time: {
      combine: plan.combine,
      rounding: plan.rounding,
      trackedHours: round2(plan.totals.trackedMinutes / MINUTES_PER_HOUR),
      ...(widened ? { range: { dateFrom: scope.dateFrom, dateTo: scope.dateTo } } : {}),
      replaced: settingsChange.replaced,
      billedKept: settingsChange.billed,
    },
  };
  const datedRules = datedRuleEffects(snapshot, source, scope);
  if (datedRules.length > 0) summary.datedRules = datedRules;

  const executable = entityItems.length + activityItems.filter((i) => i.status === "pending").length;
  // Everything above read actiTIME and QBO without a transaction; the write re-checks that the import
  // is still the draft revision the preview was computed from, so a started import's items never change.
  await storePreview(
    db,
    imp.id,
    [...entityItems, ...activityItems],
    {
      step: "preview",
      summary,
      ledgerVersionSeen: ledgerVersion,
      timeDescriptionSnapshot: settings,
      progressTotal: executable,
      progressDone: 0,
      createdCount: 0,
      updatedCount: 0,
      deletedCount: 0,
      failedCount: 0,
      // Billed activities are known now; execution adds those that get billed before they are reached.
      skippedBilledCount: diff.totals.counts.skipped_billed,
      hours: String(summary.hours),
      draftRevision: nextRevision,
      updatedAt: now(),
    },
    (tx) => lockDraft(tx, imp.id, imp.draftRevision),
  );
  return summary;
}
