import { integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("admins_account_actitime_user_unique").on(t.accountId, t.actitimeUserId)],
);
