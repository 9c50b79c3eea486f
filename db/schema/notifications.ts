import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { stampedAt, timestamptz, uuidPrimaryKey } from "./columns";
import { accountRef, adminRef, admins } from "./accounts";
import { connectionRef } from "./connections";

/** Per admin, opt-in (issue 18 §4): e-mail when a scheduled import ends / when a company needs reconnecting. */
export const notificationPrefs = pgTable("notification_prefs", {
  adminId: uuid("admin_id")
    .primaryKey()
    .references(() => admins.id, { onDelete: "cascade" }),
  scheduledImports: boolean("scheduled_imports").notNull().default(false),
  reconnect: boolean("reconnect").notNull().default(false),
  updatedAt: stampedAt("updated_at"),
});

/**
 * Every notification, sent or not: without SMTP (the embedded default and the demo) this is where they
 * are read (the Outbox page). `dedupeKey` keeps one message per event per admin.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: uuidPrimaryKey(),
    accountId: accountRef(),
    adminId: uuid("admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "cascade" }),
    toAddress: text("to_address"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    sentAt: timestamptz("sent_at"),
    error: text("error"),
    createdAt: stampedAt("created_at"),
  },
  (t) => [uniqueIndex("outbox_admin_dedupe_unique").on(t.adminId, t.dedupeKey), index("outbox_admin_created_idx").on(t.adminId, t.createdAt)],
);

/** Optional outgoing webhook per company: JSON body, HMAC-SHA256 signature with the sealed secret. */
export const companyWebhooks = pgTable("company_webhooks", {
  connectionId: connectionRef().primaryKey(),
  url: text("url").notNull(),
  /** Sealed with lib/crypto (context "webhook:<connectionId>"). */
  sealedSecret: text("sealed_secret").notNull(),
  lastStatus: integer("last_status"),
  lastError: text("last_error"),
  lastDeliveredAt: timestamptz("last_delivered_at"),
  updatedByAdminId: adminRef("updated_by_admin_id"),
  updatedAt: stampedAt("updated_at"),
});
