import { and, asc, eq, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboConnections } from "@/db/schema";
import { seal } from "@/lib/crypto";
import type { TokenSet } from "@/db/types";

export type QboConnection = typeof qboConnections.$inferSelect;

export const tokenContext = (connectionId: string, which: "access" | "refresh") => `connection:${connectionId}:${which}`;

/** Connections of an account: every read of a connection goes through the account that owns it. */
export function listConnections(db: Db, accountId: string) {
  return db.select().from(qboConnections).where(eq(qboConnections.accountId, accountId)).orderBy(asc(qboConnections.companyName));
}

export async function getConnection(db: Db, accountId: string, connectionId: string): Promise<QboConnection | undefined> {
  if (!isUuid(connectionId)) return undefined;
  const [row] = await db.select().from(qboConnections).where(and(eq(qboConnections.id, connectionId), eq(qboConnections.accountId, accountId)));
  return row;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export interface CompanyFacts {
  companyName: string;
  payrollEnabled: boolean;
  timeTrackingEnabled: boolean;
  booksClosedDate: string | null;
}

/**
 * Stores a company after the OAuth callback. Connecting a realm the account had before revives
 * that row, so its settings, rules, ledger and history come back.
 */
export async function upsertConnection(
  db: Db,
  input: { accountId: string; realmId: string; adminId: string; tokens: TokenSet; facts: CompanyFacts },
): Promise<QboConnection> {
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: qboConnections.id })
      .from(qboConnections)
      .where(and(eq(qboConnections.accountId, input.accountId), eq(qboConnections.realmId, input.realmId)))
      .for("update");
    const id = existing?.id ?? crypto.randomUUID();
    const now = new Date();
    const values = {
      companyName: input.facts.companyName,
      status: "connected" as const,
      sealedAccessToken: seal(input.tokens.accessToken, tokenContext(id, "access")),
      sealedRefreshToken: seal(input.tokens.refreshToken, tokenContext(id, "refresh")),
      accessTokenExpiresAt: input.tokens.accessTokenExpiresAt,
      refreshTokenExpiresAt: input.tokens.refreshTokenExpiresAt,
      payrollEnabled: input.facts.payrollEnabled,
      timeTrackingEnabled: input.facts.timeTrackingEnabled,
      booksClosedDate: input.facts.booksClosedDate,
      companyCheckedAt: now,
      connectedByAdminId: input.adminId,
      connectedAt: now,
      disconnectedAt: null,
      updatedAt: now,
    };
    if (existing) {
      const [row] = await tx
        .update(qboConnections)
        // New tokens from a new grant: a refresh still in flight from the old ones must not store over them.
        .set({ ...values, tokenVersion: sql`${qboConnections.tokenVersion} + 1`, refreshLeaseId: null, refreshLeaseUntil: null })
        .where(eq(qboConnections.id, id))
        .returning();
      return row!;
    }
    const [row] = await tx.insert(qboConnections).values({ id, accountId: input.accountId, realmId: input.realmId, ...values }).returning();
    return row!;
  });
}

export async function updateCompanyFacts(db: Db, connectionId: string, facts: CompanyFacts) {
  await db
    .update(qboConnections)
    .set({ ...facts, companyCheckedAt: new Date(), updatedAt: new Date() })
    .where(eq(qboConnections.id, connectionId));
}

/** Disconnect forgets the tokens but keeps the row (and with it settings and history). */
export async function markDisconnected(db: Db, accountId: string, connectionId: string) {
  const [row] = await db
    .update(qboConnections)
    .set({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null, accessTokenExpiresAt: null, disconnectedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(qboConnections.id, connectionId), eq(qboConnections.accountId, accountId)))
    .returning();
  return row;
}

/**
 * A connection by id alone, for background work (scheduled runs, the executor) that already holds
 * an id taken from an account-scoped row. Pages and actions use `getConnection` (account-scoped).
 */
export async function getConnectionById(db: Db, connectionId: string): Promise<QboConnection | undefined> {
  const [row] = await db.select().from(qboConnections).where(eq(qboConnections.id, connectionId));
  return row;
}

/** Connected companies holding a refresh token that expires before `soon` (the keep-alive refreshes them). */
export async function connectedWithRefreshExpiringBefore(db: Db, soon: Date): Promise<{ id: string }[]> {
  return db
    .select({ id: qboConnections.id })
    .from(qboConnections)
    .where(and(eq(qboConnections.status, "connected"), isNotNull(qboConnections.sealedRefreshToken), isNotNull(qboConnections.refreshTokenExpiresAt), lt(qboConnections.refreshTokenExpiresAt, soon)));
}

/** Marks the stored access token expired, so the next use refreshes it. */
export async function markAccessTokenStale(db: Db, connectionId: string): Promise<void> {
  await db.update(qboConnections).set({ accessTokenExpiresAt: new Date(0) }).where(eq(qboConnections.id, connectionId));
}

/**
 * Runs `fn` in one transaction holding the account's connection row FOR UPDATE (serialised with
 * Start, which takes it FOR SHARE). Undefined when the account has no such connection.
 */
export async function withConnectionLocked<T>(db: Db, accountId: string, connectionId: string, fn: (tx: Db, row: QboConnection) => Promise<T>): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(qboConnections)
      .where(and(eq(qboConnections.id, connectionId), eq(qboConnections.accountId, accountId)))
      .for("update");
    if (!row) return undefined;
    return fn(tx, row);
  });
}
