import { sql } from "drizzle-orm";
import { type AnyPgColumn, date, index, integer, jsonb, numeric, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { serialPrimaryKey, stampedAt, timestamps, timestamptz, uuidPrimaryKey } from "./columns";
import { connectionRef } from "./connections";
import { accountRef, admins } from "./accounts";
import type { EntityItemPayload, ImportSelection, ImportSummary, ItemBefore, MappingSnapshot, StoredActivityItem, TimeDescriptionSettings } from "../types";

export const importStatus = pgEnum("import_status", ["draft", "running", "interrupting", "completed", "interrupted", "error"]);
/** The wizard step a draft has reached: select → map → preview; then it runs. */
export const importStep = pgEnum("import_step", ["select", "map", "preview"]);
/** An import writes actiTIME time; an undo puts back what one import changed (issue 17 §3). */
export const importKind = pgEnum("import_kind", ["import", "undo"]);

/**
 * One run for a date range and selection. A draft belongs to its author only; once started, every
 * admin of the account sees it. `mappingSnapshot` and the planned operations (import_items) are
 * stored at preview so what is previewed is exactly what runs.
 */
export const imports = pgTable(
  "imports",
  {
    id: uuidPrimaryKey(),
    accountId: accountRef(),
    connectionId: connectionRef(),
    /**
     * The QuickBooks company it writes to, set when it starts: one realm may be connected from several
     * accounts, and imports_one_active_per_realm keeps all but one of them from writing at once.
     */
    realmId: text("realm_id"),
    kind: importKind("kind").notNull().default("import"),
    /** For an undo: the import it undoes (same account and company). */
    undoOfImportId: uuid("undo_of_import_id").references((): AnyPgColumn => imports.id, { onDelete: "set null" }),
    /** Bumped by every change to a draft (selection, mapping, preview); Start starts only the revision it was shown. */
    draftRevision: integer("draft_revision").notNull().default(0),
    createdByAdminId: uuid("created_by_admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "restrict" }),
    status: importStatus("status").notNull().default("draft"),
    step: importStep("step").notNull().default("select"),
    dateFrom: date("date_from"),
    dateTo: date("date_to"),
    /** Selection: user / project / leave type ids (null = all), approved only (db/types.ts parseImportSelection). */
    selection: jsonb("selection").$type<ImportSelection>(),
    /** Rules as they were when the preview was made; the detail page shows these, not today's. */
    mappingSnapshot: jsonb("mapping_snapshot").$type<MappingSnapshot>(),
    timeDescriptionSnapshot: jsonb("time_description_snapshot").$type<TimeDescriptionSettings>(),
    /** Counts and hours by user / customer / item / billable, computed at preview (an undo's: its steps). */
    summary: jsonb("summary").$type<ImportSummary>(),
    progressDone: integer("progress_done").notNull().default(0),
    progressTotal: integer("progress_total").notNull().default(0),
    createdCount: integer("created_count").notNull().default(0),
    updatedCount: integer("updated_count").notNull().default(0),
    deletedCount: integer("deleted_count").notNull().default(0),
    failedCount: integer("failed_count").notNull().default(0),
    skippedBilledCount: integer("skipped_billed_count").notNull().default(0),
    hours: numeric("hours", { precision: 12, scale: 2 }).notNull().default("0"),
    errorMessage: text("error_message"),
    /** What a running import is doing now (lib/import/progress.ts phases), and until when for a wait. */
    progressPhase: text("progress_phase"),
    progressPhaseUntil: timestamptz("progress_phase_until"),
    /** Which process runs it (inline runner) or the Inngest run id; lets a restart find orphans. */
    runnerId: text("runner_id"),
    /**
     * The lease: `runnerId` + this generation, bumped at every takeover. Claims, commits and heartbeats
     * are conditional on both, so an executor that lost its lease (stalled, frozen) can do none of them.
     */
    leaseGeneration: integer("lease_generation").notNull().default(0),
    /**
     * The company's ledger version (qbo_connections.ledger_version) this import's plan was computed
     * from, moved on by the import's own ledger writes. Start and every slice refuse when the
     * company's version differs: someone else wrote the ledger since the preview.
     */
    ledgerVersionSeen: integer("ledger_version_seen"),
    heartbeatAt: timestamptz("heartbeat_at"),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    ...timestamps(),
  },
  (t) => [
    // Only one import runs per company at a time: the database, not the UI, is the arbiter.
    uniqueIndex("imports_one_active_per_connection")
      .on(t.connectionId)
      .where(sql`${t.status} in ('running', 'interrupting')`),
    uniqueIndex("imports_one_active_per_realm")
      .on(t.realmId)
      .where(sql`${t.status} in ('running', 'interrupting')`),
    index("imports_connection_created_idx").on(t.connectionId, t.createdAt),
    index("imports_account_status_idx").on(t.accountId, t.status),
  ],
);

/** The import a row belongs to: it goes when the import goes. */
export function importRef() {
  return uuid("import_id")
    .notNull()
    .references(() => imports.id, { onDelete: "cascade" });
}

export const importItemOperation = pgEnum("import_item_operation", ["create", "update", "delete"]);
export const importItemEntity = pgEnum("import_item_entity", ["TimeActivity", "Employee", "Customer", "Item", "Vendor"]);
/**
 * `sending` is written before a request leaves: after a crash, an item found `sending` has an
 * unknown outcome and is reconciled against QBO before anything is sent again.
 */
export const importItemStatus = pgEnum("import_item_status", [
  "pending",
  "sending",
  "created",
  "updated",
  "deleted",
  "unchanged",
  "skipped_billed",
  "failed",
  "cancelled",
]);

/** One QBO operation of an import, in execution order. */
export const importItems = pgTable(
  "import_items",
  {
    id: serialPrimaryKey(),
    importId: importRef(),
    seq: integer("seq").notNull(),
    entity: importItemEntity("entity").notNull(),
    operation: importItemOperation("operation").notNull(),
    /** Ledger source key for TimeActivity items; the mapping rule for entity items. */
    sourceKey: text("source_key").notNull(),
    status: importItemStatus("status").notNull().default("pending"),
    /** What we intend to write (desired state) and, for corrections, what was there before. */
    desired: jsonb("desired").$type<StoredActivityItem | EntityItemPayload>(),
    before: jsonb("before").$type<ItemBefore>(),
    qboId: text("qbo_id"),
    /** Deterministic per (import, item, attempt), so a retry of the same send is recognisable. */
    requestId: text("request_id"),
    attempts: integer("attempts").notNull().default(0),
    /** The lease generation the item was claimed under (with `attempts`, what a commit must still match). */
    leaseGeneration: integer("lease_generation"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    errorDetail: text("error_detail"),
    intuitTid: text("intuit_tid"),
    sentAt: timestamptz("sent_at"),
    updatedAt: stampedAt("updated_at"),
  },
  (t) => [
    uniqueIndex("import_items_import_seq_unique").on(t.importId, t.seq),
    index("import_items_import_status_idx").on(t.importId, t.status),
  ],
);
