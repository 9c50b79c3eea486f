import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** One actiTIME installation, identified by its normalised base URL. Everything else hangs off it. */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** e.g. https://online.actitime.com/acme: no trailing slash, no /api/v1. */
    baseUrl: text("base_url").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("accounts_base_url_unique").on(t.baseUrl)],
);

/** An actiTIME admin who has signed in to an account. */
export const admins = pgTable(
  "admins",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    actitimeUserId: integer("actitime_user_id").notNull(),
    username: text("username").notNull(),
    fullName: text("full_name").notNull(),
    email: text("email"),
    /** actiTIME password sealed with lib/crypto (context "admin:<id>"): background reads need it, nothing else sees it. */
    sealedPassword: text("sealed_password"),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    /** Sessions carry the version they were issued under; Log out bumps it, which ends every one of them. */
    sessionVersion: integer("session_version").notNull().default(0),
    /** Last time actiTIME confirmed this admin still has the rights the app needs (re-checked every 15 minutes of use). */
    rightsCheckedAt: timestamp("rights_checked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("admins_account_actitime_user_unique").on(t.accountId, t.actitimeUserId)],
);

/**
 * Failed sign-ins, one row each, keyed by a hash of the client address or of (account URL, username).
 * Kept in the database so every instance counts the same failures (issue 13 §3); rows older than the
 * window are deleted as new attempts come in.
 */
export const loginFailures = pgTable(
  "login_failures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    failedAt: timestamp("failed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_failures_key_failed_at").on(t.key, t.failedAt), index("login_failures_failed_at").on(t.failedAt)],
);
