// What a person would do inside the emulated actiTIME and QuickBooks, as validated commands.
// One implementation serves the control page's server actions and the JSON endpoints
// (POST /sandbox/control/{command}); every command checks its whole input before changing anything.
import { z } from "zod";
import { getDemoActitime, getDemoQbo, markDemoDirty, type DemoProduct } from "@/lib/sandbox/demo";
import type { ActitimeSnapshot } from "@/lib/sandbox/actitime";
import type { JsonObject, JsonValue } from "@/lib/sandbox/qbo";

/** At most this many rows come back from a listing (the page shows the latest 200 by default). */
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 200;

export class CommandError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "CommandError";
  }
}

export type CommandOutcome = { ok: true; message: string; data?: unknown } | { ok: false; status: number; error: string };

// ------------------------------------------------------------------ input schemas

const isoDate = z.iso.date({ error: "must be a date in YYYY-MM-DD format" });
const realmId = z.string({ error: "must be a QuickBooks company id (realmId)" }).regex(/^\d{1,32}$/, "must be a QuickBooks company id (realmId)");
const qboId = z.string({ error: "must be a QuickBooks Id (digits)" }).regex(/^\d{1,20}$/, "must be a QuickBooks Id (digits)");
const actitimeId = z.int({ error: "must be a whole number (an actiTIME id)" }).positive("must be a positive actiTIME id");
const limit = z.int({ error: "must be a whole number" }).min(1, `must be between 1 and ${MAX_LIST_LIMIT}`).max(MAX_LIST_LIMIT, `must be between 1 and ${MAX_LIST_LIMIT}`);

function dateRangeOk(value: { from?: string | undefined; to?: string | undefined }): boolean {
  return !value.from || !value.to || value.from <= value.to;
}
const rangeMessage = { message: "from must not be after to", path: ["to"] };

export const schemas = {
  "qbo-time-activities": z
    .strictObject({ realmId, from: isoDate.optional(), to: isoDate.optional(), limit: limit.optional() })
    .refine(dateRangeOk, rangeMessage),
  "qbo-mark-billed": z.strictObject({
    realmId,
    ids: z
      .array(qboId, { error: "must be a list of TimeActivity Ids" })
      .min(1, "select at least one TimeActivity")
      .max(MAX_LIST_LIMIT, `at most ${MAX_LIST_LIMIT} TimeActivities at a time`),
  }),
  "qbo-edit-time-activity": z.strictObject({
    realmId,
    id: qboId,
    hours: z.int({ error: "must be a whole number of hours" }).min(0, "must be 0 or more").max(24, "must be at most 24"),
    minutes: z.int({ error: "must be a whole number of minutes" }).min(0, "must be between 0 and 59").max(59, "must be between 0 and 59"),
  }),
  "qbo-delete-time-activity": z.strictObject({ realmId, id: qboId }),
  /** QuickBooks answers every API request after this many milliseconds (0 = at once): a slow company, for watching an import run. */
  "qbo-latency": z.strictObject({ ms: z.int({ error: "must be a whole number of milliseconds" }).min(0, "must be 0 or more").max(10_000, "must be at most 10000") }),
  /** A contractor's Vendor added in QuickBooks (issue 19: users matching a vendor are suggested as it). */
  "qbo-add-vendor": z.strictObject({ realmId, displayName: z.string().trim().min(1, "give the vendor's name").max(500, "at most 500 characters") }),
  "qbo-settings": z
    .strictObject({
      realmId,
      payroll: z.boolean({ error: "must be true or false" }).optional(),
      timeTracking: z.boolean({ error: "must be true or false" }).optional(),
      bookCloseDate: isoDate.nullable().optional(),
      /** Preferences AccountingInfoPrefs.ClassTrackingPerTxn. */
      classTracking: z.boolean({ error: "must be true or false" }).optional(),
      /** Preferences AccountingInfoPrefs.TrackDepartments (locations). */
      trackDepartments: z.boolean({ error: "must be true or false" }).optional(),
    })
    .refine((v) => Object.entries(v).some(([key, value]) => key !== "realmId" && value !== undefined), {
      message: "give at least one of payroll, timeTracking, bookCloseDate, classTracking, trackDepartments",
    }),
  "actitime-time-track": z
    .strictObject({ from: isoDate.optional(), to: isoDate.optional(), userId: actitimeId.optional(), limit: limit.optional() })
    .refine(dateRangeOk, rangeMessage),
  "actitime-save-time-track": z.strictObject({
    userId: actitimeId,
    date: isoDate,
    taskId: actitimeId,
    minutes: z.int({ error: "must be a whole number of minutes" }).min(0, "must be between 0 and 1440").max(1440, "must be between 0 and 1440"),
    comment: z.string({ error: "must be text" }).max(4000, "must be at most 4000 characters").nullable().optional(),
  }),
  "actitime-delete-time-track": z.strictObject({ userId: actitimeId, date: isoDate, taskId: actitimeId }),
  "actitime-move-task": z.strictObject({ taskId: actitimeId, projectId: actitimeId }),
  "actitime-set-task-type-of-work": z.strictObject({ taskId: actitimeId, typeOfWorkId: actitimeId }),
  reset: z.strictObject({ target: z.enum(["both", "actitime", "qbo"], { error: "must be both, actitime or qbo" }).default("both") }),
} as const;

export type CommandName = keyof typeof schemas;
export type CommandInput<C extends CommandName> = z.output<(typeof schemas)[C]>;

export function isCommandName(value: string): value is CommandName {
  return Object.hasOwn(schemas, value);
}

// ------------------------------------------------------------------ views

function text(value: JsonValue | undefined): string | null {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

function refName(activity: JsonObject, key: string): string | null {
  const ref = activity[key];
  if (ref && typeof ref === "object" && !Array.isArray(ref)) return text(ref["name"]) ?? text(ref["value"]);
  return null;
}

export interface TimeActivityRow {
  id: string;
  txnDate: string | null;
  nameOf: string | null;
  worker: string | null;
  customer: string | null;
  item: string | null;
  hours: number;
  minutes: number;
  billableStatus: string | null;
  hourlyRate: number | null;
  description: string | null;
  syncToken: string | null;
}

export function timeActivityRow(activity: JsonObject): TimeActivityRow {
  const num = (key: string): number | null => (typeof activity[key] === "number" ? (activity[key] as number) : null);
  return {
    id: text(activity["Id"]) ?? "",
    txnDate: text(activity["TxnDate"]),
    nameOf: text(activity["NameOf"]),
    worker: refName(activity, "EmployeeRef") ?? refName(activity, "VendorRef"),
    customer: refName(activity, "CustomerRef"),
    item: refName(activity, "ItemRef"),
    hours: num("Hours") ?? 0,
    minutes: num("Minutes") ?? 0,
    billableStatus: text(activity["BillableStatus"]),
    hourlyRate: num("HourlyRate"),
    description: text(activity["Description"]),
    syncToken: text(activity["SyncToken"]),
  };
}

function requireRealm(id: string): { realmId: string; companyName: string } {
  const company = getDemoQbo()
    .companies()
    .find((c) => c.realmId === id);
  if (!company) throw new CommandError(404, `There is no QuickBooks company ${id} in the sandbox`);
  return company;
}

function requireActivity(realm: string, id: string): JsonObject {
  const activity = getDemoQbo().get(realm, "TimeActivity", id);
  if (!activity) throw new CommandError(404, `There is no TimeActivity ${id} in QuickBooks company ${realm}`);
  return activity;
}

/** Newest first (TxnDate, then Id), filtered by date, limited. */
export function listTimeActivities(input: CommandInput<"qbo-time-activities">): { total: number; activities: TimeActivityRow[] } {
  requireRealm(input.realmId);
  const rows = getDemoQbo()
    .list(input.realmId, "TimeActivity")
    .map(timeActivityRow)
    .filter((row) => (!input.from || (row.txnDate ?? "") >= input.from) && (!input.to || (row.txnDate ?? "") <= input.to))
    .sort((a, b) => (b.txnDate ?? "").localeCompare(a.txnDate ?? "") || Number(b.id) - Number(a.id));
  return { total: rows.length, activities: rows.slice(0, input.limit ?? DEFAULT_LIST_LIMIT) };
}

export interface ActitimeLookup {
  snapshot: ActitimeSnapshot;
  users: Map<number, ActitimeSnapshot["users"][number]>;
  tasks: Map<number, ActitimeSnapshot["tasks"][number]>;
  projects: Map<number, ActitimeSnapshot["projects"][number]>;
  customers: Map<number, ActitimeSnapshot["customers"][number]>;
  typesOfWork: Map<number, ActitimeSnapshot["typesOfWork"][number]>;
}

export function actitimeLookup(): ActitimeLookup {
  const snapshot = getDemoActitime().toJSON();
  const byId = <T extends { id: number }>(items: T[]) => new Map(items.map((item) => [item.id, item]));
  return {
    snapshot,
    users: byId(snapshot.users),
    tasks: byId(snapshot.tasks),
    projects: byId(snapshot.projects),
    customers: byId(snapshot.customers),
    typesOfWork: byId(snapshot.typesOfWork),
  };
}

const ACTITIME_NOUNS = { users: "user", tasks: "task", projects: "project", typesOfWork: "type of work" } as const;

/** The actiTIME user, task, project or type of work with this id; 404 when the snapshot has none. */
function requireActitime<K extends keyof typeof ACTITIME_NOUNS>(lookup: ActitimeLookup, kind: K, id: number): NonNullable<ReturnType<ActitimeLookup[K]["get"]>> {
  const found = lookup[kind].get(id) as ReturnType<ActitimeLookup[K]["get"]>;
  if (!found) throw new CommandError(404, `There is no actiTIME ${ACTITIME_NOUNS[kind]} ${id}`);
  return found;
}

export function userName(user: { firstName: string; lastName: string; username: string }): string {
  return `${user.firstName} ${user.lastName} (${user.username})`;
}

export interface TimeTrackRow {
  userId: number;
  user: string;
  date: string;
  taskId: number;
  task: string;
  project: string;
  customer: string;
  typeOfWork: string;
  minutes: number;
  comment: string | null;
}

export function listTimeTrack(input: CommandInput<"actitime-time-track">, lookup = actitimeLookup()): { total: number; records: TimeTrackRow[] } {
  const rows = lookup.snapshot.timeTrack
    .filter(
      (r) =>
        (!input.from || r.date >= input.from) && (!input.to || r.date <= input.to) && (input.userId === undefined || r.userId === input.userId),
    )
    .sort((a, b) => b.date.localeCompare(a.date) || a.userId - b.userId || a.taskId - b.taskId);
  const records = rows.slice(0, input.limit ?? DEFAULT_LIST_LIMIT).map((r): TimeTrackRow => {
    const user = lookup.users.get(r.userId);
    const task = lookup.tasks.get(r.taskId);
    const project = task ? lookup.projects.get(task.projectId) : undefined;
    const customer = project ? lookup.customers.get(project.customerId) : undefined;
    return {
      userId: r.userId,
      user: user ? userName(user) : `#${r.userId}`,
      date: r.date,
      taskId: r.taskId,
      task: task?.name ?? `#${r.taskId}`,
      project: project?.name ?? "",
      customer: customer?.name ?? "",
      typeOfWork: task ? (lookup.typesOfWork.get(task.typeOfWorkId)?.name ?? "") : "",
      minutes: r.timeMinutes,
      comment: r.comment,
    };
  });
  return { total: rows.length, records };
}

// ------------------------------------------------------------------ running

type Handler<C extends CommandName> = (input: CommandInput<C>) => { message: string; data?: unknown; changed: DemoProduct[] };

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function formatMinutes(total: number): string {
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

const handlers: { [C in CommandName]: Handler<C> } = {
  "qbo-time-activities": (input) => {
    const result = listTimeActivities(input);
    return { message: `${plural(result.total, "TimeActivity", "TimeActivities")} match${result.total === 1 ? "es" : ""}`, data: result, changed: [] };
  },
  "qbo-mark-billed": (input) => {
    requireRealm(input.realmId);
    const ids = [...new Set(input.ids)];
    for (const id of ids) requireActivity(input.realmId, id); // all or nothing
    const rows = getDemoQbo().markBilled(input.realmId, ids);
    return { message: `Marked ${plural(rows.length, "TimeActivity", "TimeActivities")} as billed`, data: { activities: rows.map(timeActivityRow) }, changed: ["qbo"] };
  },
  "qbo-edit-time-activity": (input) => {
    requireRealm(input.realmId);
    requireActivity(input.realmId, input.id);
    if (input.hours === 24 && input.minutes > 0) throw new CommandError(400, "hours: a TimeActivity is at most 24 hours");
    const row = getDemoQbo().editTimeActivity(input.realmId, input.id, { Hours: input.hours, Minutes: input.minutes });
    return { message: `TimeActivity ${input.id} now has ${input.hours}h ${input.minutes}m`, data: { activity: timeActivityRow(row) }, changed: ["qbo"] };
  },
  "qbo-delete-time-activity": (input) => {
    requireRealm(input.realmId);
    requireActivity(input.realmId, input.id);
    getDemoQbo().deleteTimeActivity(input.realmId, input.id);
    return { message: `Deleted TimeActivity ${input.id}`, changed: ["qbo"] };
  },
  "qbo-latency": (input) => {
    getDemoQbo().setLatency(input.ms);
    return { message: input.ms === 0 ? "QuickBooks answers at once" : `QuickBooks answers every request after ${input.ms} ms`, changed: [] };
  },
  "qbo-add-vendor": (input) => {
    requireRealm(input.realmId);
    const id = getDemoQbo().addVendor(input.realmId, input.displayName);
    return { message: `Added vendor "${input.displayName}" (Id ${id})`, data: { id }, changed: ["qbo"] };
  },
  "qbo-settings": (input) => {
    const company = requireRealm(input.realmId);
    const qbo = getDemoQbo();
    const patch = {
      ...(input.payroll !== undefined ? { payroll: input.payroll } : {}),
      ...(input.timeTracking !== undefined ? { timeTracking: input.timeTracking } : {}),
      ...(input.bookCloseDate !== undefined ? { bookCloseDate: input.bookCloseDate } : {}),
      ...(input.classTracking !== undefined ? { classTracking: input.classTracking } : {}),
      ...(input.trackDepartments !== undefined ? { trackDepartments: input.trackDepartments } : {}),
    };
    qbo.updateSettings(input.realmId, patch);
    const settings = qbo.settings(input.realmId);
    const parts = [
      `Payroll ${settings.payroll ? "on" : "off"}`,
      `time tracking ${settings.timeTracking ? "on" : "off"}`,
      `books closed ${settings.bookCloseDate ? `through ${settings.bookCloseDate}` : "never"}`,
      `class tracking ${settings.classTracking ? "on" : "off"}`,
      `location tracking ${settings.trackDepartments ? "on" : "off"}`,
    ];
    return { message: `${company.companyName}: ${parts.join(", ")}`, data: { settings }, changed: ["qbo"] };
  },
  "actitime-time-track": (input) => {
    const result = listTimeTrack(input);
    return { message: `${plural(result.total, "time-track record")} match${result.total === 1 ? "es" : ""}`, data: result, changed: [] };
  },
  "actitime-save-time-track": (input) => {
    const lookup = actitimeLookup();
    const user = requireActitime(lookup, "users", input.userId);
    const task = requireActitime(lookup, "tasks", input.taskId);
    const actitime = getDemoActitime();
    const existed = actitime.getTimeTrack(input.userId, input.date, input.taskId) !== undefined;
    actitime.upsertTimeTrack({ userId: input.userId, date: input.date, taskId: input.taskId, timeMinutes: input.minutes, comment: input.comment ?? null });
    const where = `${userName(user)} on ${input.date}, task "${task.name}"`;
    const message =
      input.minutes === 0
        ? existed
          ? `Deleted the time of ${where} (0 minutes deletes, as in actiTIME)`
          : `Nothing saved: 0 minutes for ${where}`
        : `${existed ? "Updated" : "Added"} ${formatMinutes(input.minutes)} for ${where}`;
    return { message, data: { record: actitime.getTimeTrack(input.userId, input.date, input.taskId) ?? null }, changed: ["actitime"] };
  },
  "actitime-delete-time-track": (input) => {
    const actitime = getDemoActitime();
    if (!actitime.deleteTimeTrack(input.userId, input.date, input.taskId)) {
      throw new CommandError(404, `There is no time-track record for user ${input.userId} on ${input.date}, task ${input.taskId}`);
    }
    return { message: `Deleted the time-track record of user ${input.userId} on ${input.date}, task ${input.taskId}`, changed: ["actitime"] };
  },
  "actitime-move-task": (input) => {
    const lookup = actitimeLookup();
    const task = requireActitime(lookup, "tasks", input.taskId);
    const project = requireActitime(lookup, "projects", input.projectId);
    getDemoActitime().moveTask(input.taskId, input.projectId);
    const customer = lookup.customers.get(project.customerId);
    return {
      message: `Moved task "${task.name}" to project "${project.name}"${customer ? ` (${customer.name})` : ""}`,
      data: { taskId: task.id, projectId: project.id },
      changed: ["actitime"],
    };
  },
  "actitime-set-task-type-of-work": (input) => {
    const lookup = actitimeLookup();
    const task = requireActitime(lookup, "tasks", input.taskId);
    const typeOfWork = requireActitime(lookup, "typesOfWork", input.typeOfWorkId);
    getDemoActitime().setTaskTypeOfWork(input.taskId, input.typeOfWorkId);
    return {
      message: `Task "${task.name}" is now "${typeOfWork.name}" work`,
      data: { taskId: task.id, typeOfWorkId: typeOfWork.id },
      changed: ["actitime"],
    };
  },
  reset: (input) => {
    const changed: DemoProduct[] = input.target === "both" ? ["actitime", "qbo"] : [input.target];
    if (changed.includes("actitime")) getDemoActitime().reset();
    if (changed.includes("qbo")) getDemoQbo().reset();
    const names = changed.map((p) => (p === "qbo" ? "QuickBooks" : "actiTIME")).join(" and ");
    return { message: `Reset ${names} to the seed data`, changed };
  },
};

/** "path: message; path: message" from a zod error, for people and scripts alike. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map(String).join(".");
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** An emulator's own refusal (a QBO Fault, say) as a sentence: its Detail when it has one. */
function emulatorMessage(error: Error): string {
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    const first: unknown = errors[0];
    if (first && typeof first === "object") {
      const detail = (first as { Detail?: unknown }).Detail;
      if (typeof detail === "string" && detail) return detail;
    }
  }
  return error.message;
}

/** Validates `body` for `command` and runs it. Never throws for bad input; SandboxDisabledError passes through. */
export function runCommand(command: CommandName, body: unknown): CommandOutcome {
  const parsed = schemas[command].safeParse(body ?? {});
  if (!parsed.success) return { ok: false, status: 400, error: `Invalid input: ${describeIssues(parsed.error)}` };
  try {
    const handler = handlers[command] as Handler<CommandName>;
    const result = handler(parsed.data as CommandInput<CommandName>);
    if (result.changed.length > 0) markDemoDirty(...result.changed);
    return { ok: true, message: result.message, ...(result.data !== undefined ? { data: result.data } : {}) };
  } catch (error) {
    if (error instanceof CommandError) return { ok: false, status: error.status, error: error.message };
    if (error instanceof Error && error.name !== "SandboxDisabledError") return { ok: false, status: 400, error: emulatorMessage(error) };
    throw error;
  }
}
