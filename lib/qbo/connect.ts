// Connecting a QuickBooks company: our own OAuth `state` (random, single use, bound to the browser
// by an httpOnly cookie and to the admin by a MAC), code exchange, then CompanyInfo + Preferences to learn the company's name,
// whether time tracking and Payroll are on, and the closed-books date.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/db/client";
import { upsertConnection, type CompanyFacts, type QboConnection } from "@/db/queries/connections";
import { getEnv } from "@/lib/env";
import { createQboClient, type TokenSource } from "./client";
import { exchangeCode, type TokenSet } from "./oauth";
import { realmPacerFor } from "./pace-store";
import { companyFacts } from "./schemas";
import { connectionTokenSource } from "./tokens";

export const OAUTH_STATE_COOKIE = "qbo_oauth_state";
export const OAUTH_STATE_MAX_AGE_S = 10 * 60;
const OAUTH_STATE_BYTES = 32;

export interface OAuthStateOwner {
  accountId: string;
  adminId: string;
}

function stateMac(nonce: string, owner: OAuthStateOwner): string {
  return createHmac("sha256", getEnv().nextAuthSecret).update(`qbo-oauth-state\n${owner.accountId}\n${owner.adminId}\n${nonce}`).digest("base64url");
}

/** Random and single use, and bound to the admin who started the connect (issue 13 §6): `nonce.mac`. */
export function newOAuthState(owner: OAuthStateOwner): string {
  const nonce = randomBytes(OAUTH_STATE_BYTES).toString("base64url");
  return `${nonce}.${stateMac(nonce, owner)}`;
}

/** Whether this state was issued to this admin (another admin of the same browser cannot finish it). */
export function stateBelongsTo(state: string | null, owner: OAuthStateOwner): boolean {
  const [nonce, mac, extra] = (state ?? "").split(".");
  if (!nonce || !mac || extra !== undefined) return false;
  const expected = Buffer.from(stateMac(nonce, owner));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function statesMatch(expected: string | undefined, received: string | null): boolean {
  if (!expected || !received) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class ConnectError extends Error {
  constructor(
    readonly code: "state_mismatch" | "access_denied" | "missing_params" | "exchange_failed" | "company_unreadable",
    message: string,
  ) {
    super(message);
    this.name = "ConnectError";
  }
}

function staticTokens(accessToken: string): TokenSource {
  return {
    getAccessToken: async () => accessToken,
    refreshAfterUnauthorized: async () => {
      throw new ConnectError("exchange_failed", "QuickBooks refused the new connection's token.");
    },
  };
}

export async function readCompanyFacts(tokens: TokenSource, realmId: string, deps: { fetch?: typeof fetch } = {}): Promise<CompanyFacts> {
  const client = createQboClient({ realmId, apiBaseUrl: getEnv().intuit.apiBaseUrl, tokens, fetch: deps.fetch });
  const [info, prefs] = await Promise.all([client.companyInfo(), client.preferences()]);
  return companyFacts(info, prefs);
}

/** Handles Intuit's redirect back to us. Throws ConnectError with a message for the page. */
export async function completeConnection(
  db: Db,
  input: { accountId: string; adminId: string; callbackUrl: string; expectedState: string | undefined },
  deps: { fetch?: typeof fetch; exchange?: (url: string) => Promise<TokenSet> } = {},
): Promise<QboConnection> {
  const url = new URL(input.callbackUrl);
  const returnedState = url.searchParams.get("state");
  if (!statesMatch(input.expectedState, returnedState) || !stateBelongsTo(returnedState, input)) {
    throw new ConnectError("state_mismatch", "This QuickBooks sign-in did not start here or has expired. Please connect again.");
  }
  if (url.searchParams.get("error")) {
    throw new ConnectError("access_denied", "QuickBooks access was not granted, so no company was connected.");
  }
  const realmId = url.searchParams.get("realmId");
  if (!realmId || !url.searchParams.get("code") || !/^\d{1,32}$/.test(realmId)) {
    throw new ConnectError("missing_params", "QuickBooks did not say which company was chosen. Please connect again.");
  }
  let tokens: TokenSet;
  try {
    tokens = await (deps.exchange ?? exchangeCode)(input.callbackUrl);
  } catch {
    throw new ConnectError("exchange_failed", "QuickBooks did not confirm the connection. Please connect again.");
  }
  let facts: CompanyFacts;
  try {
    facts = await readCompanyFacts(staticTokens(tokens.accessToken), realmId, deps);
  } catch {
    throw new ConnectError("company_unreadable", "Connected, but QuickBooks would not tell us about the company. Please try again.");
  }
  return upsertConnection(db, { accountId: input.accountId, realmId, adminId: input.adminId, tokens, facts });
}

/** A client for a stored connection, with refresh and pacing (the realm's pacer, shared through the database). */
export function qboClientFor(db: Db, connection: Pick<QboConnection, "id" | "realmId">, deps: { fetch?: typeof fetch } = {}) {
  return createQboClient({
    realmId: connection.realmId,
    pacer: realmPacerFor(db, connection.realmId),
    apiBaseUrl: getEnv().intuit.apiBaseUrl,
    tokens: connectionTokenSource(db, connection.id),
    fetch: deps.fetch,
  });
}
