import { sql } from "drizzle-orm";
import { integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * One actiTIME installation, identified by its account key (lib/actitime/account-key.ts): the base URL
 * without scheme, default port, trailing dot or case, so http/https and other spellings of one
 * actiTIME are one account. Everything else hangs off it.
 */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** e.g. https://online.actitime.com/acme: no trailing slash, no /api/v1. */
    baseUrl: text("base_url").notNull(),
    /**
     * Computed by the database from base_url, the mirror of actitimeAccountKey() for URLs that
     * normalizeActitimeBaseUrl produced (a test holds the two equal): so existing rows get it too.
     */
    accountKey: text("account_key")
      .notNull()
      .generatedAlwaysAs(sql`lower(regexp_replace(base_url, '^https?://([^/]*?)\\.?(:(80|443))?(:[0-9]+)?(/.*)?$', '\\1\\4\\5'))`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("accounts_account_key_unique").on(t.accountKey)],
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("admins_account_actitime_user_unique").on(t.accountId, t.actitimeUserId)],
);
