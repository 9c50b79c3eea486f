// In-memory actiTIME REST API v1, answering Fetch API Requests. Shapes, envelopes and paging
// follow the actiTIME API reference the project was given (reference/actitime-api.md); where the reference leaves behaviour open
// the choice made here is noted at the spot (search "[I]").
import { addDays, parseIsoDate } from "./dates";
import { createSeedSnapshot, resolveSeedOptions, type SeedOptions } from "./seed";
import type { ActitimeSnapshot, EmulatedCustomer, EmulatedLeaveType, EmulatedProject, EmulatedTask, EmulatedTypeOfWork, EmulatedUser, LeaveRecord, TimeTrackRecord } from "./types";
import { sleep } from "@/lib/sleep";

const API_PREFIX = "/api/v1";
const JSON_CONTENT_TYPE = "application/json; charset=UTF-8";
/** Chunk size for streamed fault bodies (huge / slow). */
const STREAM_CHUNK_BYTES = 64 * 1024;

/** Failure modes for client tests; applied to every API request (or those under `pathPrefix`). */
export interface ActitimeFaults {
  /** Answer with this status and an actiTIME error body (e.g. 500, 503, 403). */
  errorStatus?: number;
  /** 200 with a body that is not valid JSON. */
  malformedJson?: boolean;
  /** 200 with an HTML page, like a login page or a proxy answering instead of actiTIME. */
  html?: boolean;
  /** 200 with a valid JSON body padded to at least this many bytes, streamed. */
  hugeBodyBytes?: number;
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Send headers at once but hold the body back this long. */
  slowBodyMs?: number;
  /** Only requests whose API path starts with this, e.g. "/timetrack". */
  pathPrefix?: string;
}

export interface ActitimeStats {
  total: number;
  /** "GET /users/{id}" → count */
  byEndpoint: Record<string, number>;
}

export interface ActitimeEmulatorOptions extends SeedOptions {
  /** Start from this state instead of the seed (e.g. state persisted by the demo). */
  snapshot?: ActitimeSnapshot;
}

export interface TimeTrackInput {
  userId: number;
  date: string;
  taskId: number;
  timeMinutes: number;
  comment?: string | null;
}

export interface ActitimeEmulator {
  handle(request: Request): Promise<Response>;
  faults: ActitimeFaults;
  readonly stats: ActitimeStats;
  resetStats(): void;
  /** Adds or edits a record; 0 minutes deletes it, as in actiTIME. */
  upsertTimeTrack(input: TimeTrackInput): void;
  deleteTimeTrack(userId: number, date: string, taskId: number): boolean;
  getTimeTrack(userId: number, date: string, taskId: number): TimeTrackRecord | undefined;
  /** Every record, sorted by date, user, task. */
  listTimeTrack(): TimeTrackRecord[];
  moveTask(taskId: number, projectId: number): void;
  setTaskTypeOfWork(taskId: number, typeOfWorkId: number): void;
  setTypesOfWorkEnabled(enabled: boolean): void;
  setBillingEnabled(enabled: boolean): void;
  /** Adds or edits leave; 0 minutes deletes it. */
  upsertLeave(input: LeaveRecord): void;
  setDayApproved(userId: number, date: string, approved: boolean): void;
  /** Back to the seed of the options this emulator was created with. */
  reset(): void;
  toJSON(): ActitimeSnapshot;
  fromJSON(snapshot: ActitimeSnapshot): void;
}

interface ApiErrorBody {
  key: string;
  message: string;
  fields?: string;
}

/** Thrown inside a handler to answer with actiTIME's error body. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

// Error keys are not documented anywhere we could read [I]; clients branch on status, not key.
const notFound = (message: string): ApiError => new ApiError(404, { key: "api.error.not_found", message });
const invalid = (message: string, field: string): ApiError =>
  new ApiError(400, { key: "api.error.validation", message, fields: field });

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": JSON_CONTENT_TYPE, ...headers } });
}

/** Waits `ms`, ending early (without an error) when the request is aborted. */
const wait = (ms: number, signal?: AbortSignal) => sleep(ms, signal).catch(() => {});

/** Mutable state plus indexes; rebuilt from a snapshot on load. */
class State {
  snapshot: ActitimeSnapshot;
  usersById = new Map<number, EmulatedUser>();
  customersById = new Map<number, EmulatedCustomer>();
  projectsById = new Map<number, EmulatedProject>();
  tasksById = new Map<number, EmulatedTask>();
  typesOfWorkById = new Map<number, EmulatedTypeOfWork>();
  leaveTypesById = new Map<number, EmulatedLeaveType>();
  /** date → `${userId}|${taskId}` → record; date-first because every read is a date window. */
  timeByDate = new Map<string, Map<string, TimeTrackRecord>>();
  /** date → `${userId}|${leaveTypeId}` → record */
  leaveByDate = new Map<string, Map<string, LeaveRecord>>();

  constructor(snapshot: ActitimeSnapshot) {
    this.snapshot = structuredClone(snapshot);
    const s = this.snapshot;
    for (const user of s.users) this.usersById.set(user.id, user);
    for (const customer of s.customers) this.customersById.set(customer.id, customer);
    for (const project of s.projects) this.projectsById.set(project.id, project);
    for (const task of s.tasks) this.tasksById.set(task.id, task);
    for (const typeOfWork of s.typesOfWork) this.typesOfWorkById.set(typeOfWork.id, typeOfWork);
    for (const leaveType of s.leaveTypes) this.leaveTypesById.set(leaveType.id, leaveType);
    for (const record of s.timeTrack) this.putTime(record);
    for (const record of s.leave) this.putLeave(record);
    // The arrays are rebuilt from the indexes in toSnapshot(); drop them to keep one truth.
    s.timeTrack = [];
    s.leave = [];
  }

  putTime(record: TimeTrackRecord): void {
    let day = this.timeByDate.get(record.date);
    if (!day) this.timeByDate.set(record.date, (day = new Map()));
    day.set(`${record.userId}|${record.taskId}`, record);
  }

  putLeave(record: LeaveRecord): void {
    let day = this.leaveByDate.get(record.date);
    if (!day) this.leaveByDate.set(record.date, (day = new Map()));
    day.set(`${record.userId}|${record.leaveTypeId}`, record);
  }

  isApproved(userId: number, date: string): boolean {
    const override = this.snapshot.approvalOverrides[`${userId}|${date}`];
    if (override !== undefined) return override;
    return this.snapshot.approvedThrough !== null && date <= this.snapshot.approvedThrough;
  }

  allTime(): TimeTrackRecord[] {
    const records = [...this.timeByDate.values()].flatMap((day) => [...day.values()]);
    return records.sort((a, b) => a.date.localeCompare(b.date) || a.userId - b.userId || a.taskId - b.taskId);
  }

  toSnapshot(): ActitimeSnapshot {
    const leave = [...this.leaveByDate.values()]
      .flatMap((day) => [...day.values()])
      .sort((a, b) => a.date.localeCompare(b.date) || a.userId - b.userId || a.leaveTypeId - b.leaveTypeId);
    return structuredClone({ ...this.snapshot, timeTrack: this.allTime(), leave });
  }
}

// ---------- query parameter parsing ----------

function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`Parameter '${name}' must be an integer between ${min} and ${max}`, name);
  }
  return value;
}

function idsParam(params: URLSearchParams, name: string): Set<number> | undefined {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  const ids = raw.split(",").map((part) => Number(part.trim()));
  if (ids.some((id) => !Number.isInteger(id))) throw invalid(`Parameter '${name}' must be a comma-separated list of ids`, name);
  return new Set(ids);
}

function boolParam(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw invalid(`Parameter '${name}' must be true or false`, name);
}

function dateParam(params: URLSearchParams, name: string, required: true): string;
function dateParam(params: URLSearchParams, name: string, required: false): string | undefined;
function dateParam(params: URLSearchParams, name: string, required: boolean): string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") {
    if (required) throw invalid("Mandatory field is not specified", name);
    return undefined;
  }
  if (parseIsoDate(raw) === null) throw invalid(`Parameter '${name}' must be a date in YYYY-MM-DD format`, name);
  return raw;
}

/** `name` is an exact, case-insensitive match; `words` requires every word in the name. */
function matchesNameFilters(name: string, params: URLSearchParams): boolean {
  const exact = params.get("name");
  if (exact !== null && exact !== "" && name.toLowerCase() !== exact.toLowerCase()) return false;
  const words = params.get("words");
  if (words !== null && words.trim() !== "") {
    const lower = name.toLowerCase();
    if (!words.toLowerCase().split(/\s+/).filter(Boolean).every((word) => lower.includes(word))) return false;
  }
  return true;
}

function fullNameOf(user: EmulatedUser): string {
  return `${user.lastName}, ${user.firstName}${user.middleName ? ` ${user.middleName}.` : ""}`;
}

/** Normalised endpoint for stats: ids, usernames and dates become placeholders. */
function endpointKey(method: string, apiPath: string): string {
  const keywords = new Set(["me", "default", "time", "lock", "unlock", "comments", "schedule"]);
  const segments = apiPath.split("/").filter(Boolean);
  const normalised = segments.map((segment, index) => (index === 0 || keywords.has(segment) ? segment : "{id}"));
  return `${method} /${normalised.join("/")}`;
}

export function createActitimeEmulator(options: ActitimeEmulatorOptions = {}): ActitimeEmulator {
  const seedOptions = resolveSeedOptions(options);
  const initialSnapshot = (): ActitimeSnapshot => options.snapshot ?? createSeedSnapshot(seedOptions);
  let state = new State(initialSnapshot());
  let stats: ActitimeStats = { total: 0, byEndpoint: {} };

  const requireTask = (taskId: number): EmulatedTask => {
    const task = state.tasksById.get(taskId);
    if (!task) throw new Error(`No task ${taskId}`);
    return task;
  };
  const requireDate = (date: string): void => {
    if (parseIsoDate(date) === null) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  };

  // ---------- views: what a given caller sees ----------

  const canSeeRates = (caller: EmulatedUser): boolean =>
    state.snapshot.settings.billingEnabled &&
    (caller.permissions.manageAccounts || caller.permissions.manageCostBilling || caller.permissions.manageSystemSettings);

  const userView = (user: EmulatedUser, caller: EmulatedUser) => {
    // username/email/hired/releaseDate need Manage Accounts & Permissions (reference §3.1).
    // Showing them on your own record is a choice: the reference leaves it open [I].
    const privileged = caller.permissions.manageAccounts || caller.id === user.id;
    return {
      id: user.id,
      departmentId: user.departmentId,
      timeZoneGroupId: user.timeZoneGroupId,
      ...(privileged ? { hired: user.hired, releaseDate: user.releaseDate, email: user.email, username: user.username } : {}),
      fullName: fullNameOf(user),
      firstName: user.firstName,
      middleName: user.middleName,
      lastName: user.lastName,
      active: user.active,
      allowedActions: { canSubmitTimetrack: user.active },
    };
  };

  const modifyActions = (caller: EmulatedUser) => ({
    canModify: caller.permissions.manageAccounts,
    canDelete: caller.permissions.manageAccounts,
  });

  const customerView = (customer: EmulatedCustomer, caller: EmulatedUser, base: string) => ({
    id: customer.id,
    name: customer.name,
    archived: customer.archived,
    created: customer.createdMs,
    url: `${base}/tasks/tasklist.do?customerId=${customer.id}`,
    description: customer.description,
    allowedActions: modifyActions(caller),
  });

  const projectView = (project: EmulatedProject, caller: EmulatedUser, base: string) => ({
    id: project.id,
    customerId: project.customerId,
    customerName: state.customersById.get(project.customerId)?.name ?? null,
    name: project.name,
    archived: project.archived,
    created: project.createdMs,
    description: project.description,
    url: `${base}/tasks/tasklist.do?projectId=${project.id}`,
    allowedActions: modifyActions(caller),
  });

  const WORKFLOW_STATUSES = {
    open: { id: 1, name: "New", type: "open" },
    completed: { id: 3, name: "Completed", type: "completed" },
  } as const;

  const taskView = (task: EmulatedTask, caller: EmulatedUser, base: string) => {
    const project = state.projectsById.get(task.projectId);
    const customer = project ? state.customersById.get(project.customerId) : undefined;
    const typeOfWork = state.typesOfWorkById.get(task.typeOfWorkId);
    const workflow = WORKFLOW_STATUSES[task.status];
    return {
      id: task.id,
      name: task.name,
      description: task.description,
      created: task.createdMs,
      status: task.status,
      workflowStatusId: workflow.id,
      workflowStatusName: workflow.name,
      typeOfWorkId: task.typeOfWorkId,
      typeOfWorkName: typeOfWork?.name ?? null,
      customerId: customer?.id ?? null,
      customerName: customer?.name ?? null,
      projectId: task.projectId,
      projectName: project?.name ?? null,
      deadline: null,
      estimatedTime: task.estimatedTimeMinutes,
      url: `${base}/tasks/tasklist.do?taskId=${task.id}`,
      allowedActions: modifyActions(caller),
    };
  };

  const typeOfWorkView = (typeOfWork: EmulatedTypeOfWork, caller: EmulatedUser) => ({
    id: typeOfWork.id,
    name: typeOfWork.name,
    // null when unset or when the caller may not see billing data (reference §3.5).
    rate: canSeeRates(caller) ? typeOfWork.rate : null,
    archived: typeOfWork.archived,
    billable: typeOfWork.billable,
    default: typeOfWork.isDefault,
  });

  const leaveTypeView = (leaveType: EmulatedLeaveType) => ({ ...leaveType });

  const infoView = (base: string) => {
    const settings = state.snapshot.settings;
    const level = (singular: string, plural: string) => ({ singular, plural });
    return {
      company: { logoUri: null, name: settings.companyName },
      customNames: {
        firstLevel: level("Customer", "Customers"),
        secondLevel: level("Project", "Projects"),
        thirdLevel: level("Task", "Tasks"),
        department: level("Department", "Departments"),
      },
      format: { currency: settings.currencySign, decimalSeparator: ".", timeFormat: "hours", clockFormat: "12h", dayOfWeekStart: 1 },
      features: {
        overtimeRegistration: false,
        departments: true,
        timeZoneGroups: false,
        taskEstimates: true,
        taskWorkflow: false,
        workAssignments: true,
        typesOfWork: settings.typesOfWorkEnabled,
        leavetimeRegistration: true,
      },
      urls: { actiTime: `${base}/`, actiPlans: null, api: `${base}${API_PREFIX}`, apiDocumentation: `${base}${API_PREFIX}/swagger` },
      limits: { maxBatchSize: settings.maxBatchSize, maxQueryLimit: settings.maxQueryLimit },
      serverUUID: settings.serverUUID,
    };
  };

  // ---------- list endpoints ----------

  const sortItems = <T extends { id: number; name?: string; createdMs?: number }>(items: T[], sort: string | null): T[] => {
    if (!sort) return items;
    // A raw "+" in a query string decodes as a space (reference §2.1), so accept both.
    const descending = sort.startsWith("-");
    const field = sort.replace(/^[+\- ]/, "");
    const value = (item: T): string | number =>
      field === "name" ? (item.name ?? "") : field === "created" ? (item.createdMs ?? 0) : item.id;
    const sorted = [...items].sort((a, b) => {
      const left = value(a);
      const right = value(b);
      return left < right ? -1 : left > right ? 1 : 0;
    });
    return descending ? sorted.reverse() : sorted;
  };

  const envelope = <T>(params: URLSearchParams, items: T[], extra: Record<string, unknown> = {}) => {
    const maxLimit = state.snapshot.settings.maxQueryLimit;
    const offset = intParam(params, "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
    // What actiTIME does above maxQueryLimit is not documented (reference §8) [I]; we reject
    // with 400, the strictest choice, so clients are forced to read the limit from /info.
    const limit = intParam(params, "limit", 0, maxLimit) ?? maxLimit;
    return { offset, limit, items: items.slice(offset, offset + limit), ...extra };
  };

  const filterCommon = <T extends { id: number; archived?: boolean; name?: string }>(items: T[], params: URLSearchParams): T[] => {
    const ids = idsParam(params, "ids");
    const archived = boolParam(params, "archived");
    return items.filter(
      (item) =>
        (ids === undefined || ids.has(item.id)) &&
        (archived === undefined || item.archived === archived) &&
        (item.name === undefined || matchesNameFilters(item.name, params)),
    );
  };

  const listUsers = (params: URLSearchParams, caller: EmulatedUser) => {
    const ids = idsParam(params, "ids");
    const active = boolParam(params, "active");
    const username = params.get("username")?.toLowerCase();
    const email = params.get("email")?.toLowerCase();
    const name = params.get("name")?.toLowerCase();
    const users = state.snapshot.users.filter(
      (user) =>
        (ids === undefined || ids.has(user.id)) &&
        (active === undefined || user.active === active) &&
        (!username || user.username.toLowerCase() === username) &&
        (!email || user.email.toLowerCase() === email) &&
        (!name || `${user.firstName} ${user.lastName}`.toLowerCase().includes(name)),
    );
    return envelope(params, users.map((user) => userView(user, caller)));
  };

  const listTasks = (params: URLSearchParams, caller: EmulatedUser, base: string) => {
    const projectIds = idsParam(params, "projectIds");
    const customerIds = idsParam(params, "customerIds");
    const typeOfWorkIds = idsParam(params, "typeOfWorkIds");
    const status = params.get("status");
    const tasks = sortItems(filterCommon(state.snapshot.tasks, params), params.get("sort")).filter((task) => {
      const customerId = state.projectsById.get(task.projectId)?.customerId;
      return (
        (projectIds === undefined || projectIds.has(task.projectId)) &&
        (customerIds === undefined || (customerId !== undefined && customerIds.has(customerId))) &&
        (typeOfWorkIds === undefined || typeOfWorkIds.has(task.typeOfWorkId)) &&
        (!status || task.status === status)
      );
    });
    const result = envelope(params, tasks);
    const views = result.items.map((task) => taskView(task, caller, base));
    return { ...result, items: views, ...referencedMaps(params, result.items, caller, base) };
  };

  /** id-keyed side maps for `includeReferenced` (tasks and time-track). */
  const referencedMaps = (params: URLSearchParams, tasks: EmulatedTask[], caller: EmulatedUser, base: string, userIds: number[] = []) => {
    const wanted = new Set((params.get("includeReferenced") ?? "").split(",").map((part) => part.trim()));
    const maps: Record<string, Record<string, unknown>> = {};
    const projectIds = new Set(tasks.map((task) => task.projectId));
    const projects = [...projectIds].flatMap((id) => state.projectsById.get(id) ?? []);
    if (wanted.has("tasks")) maps.tasks = Object.fromEntries(tasks.map((task) => [task.id, taskView(task, caller, base)]));
    if (wanted.has("projects")) maps.projects = Object.fromEntries(projects.map((project) => [project.id, projectView(project, caller, base)]));
    if (wanted.has("customers")) {
      const customers = [...new Set(projects.map((project) => project.customerId))].flatMap((id) => state.customersById.get(id) ?? []);
      maps.customers = Object.fromEntries(customers.map((customer) => [customer.id, customerView(customer, caller, base)]));
    }
    if (wanted.has("typesOfWork")) {
      const types = [...new Set(tasks.map((task) => task.typeOfWorkId))].flatMap((id) => state.typesOfWorkById.get(id) ?? []);
      maps.typesOfWork = Object.fromEntries(types.map((type) => [type.id, typeOfWorkView(type, caller)]));
    }
    if (wanted.has("workflowStatuses")) {
      maps.workflowStatuses = Object.fromEntries(Object.values(WORKFLOW_STATUSES).map((status) => [status.id, status]));
    }
    if (wanted.has("users")) {
      const users = userIds.flatMap((id) => state.usersById.get(id) ?? []);
      maps.users = Object.fromEntries(users.map((user) => [user.id, userView(user, caller)]));
    }
    return maps;
  };

  /**
   * Date-windowed reading shared by /timetrack and /leavetime. Whole days are returned; once
   * `stopAfter` records are reached the window is cut after that day and `nextDateFrom` is set
   * (reference §2.2: the cut falls on a day boundary, so a day is never split).
   */
  const readWindow = <R>(
    params: URLSearchParams,
    byDate: Map<string, Map<string, R>>,
    include: (record: R) => boolean,
    countOf: (records: R[]) => number,
  ) => {
    const dateFrom = dateParam(params, "dateFrom", true);
    const requestedTo = dateParam(params, "dateTo", false);
    const stopAfter = intParam(params, "stopAfter", 1, Number.MAX_SAFE_INTEGER);
    let dateTo = requestedTo;
    if (dateTo === undefined) {
      // Without dateTo actiTIME answers up to the last date that has records (reference §2.2).
      dateTo = dateFrom;
      for (const [date, day] of byDate) if (date > dateTo && [...day.values()].some(include)) dateTo = date;
    }
    if (dateTo < dateFrom) throw invalid("'dateTo' must not be earlier than 'dateFrom'", "dateTo");
    const days: { date: string; records: R[] }[] = [];
    let count = 0;
    let nextDateFrom: string | null = null;
    for (let date = dateFrom; date <= dateTo; date = addDays(date, 1)) {
      const records = [...(byDate.get(date)?.values() ?? [])].filter(include);
      if (records.length > 0) days.push({ date, records });
      count += countOf(records);
      if (stopAfter !== undefined && count >= stopAfter && date < dateTo) {
        nextDateFrom = addDays(date, 1);
        dateTo = date;
        break;
      }
    }
    return { dateFrom, dateTo, nextDateFrom, days };
  };

  const visibleUserIds = (caller: EmulatedUser, params: URLSearchParams): ((userId: number) => boolean) => {
    const userIds = idsParam(params, "userIds");
    // Manage Accounts & Permissions sees everyone; otherwise only yourself. The real rules also
    // give managers their team (reference §3.7); the emulator has no teams.
    return (userId) => (caller.permissions.manageAccounts || userId === caller.id) && (userIds === undefined || userIds.has(userId));
  };

  const dayOffsetFrom = (dateFrom: string, date: string): number =>
    (parseIsoDate(date) ?? 0) - (parseIsoDate(dateFrom) ?? 0);

  const getTimeTrackList = (params: URLSearchParams, caller: EmulatedUser, base: string) => {
    const userVisible = visibleUserIds(caller, params);
    const taskIds = idsParam(params, "taskIds");
    const projectIds = idsParam(params, "projectIds");
    const customerIds = idsParam(params, "customerIds");
    const approved = boolParam(params, "approved");
    const include = (record: TimeTrackRecord): boolean => {
      if (!userVisible(record.userId)) return false;
      if (taskIds !== undefined && !taskIds.has(record.taskId)) return false;
      if (approved !== undefined && state.isApproved(record.userId, record.date) !== approved) return false;
      if (projectIds === undefined && customerIds === undefined) return true;
      const task = state.tasksById.get(record.taskId);
      const project = task ? state.projectsById.get(task.projectId) : undefined;
      if (!project) return false;
      return (projectIds === undefined || projectIds.has(project.id)) && (customerIds === undefined || customerIds.has(project.customerId));
    };
    const window = readWindow(params, state.timeByDate, include, (records) => records.length);
    const data = window.days.flatMap(({ date, records }) => {
      const byUser = new Map<number, TimeTrackRecord[]>();
      for (const record of records) byUser.set(record.userId, [...(byUser.get(record.userId) ?? []), record]);
      return [...byUser.entries()]
        .sort(([a], [b]) => a - b)
        .map(([userId, userRecords]) => ({
          userId,
          date,
          dayOffset: dayOffsetFrom(window.dateFrom, date),
          approved: state.isApproved(userId, date),
          records: userRecords
            .sort((a, b) => a.taskId - b.taskId)
            // `comment` is left out when empty, as actiTIME does (reference §3.7).
            .map((record) => ({ taskId: record.taskId, time: record.timeMinutes, ...(record.comment ? { comment: record.comment } : {}) })),
        }));
    });
    const tasks = [...new Set(data.flatMap((day) => day.records.map((record) => record.taskId)))].flatMap(
      (id) => state.tasksById.get(id) ?? [],
    );
    const userIds = [...new Set(data.map((day) => day.userId))];
    return {
      dateFrom: window.dateFrom,
      dateTo: window.dateTo,
      nextDateFrom: window.nextDateFrom,
      data,
      ...referencedMaps(params, tasks, caller, base, userIds),
    };
  };

  const getLeaveTimeList = (params: URLSearchParams, caller: EmulatedUser) => {
    const userVisible = visibleUserIds(caller, params);
    const leaveTypeIds = idsParam(params, "leaveTypeIds");
    const window = readWindow(
      params,
      state.leaveByDate,
      (record) => userVisible(record.userId) && (leaveTypeIds === undefined || leaveTypeIds.has(record.leaveTypeId)),
      (records) => records.length,
    );
    const data = window.days.flatMap(({ date, records }) =>
      records
        .sort((a, b) => a.userId - b.userId || a.leaveTypeId - b.leaveTypeId)
        .map((record) => ({
          userId: record.userId,
          date,
          dayOffset: dayOffsetFrom(window.dateFrom, date),
          leaveTypeId: record.leaveTypeId,
          leaveTime: record.leaveTimeMinutes,
        })),
    );
    return { dateFrom: window.dateFrom, dateTo: window.dateTo, nextDateFrom: window.nextDateFrom, data };
  };

  const findOr404 = <T>(map: Map<number, T>, rawId: string, what: string): T => {
    const item = /^\d+$/.test(rawId) ? map.get(Number(rawId)) : undefined;
    if (!item) throw notFound(`${what} with id ${rawId} not found`);
    return item;
  };

  const findUser = (uid: string): EmulatedUser => {
    // `{uid}` may be an id or a username (reference §3.1) [I].
    const user = /^\d+$/.test(uid)
      ? state.usersById.get(Number(uid))
      : state.snapshot.users.find((candidate) => candidate.username.toLowerCase() === uid.toLowerCase());
    if (!user) throw notFound(`User ${uid} not found`);
    return user;
  };

  const patchTimeTrack = async (request: Request, segments: string[], caller: EmulatedUser) => {
    const [, rawUserId = "", date = "", rawTaskId = ""] = segments;
    const user = findUser(rawUserId);
    const task = findOr404(state.tasksById, rawTaskId, "Task");
    if (parseIsoDate(date) === null) throw invalid("Date must be in YYYY-MM-DD format", "date");
    if (!caller.permissions.manageAccounts && caller.id !== user.id) {
      throw new ApiError(403, { key: "api.error.access_denied", message: "You do not have permission to modify this user's time-track" });
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw invalid("Request body must be JSON", "body");
    }
    const patch = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const existing = state.timeByDate.get(date)?.get(`${user.id}|${task.id}`);
    const time = patch.time === undefined ? (existing?.timeMinutes ?? 0) : patch.time;
    if (typeof time !== "number" || !Number.isInteger(time) || time < 0 || time > 1440) {
      throw invalid("Time must be an integer number of minutes between 0 and 1440", "time");
    }
    const comment = patch.comment === undefined ? (existing?.comment ?? null) : patch.comment;
    if (comment !== null && typeof comment !== "string") throw invalid("Comment must be a string", "comment");
    emulator.upsertTimeTrack({ userId: user.id, date, taskId: task.id, timeMinutes: time, comment });
    return { taskId: task.id, time, ...(comment ? { comment } : {}) };
  };

  const route = async (request: Request, apiPath: string, caller: EmulatedUser, base: string): Promise<unknown> => {
    const params = new URL(request.url).searchParams;
    const segments = apiPath.split("/").filter(Boolean).map(decodeURIComponent);
    const [resource, id, ...rest] = segments;
    const method = request.method.toUpperCase();
    if (method === "PATCH" && resource === "timetrack" && segments.length === 4) return patchTimeTrack(request, segments, caller);
    if (method !== "GET") throw notFound(`No such endpoint: ${method} ${API_PREFIX}${apiPath}`);
    if (rest.length > 0 && resource !== "timetrack") throw notFound(`No such endpoint: ${API_PREFIX}${apiPath}`);

    switch (resource) {
      case "info":
        if (id === undefined) return infoView(base);
        break;
      case "users":
        if (id === undefined) return listUsers(params, caller);
        return userView(id === "me" ? caller : findUser(id), caller);
      case "customers":
        if (id === undefined) {
          const customers = sortItems(filterCommon(state.snapshot.customers, params), params.get("sort"));
          const result = envelope(params, customers);
          return { ...result, items: result.items.map((customer) => customerView(customer, caller, base)) };
        }
        return customerView(findOr404(state.customersById, id, "Customer"), caller, base);
      case "projects":
        if (id === undefined) {
          const customerIds = idsParam(params, "customerIds");
          const projects = sortItems(filterCommon(state.snapshot.projects, params), params.get("sort")).filter(
            (project) => customerIds === undefined || customerIds.has(project.customerId),
          );
          const result = envelope(params, projects);
          return { ...result, items: result.items.map((project) => projectView(project, caller, base)) };
        }
        return projectView(findOr404(state.projectsById, id, "Project"), caller, base);
      case "tasks":
        if (id === undefined) return listTasks(params, caller, base);
        return taskView(findOr404(state.tasksById, id, "Task"), caller, base);
      case "typesOfWork": {
        if (id === undefined) {
          const billable = boolParam(params, "billable");
          const types = sortItems(filterCommon(state.snapshot.typesOfWork, params), params.get("sort")).filter(
            (type) => billable === undefined || type.billable === billable,
          );
          const result = envelope(params, types);
          return { ...result, items: result.items.map((type) => typeOfWorkView(type, caller)) };
        }
        const type = id === "default" ? state.snapshot.typesOfWork.find((candidate) => candidate.isDefault) : undefined;
        return typeOfWorkView(type ?? findOr404(state.typesOfWorkById, id, "Type of work"), caller);
      }
      case "leaveTypes":
        if (id === undefined) {
          const balance = params.get("balance");
          const types = sortItems(filterCommon(state.snapshot.leaveTypes, params), params.get("sort")).filter(
            (type) => !balance || type.balance === balance,
          );
          const result = envelope(params, types);
          return { ...result, items: result.items.map(leaveTypeView) };
        }
        return leaveTypeView(findOr404(state.leaveTypesById, id, "Leave type"));
      case "timetrack":
        if (id === undefined) return getTimeTrackList(params, caller, base);
        if (segments.length === 4) {
          const [, rawUserId = "", date = "", rawTaskId = ""] = segments;
          const user = findUser(rawUserId);
          if (!caller.permissions.manageAccounts && user.id !== caller.id) throw notFound("Time-track record not found");
          const record = state.timeByDate.get(date)?.get(`${user.id}|${rawTaskId}`);
          if (!record) throw notFound("Time-track record not found");
          return { taskId: record.taskId, time: record.timeMinutes, ...(record.comment ? { comment: record.comment } : {}) };
        }
        break;
      case "leavetime":
        if (id === undefined) return getLeaveTimeList(params, caller);
        break;
    }
    throw notFound(`No such endpoint: ${API_PREFIX}${apiPath}`);
  };

  const authenticate = (request: Request): EmulatedUser | null => {
    const header = request.headers.get("authorization");
    const match = header?.match(/^Basic\s+(.+)$/i);
    if (!match?.[1]) return null;
    let decoded: string;
    try {
      decoded = Buffer.from(match[1], "base64").toString("utf8");
    } catch {
      return null;
    }
    const separator = decoded.indexOf(":");
    if (separator < 0) return null;
    const username = decoded.slice(0, separator).toLowerCase();
    const password = decoded.slice(separator + 1);
    // Released (inactive) users can no longer log in.
    const user = state.snapshot.users.find((candidate) => candidate.username.toLowerCase() === username);
    return user && user.active && user.password === password ? user : null;
  };

  const applyBodyFaults = (response: Response, faults: ActitimeFaults): Response => {
    if (faults.html) {
      return new Response("<!DOCTYPE html><html><head><title>actiTIME - Login</title></head><body><form>Please log in</form></body></html>", {
        status: 200,
        headers: { "content-type": "text/html; charset=UTF-8" },
      });
    }
    if (faults.malformedJson) {
      return new Response('{"offset":0,"limit":1000,"items":[{"id":1,"name":"Trunc', { status: 200, headers: { "content-type": JSON_CONTENT_TYPE } });
    }
    const hugeBytes = faults.hugeBodyBytes;
    const slowMs = faults.slowBodyMs;
    if (hugeBytes === undefined && slowMs === undefined) return response;
    const encoder = new TextEncoder();
    const status = response.status;
    const bodyPromise = response.text();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          if (slowMs !== undefined) await wait(slowMs);
          const text = await bodyPromise;
          if (hugeBytes === undefined) {
            controller.enqueue(encoder.encode(text));
          } else {
            // Valid JSON, just enormous: whitespace padding before the real body.
            const padding = encoder.encode(" ".repeat(STREAM_CHUNK_BYTES));
            for (let sent = 0; sent < hugeBytes; sent += padding.length) controller.enqueue(padding);
            controller.enqueue(encoder.encode(text));
          }
          controller.close();
        } catch {
          // The reader went away (client aborted); nothing left to do.
        }
      },
    });
    return new Response(stream, { status, headers: { "content-type": JSON_CONTENT_TYPE } });
  };

  const emulator: ActitimeEmulator = {
    faults: {},

    get stats() {
      return stats;
    },

    resetStats() {
      stats = { total: 0, byEndpoint: {} };
    },

    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const markerIndex = url.pathname.indexOf(`${API_PREFIX}/`);
      if (markerIndex < 0) {
        return jsonResponse(404, { key: "api.error.not_found", message: `No such endpoint: ${url.pathname}` });
      }
      const base = `${url.origin}${url.pathname.slice(0, markerIndex)}`;
      const apiPath = url.pathname.slice(markerIndex + API_PREFIX.length).replace(/\/+$/, "") || "/";
      const method = request.method.toUpperCase();
      const key = endpointKey(method, apiPath);
      stats.total++;
      stats.byEndpoint[key] = (stats.byEndpoint[key] ?? 0) + 1;

      const faults = emulator.faults;
      const faulty = faults.pathPrefix === undefined || apiPath.startsWith(faults.pathPrefix);
      if (faulty && faults.delayMs !== undefined) await wait(faults.delayMs, request.signal);
      if (faulty && faults.errorStatus !== undefined) {
        return jsonResponse(faults.errorStatus, { key: "api.error.internal", message: "Internal server error" });
      }

      let response: Response;
      const caller = authenticate(request);
      if (!caller) {
        response = jsonResponse(
          401,
          { key: "api.error.authentication_failed", message: "Authentication failed: invalid username or password" },
          { "www-authenticate": 'Basic realm="actiTIME"' },
        );
      } else {
        try {
          response = jsonResponse(200, await route(request, apiPath, caller, base));
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          response = jsonResponse(error.status, error.body);
        }
      }
      return faulty ? applyBodyFaults(response, faults) : response;
    },

    upsertTimeTrack(input) {
      requireDate(input.date);
      requireTask(input.taskId);
      if (!state.usersById.has(input.userId)) throw new Error(`No user ${input.userId}`);
      if (!Number.isInteger(input.timeMinutes) || input.timeMinutes < 0) throw new Error("timeMinutes must be a non-negative integer");
      if (input.timeMinutes === 0) {
        emulator.deleteTimeTrack(input.userId, input.date, input.taskId);
        return;
      }
      state.putTime({ userId: input.userId, date: input.date, taskId: input.taskId, timeMinutes: input.timeMinutes, comment: input.comment || null });
    },

    deleteTimeTrack(userId, date, taskId) {
      return state.timeByDate.get(date)?.delete(`${userId}|${taskId}`) ?? false;
    },

    getTimeTrack(userId, date, taskId) {
      const record = state.timeByDate.get(date)?.get(`${userId}|${taskId}`);
      return record ? { ...record } : undefined;
    },

    listTimeTrack() {
      return state.allTime().map((record) => ({ ...record }));
    },

    moveTask(taskId, projectId) {
      if (!state.projectsById.has(projectId)) throw new Error(`No project ${projectId}`);
      requireTask(taskId).projectId = projectId;
    },

    setTaskTypeOfWork(taskId, typeOfWorkId) {
      if (!state.typesOfWorkById.has(typeOfWorkId)) throw new Error(`No type of work ${typeOfWorkId}`);
      requireTask(taskId).typeOfWorkId = typeOfWorkId;
    },

    setTypesOfWorkEnabled(enabled) {
      state.snapshot.settings.typesOfWorkEnabled = enabled;
    },

    setBillingEnabled(enabled) {
      state.snapshot.settings.billingEnabled = enabled;
    },

    upsertLeave(input) {
      requireDate(input.date);
      if (!state.usersById.has(input.userId)) throw new Error(`No user ${input.userId}`);
      if (!state.leaveTypesById.has(input.leaveTypeId)) throw new Error(`No leave type ${input.leaveTypeId}`);
      if (input.leaveTimeMinutes === 0) {
        state.leaveByDate.get(input.date)?.delete(`${input.userId}|${input.leaveTypeId}`);
        return;
      }
      state.putLeave({ ...input });
    },

    setDayApproved(userId, date, approved) {
      requireDate(date);
      state.snapshot.approvalOverrides[`${userId}|${date}`] = approved;
    },

    reset() {
      state = new State(initialSnapshot());
      emulator.faults = {};
    },

    toJSON() {
      return state.toSnapshot();
    },

    fromJSON(snapshot) {
      if (snapshot.version !== 1) throw new Error(`Unsupported actiTIME emulator snapshot version ${String(snapshot.version)}`);
      state = new State(snapshot);
    },
  };
  return emulator;
}

