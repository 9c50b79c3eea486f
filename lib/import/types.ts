/**
 * Plain data shared by the pure core of the import (plan → diff → execute). No IO here: the
 * caller reads actiTIME, the mapping rules and the ledger, and passes them in.
 */

// ── actiTIME side (already fetched and parsed at the boundary) ──────────────────────────────

/** One time-track record. `date` is an actiTIME calendar date (YYYY-MM-DD), never a timestamp. */
export interface TimeTrackRecord {
  userId: number;
  date: string;
  taskId: number;
  minutes: number;
  comment: string | null;
  /** Day-level approval; absent or null when actiTIME does not report it. */
  approved?: boolean | null;
}

export interface LeaveRecord {
  userId: number;
  date: string;
  leaveTypeId: number;
  minutes: number;
}

export interface TaskInfo {
  id: number;
  name: string;
  projectId: number;
  customerId: number;
  typeOfWorkId: number;
}

export interface ProjectInfo {
  id: number;
  name: string;
  customerId: number;
}

export interface TypeOfWorkInfo {
  id: number;
  name: string;
  billable: boolean;
  /** Null when actiTIME hides rates (billing feature off). */
  rate: number | null;
}

export interface LeaveTypeInfo {
  id: number;
  name: string;
}

export interface UserInfo {
  id: number;
  fullName: string;
}

// ── Mapping rules, resolved by the caller ──────────────────────────────────────────────────

/** Same names as the `mapping_category` enum in db/schema/mappings.ts. */
export type MappingCategory = "user" | "project" | "type_of_work" | "leave_type";

/**
 * Where a QBO reference points. `qbo:<Id>` is an existing QBO entity; `new:<category>:<sourceId>`
 * is an entity a `create` rule makes during this import (its Id is unknown until then).
 * Neither form contains `|`, which the activity key uses as its separator (QBO Ids are digits).
 */
export type TargetRef = `qbo:${string}` | `new:${MappingCategory}:${number}`;

/** What one actiTIME entity resolves to under its mapping rule. */
export type Target =
  | { kind: "skip" }
  | {
      kind: "qbo";
      ref: TargetRef;
      name: string;
      /** Service items only: the item's UnitPrice, the rate fallback when actiTIME shows none. */
      unitPrice?: number | null;
    };

/** A missing entry means "no rule": the entity is reported as unmapped and its time is not imported. */
export interface ResolvedTargets {
  users: ReadonlyMap<number, Target>;
  projects: ReadonlyMap<number, Target>;
  typesOfWork: ReadonlyMap<number, Target>;
  leaveTypes: ReadonlyMap<number, Target>;
}

/**
 * How records become activities (Time settings, issue 19 §3). "auto" is what every company had
 * before the setting existed: one activity per record when task names or comments are on, else
 * one per day. "week" combines Monday to Sunday on the week's Monday.
 */
export type CombineMode = "auto" | "record" | "day" | "week";
export type RoundingMode = "none" | "up" | "nearest";
export const ROUNDING_INCREMENTS = [6, 15, 30] as const;
export type RoundingIncrement = (typeof ROUNDING_INCREMENTS)[number];

/**
 * Per-connection Time settings (spec §4). The combining and rounding fields are optional so a
 * caller that knows only the description settings gets today's behaviour ("auto", no rounding).
 */
export interface TimeDescriptionSettings {
  importTaskNames: boolean;
  importComments: boolean;
  combine?: CombineMode;
  rounding?: RoundingMode;
  /** Minutes to round to; ignored when rounding is "none". */
  roundingMinutes?: RoundingIncrement;
}

export type TimeSettings = TimeDescriptionSettings;

// ── Scope of one import ────────────────────────────────────────────────────────────────────

/**
 * Date range (inclusive, YYYY-MM-DD) and selection of one import. `null` = all. The same scope
 * decides which records are planned and which ledger rows the import owns (may delete).
 */
export interface ImportScope {
  dateFrom: string;
  dateTo: string;
  userIds: readonly number[] | null;
  projectIds: readonly number[] | null;
  leaveTypeIds: readonly number[] | null;
}

// ── Activities ─────────────────────────────────────────────────────────────────────────────

export type BillableStatus = "Billable" | "NotBillable";

/** The TimeActivity fields we write (NameOf is always Employee). */
export interface WrittenActivity {
  txnDate: string;
  employeeRef: TargetRef;
  customerRef: TargetRef | null;
  itemRef: TargetRef;
  billableStatus: BillableStatus;
  /** Null on NotBillable activities, and on Billable ones when neither actiTIME nor the item has a rate. */
  hourlyRate: number | null;
  hours: number;
  minutes: number;
  description: string | null;
}

/** The actiTIME entities behind one activity: provenance for previews and for the import's scope. */
export interface ActivitySources {
  userIds: number[];
  projectIds: number[];
  leaveTypeIds: number[];
  taskIds: number[];
  typeOfWorkIds: number[];
  recordCount: number;
  /**
   * Record-level lineage: the actiTIME records (ids from lib/import/plan/lineage.ts, sorted) this
   * activity stands for, as of the import that wrote it. Absent on ledger rows written before it
   * was recorded (lineageOf derives it for them). Records of 0 minutes are not part of it.
   */
  records?: string[];
  /** Minutes tracked in actiTIME before rounding; present only when rounding is on. */
  trackedMinutes?: number;
}

export interface DesiredActivity extends WrittenActivity {
  /** Ledger source key; see lib/import/plan/keys.ts for the format. */
  key: string;
  sources: ActivitySources;
}

/** One ledger row as the diff sees it (db/schema/ledger.ts). */
export interface LedgerEntry {
  key: string;
  qboId: string;
  syncToken: string;
  txnDate: string;
  written: WrittenActivity;
  sources: ActivitySources;
}

/** The activity as QBO holds it now, re-read in bulk by the caller before updates and deletes. */
export interface QboActivityState extends Partial<Omit<WrittenActivity, "hours" | "minutes">> {
  qboId: string;
  syncToken: string;
  hasBeenBilled: boolean;
  /** True when the activity no longer exists in QBO (deleted there since our import). */
  deleted?: boolean;
  hours: number;
  minutes: number;
}

// ── payloads of import_items and what a slice reports (shared by preview, pages and executor) ──

/** `desired` of a TimeActivity item. */
export interface ActivityItemPayload {
  activity?: DesiredActivity;
  /** The SyncToken to send with an update or delete (refreshed when QBO says it is stale). */
  syncToken?: string;
  /** Delete of an activity already gone from QBO: only the ledger row goes. */
  ledgerOnly?: boolean;
}

/** `desired` of an entity item (a `create` rule's Employee, Customer or Item). */
export interface EntityItemPayload {
  category: MappingCategory;
  ref: TargetRef;
  name: string;
  sourceIds: number[];
  body: Record<string, unknown>;
}

/** One rule as stored in an import's mapping snapshot. */
export interface SnapshotRule {
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
  kind: "create" | "link" | "skip";
  targetQboId?: string | null;
  targetName?: string | null;
  createOptions?: Record<string, unknown> | null;
}

export type ImportRunStatus = "draft" | "running" | "interrupting" | "completed" | "interrupted" | "error";

/** What one slice of execution reports to its driver. */
export interface SliceResult {
  done: boolean;
  status: ImportRunStatus;
}
