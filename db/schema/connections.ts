import { boolean, date, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { stampedAt, timestamps, timestamptz, uuidPrimaryKey } from "./columns";
import { accountRef, adminRef } from "./accounts";

export const connectionStatus = pgEnum("connection_status", ["connected", "needs_reconnect", "disconnected"]);

/**
 * One QuickBooks company (realmId) connected to an account. Disconnecting keeps the row (and so the
 * settings, rules, ledger and history hanging off it); connecting the same realm again revives it.
 */
export const qboConnections = pgTable(
  "qbo_connections",
  {
    id: uuidPrimaryKey(),
    accountId: accountRef(),
    realmId: text("realm_id").notNull(),
    companyName: text("company_name").notNull(),
    status: connectionStatus("status").notNull().default("connected"),
    /** Tokens sealed with lib/crypto (context "connection:<id>:access|refresh"). */
    sealedAccessToken: text("sealed_access_token"),
    sealedRefreshToken: text("sealed_refresh_token"),
    accessTokenExpiresAt: timestamptz("access_token_expires_at"),
    refreshTokenExpiresAt: timestamptz("refresh_token_expires_at"),
    /** Bumped on every token exchange; a refresh that finds it changed knows another process already refreshed. */
    tokenVersion: integer("token_version").notNull().default(0),
    /**
     * A short lease on refreshing the tokens (lib/qbo/tokens.ts): whoever holds it (until the database
     * clock passes `refresh_lease_until`) calls Intuit; others wait for the token it stores. No
     * transaction is held across that call.
     */
    refreshLeaseId: text("refresh_lease_id"),
    refreshLeaseUntil: timestamptz("refresh_lease_until"),
    /** Bumped by every ledger write of this company: a plan runs only against the version it was computed from. */
    ledgerVersion: integer("ledger_version").notNull().default(0),
    timeTrackingEnabled: boolean("time_tracking_enabled"),
    payrollEnabled: boolean("payroll_enabled"),
    /** QBO closed-books date, if any: writes dated on or before it are refused (Fault 6210). */
    booksClosedDate: date("books_closed_date"),
    companyCheckedAt: timestamptz("company_checked_at"),
    connectedByAdminId: adminRef("connected_by_admin_id"),
    connectedAt: stampedAt("connected_at"),
    disconnectedAt: timestamptz("disconnected_at"),
    ...timestamps(),
  },
  (t) => [uniqueIndex("qbo_connections_account_realm_unique").on(t.accountId, t.realmId)],
);

/** The company a row belongs to: it goes when the connection row goes. */
export function connectionRef() {
  return uuid("connection_id")
    .notNull()
    .references(() => qboConnections.id, { onDelete: "cascade" });
}

export const qboEntityType = pgEnum("qbo_entity_type", ["Employee", "Customer", "Vendor", "Item", "Account", "Class", "Department"]);

/**
 * QBO entity lists cached per connection for mapping and suggestions, one row per entity type
 * (`entities`: that type's list, `Account` = the income accounts); Refresh re-reads them (an admin
 * may create an employee in QBO and come back). `Class` / `Department` rows exist only while the
 * company tracks classes / locations.
 */
export const qboEntityCache = pgTable(
  "qbo_entity_cache",
  {
    id: uuidPrimaryKey(),
    connectionId: connectionRef(),
    entityType: qboEntityType("entity_type").notNull(),
    entities: jsonb("entities").$type<unknown>().notNull(),
    fetchedAt: stampedAt("fetched_at"),
  },
  (t) => [
    uniqueIndex("qbo_entity_cache_connection_type_unique").on(t.connectionId, t.entityType),
    index("qbo_entity_cache_connection_idx").on(t.connectionId),
  ],
);
