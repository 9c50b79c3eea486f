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

import type { MappingCategory } from "@/lib/mapping/rules";
/** The rule model lives in lib/mapping/rules.ts. */
export type { MappingCategory, SnapshotRule } from "@/lib/mapping/rules";

/**
 * Where a QBO reference points. `qbo:<Id>` is an existing QBO entity; `new:<category>:<sourceId>`
 * is an entity a `create` rule makes during this import (its Id is unknown until then).
 * Neither form contains `|`, which the activity key uses as its separator (QBO Ids are digits).
 */
export type TargetRef = `qbo:${string}` | `new:${MappingCategory}:${number}`;

/** A ref to an existing QBO entity only (classes and departments are linked, never created by an import). */
export type QboTargetRef = `qbo:${string}`;

/** Whose time a TimeActivity is (its `NameOf`): an employee's, or a contractor's (a QBO Vendor). */
export type WorkerKind = "Employee" | "Vendor";

/** What one actiTIME entity resolves to under its mapping rule. */
export type Target =
  | { kind: "skip" }
  | {
      kind: "qbo";
      ref: TargetRef;
      name: string;
      /** Service items only: the item's UnitPrice, the rate fallback when actiTIME shows none. */
      unitPrice?: number | null;
      /**
       * Users only: "Vendor" when the ref is a QBO Vendor (Link to / Create new QB Vendor): the time is
       * written with NameOf "Vendor" + VendorRef, and a `new:` ref creates a Vendor. Absent: Employee.
       */
      nameOf?: WorkerKind;
    };

/**
 * Class or Department (Location) targets: per project, and optionally per user; a project's entry
 * wins over its user's. A `null` value is an explicit "leave it empty" (a project's null also wins);
 * a missing entry falls through (project → user → none). Leave records have no project: the user's.
 */
export interface DimensionTargets {
  projects: ReadonlyMap<number, QboTargetRef | null>;
  users?: ReadonlyMap<number, QboTargetRef | null>;
}

/**
 * Rules that apply from a date (issue 19 §2): an entity's target from `from` (YYYY-MM-DD, inclusive)
 * until the next entry's `from`; `target` undefined = no rule from that date (unmapped). Dates before
 * the first entry use the entity's entry in the undated maps of ResolvedTargets.
 */
export interface DatedTarget {
  from: string;
  target: Target | undefined;
}

/** Per category, the entities whose rule changes inside the import's range: their dated targets, by `from`. */
export interface DatedTargets {
  users?: ReadonlyMap<number, readonly DatedTarget[]>;
  projects?: ReadonlyMap<number, readonly DatedTarget[]>;
  typesOfWork?: ReadonlyMap<number, readonly DatedTarget[]>;
  leaveTypes?: ReadonlyMap<number, readonly DatedTarget[]>;
}

/** A missing entry means "no rule": the entity is reported as unmapped and its time is not imported. */
export interface ResolvedTargets {
  users: ReadonlyMap<number, Target>;
  projects: ReadonlyMap<number, Target>;
  typesOfWork: ReadonlyMap<number, Target>;
  leaveTypes: ReadonlyMap<number, Target>;
  /** ClassRef per activity; give it only when the company tracks classes (ClassTrackingPerTxn). */
  classes?: DimensionTargets;
  /** DepartmentRef per activity; give it only when the company tracks locations (TrackDepartments). */
  departments?: DimensionTargets;
  /** Targets that change on a date (the plan takes, for every record, the one in force on its date). */
  dated?: DatedTargets;
}

/** Per-connection settings (spec §4). Either on → separate mode; both off → combined mode. */
export interface TimeDescriptionSettings {
  importTaskNames: boolean;
  importComments: boolean;
}

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

/**
 * The TimeActivity fields we write. The three optional fields are present only when set (ledger rows
 * written before they existed have none, and compare equal to an activity without them).
 */
export interface WrittenActivity {
  txnDate: string;
  /** The worker: an Employee's ref, or a Vendor's when `nameOf` is "Vendor". */
  employeeRef: TargetRef;
  /** "Vendor": written as NameOf "Vendor" + VendorRef (employeeRef holds the vendor). Absent: Employee. */
  nameOf?: WorkerKind;
  /** ClassRef (only when the company tracks classes). */
  classRef?: QboTargetRef | null;
  /** DepartmentRef, a "Location" (only when the company tracks locations). */
  departmentRef?: QboTargetRef | null;
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

/** `desired` of an entity item (a `create` rule's Employee, Vendor, Customer or Item; the item row's `entity` says which). */
export interface EntityItemPayload {
  category: MappingCategory;
  ref: TargetRef;
  name: string;
  sourceIds: number[];
  body: Record<string, unknown>;
}

export type ImportRunStatus = "draft" | "running" | "interrupting" | "completed" | "interrupted" | "error";

/** What one slice of execution reports to its driver. */
export interface SliceResult {
  done: boolean;
  status: ImportRunStatus;
}
