// Helpers for tests of the app's QBO client against the QBO emulator. The emulator is served by msw at
// exactly the URLs getEnv() resolves in demo mode (tests run with no env set), so production code that
// reads getEnv().intuit (intuit-oauth's token endpoint, the API base) reaches the emulator unchanged.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, admins, qboConnections } from "@/db/schema";
import { tokenContext, type QboConnection } from "@/db/queries/connections";
import { open } from "@/lib/crypto";
import { getEnv } from "@/lib/env";
import { createQboClient, type QboClientOptions } from "@/lib/qbo/client";
import { completeConnection, newOAuthState } from "@/lib/qbo/connect";
import { authorizeUrl } from "@/lib/qbo/oauth";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { createQboEmulator, type QboEmulator, type QboEmulatorOptions } from "@/lib/sandbox/qbo";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server } from "@/tests/setup/server";
import { CONSULTING, entityId, timeActivity as timeActivityBody } from "@/tests/sandbox/qbo/helpers";

/** The emulator tests' fixtures: seeded Ids by name, and a valid TimeActivity body. */
export { entityId, timeActivityBody };

/** The demo-mode defaults of lib/env (NEXTAUTH_URL http://localhost:3000, no Intuit keys). */
export const APP_API_BASE = "http://localhost:3000/sandbox/qbo";
export const APP_OAUTH_BASE = "http://localhost:3000/sandbox/qbo/oauth2";
export { CONSULTING };
export const PAYROLL = "9130350000000002";

/** Fails loudly if the test process was started with an env that points the app elsewhere. */
export function assertDemoEnv(): void {
  const intuit = getEnv().intuit;
  const expected = {
    apiBaseUrl: APP_API_BASE,
    tokenUrl: `${APP_OAUTH_BASE}/tokens/bearer`,
    authorizeUrl: `${APP_OAUTH_BASE}/authorize`,
    clientId: "sandbox-client-id",
  };
  const actual = { apiBaseUrl: intuit.apiBaseUrl, tokenUrl: intuit.tokenUrl, authorizeUrl: intuit.authorizeUrl, clientId: intuit.clientId };
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`These tests expect the demo-mode Intuit settings; got ${JSON.stringify(actual)}`);
  }
}

/** A fresh emulator (throttling off unless asked for) answering at the app's configured URLs. */
export function startAppEmulator(options: QboEmulatorOptions = {}): QboEmulator {
  assertDemoEnv();
  const emulator = createQboEmulator({ limits: false, ...options });
  server.use(...qboMswHandlers(emulator, { apiBase: APP_API_BASE, oauthBase: APP_OAUTH_BASE }));
  return emulator;
}

let accountSeq = 0;

/** A new account with one admin, so every test's connections are its own. */
export async function createAccount(db: Db): Promise<{ accountId: string; adminId: string }> {
  accountSeq += 1;
  const [account] = await db
    .insert(accounts)
    .values({ baseUrl: `https://actitime.test/qbo-client-${process.pid}-${Date.now()}-${accountSeq}` })
    .returning();
  const [admin] = await db.insert(admins).values({ accountId: account!.id, actitimeUserId: 1, username: "admin", fullName: "Margaret Hale" }).returning();
  return { accountId: account!.id, adminId: admin!.id };
}

/** Follows the emulator's consent step for `realmId` (or a denial) and returns the callback URL Intuit redirects to. */
export async function consentCallbackUrl(state: string, choice: { realmId: string } | { deny: true }): Promise<string> {
  const url = new URL(authorizeUrl(state));
  if ("deny" in choice) url.searchParams.set("sandbox_deny", "1");
  else url.searchParams.set("sandbox_realm", choice.realmId);
  const res = await fetch(url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`The emulator's authorize step answered ${res.status}, not a redirect`);
  return location;
}

/** The app's whole connect flow against the emulator: authorize → callback → completeConnection. */
export async function connectCompany(db: Db, realmId: string = CONSULTING, owner?: { accountId: string; adminId: string }): Promise<QboConnection> {
  const { accountId, adminId } = owner ?? (await createAccount(db));
  const state = newOAuthState({ accountId, adminId });
  const callbackUrl = await consentCallbackUrl(state, { realmId });
  return completeConnection(db, { accountId, adminId, callbackUrl, expectedState: state });
}

export interface StoredTokens {
  status: QboConnection["status"];
  tokenVersion: number;
  access: string | null;
  refresh: string | null;
}

/** The connection row's tokens, opened. */
export async function storedTokens(db: Db, connectionId: string): Promise<StoredTokens> {
  const [row] = await db.select().from(qboConnections).where(eq(qboConnections.id, connectionId));
  if (!row) throw new Error(`connection ${connectionId} not found`);
  return {
    status: row.status,
    tokenVersion: row.tokenVersion,
    access: row.sealedAccessToken ? open(row.sealedAccessToken, tokenContext(row.id, "access")) : null,
    refresh: row.sealedRefreshToken ? open(row.sealedRefreshToken, tokenContext(row.id, "refresh")) : null,
  };
}

/** The emulator's current (newest) refresh token of the token family `refreshToken` belongs to. */
export function newestRefreshToken(emulator: QboEmulator, refreshToken: string): string {
  const oauth = emulator.snapshot().oauth;
  const familyId = oauth.refreshTokens[refreshToken]?.familyId;
  const family = familyId ? oauth.families[familyId] : undefined;
  if (!family) throw new Error("refresh token unknown to the emulator");
  return family.currentRefreshToken;
}

/** A client for a stored connection with a real token source (DB + intuit-oauth against the emulator). */
export function clientFor(db: Db, connection: Pick<QboConnection, "id" | "realmId">, options: Partial<QboClientOptions> = {}) {
  return createQboClient({
    realmId: connection.realmId,
    apiBaseUrl: getEnv().intuit.apiBaseUrl,
    tokens: connectionTokenSource(db, connection.id),
    backoffScale: 0.01,
    ...options,
  });
}

/** Inserts `count` TimeActivities on distinct dates (directly, not through the API). */
export function seedTimeActivities(emulator: QboEmulator, count: number, realmId: string = CONSULTING): string[] {
  const base = timeActivityBody(emulator, {}, realmId);
  const start = Date.parse("2020-01-01T00:00:00Z");
  return emulator.insertTimeActivities(
    realmId,
    Array.from({ length: count }, (_, i) => ({
      ...base,
      TxnDate: new Date(start + (i % 2000) * 86_400_000).toISOString().slice(0, 10),
      Description: `seed ${i}`,
    })),
  );
}

/** Resolves with the error a promise rejects with (and fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
