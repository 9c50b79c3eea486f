import { boolean, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { serialPrimaryKey, stampedAt } from "./columns";
import { connectionRef } from "./connections";
import type { LedgerSnapshot } from "../types";
import { importRef } from "./imports";

/**
 * Per activity, the ledger row as it was before each import changed it (issue 17 §3, Undo). Written
 * by commitOutcomes in the same transaction as the ledger write, one row per ledger key an import
 * created, updated or deleted. `before` is null when the import created the key. An undo is computed
 * from these rows: the earliest row of the import per key is what QuickBooks held before it.
 */
export const ledgerHistory = pgTable(
  "ledger_history",
  {
    id: serialPrimaryKey(),
    connectionId: connectionRef(),
    importId: importRef(),
    sourceKey: text("source_key").notNull(),
    /** created | updated | deleted: what the import's commit did to this key. */
    operation: text("operation").notNull(),
    /** The QuickBooks activity after the commit (null after a delete). */
    qboIdAfter: text("qbo_id_after"),
    /** The whole ledger row before: { qboId, syncToken, txnDate, written, sources } (null = there was none). */
    before: jsonb("before").$type<LedgerSnapshot>(),
    /** A delete of an activity already gone from QuickBooks: only our ledger row went (nothing to put back). */
    ledgerOnly: boolean("ledger_only").notNull().default(false),
    createdAt: stampedAt("created_at"),
  },
  (t) => [index("ledger_history_import_idx").on(t.importId), index("ledger_history_connection_key_idx").on(t.connectionId, t.sourceKey)],
);
