// Access tokens per connection. A refresh is serialised per connection across processes by a short
// lease on the connection row (refresh_lease_id / refresh_lease_until, on the database's clock) and
// within a process by a single-flight promise. No transaction is open while Intuit is called: the
// lease is taken by one conditional UPDATE, the call has a timeout, and the rotated tokens are stored
// by another conditional UPDATE before anything uses them (reference qbo-api.md §1.5, §1.8).
import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { getConnectionById, tokenContext, type QboConnection } from "@/db/queries/connections";
import { markRefreshRefused, releaseRefreshLease, storeRefreshedTokens, takeRefreshLease } from "@/db/queries/token-refresh";
import { open } from "@/lib/crypto";
import type { TokenSource } from "./client";
import { OAUTH_REQUEST_TIMEOUT_MS, OAuthExchangeError, refreshTokens, type TokenSet } from "./oauth";

/** Refresh a little before expiry so a request never leaves with a token about to lapse. */
export const ACCESS_TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** The refresh call's own limit. */
export const TOKEN_REFRESH_TIMEOUT_MS = OAUTH_REQUEST_TIMEOUT_MS;
/** Longer than a refresh call may take, so a live holder keeps its lease until it has stored the tokens. */
export const TOKEN_REFRESH_LEASE_MS = TOKEN_REFRESH_TIMEOUT_MS + 10_000;
/** How often a caller waiting on another's lease looks for the token it stored. */
const LEASE_POLL_MS = 50;

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
  /** The token exchange; `signal` aborts it (TOKEN_REFRESH_TIMEOUT_MS at the latest). */
  refresh?: (refreshToken: string, signal: AbortSignal) => Promise<TokenSet>;
  now?: () => number;
  /** Overrides for tests (scaled time). */
  timeoutMs?: number;
  leaseMs?: number;
}

const inFlight = new Map<string, Promise<string>>();

function unavailable(status: string): ConnectionUnavailableError {
  return status === "disconnected"
    ? new ConnectionUnavailableError("disconnected", "This QuickBooks company is disconnected. Connect it again to continue.")
    : new ConnectionUnavailableError("needs_reconnect", "QuickBooks needs you to reconnect this company (its authorization expired or was revoked).");
}

async function loadConnection(db: Db, connectionId: string): Promise<QboConnection> {
  const row = await getConnectionById(db, connectionId);
  if (!row) throw new ConnectionUnavailableError("not_found", "This QuickBooks company is not connected.");
  if (row.status !== "connected" || !row.sealedRefreshToken) throw unavailable(row.status);
  return row;
}

/** The stored access token, if it is fresh and not the one QBO just rejected. */
function usableToken(row: QboConnection, rejected: string | null, nowMs: number): string | null {
  const fresh = row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - ACCESS_TOKEN_REFRESH_MARGIN_MS > nowMs;
  if (!row.sealedAccessToken || !fresh) return null;
  const current = open(row.sealedAccessToken, tokenContext(row.id, "access"));
  return current === rejected ? null : current;
}

/** Waits for `promise`, but no longer than `signal` allows (for a refresh that ignores its signal). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OAuthExchangeError("unreachable", "Intuit's sign-in service did not answer in time"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A valid access token for the connection, refreshing it unless someone else already did (a newer
 * token than `rejected`, still fresh). Safe to call from any number of processes at once: one of them
 * holds the lease and calls Intuit; the others wait for the token it stores (at most a lease's length).
 */
export async function refreshConnectionTokens(db: Db, connectionId: string, rejected: string | null, deps: TokenSourceDeps = {}): Promise<string> {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? TOKEN_REFRESH_TIMEOUT_MS;
  const leaseMs = deps.leaseMs ?? TOKEN_REFRESH_LEASE_MS;
  const refresh = deps.refresh ?? ((token: string, signal: AbortSignal) => refreshTokens(token, undefined, { signal, timeoutMs }));
  // Another holder's lease ends within leaseMs; past that (plus its call) something is wrong.
  const giveUpAt = Date.now() + leaseMs + timeoutMs;

  for (;;) {
    const row = await loadConnection(db, connectionId);
    const usable = usableToken(row, rejected, now());
    if (usable) return usable;

    const leaseId = randomUUID();
    // Only when no live lease is held and the tokens are still the version read above.
    const held = await takeRefreshLease(db, connectionId, row.tokenVersion, leaseId, leaseMs);
    if (!held) {
      if (Date.now() > giveUpAt) throw new OAuthExchangeError("unreachable", "Another refresh of this company's QuickBooks authorization did not finish in time");
      await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
      continue;
    }
    return refreshHoldingLease(db, held, leaseId, refresh, timeoutMs);
  }
}

async function refreshHoldingLease(
  db: Db,
  row: QboConnection,
  leaseId: string,
  refresh: NonNullable<TokenSourceDeps["refresh"]>,
  timeoutMs: number,
): Promise<string> {
  const releaseLease = () => releaseRefreshLease(db, row.id, leaseId);
  let tokens: TokenSet;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    tokens = await untilAborted(refresh(open(row.sealedRefreshToken!, tokenContext(row.id, "refresh")), signal), signal);
  } catch (error) {
    if (error instanceof OAuthExchangeError && error.code === "invalid_grant") {
      const marked = await markRefreshRefused(db, row);
      // Refused, but someone else stored newer tokens meanwhile: theirs are the ones to use.
      if (!marked) return storedToken(db, row.id);
      throw unavailable("needs_reconnect");
    }
    await releaseLease();
    throw error;
  }
  // Stored before anyone uses it. Only over the version it was refreshed from, and only while still
  // connected: a Disconnect meanwhile forgot the tokens, and they must stay forgotten.
  const stored = await storeRefreshedTokens(db, row, tokens);
  if (stored) return tokens.accessToken;
  // Our lease ran out and another refresh stored first (its tokens are as good), or the company was
  // disconnected: whichever it is, what is stored now decides.
  return storedToken(db, row.id);
}

/** What another refresh stored (or why the connection can no longer be used). */
async function storedToken(db: Db, connectionId: string): Promise<string> {
  const usable = usableToken(await loadConnection(db, connectionId), null, Date.now());
  if (!usable) throw new OAuthExchangeError("other", "This company's QuickBooks authorization changed during the refresh; try again");
  return usable;
}

export function connectionTokenSource(db: Db, connectionId: string, deps: TokenSourceDeps = {}): TokenSource {
  const now = deps.now ?? Date.now;

  function singleFlight(rejected: string | null): Promise<string> {
    let pending = inFlight.get(connectionId);
    if (!pending) {
      pending = refreshConnectionTokens(db, connectionId, rejected, deps).finally(() => inFlight.delete(connectionId));
      inFlight.set(connectionId, pending);
    }
    return pending;
  }

  return {
    async getAccessToken() {
      const row = await loadConnection(db, connectionId);
      return usableToken(row, null, now()) ?? singleFlight(null);
    },
    refreshAfterUnauthorized(rejectedToken: string) {
      return singleFlight(rejectedToken);
    },
  };
}
