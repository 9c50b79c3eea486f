import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { stampedAt, timestamps, timestamptz, uuidPrimaryKey } from "./columns";

/**
 * One actiTIME installation, identified by its account key (lib/actitime/account-key.ts): the base URL
 * without scheme, default port, trailing dot or case, so http/https and other spellings of one
 * actiTIME are one account. Everything else hangs off it.
 */
export const accounts = pgTable(
  "accounts",
  {
    id: uuidPrimaryKey(),
    /** e.g. https://online.actitime.com/acme: no trailing slash, no /api/v1. */
    baseUrl: text("base_url").notNull(),
    /**
     * Computed by the database from base_url, the mirror of actitimeAccountKey() for URLs that
     * normalizeActitimeBaseUrl produced (a test holds the two equal): so existing rows get it too.
     */
    accountKey: text("account_key")
      .notNull()
      .generatedAlwaysAs(sql`lower(regexp_replace(base_url, '^https?://([^/]*?)\\.?(:(80|443))?(:[0-9]+)?(/.*)?$', '\\1\\4\\5'))`),
    ...timestamps(),
  },
  (t) => [uniqueIndex("accounts_account_key_unique").on(t.accountKey)],
);

/** The account a row belongs to: it goes when the account goes. */
export function accountRef() {
  return uuid("account_id")
    .notNull()
    .references(() => accounts.id, { onDelete: "cascade" });
}

/** The admin who did something (changed, decided, set): null once that admin is gone. */
export function adminRef(name: string) {
  return uuid(name).references(() => admins.id, { onDelete: "set null" });
}

/** An actiTIME admin who has signed in to an account. */
export const admins = pgTable(
  "admins",
  {
    id: uuidPrimaryKey(),
    accountId: accountRef(),
    actitimeUserId: integer("actitime_user_id").notNull(),
    username: text("username").notNull(),
    fullName: text("full_name").notNull(),
    email: text("email"),
    /** actiTIME password sealed with lib/crypto (context "admin:<id>"): background reads need it, nothing else sees it. */
    sealedPassword: text("sealed_password"),
    lastLoginAt: timestamptz("last_login_at"),
    /** Sessions carry the version they were issued under; Log out bumps it, which ends every one of them. */
    sessionVersion: integer("session_version").notNull().default(0),
    /** Last time actiTIME confirmed this admin still has the rights the app needs (re-checked every 15 minutes of use). */
    rightsCheckedAt: timestamptz("rights_checked_at"),
    ...timestamps(),
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
    id: uuidPrimaryKey(),
    key: text("key").notNull(),
    failedAt: stampedAt("failed_at"),
  },
  (t) => [index("login_failures_key_failed_at").on(t.key, t.failedAt), index("login_failures_failed_at").on(t.failedAt)],
);
