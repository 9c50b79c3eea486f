// Row-level shapes the database stores (JSONB columns, issue 16): declared here, next to the schema,
// so db/queries needs nothing from lib/. Each has a zod schema that db/queries parses reads with;
// lib/import/types.ts re-exports the types for the pure core.
import { createHash } from "node:crypto";
import { z } from "zod";

/** The actiTIME entity categories a mapping rule is for: the `mapping_category` enum (db/schema/mappings.ts) and the rule model (lib/mapping/rules.ts) read this list. */
export const MAPPING_CATEGORIES = ["user", "project", "type_of_work", "leave_type"] as const;
export type MappingCategory = (typeof MAPPING_CATEGORIES)[number];

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

/** The names an import's summary keeps (refs → names at the time of the import). */
const summaryNamesSchema = z.looseObject({ names: z.record(z.string(), z.string()).optional().catch(undefined), namesByRole: z.unknown().optional() });

/** `names` (and `namesByRole`, as stored) of an import's summary; none when absent or unreadable. */
export function summaryNamesOf(summary: unknown): { names: Record<string, string>; namesByRole?: unknown } {
  const parsed = summaryNamesSchema.safeParse(summary ?? {});
  return parsed.success ? { names: parsed.data.names ?? {}, namesByRole: parsed.data.namesByRole } : { names: {} };
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
