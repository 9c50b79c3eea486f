import { boolean, date, index, jsonb, pgEnum, pgTable, text, uniqueIndex, bigint } from "drizzle-orm/pg-core";
import { stampedAt, timestamptz, uuidPrimaryKey } from "./columns";
import { adminRef } from "./accounts";
import { connectionRef } from "./connections";
import type { WrittenActivity } from "../types";

export const qboChangeKind = pgEnum("qbo_change_kind", ["changed", "deleted"]);
/** pending: nobody chose yet (imports behave as before); keep: QBO's version stays; restore: the next import writes ours back. */
export const qboChangeDecision = pgEnum("qbo_change_decision", ["pending", "keep", "restore"]);

/**
 * A ledger activity changed or deleted inside QuickBooks since we wrote it (lib/import/drift.ts),
 * one row per (connection, source key). `ledgerSyncToken` is the ledger's SyncToken when it was
 * seen: once an import writes the activity again, the row no longer describes the ledger. "Keep
 * QuickBooks version" is the ledger adopting `current` while QBO's SyncToken stays `qboSyncToken`
 * and actiTIME's content stays what the ledger wrote (applied in the preview, lib/import/drift.ts).
 */
export const qboChanges = pgTable(
  "qbo_changes",
  {
    id: uuidPrimaryKey(),
    connectionId: connectionRef(),
    sourceKey: text("source_key").notNull(),
    qboId: text("qbo_id").notNull(),
    txnDate: date("txn_date").notNull(),
    kind: qboChangeKind("kind").notNull(),
    /** What we wrote (ledger.written) and what QBO holds now (same shape; null when deleted). */
    written: jsonb("written").$type<WrittenActivity>().notNull(),
    current: jsonb("current").$type<WrittenActivity>(),
    ledgerSyncToken: text("ledger_sync_token").notNull(),
    qboSyncToken: text("qbo_sync_token"),
    billed: boolean("billed").notNull().default(false),
    /** MetaData.LastUpdatedTime and LastModifiedByRef of QBO's version (deletion time for deleted ones). */
    changedAt: text("changed_at"),
    changedBy: text("changed_by"),
    decision: qboChangeDecision("decision").notNull().default("pending"),
    decidedByAdminId: adminRef("decided_by_admin_id"),
    decidedAt: timestamptz("decided_at"),
    /** Set when QBO and the ledger agree again (restored, or written anew by an import). */
    resolvedAt: timestamptz("resolved_at"),
    detectedAt: stampedAt("detected_at"),
    updatedAt: stampedAt("updated_at"),
  },
  (t) => [uniqueIndex("qbo_changes_connection_key_unique").on(t.connectionId, t.sourceKey), index("qbo_changes_connection_date_idx").on(t.connectionId, t.txnDate)],
);

/**
 * "Mark resolved" on a billed difference (an import item with status skipped_billed): who, when,
 * the note, and the difference it resolved (a later import that finds another difference for the
 * same activity opens it again). Never deleted: the history of resolutions.
 */
export const billedResolutions = pgTable(
  "billed_resolutions",
  {
    id: uuidPrimaryKey(),
    connectionId: connectionRef(),
    sourceKey: text("source_key").notNull(),
    importItemId: bigint("import_item_id", { mode: "number" }).notNull(),
    /** beforeMinutes|afterMinutes|beforeAmountCents|afterAmountCents of the difference resolved. */
    signature: text("signature").notNull(),
    /** The difference as the worklist showed it (date, employee, customer, item, hours, amount), for the history. */
    label: text("label").notNull(),
    note: text("note").notNull(),
    resolvedByAdminId: adminRef("resolved_by_admin_id"),
    resolvedAt: stampedAt("resolved_at"),
  },
  (t) => [index("billed_resolutions_connection_key_idx").on(t.connectionId, t.sourceKey)],
);
