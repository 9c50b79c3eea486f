import { bigint, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { stampedAt, timestamptz } from "./columns";

/**
 * What the pacer has learned about one QuickBooks company's limits (lib/qbo/pace.ts), kept per realm so
 * the next import, in any process, starts with it. Not scoped to an account: Intuit's limits are the
 * company's, shared by every account that connects it, and nothing here is secret.
 */
export const qboRealmPacing = pgTable("qbo_realm_pacing", {
  realmId: text("realm_id").primaryKey(),
  /** "request": a batch counts once toward 500/min; "item": every batch item counts; null: not known yet. */
  batchCounting: text("batch_counting").$type<"request" | "item">(),
  /** Length of the window the reading was observed with (60,000 ms at Intuit; scaled in tests). */
  windowMs: integer("window_ms"),
  /** How it was learned: "probe admitted", "probe throttled", "429 with batches in window". */
  evidence: text("evidence"),
  learnedAt: timestamptz("learned_at"),
  updatedAt: stampedAt("updated_at"),
});

/**
 * The per-realm budget shared by every process: each process (holder) that sends to a realm keeps one
 * row with what it has used in the current window plus the short claim it may still spend, and the
 * concurrent slots it holds. A claim is granted under a row lock on `qbo_realm_pacing` only when the sum
 * over every holder stays within Intuit's limits. Values are counted in ms of the holder's clock.
 */
export const qboRealmBudget = pgTable(
  "qbo_realm_budget",
  {
    realmId: text("realm_id").notNull(),
    holder: text("holder").notNull(),
    /** Requests (or batch items, when they count) used in the window at `claimedAt` plus the claim still unspent. */
    requests: integer("requests").notNull(),
    batches: integer("batches").notNull(),
    concurrent: integer("concurrent").notNull(),
    /** Requests the holder would have liked to claim (others cap themselves to a fair share while this is > 0). */
    wanted: integer("wanted").notNull().default(0),
    claimedAt: bigint("claimed_at", { mode: "number" }).notNull(),
    /** The request and batch counts stop counting at this moment (claim expiry + window + latency margin). */
    countsUntil: bigint("counts_until", { mode: "number" }).notNull(),
    /** The concurrent slots stop counting at this moment (claim expiry + latency margin). */
    slotsUntil: bigint("slots_until", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.realmId, t.holder] })],
);
