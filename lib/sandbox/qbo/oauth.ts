/**
 * Intuit OAuth 2.0 as the app sees it through `intuit-oauth` (reference §1): authorize → code →
 * token (Basic client auth, form body), rotating refresh tokens with a grace period, revoke.
 */
import { randomUUID } from "node:crypto";

export const ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting";
/** Reference §0/§1.5: access tokens last 3600 s. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** Reference §1.5 sample value (≈101 days, rolling). */
export const REFRESH_TOKEN_TTL_SECONDS = 8_726_400;
/** Reference §1.5: absolute 5-year cap, returned only when asked for with a header. */
export const REFRESH_TOKEN_HARD_TTL_SECONDS = 5 * 365 * 24 * 3600;
/** Reference §0: an older refresh token keeps working about 24 h after a newer one is issued. */
export const DEFAULT_REFRESH_TOKEN_GRACE_MS = 24 * 60 * 60 * 1000;
/** Not in the reference; authorization codes are short-lived and single use. */
export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;
const MS_PER_SECOND = 1000;

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Registered redirect URIs; empty means any http(s) URI is accepted. */
  redirectUris: string[];
  refreshTokenGraceMs: number;
}

interface AuthCode {
  realmId: string;
  redirectUri: string;
  expiresAtMs: number;
  used: boolean;
}

interface TokenFamily {
  realmId: string;
  createdAtMs: number;
  revoked: boolean;
  currentRefreshToken: string;
}

interface RefreshTokenRecord {
  familyId: string;
  issuedAtMs: number;
  /** When a newer refresh token replaced this one; it then works only for the grace period. */
  supersededAtMs: number | null;
}

interface AccessTokenRecord {
  familyId: string;
  realmId: string;
  issuedAtMs: number;
  calls: number;
}

export interface OAuthData {
  families: Record<string, TokenFamily>;
  refreshTokens: Record<string, RefreshTokenRecord>;
  accessTokens: Record<string, AccessTokenRecord>;
}

export type AccessCheck =
  | { ok: true; realmId: string; calls: number }
  | { ok: false; reason: "invalid" | "expired" | "revoked" | "wrong-realm" };

export interface CompanyChoice {
  realmId: string;
  companyName: string;
}

interface TokenOutcome {
  response: Response;
  realmId?: string;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", intuit_tid: randomUUID(), "cache-control": "no-store" },
  });
}

function oauthError(status: number, error: string): Response {
  return json(status, { error });
}

function html(status: number, body: string): Response {
  return new Response(`<!doctype html><html><head><meta charset="utf-8"><title>QuickBooks sandbox</title></head><body>${body}</body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location } });
}

function withParams(base: string, params: Record<string, string | null>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

async function readParams(request: Request): Promise<URLSearchParams> {
  const text = await request.text();
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      const params = new URLSearchParams();
      if (typeof parsed === "object" && parsed !== null) {
        for (const [key, value] of Object.entries(parsed)) if (typeof value === "string") params.set(key, value);
      }
      return params;
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

export class OAuthServer {
  private codes = new Map<string, AuthCode>();
  private families = new Map<string, TokenFamily>();
  private refreshTokens = new Map<string, RefreshTokenRecord>();
  private accessTokens = new Map<string, AccessTokenRecord>();

  constructor(readonly config: OAuthConfig) {}

  toData(): OAuthData {
    return {
      families: Object.fromEntries(this.families),
      refreshTokens: Object.fromEntries(this.refreshTokens),
      accessTokens: Object.fromEntries(this.accessTokens),
    };
  }

  load(data: OAuthData | undefined): void {
    this.codes = new Map();
    this.families = new Map(Object.entries(data?.families ?? {}));
    this.refreshTokens = new Map(Object.entries(data?.refreshTokens ?? {}));
    this.accessTokens = new Map(Object.entries(data?.accessTokens ?? {}));
  }

  /** GET …/oauth2/authorize: consent page, or an immediate 302 with `sandbox_realm` (automation). */
  authorize(url: URL, companies: CompanyChoice[], nowMs: number): Response {
    const params = url.searchParams;
    const clientId = params.get("client_id");
    const redirectUri = params.get("redirect_uri");
    const state = params.get("state");
    if (clientId !== this.config.clientId) return html(400, "<h1>invalid_client</h1><p>Unknown client_id.</p>");
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return html(400, "<h1>invalid_request</h1><p>redirect_uri is missing or not a URL.</p>");
    if (this.config.redirectUris.length > 0 && !this.config.redirectUris.includes(redirectUri)) {
      // Reference §1.2: the redirect URI must exactly match a registered one.
      return html(400, "<h1>invalid_request</h1><p>redirect_uri is not registered for this app.</p>");
    }
    if (params.get("response_type") !== "code") return redirect(withParams(redirectUri, { error: "unsupported_response_type", state }));
    const scopes = (params.get("scope") ?? "").split(/[\s+]+/);
    if (!scopes.includes(ACCOUNTING_SCOPE)) return redirect(withParams(redirectUri, { error: "invalid_scope", state }));
    if (params.get("sandbox_deny") !== null) return redirect(withParams(redirectUri, { error: "access_denied", state }));

    const chosen = params.get("sandbox_realm");
    if (chosen !== null) {
      if (!companies.some((c) => c.realmId === chosen)) return html(400, "<h1>Unknown company</h1>");
      const code = `AB11${randomUUID().replace(/-/g, "")}`;
      this.codes.set(code, { realmId: chosen, redirectUri, expiresAtMs: nowMs + AUTH_CODE_TTL_MS, used: false });
      return redirect(withParams(redirectUri, { code, state, realmId: chosen }));
    }

    const choose = (realmId: string) => {
      const link = new URL(url.toString());
      link.searchParams.set("sandbox_realm", realmId);
      return link.toString();
    };
    const deny = new URL(url.toString());
    deny.searchParams.set("sandbox_deny", "1");
    const items = companies
      .map(
        (c) =>
          `<li><a data-realm-id="${escapeHtml(c.realmId)}" href="${escapeHtml(choose(c.realmId))}">${escapeHtml(c.companyName)}</a> <small>(${escapeHtml(c.realmId)})</small></li>`,
      )
      .join("");
    return html(
      200,
      `<h1>Connect to QuickBooks (sandbox)</h1><p>Choose the company to connect:</p><ul>${items}</ul>` +
        `<p><a id="deny" href="${escapeHtml(deny.toString())}">Cancel</a></p>`,
    );
  }

  /** POST …/oauth2/tokens/bearer. */
  async token(request: Request, nowMs: number): Promise<TokenOutcome> {
    if (!this.clientAuthenticated(request)) return { response: oauthError(401, "invalid_client") };
    const params = await readParams(request);
    const grantType = params.get("grant_type");
    const includeHard = request.headers.get("x-include-refresh-token-hard-expires-in") === "true";
    if (grantType === "authorization_code") {
      const code = params.get("code");
      const record = code ? this.codes.get(code) : undefined;
      if (!record || record.used || record.expiresAtMs <= nowMs || record.redirectUri !== params.get("redirect_uri")) {
        return { response: oauthError(400, "invalid_grant") };
      }
      record.used = true;
      const familyId = randomUUID();
      const refreshToken = this.newRefreshToken(familyId, nowMs);
      this.families.set(familyId, { realmId: record.realmId, createdAtMs: nowMs, revoked: false, currentRefreshToken: refreshToken });
      return { response: this.tokenResponse(familyId, refreshToken, nowMs, includeHard), realmId: record.realmId };
    }
    if (grantType === "refresh_token") {
      const presented = params.get("refresh_token") ?? "";
      const record = this.refreshTokens.get(presented);
      const family = record ? this.families.get(record.familyId) : undefined;
      if (!record || !family || family.revoked) return { response: oauthError(400, "invalid_grant") };
      if (record.issuedAtMs + REFRESH_TOKEN_TTL_SECONDS * MS_PER_SECOND <= nowMs) return { response: oauthError(400, "invalid_grant") };
      if (family.createdAtMs + REFRESH_TOKEN_HARD_TTL_SECONDS * MS_PER_SECOND <= nowMs) return { response: oauthError(400, "invalid_grant") };
      if (record.supersededAtMs !== null) {
        if (record.supersededAtMs + this.config.refreshTokenGraceMs <= nowMs) return { response: oauthError(400, "invalid_grant") };
        // Within the grace period the old token still works; it answers with the family's newest refresh token.
        return { response: this.tokenResponse(record.familyId, family.currentRefreshToken, nowMs, includeHard), realmId: family.realmId };
      }
      // Rotation: every refresh issues a new refresh token; the presented one starts its grace period.
      record.supersededAtMs = nowMs;
      const next = this.newRefreshToken(record.familyId, nowMs);
      family.currentRefreshToken = next;
      return { response: this.tokenResponse(record.familyId, next, nowMs, includeHard), realmId: family.realmId };
    }
    return { response: oauthError(400, grantType ? "unsupported_grant_type" : "invalid_request") };
  }

  /** POST …/oauth2/tokens/revoke with `{ token }` (JSON, as intuit-oauth sends it, or form). */
  async revoke(request: Request): Promise<TokenOutcome> {
    if (!this.clientAuthenticated(request)) return { response: oauthError(401, "invalid_client") };
    const token = (await readParams(request)).get("token");
    if (!token) return { response: oauthError(400, "invalid_request") };
    const familyId = this.refreshTokens.get(token)?.familyId ?? this.accessTokens.get(token)?.familyId;
    const family = familyId ? this.families.get(familyId) : undefined;
    if (family) family.revoked = true;
    return { response: new Response(null, { status: 200 }), ...(family ? { realmId: family.realmId } : {}) };
  }

  /** Checks a Bearer token for `realmId` and counts the call against it. */
  checkAccess(token: string | undefined, realmId: string, nowMs: number, maxCallsPerToken: number | null): AccessCheck {
    const record = token ? this.accessTokens.get(token) : undefined;
    if (!record) return { ok: false, reason: "invalid" };
    const family = this.families.get(record.familyId);
    if (!family || family.revoked) return { ok: false, reason: "revoked" };
    if (record.issuedAtMs + ACCESS_TOKEN_TTL_SECONDS * MS_PER_SECOND <= nowMs) return { ok: false, reason: "expired" };
    if (maxCallsPerToken !== null && record.calls >= maxCallsPerToken) return { ok: false, reason: "expired" };
    if (record.realmId !== realmId) return { ok: false, reason: "wrong-realm" };
    record.calls += 1;
    return { ok: true, realmId, calls: record.calls };
  }

  /** Test/control helper: makes every access token of a realm expire now. */
  expireAccessTokens(realmId: string): void {
    for (const record of this.accessTokens.values()) {
      if (record.realmId === realmId) record.issuedAtMs = Number.MIN_SAFE_INTEGER;
    }
  }

  private clientAuthenticated(request: Request): boolean {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    return decoded === `${this.config.clientId}:${this.config.clientSecret}`;
  }

  private newRefreshToken(familyId: string, nowMs: number): string {
    const token = `RT1-${randomUUID()}`;
    this.refreshTokens.set(token, { familyId, issuedAtMs: nowMs, supersededAtMs: null });
    return token;
  }

  private tokenResponse(familyId: string, refreshToken: string, nowMs: number, includeHard: boolean): Response {
    const family = this.families.get(familyId);
    const accessToken = `eyJ-sandbox-${randomUUID()}`;
    this.accessTokens.set(accessToken, { familyId, realmId: family?.realmId ?? "", issuedAtMs: nowMs, calls: 0 });
    const refreshRecord = this.refreshTokens.get(refreshToken);
    const refreshRemainingSeconds = Math.max(
      0,
      Math.round(((refreshRecord?.issuedAtMs ?? nowMs) + REFRESH_TOKEN_TTL_SECONDS * MS_PER_SECOND - nowMs) / MS_PER_SECOND),
    );
    // Field names and order as the token-endpoint body in reference §1.4/§1.5.
    const body: Record<string, string | number> = {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      x_refresh_token_expires_in: refreshRemainingSeconds,
      token_type: "bearer",
    };
    if (includeHard && family) {
      body["x_refresh_token_hard_expires_in"] = Math.round(
        (family.createdAtMs + REFRESH_TOKEN_HARD_TTL_SECONDS * MS_PER_SECOND - nowMs) / MS_PER_SECOND,
      );
    }
    return json(200, body);
  }
}
