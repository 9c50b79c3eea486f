import type {
  ActivitySources,
  DatedDimension,
  DatedTarget,
  BillableStatus,
  DesiredActivity,
  ImportScope,
  LeaveRecord,
  LeaveTypeInfo,
  MappingCategory,
  ProjectInfo,
  QboTargetRef,
  ResolvedTargets,
  Target,
  TargetRef,
  TaskInfo,
  TimeDescriptionSettings,
  TimeTrackRecord,
  TypeOfWorkInfo,
  UserInfo,
  WorkerKind,
} from "@/lib/import/types";
import type { PlanMode, SkipCount, SkipReason } from "@/db/types";
import { buildDescription, describesCombined, descriptionEntry, joinDescriptions } from "./description";
import { effectiveCombine, mondayOf, roundingKeyTag, roundingOf, roundMinutes, type Grouping, type Rounding } from "./time-settings";
import {
  canonicalRate,
  combinedKeyHead,
  combinedKeyTail,
  dimensionKeyPart,
  isNewRef,
  separateLeaveKey,
  separateTimeTrackKey,
  weeklyKeyHead,
} from "./keys";
import { compileScope, dateInScope, sourcesInSelection, type CompiledScope } from "./scope";
import { freeKey, leaveRecordId, targetSignature, timeTrackRecordId, type BilledLineage, type FrozenTally } from "./lineage";

/**
 * Plan: actiTIME records + resolved mapping rules + Time settings → the TimeActivities
 * QBO should hold for this import's scope (spec §6). Pure: no IO, no clock, no time zones.
 */

export interface PlanInput {
  timeTrack: readonly TimeTrackRecord[];
  leave: readonly LeaveRecord[];
  tasks: readonly TaskInfo[];
  projects: readonly ProjectInfo[];
  typesOfWork: readonly TypeOfWorkInfo[];
  leaveTypes: readonly LeaveTypeInfo[];
  users: readonly UserInfo[];
  targets: ResolvedTargets;
  description: TimeDescriptionSettings;
  /**
   * When given, records outside the date range are dropped, and activities are kept only when
   * their sources intersect the selection (the predicate the diff uses for ledger rows). The
   * caller may pass every record of the date range: a combined activity that mixes a selected and
   * an unselected project is kept whole, because it is one TimeActivity in QBO.
   */
  scope?: ImportScope;
  /** "Only approved time" from the wizard's first step: records not explicitly approved are dropped. */
  approvedOnly?: boolean;
  /**
   * Billed activities (from the ledger and QBO's current state): their records stay with them and
   * are planned into no activity, and their keys are never planned again (see plan/lineage.ts).
   */
  billed?: BilledLineage;
}

export type { PlanMode, SkipCount, SkipReason };

/** An entity that occurs in the records but has no mapping rule: its time is not imported. */
export interface UnmappedEntity {
  category: MappingCategory;
  sourceId: number;
  name: string | null;
  recordCount: number;
  minutes: number;
}

/** A QBO entity that a `create` rule must make before the activities that use it are written. */
export interface EntityToCreate {
  ref: TargetRef;
  /** The mapping category whose rules resolved to this ref. */
  category: MappingCategory;
  name: string;
  /** actiTIME ids (of `category`) whose imported time uses this ref. */
  sourceIds: number[];
  activityCount: number;
  /** "Vendor" when a user's target creates a QBO Vendor (Create new QB Vendor); absent: the category's entity. */
  qboEntity?: "Vendor";
}

export interface PlanResult {
  mode: PlanMode;
  /** How records were combined (the Time settings, "auto" resolved) and how activities were rounded. */
  combine: Grouping;
  rounding: Rounding;
  /** Sorted by txnDate, then key. Keys are unique. */
  activities: DesiredActivity[];
  /** Only refs used by imported activities; sorted by category, then ref. */
  entitiesToCreate: EntityToCreate[];
  counts: {
    recordsIn: number;
    recordsImported: number;
    skipped: Partial<Record<SkipReason, SkipCount>>;
    /** Sorted by category, then sourceId. */
    unmapped: UnmappedEntity[];
    /** Billable activities with no rate in actiTIME nor on the item: QBO may reject them (6330). */
    billableWithoutRate: number;
    /** Records that stay with billed activities (not planned), and the minutes of them this import would write now. */
    frozen: SkipCount;
  };
  /** `minutes`/`hours` are what is written (after rounding); `trackedMinutes` what actiTIME has for the same activities. */
  totals: { activities: number; minutes: number; hours: number; trackedMinutes: number };
  /**
   * One tally per billed activity that has records in the input: what actiTIME now says for the
   * records that stay with it. Sorted by ledger key. Empty without `billed`.
   */
  frozen: FrozenTally[];
}

const MINUTES_PER_HOUR = 60;
const CATEGORY_ORDER: readonly MappingCategory[] = ["user", "project", "type_of_work", "leave_type"];

/**
 * Billable only when the type of work is billable and a customer is set: QBO requires CustomerRef
 * on Billable time (qbo-api.md §2.1, fault 6310).
 */
export function resolveBillableStatus(typeOfWorkBillable: boolean, customerRef: TargetRef | null): BillableStatus {
  return typeOfWorkBillable && customerRef !== null ? "Billable" : "NotBillable";
}

/**
 * HourlyRate: the type of work's rate, else the item's UnitPrice. NotBillable activities carry
 * none: QBO only requires HourlyRate on Billable time, the rate means nothing on time that is
 * never invoiced, and leaving it out keeps combined keys from splitting one employee-day-item
 * into several activities only because unbilled rates differ.
 */
export function resolveHourlyRate(
  billableStatus: BillableStatus,
  typeOfWorkRate: number | null,
  itemUnitPrice: number | null | undefined,
): number | null {
  if (billableStatus !== "Billable") return null;
  return canonicalRate(typeOfWorkRate) ?? canonicalRate(itemUnitPrice);
}

/** Whole minutes → the integer Hours / Minutes pair QBO takes (it truncates fractional Hours). */
export function splitMinutes(totalMinutes: number): { hours: number; minutes: number } {
  return { hours: Math.floor(totalMinutes / MINUTES_PER_HOUR), minutes: totalMinutes % MINUTES_PER_HOUR };
}

// ── Internals ─────────────────────────────────────────────────────────────────────────────

/** A record that cannot be imported, and every unmapped entity it touches (all are reported). */
interface Blocked {
  ok: false;
  reason: SkipReason;
  unmapped: UnmappedEntity[];
}

interface ResolvedUser {
  ok: true;
  employeeRef: TargetRef;
  /** "Vendor" for a contractor's time; absent for an employee's. */
  nameOf?: WorkerKind;
  combinedHead: string;
  weeklyHead: string;
}

/** Class and department of one record (project's target, else its user's), and their key part. */
interface Dimensions {
  classRef: QboTargetRef | null;
  departmentRef: QboTargetRef | null;
  keyPart: string;
}
const NO_DIMENSIONS: Dimensions = { classRef: null, departmentRef: null, keyPart: "" };

interface ResolvedWork {
  ok: true;
  /** Task or leave type name: the name part of a separate-mode description. */
  name: string;
  customerRef: TargetRef | null;
  itemRef: TargetRef;
  billableStatus: BillableStatus;
  hourlyRate: number | null;
  combinedTail: string;
  projectId: number | null;
  typeOfWorkId: number | null;
}

interface Accumulator {
  key: string;
  txnDate: string;
  employeeRef: TargetRef;
  nameOf?: WorkerKind;
  work: ResolvedWork;
  dimensions: Dimensions;
  totalMinutes: number;
  userIds: DistinctIds;
  projectIds: DistinctIds;
  leaveTypeIds: DistinctIds;
  taskIds: DistinctIds;
  typeOfWorkIds: DistinctIds;
  recordCount: number;
  /** Lineage: distinct record ids with minutes (see plan/lineage.ts). */
  records: DistinctStrings;
  /** Separate mode only; almost always one record per activity, so no array until a second one. */
  firstComment: string | null;
  moreComments: (string | null)[] | null;
  /** Combined with descriptions on: each description entry → the first date it occurs on. */
  entries: Map<string, string> | null;
}

/**
 * Distinct ids without an array in the common single-id case: five growable arrays per
 * activity cost ~0.8 KB each at 100k activities, most of the plan's memory and GC time.
 */
type DistinctIds = number | number[] | null;

function addId(ids: DistinctIds, id: number | null): DistinctIds {
  if (id === null || ids === id) return ids;
  if (ids === null) return id;
  if (typeof ids === "number") return [ids, id];
  if (!ids.includes(id)) ids.push(id);
  return ids;
}

type DistinctStrings = string | string[] | null;

function addString(ids: DistinctStrings, id: string): DistinctStrings {
  if (ids === null) return id;
  if (ids === id) return ids;
  if (typeof ids === "string") return [ids, id];
  if (!ids.includes(id)) ids.push(id);
  return ids;
}

function stringsToArray(ids: DistinctStrings): string[] {
  if (ids === null) return [];
  if (typeof ids === "string") return [ids];
  return ids.slice().sort();
}

function idsToArray(ids: DistinctIds): number[] {
  if (ids === null) return [];
  if (typeof ids === "number") return [ids];
  return ids.slice().sort(byNumber);
}

function pushUnique(list: number[], id: number): void {
  if (!list.includes(id)) list.push(id);
}

function byNumber(a: number, b: number): number {
  return a - b;
}

function byId<T extends { id: number }>(list: readonly T[]): Map<number, T> {
  const map = new Map<number, T>();
  for (const item of list) map.set(item.id, item);
  return map;
}

function isValidMinutes(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= 0;
}

export function planImport(input: PlanInput): PlanResult {
  const combine = effectiveCombine(input.description);
  const separate = combine === "record";
  const weekly = combine === "week";
  const mode: PlanMode = separate ? "separate" : "combined";
  const joined = !separate && describesCombined(input.description);
  const rounding = roundingOf(input.description);
  const rounds = rounding.mode !== "none";
  const roundTag = roundingKeyTag(rounding);
  const mondays = new Map<string, string>();
  const weekOf = (date: string): string => {
    let monday = mondays.get(date);
    if (monday === undefined) {
      monday = mondayOf(date);
      mondays.set(date, monday);
    }
    return monday;
  };
  /** Per day or per week: the combined key of a record (the tail holds customer, item, billable and rate). */
  const combinedKeyOf = (user: ResolvedUser, date: string, work: ResolvedWork, dimensions: Dimensions): string =>
    (weekly ? user.weeklyHead + weekOf(date) : user.combinedHead + date) + work.combinedTail + dimensions.keyPart + roundTag;
  const scope: CompiledScope | null = input.scope ? compileScope(input.scope) : null;
  const { targets } = input;

  const tasks = byId(input.tasks);
  const projects = byId(input.projects);
  const typesOfWork = byId(input.typesOfWork);
  const leaveTypes = byId(input.leaveTypes);
  const users = byId(input.users);

  const skipped: Partial<Record<SkipReason, SkipCount>> = {};
  const skip = (reason: SkipReason, records: number, minutes: number) => {
    const count = (skipped[reason] ??= { records: 0, minutes: 0 });
    count.records += records;
    if (Number.isFinite(minutes)) count.minutes += minutes;
  };

  const unmappedByCategory: Record<MappingCategory, Map<number, UnmappedEntity>> = {
    user: new Map(),
    project: new Map(),
    type_of_work: new Map(),
    leave_type: new Map(),
  };
  const unmappedEntity = (category: MappingCategory, sourceId: number, name: string | null): UnmappedEntity => {
    const map = unmappedByCategory[category];
    let entity = map.get(sourceId);
    if (!entity) {
      entity = { category, sourceId, name, recordCount: 0, minutes: 0 };
      map.set(sourceId, entity);
    }
    return entity;
  };

  /** Resolution of one mapped entity: its target, or why it blocks the record. */
  const checkTarget = (
    target: Target | undefined,
    category: MappingCategory,
    sourceId: number,
    name: string | null,
    unmapped: UnmappedEntity[],
  ): Extract<Target, { kind: "qbo" }> | SkipReason => {
    if (target === undefined) {
      unmapped.push(unmappedEntity(category, sourceId, name));
      return `${category}_unmapped`;
    }
    if (target.kind === "skip") return `${category}_skipped`;
    return target;
  };

  // Rules that apply from a date: an entity with dated targets resolves per period (the index of the
  // period in force on the record's date, -1 = the undated target), cached per entity and period.
  const dated = targets.dated;
  const datedUsers = dated?.users;
  const datedProjects = dated?.projects;
  const datedTypesOfWork = dated?.typesOfWork;
  const datedLeaveTypes = dated?.leaveTypes;
  const targetIn = (undated: ReadonlyMap<number, Target>, periods: readonly DatedTarget[] | undefined, id: number, index: number): Target | undefined =>
    index < 0 ? undated.get(id) : periods![index]!.target;

  // Resolutions are cached per entity: 100k records touch a few hundred users and tasks.
  const userCache = new Map<number, ResolvedUser | Blocked>();
  const datedUserCache = new Map<string, ResolvedUser | Blocked>();
  const resolveUser = (userId: number, date: string): ResolvedUser | Blocked => {
    const periods = datedUsers?.get(userId);
    if (periods !== undefined) {
      const index = periodIndex(periods, date);
      const cacheKey = `${userId}|${index}`;
      let found = datedUserCache.get(cacheKey);
      if (!found) {
        found = resolveUserTarget(userId, targetIn(targets.users, periods, userId, index));
        datedUserCache.set(cacheKey, found);
      }
      return found;
    }
    const cached = userCache.get(userId);
    if (cached) return cached;
    const resolved = resolveUserTarget(userId, targets.users.get(userId));
    userCache.set(userId, resolved);
    return resolved;
  };
  const resolveUserTarget = (userId: number, userTarget: Target | undefined): ResolvedUser | Blocked => {
    const unmapped: UnmappedEntity[] = [];
    const target = checkTarget(userTarget, "user", userId, users.get(userId)?.fullName ?? null, unmapped);
    const resolved: ResolvedUser | Blocked =
      typeof target === "string"
        ? { ok: false, reason: target, unmapped }
        : target.nameOf === "Vendor"
          ? { ok: true, employeeRef: target.ref, nameOf: "Vendor", combinedHead: combinedKeyHead(target.ref, "Vendor"), weeklyHead: weeklyKeyHead(target.ref, "Vendor") }
          : { ok: true, employeeRef: target.ref, combinedHead: combinedKeyHead(target.ref), weeklyHead: weeklyKeyHead(target.ref) };
    return resolved;
  };

  const taskCache = new Map<number, ResolvedWork | Blocked>();
  const datedTaskCache = new Map<string, ResolvedWork | Blocked>();
  const resolveTask = (taskId: number, date: string): ResolvedWork | Blocked => {
    if (datedProjects !== undefined || datedTypesOfWork !== undefined) {
      const task = tasks.get(taskId);
      const projectPeriods = task && datedProjects?.get(task.projectId);
      const typeOfWorkPeriods = task && datedTypesOfWork?.get(task.typeOfWorkId);
      if (projectPeriods || typeOfWorkPeriods) {
        const projectIndex = periodIndex(projectPeriods, date);
        const typeOfWorkIndex = periodIndex(typeOfWorkPeriods, date);
        const cacheKey = `${taskId}|${projectIndex}|${typeOfWorkIndex}`;
        let found = datedTaskCache.get(cacheKey);
        if (!found) {
          found = resolveTaskUncached(taskId, projectIndex, typeOfWorkIndex);
          datedTaskCache.set(cacheKey, found);
        }
        return found;
      }
    }
    const cached = taskCache.get(taskId);
    if (cached) return cached;
    const resolved = resolveTaskUncached(taskId, -1, -1);
    taskCache.set(taskId, resolved);
    return resolved;
  };
  const resolveTaskUncached = (taskId: number, projectIndex: number, typeOfWorkIndex: number): ResolvedWork | Blocked => {
    const task = tasks.get(taskId);
    if (!task) return { ok: false, reason: "unknown_task", unmapped: [] };
    const unmapped: UnmappedEntity[] = [];
    const project = checkTarget(
      targetIn(targets.projects, datedProjects?.get(task.projectId), task.projectId, projectIndex),
      "project",
      task.projectId,
      projects.get(task.projectId)?.name ?? null,
      unmapped,
    );
    const typeOfWork = typesOfWork.get(task.typeOfWorkId);
    const item = typeOfWork
      ? checkTarget(targetIn(targets.typesOfWork, datedTypesOfWork?.get(typeOfWork.id), typeOfWork.id, typeOfWorkIndex), "type_of_work", typeOfWork.id, typeOfWork.name, unmapped)
      : "unknown_type_of_work";
    // Reason precedence follows the record's path: project, then type of work.
    if (typeof project === "string") return { ok: false, reason: project, unmapped };
    if (typeof item === "string" || typeOfWork === undefined) {
      return { ok: false, reason: typeof item === "string" ? item : "unknown_type_of_work", unmapped };
    }
    const customerRef = project.ref;
    const billableStatus = resolveBillableStatus(typeOfWork.billable, customerRef);
    const hourlyRate = resolveHourlyRate(billableStatus, typeOfWork.rate, item.unitPrice);
    return {
      ok: true,
      name: task.name,
      customerRef,
      itemRef: item.ref,
      billableStatus,
      hourlyRate,
      combinedTail: combinedKeyTail(customerRef, item.ref, billableStatus, hourlyRate),
      projectId: task.projectId,
      typeOfWorkId: typeOfWork.id,
    };
  };

  const leaveCache = new Map<number | string, ResolvedWork | Blocked>();
  const resolveLeaveType = (leaveTypeId: number, date: string): ResolvedWork | Blocked => {
    const periods = datedLeaveTypes?.get(leaveTypeId);
    const index = periods === undefined ? -1 : periodIndex(periods, date);
    const cacheKey = index < 0 ? leaveTypeId : `${leaveTypeId}|${index}`;
    const cached = leaveCache.get(cacheKey);
    if (cached) return cached;
    const unmapped: UnmappedEntity[] = [];
    const leaveType = leaveTypes.get(leaveTypeId);
    const item = checkTarget(targetIn(targets.leaveTypes, periods, leaveTypeId, index), "leave_type", leaveTypeId, leaveType?.name ?? null, unmapped);
    // Leave: no customer, therefore NotBillable and no rate (spec §6).
    const resolved: ResolvedWork | Blocked =
      typeof item === "string"
        ? { ok: false, reason: item, unmapped }
        : {
            ok: true,
            name: leaveType?.name ?? "",
            customerRef: null,
            itemRef: item.ref,
            billableStatus: "NotBillable",
            hourlyRate: null,
            combinedTail: combinedKeyTail(null, item.ref, "NotBillable", null),
            projectId: null,
            typeOfWorkId: null,
          };
    leaveCache.set(cacheKey, resolved);
    return resolved;
  };

  // Class / department per record: the project's entry wins (a null one too), else the user's; with
  // rules that apply from a date, each entity's choice is the one in force on the record's date.
  const { classes, departments } = targets;
  const dimensionCache = new Map<string, Dimensions>();
  const anyDatedDimensions = [classes, departments].some((of) => of?.datedProjects !== undefined || of?.datedUsers !== undefined);
  /** The entity's choice in force on `date`: `{ ref }`, or undefined when it has none then (falls through). */
  const choiceOn = (undated: ReadonlyMap<number, QboTargetRef | null> | undefined, dated: ReadonlyMap<number, readonly DatedDimension[]> | undefined, id: number, date: string): { ref: QboTargetRef | null } | undefined => {
    const periods = dated?.get(id);
    const index = periodIndex(periods, date);
    if (index < 0) return undated?.has(id) ? { ref: undated.get(id) ?? null } : undefined;
    const ref = periods![index]!.ref;
    return ref === undefined ? undefined : { ref };
  };
  const pick = (of: ResolvedTargets["classes"], userId: number, projectId: number | null, date: string): QboTargetRef | null => {
    if (!of) return null;
    const project = projectId === null ? undefined : choiceOn(of.projects, of.datedProjects, projectId, date);
    if (project) return project.ref;
    return choiceOn(of.users, of.datedUsers, userId, date)?.ref ?? null;
  };
  const periodKey = (of: ResolvedTargets["classes"], userId: number, projectId: number | null, date: string) =>
    `${projectId === null ? "" : periodIndex(of?.datedProjects?.get(projectId), date)}.${periodIndex(of?.datedUsers?.get(userId), date)}`;
  const dimensionsOf = (userId: number, projectId: number | null, date: string): Dimensions => {
    if (!classes && !departments) return NO_DIMENSIONS;
    const cacheKey = `${userId}|${projectId ?? ""}${anyDatedDimensions ? `|${periodKey(classes, userId, projectId, date)}|${periodKey(departments, userId, projectId, date)}` : ""}`;
    let found = dimensionCache.get(cacheKey);
    if (!found) {
      const classRef = pick(classes, userId, projectId, date);
      const departmentRef = pick(departments, userId, projectId, date);
      found = classRef || departmentRef ? { classRef, departmentRef, keyPart: dimensionKeyPart(classRef, departmentRef) } : NO_DIMENSIONS;
      dimensionCache.set(cacheKey, found);
    }
    return found;
  };

  const accumulators = new Map<string, Accumulator>();
  const add = (
    key: string,
    userId: number,
    date: string,
    user: ResolvedUser,
    work: ResolvedWork,
    dimensions: Dimensions,
    minutes: number,
    taskId: number | null,
    leaveTypeId: number | null,
    comment: string | null,
    recordId: string,
  ) => {
    let acc = accumulators.get(key);
    if (!acc) {
      acc = {
        key,
        txnDate: weekly ? weekOf(date) : date,
        employeeRef: user.employeeRef,
        nameOf: user.nameOf,
        work,
        dimensions,
        totalMinutes: 0,
        userIds: null,
        projectIds: null,
        leaveTypeIds: null,
        taskIds: null,
        typeOfWorkIds: null,
        recordCount: 0,
        records: null,
        firstComment: separate ? comment : null,
        moreComments: null,
        entries: null,
      };
      accumulators.set(key, acc);
    } else if (separate) {
      (acc.moreComments ??= []).push(comment);
    }
    if (joined) {
      const entry = descriptionEntry(input.description, work.name, comment);
      if (entry !== null) {
        const entries = (acc.entries ??= new Map());
        const first = entries.get(entry);
        if (first === undefined || date < first) entries.set(entry, date);
      }
    }
    acc.totalMinutes += minutes;
    acc.recordCount += 1;
    if (minutes > 0) acc.records = addString(acc.records, recordId);
    acc.userIds = addId(acc.userIds, userId);
    acc.projectIds = addId(acc.projectIds, work.projectId);
    acc.typeOfWorkIds = addId(acc.typeOfWorkIds, work.typeOfWorkId);
    acc.taskIds = addId(acc.taskIds, taskId);
    acc.leaveTypeIds = addId(acc.leaveTypeIds, leaveTypeId);
  };

  /** Shared record gate: minutes, date range, and the resolution of the entities it needs. */
  const admit = (minutes: number, date: string, user: ResolvedUser | Blocked, work: ResolvedWork | Blocked): boolean => {
    if (!isValidMinutes(minutes)) {
      skip("invalid_minutes", 1, minutes);
      return false;
    }
    if (scope && !dateInScope(date, scope)) {
      skip("outside_date_range", 1, minutes);
      return false;
    }
    if (user.ok && work.ok) return true;
    // Every unmapped entity of the record is counted, not only the first reason, so the wizard can
    // ask for all missing rules at once. The skip reason follows the record's path: user first.
    const unmapped = [...(user.ok ? [] : user.unmapped), ...(work.ok ? [] : work.unmapped)];
    for (const entity of unmapped) {
      entity.recordCount += 1;
      entity.minutes += minutes;
    }
    const blocked = user.ok ? work : user;
    if (!blocked.ok) skip(blocked.reason, 1, minutes);
    return false;
  };

  // Billed activities: their records are tallied here instead of planned, and their keys are taken.
  const billed = input.billed;
  const frozenTallies = new Map<string, FrozenTally & { minuteRate: number; targetSet: Set<string> }>();
  const frozenCount: SkipCount = { records: 0, minutes: 0 };
  const freeze = (ledgerKey: string, minutes: number, date: string, approved: boolean, user: ResolvedUser | Blocked, work: ResolvedWork | Blocked, userId: number) => {
    let tally = frozenTallies.get(ledgerKey);
    if (!tally) {
      tally = { ledgerKey, records: 0, minutes: 0, amountCents: 0, targets: [], minuteRate: 0, targetSet: new Set() };
      frozenTallies.set(ledgerKey, tally);
    }
    tally.records += 1;
    frozenCount.records += 1;
    // What this import would write for it now: nothing when it is invalid, unapproved or not mapped.
    if (!isValidMinutes(minutes) || !approved || (scope && !dateInScope(date, scope)) || !user.ok || !work.ok) return;
    tally.minutes += minutes;
    frozenCount.minutes += minutes;
    if (work.billableStatus === "Billable" && work.hourlyRate !== null) tally.minuteRate += minutes * work.hourlyRate;
    if (minutes > 0) {
      const { classRef, departmentRef } = dimensionsOf(userId, work.projectId, date);
      tally.targetSet.add(targetSignature({ employeeRef: user.employeeRef, nameOf: user.nameOf, ...work, classRef, departmentRef }));
    }
  };
  const overflowCache = new Map<string, string>();
  const keyFor = (key: string): string => {
    if (!billed || !billed.keys.has(key)) return key;
    let free = overflowCache.get(key);
    if (free === undefined) {
      free = freeKey(key, billed.keys);
      overflowCache.set(key, free);
    }
    return free;
  };

  for (const record of input.timeTrack) {
    const recordId = timeTrackRecordId(record.userId, record.date, record.taskId);
    const frozenBy = billed?.records.get(recordId);
    if (frozenBy !== undefined) {
      const approved = !input.approvedOnly || record.approved === true;
      freeze(frozenBy, record.minutes, record.date, approved, resolveUser(record.userId, record.date), resolveTask(record.taskId, record.date), record.userId);
      continue;
    }
    if (input.approvedOnly && record.approved !== true) {
      skip("not_approved", 1, record.minutes);
      continue;
    }
    const user = resolveUser(record.userId, record.date);
    const work = resolveTask(record.taskId, record.date);
    if (!admit(record.minutes, record.date, user, work) || !user.ok || !work.ok) continue;
    const dimensions = dimensionsOf(record.userId, work.projectId, record.date);
    const key = keyFor(separate ? separateTimeTrackKey(record.userId, record.date, record.taskId) + roundTag : combinedKeyOf(user, record.date, work, dimensions));
    add(key, record.userId, record.date, user, work, dimensions, record.minutes, record.taskId, null, record.comment, recordId);
  }

  for (const record of input.leave) {
    const recordId = leaveRecordId(record.userId, record.date, record.leaveTypeId);
    const frozenBy = billed?.records.get(recordId);
    if (frozenBy !== undefined) {
      freeze(frozenBy, record.minutes, record.date, true, resolveUser(record.userId, record.date), resolveLeaveType(record.leaveTypeId, record.date), record.userId);
      continue;
    }
    const user = resolveUser(record.userId, record.date);
    const work = resolveLeaveType(record.leaveTypeId, record.date);
    if (!admit(record.minutes, record.date, user, work) || !user.ok || !work.ok) continue;
    const dimensions = dimensionsOf(record.userId, null, record.date);
    const key = keyFor(separate ? separateLeaveKey(record.userId, record.date, record.leaveTypeId) + roundTag : combinedKeyOf(user, record.date, work, dimensions));
    add(key, record.userId, record.date, user, work, dimensions, record.minutes, null, record.leaveTypeId, null, recordId);
  }

  const activities: DesiredActivity[] = [];
  const toCreate = new Map<string, EntityToCreate>();
  let recordsImported = 0;
  let totalMinutes = 0;
  let trackedMinutes = 0;
  let billableWithoutRate = 0;

  for (const acc of accumulators.values()) {
    const sources: ActivitySources = {
      userIds: idsToArray(acc.userIds),
      projectIds: idsToArray(acc.projectIds),
      leaveTypeIds: idsToArray(acc.leaveTypeIds),
      taskIds: idsToArray(acc.taskIds),
      typeOfWorkIds: idsToArray(acc.typeOfWorkIds),
      recordCount: acc.recordCount,
      records: stringsToArray(acc.records),
    };
    // No spread of a conditional object here: at 100k activities it was measurable.
    if (rounds) sources.trackedMinutes = acc.totalMinutes;
    if (scope && !sourcesInSelection(sources, scope)) {
      skip("not_selected", acc.recordCount, acc.totalMinutes);
      continue;
    }
    if (acc.totalMinutes === 0) {
      skip("zero_minutes", acc.recordCount, 0);
      continue;
    }
    // Rounding applies to the activity, after combining.
    const written = rounds ? roundMinutes(acc.totalMinutes, rounding) : acc.totalMinutes;
    if (written === 0) {
      skip("rounded_to_zero", acc.recordCount, acc.totalMinutes);
      continue;
    }
    const { work } = acc;
    // Separate mode: leave gets its leave type's name where time-track gets the task name.
    const description = separate
      ? buildDescription(input.description, work.name, acc.moreComments ? [acc.firstComment, ...acc.moreComments] : [acc.firstComment])
      : joined
        ? joinDescriptions(acc.entries)
        : null;
    const activity: DesiredActivity = {
      key: acc.key,
      txnDate: acc.txnDate,
      employeeRef: acc.employeeRef,
      customerRef: work.customerRef,
      itemRef: work.itemRef,
      billableStatus: work.billableStatus,
      hourlyRate: work.hourlyRate,
      ...splitMinutes(written),
      description,
      sources,
    };
    // Present only when set, so activities (and ledger rows) without them keep their old shape.
    if (acc.nameOf) activity.nameOf = acc.nameOf;
    if (acc.dimensions.classRef) activity.classRef = acc.dimensions.classRef;
    if (acc.dimensions.departmentRef) activity.departmentRef = acc.dimensions.departmentRef;
    activities.push(activity);
    recordsImported += acc.recordCount;
    totalMinutes += written;
    trackedMinutes += acc.totalMinutes;
    if (work.billableStatus === "Billable" && work.hourlyRate === null) billableWithoutRate += 1;
    if (isNewRef(acc.employeeRef) || isNewRef(work.customerRef) || isNewRef(work.itemRef)) {
      collectEntitiesToCreate(toCreate, targets, sources, activity);
    }
  }

  activities.sort(byTxnDateThenKey);

  const unmapped = CATEGORY_ORDER.flatMap((category) =>
    [...unmappedByCategory[category].values()].sort((a, b) => a.sourceId - b.sourceId),
  );
  const entitiesToCreate = [...toCreate.values()]
    .map((entity) => ({ ...entity, sourceIds: entity.sourceIds.sort(byNumber) }))
    .sort(
      (a, b) =>
        CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || compareStrings(a.ref, b.ref),
    );

  // A billed activity's tally is what this import would write for its records now: rounded too.
  const tallies = [...frozenTallies.values()].map(({ minuteRate, targetSet, ...tally }) => {
    const minutes = rounds ? roundMinutes(tally.minutes, rounding) : tally.minutes;
    const rate = rounds && tally.minutes > 0 ? (minuteRate * minutes) / tally.minutes : minuteRate;
    return { ...tally, minutes, amountCents: Math.round((rate * 100) / MINUTES_PER_HOUR), targets: [...targetSet].sort() };
  });
  if (rounds) frozenCount.minutes = tallies.reduce((sum, t) => sum + t.minutes, 0);

  return {
    mode,
    combine,
    rounding,
    activities,
    entitiesToCreate,
    counts: {
      recordsIn: input.timeTrack.length + input.leave.length,
      recordsImported,
      skipped,
      unmapped,
      billableWithoutRate,
      frozen: frozenCount,
    },
    totals: { activities: activities.length, minutes: totalMinutes, hours: totalMinutes / MINUTES_PER_HOUR, trackedMinutes },
    frozen: tallies.sort((a, b) => compareStrings(a.ledgerKey, b.ledgerKey)),
  };
}

function collectEntitiesToCreate(
  toCreate: Map<string, EntityToCreate>,
  targets: ResolvedTargets,
  sources: ActivitySources,
  activity: Pick<DesiredActivity, "employeeRef" | "customerRef" | "itemRef">,
): void {
  // One activity may reach the same new entity through several sources; count it once.
  const seen = new Set<EntityToCreate>();
  const visit = (category: MappingCategory, map: ReadonlyMap<number, Target>, ids: readonly number[], dated: ReadonlyMap<number, readonly DatedTarget[]> | undefined) => {
    for (const id of ids) {
      const periods = dated?.get(id);
      // An entity with dated targets: only the targets this activity uses (the ones in force on its date).
      const candidates = periods === undefined ? [map.get(id)] : [map.get(id), ...periods.map((p) => p.target)].filter((t) => t?.kind === "qbo" && (t.ref === activity.employeeRef || t.ref === activity.customerRef || t.ref === activity.itemRef));
      for (const target of candidates) {
        if (!target || target.kind !== "qbo" || !isNewRef(target.ref)) continue;
        const groupKey = `${category}|${target.ref}`;
        let entity = toCreate.get(groupKey);
        if (!entity) {
          entity = { ref: target.ref, category, name: target.name, sourceIds: [], activityCount: 0, ...(target.nameOf === "Vendor" ? { qboEntity: "Vendor" as const } : {}) };
          toCreate.set(groupKey, entity);
        }
        pushUnique(entity.sourceIds, id);
        if (!seen.has(entity)) {
          seen.add(entity);
          entity.activityCount += 1;
        }
      }
    }
  };
  visit("user", targets.users, sources.userIds, targets.dated?.users);
  visit("project", targets.projects, sources.projectIds, targets.dated?.projects);
  visit("type_of_work", targets.typesOfWork, sources.typeOfWorkIds, targets.dated?.typesOfWork);
  visit("leave_type", targets.leaveTypes, sources.leaveTypeIds, targets.dated?.leaveTypes);
}

/** The index of the dated target in force on `date` (the last `from` ≤ date), -1 before the first (or without any). */
function periodIndex(periods: readonly { from: string }[] | undefined, date: string): number {
  let index = -1;
  if (periods === undefined) return index;
  for (let i = 0; i < periods.length; i++) {
    if (periods[i]!.from <= date) index = i;
    else break;
  }
  return index;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order for previews: by date, then key (plain code-unit order, not locale). */
export function byTxnDateThenKey(a: { txnDate: string; key: string }, b: { txnDate: string; key: string }): number {
  return compareStrings(a.txnDate, b.txnDate) || compareStrings(a.key, b.key);
}

export {
  canonicalRate,
  combinedKey,
  isNewRef,
  newRef,
  qboRef,
  resolveNewRefs,
  separateLeaveKey,
  separateTimeTrackKey,
} from "./keys";
export { buildDescription, QBO_DESCRIPTION_MAX_CHARS, truncateDescription } from "./description";
export { effectiveCombine, mondayOf, roundMinutes, wholeWeeks, type Grouping, type Rounding } from "./time-settings";
export { activityInScope, compileScope, sourcesInSelection } from "./scope";
export { baseKey, billedLineage, lineageOf, type BilledLineage, type FrozenTally } from "./lineage";
