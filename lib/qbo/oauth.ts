// Intuit OAuth 2.0 through intuit-oauth, pointed at the endpoints lib/env resolves (Intuit's, the
// built-in emulator's, or a test harness's). Errors are reduced to codes; tokens never reach a log.
import OAuthClient from "intuit-oauth";
import { z } from "zod";
import { getEnv, type Env } from "@/lib/env";

export const QBO_ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting";

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  x_refresh_token_expires_in: z.coerce.number().positive().optional(),
});

import type { TokenSet } from "@/db/types";
export type { TokenSet } from "@/db/types";

export class OAuthExchangeError extends Error {
  constructor(
    readonly code: "invalid_grant" | "invalid_client" | "access_denied" | "unreachable" | "malformed" | "other",
    message: string,
  ) {
    super(message);
    this.name = "OAuthExchangeError";
  }
}

type IntuitConfig = Env["intuit"];

function makeClient(intuit: IntuitConfig): OAuthClient {
  const client = new OAuthClient({
    clientId: intuit.clientId,
    clientSecret: intuit.clientSecret,
    environment: intuit.environment,
    redirectUri: intuit.redirectUri,
    logging: false,
  });
  // Static in intuit-oauth; every client of this process uses the same configured endpoints.
  client.setAuthorizeURLs({
    authorizeEndpoint: intuit.authorizeUrl,
    tokenEndpoint: intuit.tokenUrl,
    revokeEndpoint: intuit.revokeUrl,
    userInfoEndpoint: intuit.authorizeUrl,
  });
  return client;
}

function toTokenSet(json: unknown, now = Date.now()): TokenSet {
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) throw new OAuthExchangeError("malformed", "Intuit sent a token answer we could not read");
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    accessTokenExpiresAt: new Date(now + t.expires_in * 1000),
    refreshTokenExpiresAt: t.x_refresh_token_expires_in ? new Date(now + t.x_refresh_token_expires_in * 1000) : null,
  };
}

function toExchangeError(error: unknown): OAuthExchangeError {
  const e = error as { error?: unknown; originalMessage?: unknown };
  const code = typeof e.error === "string" ? e.error : "";
  if (code === "invalid_grant") return new OAuthExchangeError("invalid_grant", "QuickBooks no longer accepts this connection's authorization");
  if (code === "invalid_client") return new OAuthExchangeError("invalid_client", "Intuit refused this app's client ID or secret");
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|Network/i.test(String(e.originalMessage ?? ""))) {
    return new OAuthExchangeError("unreachable", "Could not reach Intuit's sign-in service");
  }
  return new OAuthExchangeError("other", "Intuit refused the token request");
}

export function authorizeUrl(state: string, intuit: IntuitConfig = getEnv().intuit): string {
  return makeClient(intuit).authorizeUri({ scope: [QBO_ACCOUNTING_SCOPE], state });
}

/** Exchanges the callback's authorization code for tokens. */
export async function exchangeCode(callbackUrl: string, intuit: IntuitConfig = getEnv().intuit): Promise<TokenSet> {
  try {
    const response = await makeClient(intuit).createToken(callbackUrl);
    return toTokenSet(response.json);
  } catch (error) {
    if (error instanceof OAuthExchangeError) throw error;
    throw toExchangeError(error);
  }
}

/** Token-endpoint calls wait at most this long: a refresh or revoke never hangs what waits for it. */
export const OAUTH_REQUEST_TIMEOUT_MS = 15_000;

export interface OAuthCallOptions {
  /** Aborts the call (a timeout of OAUTH_REQUEST_TIMEOUT_MS applies as well). */
  signal?: AbortSignal;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

function basicAuth(intuit: IntuitConfig): string {
  return `Basic ${Buffer.from(`${intuit.clientId}:${intuit.clientSecret}`, "utf8").toString("base64")}`;
}

/**
 * One POST to Intuit's token or revoke endpoint, with a timeout and no retry (intuit-oauth's own
 * requests have neither a timeout nor a way to abort, so refresh and revoke are made here).
 */
async function postToIntuit(url: string, init: { body: string; contentType: string }, intuit: IntuitConfig, options: OAuthCallOptions): Promise<Response> {
  const timeoutMs = options.timeoutMs ?? OAUTH_REQUEST_TIMEOUT_MS;
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  try {
    return await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { Authorization: basicAuth(intuit), Accept: "application/json", "Content-Type": init.contentType },
      body: init.body,
      signal,
      redirect: "error",
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new OAuthExchangeError("unreachable", timedOut ? `Intuit's sign-in service did not answer within ${Math.round(timeoutMs / 1000)} s` : "Could not reach Intuit's sign-in service");
  }
}

export async function refreshTokens(refreshToken: string, intuit: IntuitConfig = getEnv().intuit, options: OAuthCallOptions = {}): Promise<TokenSet> {
  const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString();
  const response = await postToIntuit(intuit.tokenUrl, { body, contentType: "application/x-www-form-urlencoded" }, intuit, options);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new OAuthExchangeError(response.ok ? "malformed" : "other", response.ok ? "Intuit sent a token answer we could not read" : "Intuit refused the token request");
  }
  if (!response.ok) throw toExchangeError(json);
  return toTokenSet(json);
}

/** Best effort, within a timeout: a disconnect goes ahead locally even when Intuit cannot be reached. */
export async function revokeToken(token: string, intuit: IntuitConfig = getEnv().intuit, options: OAuthCallOptions = {}): Promise<boolean> {
  try {
    const response = await postToIntuit(intuit.revokeUrl, { body: JSON.stringify({ token }), contentType: "application/json" }, intuit, options);
    await response.body?.cancel().catch(() => undefined);
    return response.ok;
  } catch {
    return false;
  }
}
