// Brute-force limit for sign-in (issue 13 §3): at most 5 failed attempts in 15 minutes per client
// address and per (account URL, username). Counted in PostgreSQL, so every instance of the app sees
// the same failures; no extra service. An attempt first records itself as a failure and then counts,
// so concurrent attempts on several instances cannot slip past the limit together; a successful
// sign-in takes its record back.
import { createHash } from "node:crypto";
import type { Db } from "@/db/client";
import { deleteLoginFailures, deleteLoginFailuresOfKey, loginFailuresSince, pruneLoginFailures, recordLoginFailures } from "@/db/queries/login-failures";

export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

const digest = (text: string) => createHash("sha256").update(text).digest("hex");

/** Hashed keys (nothing personal is stored in clear): the client address and the account + username. */
export function throttleKeys(clientAddress: string, accountUrl: string, username: string): { address: string; user: string } {
  return { address: `address:${digest(clientAddress)}`, user: `user:${digest(`${accountUrl}\n${username.trim().toLowerCase()}`)}` };
}

/**
 * The address a request came from as the nearest proxy saw it: the last X-Forwarded-For entry (the
 * one the platform's proxy appended), else X-Real-IP. Without a proxy the header can be forged, and
 * then the per-username limit still holds.
 */
export function clientAddressFrom(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((part) => part.trim()).filter(Boolean).at(-1);
  return last || headers.get("x-real-ip")?.trim() || "unknown";
}

export function tooManyAttemptsMessage(minutes: number): string {
  return `Too many failed attempts; try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

export type Reservation = { ok: true; ids: string[] } | { ok: false; retryInMinutes: number };

/** Records this attempt as a failure under every key, then refuses it if any key is over the limit. */
export async function reserveLoginAttempt(db: Db, keys: readonly string[], now = new Date()): Promise<Reservation> {
  const since = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  await pruneLoginFailures(db, since);
  const ids = await recordLoginFailures(db, keys, now);
  let retryAt = 0;
  for (const key of keys) {
    const rows = await loginFailuresSince(db, key, since);
    const earlier = rows.filter((row) => !ids.includes(row.id));
    // This attempt is allowed while fewer than LIMIT failures came before it in the window.
    if (earlier.length >= LOGIN_FAILURE_LIMIT) {
      // Attempts open again when enough of the earlier failures have aged out of the window.
      const opening = earlier[earlier.length - LOGIN_FAILURE_LIMIT]!.failedAt.getTime() + LOGIN_FAILURE_WINDOW_MS;
      retryAt = Math.max(retryAt, opening);
    }
  }
  if (retryAt > 0) {
    await deleteLoginFailures(db, ids);
    return { ok: false, retryInMinutes: Math.max(1, Math.ceil((retryAt - now.getTime()) / 60_000)) };
  }
  return { ok: true, ids };
}

/** A successful sign-in: its own record goes, and so do the username's earlier failures. */
export async function releaseAfterSuccess(db: Db, reservation: { ids: string[] }, userKey: string): Promise<void> {
  await deleteLoginFailures(db, reservation.ids);
  await deleteLoginFailuresOfKey(db, userKey);
}
