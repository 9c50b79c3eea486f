import { date, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { serialPrimaryKey, timestamps } from "./columns";
import { connectionRef } from "./connections";
import type { ActivitySources, WrittenActivity } from "../types";
import { imports } from "./imports";

/**
 * What we have written to QBO for a company, one row per activity key (spec §6). The diff compares
 * desired activities with these rows; a re-run therefore updates or deletes instead of duplicating.
 * Written only by lib/import/execute, in the same transaction as the import item's status.
 */
export const ledger = pgTable(
  "ledger",
  {
    id: serialPrimaryKey(),
    connectionId: connectionRef(),
    sourceKey: text("source_key").notNull(),
    qboId: text("qbo_id").notNull(),
    syncToken: text("sync_token").notNull(),
    /** Calendar date of the activity (never shifted through a time zone): the scope of a re-run is a date range. */
    txnDate: date("txn_date").notNull(),
    /** The TimeActivity fields we wrote (hours, minutes, refs, billable, rate, description). */
    written: jsonb("written").$type<WrittenActivity>().notNull(),
    /** The actiTIME entities behind this activity (user, projects, leave type, records) for selection scope. */
    sources: jsonb("sources").$type<ActivitySources>().notNull(),
    lastImportId: uuid("last_import_id").references(() => imports.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("ledger_connection_source_key_unique").on(t.connectionId, t.sourceKey),
    index("ledger_connection_txn_date_idx").on(t.connectionId, t.txnDate),
  ],
);
