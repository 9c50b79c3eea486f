// Access tokens per connection. Refreshes are serialised per connection across processes with a
// row lock (SELECT … FOR UPDATE) and within a process by a single-flight promise; the rotated
// refresh token is saved in the same transaction that received it (reference qbo-api.md §1.5, §1.8).
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboConnections } from "@/db/schema";
import { tokenContext } from "@/db/queries/connections";
import { open, seal } from "@/lib/crypto";
import type { TokenSource } from "./client";
import { OAuthExchangeError, refreshTokens, type TokenSet } from "./oauth";

/** Refresh a little before expiry so a request never leaves with a token about to lapse. */
export const ACCESS_TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export class ConnectionUnavailableError extends Error {
  constructor(
    readonly code: "needs_reconnect" | "disconnected" | "not_found",
    message: string,
  ) {
    super(message);
    this.name = "ConnectionUnavailableError";
  }
}

export interface TokenSourceDeps {
  refresh?: (refreshToken: string) => Promise<TokenSet>;
  now?: () => number;
}

const inFlight = new Map<string, Promise<string>>();

type RefreshOutcome = { ok: true; accessToken: string } | { ok: false; error: Error };

function unavailable(status: string): ConnectionUnavailableError {
  return status === "disconnected"
    ? new ConnectionUnavailableError("disconnected", "This QuickBooks company is disconnected. Connect it again to continue.")
    : new ConnectionUnavailableError("needs_reconnect", "QuickBooks needs you to reconnect this company (its authorization expired or was revoked).");
}

export function connectionTokenSource(db: Db, connectionId: string, deps: TokenSourceDeps = {}): TokenSource {
  const now = deps.now ?? Date.now;
  const refresh = deps.refresh ?? ((token: string) => refreshTokens(token));

  async function loadRow() {
    const [row] = await db.select().from(qboConnections).where(eq(qboConnections.id, connectionId));
    if (!row) throw new ConnectionUnavailableError("not_found", "This QuickBooks company is not connected.");
    if (row.status !== "connected" || !row.sealedRefreshToken) throw unavailable(row.status);
    return row;
  }

  /** Refresh unless someone else already did (a newer token than `rejected`, still fresh). */
  async function refreshLocked(rejected: string | null): Promise<string> {
    const outcome: RefreshOutcome = await db.transaction(async (tx) => {
      const [row] = await tx.select().from(qboConnections).where(eq(qboConnections.id, connectionId)).for("update");
      if (!row) return { ok: false, error: new ConnectionUnavailableError("not_found", "This QuickBooks company is not connected.") };
      if (row.status !== "connected" || !row.sealedRefreshToken) return { ok: false, error: unavailable(row.status) };
      const current = row.sealedAccessToken ? open(row.sealedAccessToken, tokenContext(row.id, "access")) : null;
      const fresh = row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - ACCESS_TOKEN_REFRESH_MARGIN_MS > now();
      if (current && fresh && current !== rejected) return { ok: true, accessToken: current };

      let tokens: TokenSet;
      try {
        tokens = await refresh(open(row.sealedRefreshToken, tokenContext(row.id, "refresh")));
      } catch (error) {
        if (error instanceof OAuthExchangeError && error.code === "invalid_grant") {
          await tx.update(qboConnections).set({ status: "needs_reconnect", updatedAt: new Date() }).where(eq(qboConnections.id, row.id));
          return { ok: false, error: unavailable("needs_reconnect") };
        }
        return { ok: false, error: error as Error };
      }
      await tx
        .update(qboConnections)
        .set({
          sealedAccessToken: seal(tokens.accessToken, tokenContext(row.id, "access")),
          sealedRefreshToken: seal(tokens.refreshToken, tokenContext(row.id, "refresh")),
          accessTokenExpiresAt: tokens.accessTokenExpiresAt,
          refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? row.refreshTokenExpiresAt,
          tokenVersion: row.tokenVersion + 1,
          updatedAt: new Date(),
        })
        .where(eq(qboConnections.id, row.id));
      return { ok: true, accessToken: tokens.accessToken };
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.accessToken;
  }

  function singleFlight(rejected: string | null): Promise<string> {
    let pending = inFlight.get(connectionId);
    if (!pending) {
      pending = refreshLocked(rejected).finally(() => inFlight.delete(connectionId));
      inFlight.set(connectionId, pending);
    }
    return pending;
  }

  return {
    async getAccessToken() {
      const row = await loadRow();
      const fresh = row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - ACCESS_TOKEN_REFRESH_MARGIN_MS > now();
      if (row.sealedAccessToken && fresh) return open(row.sealedAccessToken, tokenContext(row.id, "access"));
      return singleFlight(null);
    },
    refreshAfterUnauthorized(rejectedToken: string) {
      return singleFlight(rejectedToken);
    },
  };
}
