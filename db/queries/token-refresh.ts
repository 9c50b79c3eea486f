// The token refresh lease of lib/qbo/tokens.ts: each function is one short statement (no transaction
// is ever open while Intuit is called). The lease is taken by one conditional UPDATE on the database's
// clock; the rotated tokens are stored by another, only over the version they were refreshed from and
// only while the connection is still connected.
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboConnections } from "@/db/schema";
import { seal } from "@/lib/crypto";
import type { TokenSet } from "@/db/types";
import { tokenContext, type QboConnection } from "./connections";

/**
 * Takes the refresh lease for `leaseMs` (database clock) when no live lease is held and the tokens are
 * still at `tokenVersion`; the row as leased, or undefined when someone else holds it or stored newer tokens.
 */
export async function takeRefreshLease(db: Db, connectionId: string, tokenVersion: number, leaseId: string, leaseMs: number): Promise<QboConnection | undefined> {
  const [held] = await db
    .update(qboConnections)
    .set({ refreshLeaseId: leaseId, refreshLeaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where(
      and(
        eq(qboConnections.id, connectionId),
        eq(qboConnections.status, "connected"),
        // Someone stored new tokens since the caller looked: it looks again instead of refreshing.
        eq(qboConnections.tokenVersion, tokenVersion),
        or(isNull(qboConnections.refreshLeaseUntil), lt(qboConnections.refreshLeaseUntil, sql`now()`)),
      ),
    )
    .returning();
  return held;
}

/** Gives the lease back (only if it is still ours). */
export async function releaseRefreshLease(db: Db, connectionId: string, leaseId: string): Promise<void> {
  await db
    .update(qboConnections)
    .set({ refreshLeaseId: null, refreshLeaseUntil: null })
    .where(and(eq(qboConnections.id, connectionId), eq(qboConnections.refreshLeaseId, leaseId)));
}

const sameVersion = (row: Pick<QboConnection, "id" | "tokenVersion">) =>
  and(eq(qboConnections.id, row.id), eq(qboConnections.tokenVersion, row.tokenVersion), eq(qboConnections.status, "connected"));

/** Intuit refused the refresh token: needs_reconnect, unless newer tokens were stored meanwhile (then false). */
export async function markRefreshRefused(db: Db, row: Pick<QboConnection, "id" | "tokenVersion">): Promise<boolean> {
  const [marked] = await db
    .update(qboConnections)
    .set({ status: "needs_reconnect", refreshLeaseId: null, refreshLeaseUntil: null, updatedAt: new Date() })
    .where(sameVersion(row))
    .returning({ id: qboConnections.id });
  return marked !== undefined;
}

/**
 * Stores the rotated tokens (sealed) and releases the lease, only over the version they were refreshed
 * from and only while still connected (a Disconnect meanwhile forgot the tokens, and they stay forgotten).
 * False when that no longer holds.
 */
export async function storeRefreshedTokens(db: Db, row: Pick<QboConnection, "id" | "tokenVersion" | "refreshTokenExpiresAt">, tokens: TokenSet): Promise<boolean> {
  const [stored] = await db
    .update(qboConnections)
    .set({
      sealedAccessToken: seal(tokens.accessToken, tokenContext(row.id, "access")),
      sealedRefreshToken: seal(tokens.refreshToken, tokenContext(row.id, "refresh")),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? row.refreshTokenExpiresAt,
      tokenVersion: row.tokenVersion + 1,
      refreshLeaseId: null,
      refreshLeaseUntil: null,
      updatedAt: new Date(),
    })
    .where(sameVersion(row))
    .returning({ id: qboConnections.id });
  return stored !== undefined;
}
