// Row-level shapes the database stores (JSONB columns, issue 16): declared here, next to the schema,
// so db/queries needs nothing from lib/. Each has a zod schema that db/queries parses reads with;
// lib/import/types.ts re-exports the types for the pure core.
import { createHash } from "node:crypto";
import { z } from "zod";

import { MAPPING_CATEGORIES, type FieldError, type MappingCategory, type SnapshotRule } from "./rule-types";

/** The stored rule shapes (db/rule-types.ts) are row-level shapes too: one import path for db/queries. */
export * from "./rule-types";

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

/** `desired` of a TimeActivity item. */
export interface ActivityItemPayload {
  activity?: DesiredActivity;
  /** The SyncToken to send with an update or delete (refreshed when QBO says it is stale). */
  syncToken?: string;
  /** Delete of an activity already gone from QBO: only the ledger row goes. */
  ledgerOnly?: boolean;
}

/** What a ledger row looked like before an import changed it (`before` of ledger_history, of an item). */
export interface LedgerSnapshot {
  qboId: string;
  syncToken: string;
  txnDate: string;
  written: WrittenActivity;
  sources: ActivitySources;
}

/** The OAuth tokens of a connection, as lib/qbo/oauth exchanges them and db/queries/connections seals them. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date | null;
}

/** Item outcomes counted in the import's totals (and its progress). */
export const COUNTED_STATUSES = ["created", "updated", "deleted", "failed", "skipped_billed"] as const;

/** QBO's `requestid` is at most this long (reference qbo-api.md). */
export const QBO_REQUEST_ID_MAX = 50;

/**
 * A request id that is the same for the same parts (an import's item and attempt), so QuickBooks
 * recognises a re-send of the same request.
 */
export function deterministicRequestId(parts: (string | number)[], maxLength = QBO_REQUEST_ID_MAX): string {
  return createHash("sha256").update(parts.join("\u001f")).digest("hex").slice(0, Math.min(maxLength, 64));
}

// ── Time settings of a connection (time_description_settings) ───────────────────────────────

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

// ── zod schemas of the stored JSON (reads are parsed, never cast) ──────────────────────────────

const TARGET_REF = new RegExp(`^(qbo:.+|new:(${MAPPING_CATEGORIES.join("|")}):-?\\d+)$`);
export const targetRefSchema = z.custom<TargetRef>((v) => typeof v === "string" && TARGET_REF.test(v), "not a target reference");

const qboTargetRefSchema = z.custom<QboTargetRef>((v) => typeof v === "string" && v.startsWith("qbo:") && v.length > 4, "not a QuickBooks reference");

export const writtenActivitySchema: z.ZodType<WrittenActivity> = z.looseObject({
  txnDate: z.string(),
  employeeRef: targetRefSchema,
  nameOf: z.enum(["Employee", "Vendor"]).optional(),
  classRef: qboTargetRefSchema.nullable().optional(),
  departmentRef: qboTargetRefSchema.nullable().optional(),
  customerRef: targetRefSchema.nullable(),
  itemRef: targetRefSchema,
  billableStatus: z.enum(["Billable", "NotBillable"]),
  hourlyRate: z.number().nullable(),
  hours: z.number(),
  minutes: z.number(),
  description: z.string().nullable(),
});

const ids = z.array(z.number());
export const activitySourcesSchema: z.ZodType<ActivitySources> = z.looseObject({
  userIds: ids,
  projectIds: ids,
  leaveTypeIds: ids,
  taskIds: ids,
  typeOfWorkIds: ids,
  recordCount: z.number(),
  records: z.array(z.string()).optional(),
  trackedMinutes: z.number().optional(),
});

export const desiredActivitySchema: z.ZodType<DesiredActivity> = z.intersection(
  writtenActivitySchema,
  z.looseObject({ key: z.string(), sources: activitySourcesSchema }),
);

export const activityItemPayloadSchema: z.ZodType<ActivityItemPayload> = z.looseObject({
  activity: desiredActivitySchema.optional(),
  syncToken: z.string().optional(),
  ledgerOnly: z.boolean().optional(),
});

export const ledgerSnapshotSchema: z.ZodType<LedgerSnapshot> = z.looseObject({
  qboId: z.string(),
  syncToken: z.string(),
  txnDate: z.string(),
  written: writtenActivitySchema,
  sources: activitySourcesSchema,
});

/** `desired` of a TimeActivity item row (null/absent → {}). */
export function parseActivityItemPayload(value: unknown): ActivityItemPayload {
  return value == null ? {} : activityItemPayloadSchema.parse(value);
}

/** How often a company's Schedule runs (the `schedule_frequency` enum, lib/schedule). */
export const SCHEDULE_FREQUENCIES = ["off", "daily", "weekly"] as const;
/** Which days a scheduled run imports: the last `window_days` days, or from the 1st of last month (the `schedule_window` enum). */
export const SCHEDULE_WINDOWS = ["last_days", "this_and_last_month"] as const;

/** An actiTIME entity a scheduled run found without a rule (scheduled_runs.needs_mapping). */
export interface NeedsMappingEntry {
  category: MappingCategory;
  sourceId: number;
  name: string;
  hours: number;
}

/** What was learned about a realm's pacing (qbo_realm_pacing); lib/qbo/pace's LearnedReading has this shape. */
export interface RealmReading {
  batchCounting: "request" | "item";
  /** Length of the window (ms) the reading was observed with. */
  windowMs: number;
  evidence: string;
  learnedAt: number;
}

/** How QuickBooks differs from what we wrote (the drift scan, lib/import/drift.ts). */
export type QboChangeKind = "changed" | "deleted";
export type QboChangeDecision = "pending" | "keep" | "restore";

/** One ledger activity that QBO no longer holds as we wrote it. */
export interface QboSideChange {
  key: string;
  qboId: string;
  txnDate: string;
  kind: QboChangeKind;
  written: WrittenActivity;
  /** QBO's version in our terms; null when deleted. */
  current: WrittenActivity | null;
  ledgerSyncToken: string;
  qboSyncToken: string | null;
  billed: boolean;
  changedAt: string | null;
  changedBy: string | null;
}

/**
 * A billed activity whose records no longer agree with it (lib/import/diff): shown in the preview and
 * recorded on the import's item (`desired.billed`), never written.
 */
export interface BilledDifference {
  /** actiTIME records that stay with the billed activity (found now). */
  records: number;
  beforeMinutes: number;
  afterMinutes: number;
  /** Null when the billed activity is not billable (no amount to speak of). */
  beforeAmountCents: number | null;
  afterAmountCents: number;
  /** Some of its records now map to another employee, customer, item, billable status or rate. */
  remapped: boolean;
}

export const billedDifferenceSchema: z.ZodType<BilledDifference> = z.looseObject({
  records: z.number(),
  beforeMinutes: z.number(),
  afterMinutes: z.number(),
  beforeAmountCents: z.number().nullable(),
  afterAmountCents: z.number(),
  remapped: z.boolean(),
});

/** `desired` of a TimeActivity item as stored: its payload and, on a skipped_billed item, the billed difference. */
export interface StoredActivityItem extends ActivityItemPayload {
  billed?: BilledDifference;
}

const storedActivityItemSchema: z.ZodType<StoredActivityItem> = z.intersection(
  activityItemPayloadSchema,
  z.looseObject({ billed: billedDifferenceSchema.optional() }),
);

/** `desired` of a TimeActivity item row, with its billed difference (null/absent → {}). */
export function parseStoredActivityItem(value: unknown): StoredActivityItem {
  return value == null ? {} : storedActivityItemSchema.parse(value);
}

/** `before` of a TimeActivity item: what the activity was (null when it did not exist). */
export interface ItemBefore {
  written?: WrittenActivity;
  hours?: number;
}

const itemBeforeSchema: z.ZodType<ItemBefore> = z.looseObject({ written: writtenActivitySchema.optional(), hours: z.number().optional() });

export function parseItemBefore(value: unknown): ItemBefore | null {
  return value == null ? null : itemBeforeSchema.parse(value);
}

/** `desired` of an entity item (a `create` rule's Employee, Customer or Item, a Vendor). */
export interface EntityItemPayload {
  category: MappingCategory;
  ref: TargetRef;
  name: string;
  sourceIds: number[];
  body: Record<string, unknown>;
}

const entityItemPayloadSchema: z.ZodType<EntityItemPayload> = z.looseObject({
  category: z.enum(MAPPING_CATEGORIES),
  ref: targetRefSchema,
  name: z.string(),
  sourceIds: z.array(z.number()),
  body: z.record(z.string(), z.unknown()),
});

/** `desired` of an entity item row. */
export function parseEntityItemPayload(value: unknown): EntityItemPayload {
  return entityItemPayloadSchema.parse(value);
}

/**
 * `imports.mapping_snapshot`: the rules a run uses (lib/mapping/rules.ts snapshot form), the earlier
 * periods of dated rules overlapping its range and, while a draft, the map step's errors. Read and
 * parsed only by lib/import/snapshot.ts (its schema is the rule model's).
 */
export interface MappingSnapshot {
  rules?: SnapshotRule[];
  periods?: SnapshotRule[];
  errors?: FieldError[];
  applyFrom?: MapApplyFrom;
}

/**
 * The Map step's "Apply from" (issue 19 §2): for the saved rules it changes (`keys`, `category:sourceId`),
 * the first date the change applies to; null = all dates (the rule alone, its earlier periods replaced).
 */
export interface MapApplyFrom {
  validFrom: string | null;
  keys: string[];
}

// ── An import's selection and preview summary (imports.selection, imports.summary) ──────────────

/** Step 1's choice: user / project / leave type ids (null = all), approved time only. */
export interface ImportSelection {
  userIds: number[] | null;
  projectIds: number[] | null;
  leaveTypeIds: number[] | null;
  approvedOnly: boolean;
}

const idsOrAll = ids.nullable().optional();
const importSelectionSchema: z.ZodType<Partial<ImportSelection>> = z.looseObject({
  userIds: idsOrAll,
  projectIds: idsOrAll,
  leaveTypeIds: idsOrAll,
  approvedOnly: z.boolean().optional(),
});

/** `imports.selection` as stored (null/absent → {}: everything, approved or not). */
export function parseImportSelection(value: unknown): Partial<ImportSelection> {
  return value == null ? {} : importSelectionSchema.parse(value);
}

/** How the planner kept records apart: one activity per record ("separate") or combined. */
export type PlanMode = "combined" | "separate";
/** How records were combined ("auto" resolved). */
export type Grouping = Exclude<CombineMode, "auto">;

export interface Rounding {
  mode: RoundingMode;
  minutes: RoundingIncrement;
}

/** Why a record is not imported (the preview counts records and minutes per reason). */
export const SKIP_REASONS = [
  "user_skipped",
  "project_skipped",
  "type_of_work_skipped",
  "leave_type_skipped",
  "user_unmapped",
  "project_unmapped",
  "type_of_work_unmapped",
  "leave_type_unmapped",
  /** The record's task (or the task's type of work) is not in the fetched lists: inconsistent input. */
  "unknown_task",
  "unknown_type_of_work",
  "invalid_minutes",
  "not_approved",
  "outside_date_range",
  "not_selected",
  /** Its activity sums to 0 minutes: QBO gets nothing (and a ledger row for it is deleted by the diff). */
  "zero_minutes",
  /** Its activity has minutes, but rounding to nearest makes it 0 (e.g. 7 minutes to the nearest 15). */
  "rounded_to_zero",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkipCount {
  records: number;
  minutes: number;
}

/** What the diff does with one activity (lib/import/diff DiffOperation's `op`). */
export const DIFF_OPS = ["create", "update", "delete", "unchanged", "skipped_billed"] as const;
export type DiffOp = (typeof DIFF_OPS)[number];

/** Names of the QuickBooks entities an import's activities refer to, per role (lib/import/ref-names.ts). */
export interface NamesByRole {
  employee: Record<string, string>;
  customer: Record<string, string>;
  item: Record<string, string>;
}

/** What the preview stores about the QuickBooks-side changes in its range (lib/import/drift.ts). */
export interface PreviewQboChanges {
  open: number;
  pending: number;
  kept: number;
  restored: number;
}

/** A rule that applies from a date inside the import's range, and the records that follow it (issue 19 §2). */
export interface DatedRuleEffect {
  category: MappingCategory;
  sourceId: number;
  name: string;
  /** The first date the rule's new period applies to (inside the import's range). */
  from: string;
  /** Records of the range from that date (until the entity's next period) that follow it. */
  records: number;
}

export interface BreakdownRow {
  name: string;
  hours: number;
  activities: number;
}

/** Counts and hours of a preview (lib/import/prepare.ts), stored on the import for its pages. */
export interface PreviewSummary {
  /** Only an undo's summary has a kind. */
  kind?: undefined;
  previewedAt: string;
  mode: PlanMode;
  activities: number;
  hours: number;
  counts: Record<DiffOp, number>;
  hoursBefore: number;
  hoursAfter: number;
  hoursBlockedByBilling: number;
  /** Billed activities met: the actiTIME records that stay with them and how much differs ("3 records stay with billed activities; 2 h differ"). */
  billed?: { activities: number; records: number; differing: number; hoursDiffer: number };
  records: { in: number; imported: number; skipped: Partial<Record<SkipReason, SkipCount>>; billableWithoutRate: number };
  unmapped: { category: MappingCategory; name: string | null; recordCount: number; hours: number }[];
  entitiesToCreate: { category: MappingCategory; name: string; entity: "Employee" | "Vendor" | "Customer" | "Item"; activities: number }[];
  breakdown: { byUser: BreakdownRow[]; byCustomer: BreakdownRow[]; byItem: BreakdownRow[]; byBillable: BreakdownRow[] };
  ratesVisible: boolean;
  /** QuickBooks names of every entity the activities refer to (full `Parent:Child` names), as of the preview. */
  names: Record<string, string>;
  /** The same per role, including refs only the activities' before side uses (correction rows). */
  namesByRole?: NamesByRole;
  /** Changes made inside QuickBooks in this range: open ones, awaiting a choice, and choices applied (lib/import/drift.ts). */
  qboChanges?: PreviewQboChanges;
  /** Rules that apply from a date inside the range, and how many records follow each (issue 19 §2). */
  datedRules?: DatedRuleEffect[];
  /** Time settings (issue 19 §3): how this preview combined and rounded, tracked hours before rounding. */
  time?: {
    combine: Grouping;
    rounding: Rounding;
    trackedHours: number;
    /** The range grown to whole weeks (per-week activities), when it differs from the chosen one. */
    range?: { dateFrom: string; dateTo: string };
    /** Activities written under other Time settings: replaced (delete + create), or billed and left alone. */
    replaced: number;
    billedKept: number;
  };
}

const names = z.record(z.string(), z.string());
const namesByRoleSchema: z.ZodType<NamesByRole> = z.looseObject({ employee: names, customer: names, item: names });
const breakdownRowsSchema = z.array(z.looseObject({ name: z.string(), hours: z.number(), activities: z.number() }));
const mappingCategoryEnum = z.enum(MAPPING_CATEGORIES);

const previewSummarySchema: z.ZodType<PreviewSummary> = z.looseObject({
  kind: z.undefined().optional(),
  previewedAt: z.string(),
  mode: z.enum(["combined", "separate"]),
  activities: z.number(),
  hours: z.number(),
  counts: z.record(z.enum(DIFF_OPS), z.number()),
  hoursBefore: z.number(),
  hoursAfter: z.number(),
  hoursBlockedByBilling: z.number(),
  billed: z.looseObject({ activities: z.number(), records: z.number(), differing: z.number(), hoursDiffer: z.number() }).optional(),
  records: z.looseObject({
    in: z.number(),
    imported: z.number(),
    skipped: z.partialRecord(z.enum(SKIP_REASONS), z.looseObject({ records: z.number(), minutes: z.number() })),
    billableWithoutRate: z.number(),
  }),
  unmapped: z.array(z.looseObject({ category: mappingCategoryEnum, name: z.string().nullable(), recordCount: z.number(), hours: z.number() })),
  entitiesToCreate: z.array(z.looseObject({ category: mappingCategoryEnum, name: z.string(), entity: z.enum(["Employee", "Vendor", "Customer", "Item"]), activities: z.number() })),
  breakdown: z.looseObject({ byUser: breakdownRowsSchema, byCustomer: breakdownRowsSchema, byItem: breakdownRowsSchema, byBillable: breakdownRowsSchema }),
  ratesVisible: z.boolean(),
  names,
  namesByRole: namesByRoleSchema.optional(),
  qboChanges: z.looseObject({ open: z.number(), pending: z.number(), kept: z.number(), restored: z.number() }).optional(),
  datedRules: z.array(z.looseObject({ category: mappingCategoryEnum, sourceId: z.number(), name: z.string(), from: z.string(), records: z.number() })).optional(),
  time: z
    .looseObject({
      combine: z.enum(["record", "day", "week"]),
      rounding: z.looseObject({ mode: z.enum(["none", "up", "nearest"]), minutes: z.union(ROUNDING_INCREMENTS.map((m) => z.literal(m))) }),
      trackedHours: z.number(),
      range: z.looseObject({ dateFrom: z.string(), dateTo: z.string() }).optional(),
      replaced: z.number(),
      billedKept: z.number(),
    })
    .optional(),
});

export type UndoStepKind = "delete" | "restore" | "recreate" | "billed" | "nothing";
const UNDO_STEP_KINDS = ["delete", "restore", "recreate", "billed", "nothing"] as const satisfies readonly UndoStepKind[];

/** What an undo (lib/import/undo.ts) stores as its import's summary. */
export interface UndoSummary {
  kind: "undo";
  undoOf: { importId: string; dateFrom: string | null; dateTo: string | null };
  previewedAt: string;
  counts: Record<UndoStepKind, number>;
  entitiesKept: number;
  names: Record<string, string>;
  /** The undone import's names per role. */
  namesByRole?: NamesByRole;
}

const undoSummarySchema: z.ZodType<UndoSummary> = z.looseObject({
  kind: z.literal("undo"),
  undoOf: z.looseObject({ importId: z.string(), dateFrom: z.string().nullable(), dateTo: z.string().nullable() }),
  previewedAt: z.string(),
  counts: z.record(z.enum(UNDO_STEP_KINDS), z.number()),
  entitiesKept: z.number(),
  names,
  namesByRole: namesByRoleSchema.optional(),
});

/** `imports.summary`: a preview's, or an undo's (kind "undo"). */
export type ImportSummary = PreviewSummary | UndoSummary;

/** `imports.summary` of any import (null until a preview has been made). */
export function parseImportSummary(value: unknown): ImportSummary | null {
  if (value == null) return null;
  return typeof value === "object" && "kind" in value && value.kind === "undo" ? undoSummarySchema.parse(value) : previewSummarySchema.parse(value);
}

/** The names an import's summary keeps (refs → names at the time of the import). */
const summaryNamesSchema = z.looseObject({ names: names.optional().catch(undefined), namesByRole: namesByRoleSchema.optional().catch(undefined) });

/**
 * `names` and `namesByRole` of an import's summary (of either kind); none when absent or unreadable.
 * Lenient on purpose: where only the names matter, a summary that does not parse shows ids, not an error.
 */
export function summaryNamesOf(summary: unknown): { names: Record<string, string>; namesByRole?: NamesByRole } {
  const parsed = summaryNamesSchema.safeParse(summary ?? {});
  return parsed.success ? { names: parsed.data.names ?? {}, namesByRole: parsed.data.namesByRole } : { names: {} };
}

/** `imports.summary` of a preview (an import's, never an undo's); a summary known to be there stays non-null. */
export function parsePreviewSummary(value: ImportSummary): PreviewSummary;
export function parsePreviewSummary(value: unknown): PreviewSummary | null;
export function parsePreviewSummary(value: unknown): PreviewSummary | null {
  return value == null ? null : previewSummarySchema.parse(value);
}
