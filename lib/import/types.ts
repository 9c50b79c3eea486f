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

// Row-level shapes stored in JSONB columns live with the schema (db/types.ts); re-exported here.
import type { QboTargetRef, TargetRef, WorkerKind, WrittenActivity } from "@/db/types";
/** The rule model lives in lib/mapping/rules.ts. */
export type { SnapshotRule } from "@/lib/mapping/rules";
export type {
  ActivityItemPayload,
  ActivitySources,
  BillableStatus,
  DesiredActivity,
  EntityItemPayload,
  LedgerEntry,
  LedgerSnapshot,
  MappingCategory,
  QboTargetRef,
  TargetRef,
  WorkerKind,
  WrittenActivity,
} from "@/db/types";

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
  /** Rules that apply from a date: a project's / user's choice from each `from` on (before the first: the maps above). */
  datedProjects?: ReadonlyMap<number, readonly DatedDimension[]>;
  datedUsers?: ReadonlyMap<number, readonly DatedDimension[]>;
}

/**
 * A Class / Location choice from `from` (inclusive) until the next entry: a ref, null ("leave it
 * empty", which a project's wins with too), or undefined (that period's rule has none: falls through).
 */
export interface DatedDimension {
  from: string;
  ref: QboTargetRef | null | undefined;
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

// Time settings (combining, rounding) are stored per connection: declared with the schema (db/types.ts).
export { ROUNDING_INCREMENTS, type CombineMode, type RoundingIncrement, type RoundingMode, type TimeDescriptionSettings, type TimeSettings } from "@/db/types";

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

export type ImportRunStatus = "draft" | "running" | "interrupting" | "completed" | "interrupted" | "error";

/** What one slice of execution reports to its driver. */
export interface SliceResult {
  done: boolean;
  status: ImportRunStatus;
}
