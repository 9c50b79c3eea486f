// Connection health (issue 18 §3): when the refresh token expires (Intuit's x_refresh_token_expires_in,
// stored at connect and at every refresh), and whether the company needs reconnecting. Idle companies
// are kept alive by a refresh well before expiry (keepAliveTick, from the in-process scheduler or the
// hosted cron), so only a revoked grant or a long outage should ever need Reconnect.
import type { Db } from "@/db/client";
import { connectedWithRefreshExpiringBefore, markAccessTokenStale } from "@/db/queries/connections";
import type { QboConnection } from "@/db/queries/connections";
import { refreshConnectionTokens, type TokenSourceDeps } from "./tokens";

/** Within this of expiry the banner says Reconnect soon. */
export const EXPIRY_WARNING_DAYS = 14;
/** Idle companies are refreshed once their refresh token has less than this left (Intuit's last 100 days). */
export const KEEP_ALIVE_BEFORE_EXPIRY_DAYS = 45;
const DAY_MS = 86_400_000;

export type HealthState = "ok" | "expiring" | "expired" | "needs_reconnect" | "disconnected";

export interface ConnectionHealth {
  state: HealthState;
  expiresAt: Date | null;
  daysLeft: number | null;
  /** The banner's words, when the company needs attention. */
  message: string | null;
}

export function connectionHealth(c: Pick<QboConnection, "status" | "refreshTokenExpiresAt" | "companyName">, now: Date): ConnectionHealth {
  const expiresAt = c.refreshTokenExpiresAt;
  const daysLeft = expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS) : null;
  if (c.status === "disconnected") return { state: "disconnected", expiresAt, daysLeft, message: null };
  if (c.status === "needs_reconnect") return { state: "needs_reconnect", expiresAt, daysLeft, message: `QuickBooks no longer accepts the connection to ${c.companyName} (its authorization expired or was revoked). Reconnect it to import again; its rules, settings and history are kept.` };
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { state: "expired", expiresAt, daysLeft, message: `The connection to ${c.companyName} expired on ${expiresAt.toISOString().slice(0, 10)}. Reconnect it to import again; its rules, settings and history are kept.` };
  if (daysLeft !== null && daysLeft < EXPIRY_WARNING_DAYS) return { state: "expiring", expiresAt, daysLeft, message: `The connection to ${c.companyName} expires in ${daysLeft <= 0 ? "less than a day" : `${daysLeft} ${daysLeft === 1 ? "day" : "days"}`} (${expiresAt!.toISOString().slice(0, 10)}). Reconnect it now to keep imports (and the Schedule) running; its rules, settings and history are kept.` };
  return { state: "ok", expiresAt, daysLeft, message: null };
}

/**
 * Refreshes every connected company whose refresh token has less than KEEP_ALIVE_BEFORE_EXPIRY_DAYS
 * left: the stored access token is marked stale, then the ordinary leased refresh runs (a failure with
 * invalid_grant marks the company needs_reconnect there). Returns what happened per company.
 */
export async function keepAliveTick(db: Db, now: Date, deps: TokenSourceDeps = {}): Promise<{ connectionId: string; ok: boolean; error?: string }[]> {
  const soon = new Date(now.getTime() + KEEP_ALIVE_BEFORE_EXPIRY_DAYS * DAY_MS);
  const idle = await connectedWithRefreshExpiringBefore(db, soon);
  const out: { connectionId: string; ok: boolean; error?: string }[] = [];
  for (const { id } of idle) {
    try {
      await markAccessTokenStale(db, id);
      await refreshConnectionTokens(db, id, null, deps);
      out.push({ connectionId: id, ok: true });
    } catch (error) {
      out.push({ connectionId: id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}
