// Session cookies are httpOnly always and Secure in production over https (issue 8 "Security
// tests"). A real credentials sign-in through the app's next-auth route handler (CSRF token first,
// then the actiTIME login against the emulator) with the configuration of a production deployment,
// and the cookies it sets read from the response.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { actitimeMswHandlers, createActitimeEmulator } from "@/lib/sandbox/actitime";
import { server } from "@/tests/setup/server";
import { createTestDb, type TestDb } from "@/tests/helpers/db";

const ACTITIME = "https://actitime.cookies.test/acme";
const state = vi.hoisted(() => ({ db: null as unknown, cookies: new Map<string, string>(), headers: new Headers() }));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    getAll: () => [...state.cookies].map(([name, value]) => ({ name, value })),
    get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
  }),
  headers: async () => state.headers,
}));

// next-auth's route handler reads the request through a CommonJS require("next/headers"), which
// vi.mock does not reach: the same two functions are swapped on that module object instead.
const nextHeaders = createRequire(import.meta.url)("next/headers") as { cookies: unknown; headers: unknown };
const realNextHeaders = { cookies: nextHeaders.cookies, headers: nextHeaders.headers };

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  state.db = t.db;
  const mocked = (await import("next/headers")) as unknown as typeof realNextHeaders;
  nextHeaders.cookies = mocked.cookies;
  nextHeaders.headers = mocked.headers;
});
afterAll(async () => {
  Object.assign(nextHeaders, realNextHeaders);
  await t?.dispose();
});
beforeEach(() => {
  server.use(...actitimeMswHandlers(createActitimeEmulator({ today: "2025-05-15" }), ACTITIME));
  state.cookies = new Map();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const PRODUCTION = {
  NODE_ENV: "production",
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  INTUIT_CLIENT_ID: "prod-client-id",
  INTUIT_CLIENT_SECRET: "prod-client-secret",
  SANDBOX: "",
  IMPORT_RUNNER: "inline",
  // These tests run on their own test database; the production check for DATABASE_URL is in tests/lib/env.test.ts.
  ALLOW_EMBEDDED_DB: "1",
  // The test world's actiTIME resolves to this machine (tests/setup/server.ts), which production rules refuse unless allowed.
  ACTITIME_ALLOWED_HOSTS: "actitime.cookies.test",
};

/** A fresh module graph under this environment (lib/env reads process.env once per graph). */
async function appWith(env: Record<string, string>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const route = await import("@/app/api/auth/[...nextauth]/route");
  const { authOptions } = await import("@/lib/auth/options");
  const { getEnv } = await import("@/lib/env");
  const { NextRequest } = await import("next/server");
  return { route, authOptions, getEnv, NextRequest };
}

function parseSetCookies(response: Response) {
  return response.headers.getSetCookie().map((line) => {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const name = pair!.slice(0, pair!.indexOf("="));
    return { name, value: pair!.slice(name.length + 1), attrs: attrs.map((a) => a.toLowerCase()) };
  });
}

/** CSRF token, then POST the login form, as the login page's signIn() does. */
async function signIn(app: Awaited<ReturnType<typeof appWith>>, base: string) {
  state.headers = new Headers({ host: new URL(base).host });
  const ctx = (...path: string[]) => ({ params: Promise.resolve({ nextauth: path }) });
  const csrf = await app.route.GET(new app.NextRequest(`${base}/api/auth/csrf`), ctx("csrf"));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  for (const c of parseSetCookies(csrf)) state.cookies.set(c.name, decodeURIComponent(c.value));
  const body = new URLSearchParams({ csrfToken, actitimeUrl: ACTITIME, username: "admin", password: "demo", json: "true" });
  const response = await app.route.POST(
    new app.NextRequest(`${base}/api/auth/callback/actitime`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } }),
    ctx("callback", "actitime"),
  );
  return { csrf, response, cookies: [...parseSetCookies(csrf), ...parseSetCookies(response)] };
}

describe("session cookies", () => {
  it("production over https: every next-auth cookie is HttpOnly and Secure, with the __Secure-/__Host- prefixes", async () => {
    const app = await appWith({ ...PRODUCTION, NEXTAUTH_URL: "https://import.example.com" });
    expect(app.getEnv().isProduction).toBe(true);
    expect(app.authOptions().useSecureCookies).toBe(true);
    const { response, cookies } = await signIn(app, "https://import.example.com");
    expect(response.status).toBe(200);
    const session = cookies.find((c) => c.name === "__Secure-next-auth.session-token");
    expect(session, `a session cookie among ${cookies.map((c) => c.name).join(", ")}`).toBeDefined();
    expect(session!.value.length).toBeGreaterThan(20);
    for (const cookie of cookies) {
      expect(cookie.attrs, cookie.name).toContain("httponly");
      expect(cookie.attrs, cookie.name).toContain("secure");
      expect(cookie.attrs, cookie.name).toContain("samesite=lax");
      expect(cookie.name).toMatch(/^__(Secure|Host)-/);
    }
    // The session is a JWT encrypted with NEXTAUTH_SECRET: nothing readable in it.
    expect(Buffer.from(session!.value.split(".")[0] ?? "", "base64url").toString()).toMatch(/"enc":"A256GCM"/);
    expect(session!.value).not.toContain("demo");
  });

  it("served over plain http (local development): still HttpOnly, not Secure", async () => {
    const app = await appWith({ NODE_ENV: "development", NEXTAUTH_URL: "http://localhost:3000" });
    expect(app.authOptions().useSecureCookies).toBe(false);
    const { cookies } = await signIn(app, "http://localhost:3000");
    const session = cookies.find((c) => c.name === "next-auth.session-token");
    expect(session).toBeDefined();
    for (const cookie of cookies) {
      expect(cookie.attrs, cookie.name).toContain("httponly");
      expect(cookie.attrs, cookie.name).not.toContain("secure");
    }
  });

  it("a wrong password sets no session cookie and does not echo the password", async () => {
    const app = await appWith({ ...PRODUCTION, NEXTAUTH_URL: "https://import.example.com" });
    state.headers = new Headers({ host: "import.example.com" });
    const ctx = (...path: string[]) => ({ params: Promise.resolve({ nextauth: path }) });
    const csrf = await app.route.GET(new app.NextRequest("https://import.example.com/api/auth/csrf"), ctx("csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    for (const c of parseSetCookies(csrf)) state.cookies.set(c.name, decodeURIComponent(c.value));
    const body = new URLSearchParams({ csrfToken, actitimeUrl: ACTITIME, username: "admin", password: "Wr0ng-Pa55-123", json: "true" });
    const response = await app.route.POST(
      new app.NextRequest("https://import.example.com/api/auth/callback/actitime", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } }),
      ctx("callback", "actitime"),
    );
    expect(parseSetCookies(response).some((c) => c.name.includes("session-token"))).toBe(false);
    const text = JSON.stringify({ headers: [...response.headers], body: await response.text() });
    expect(text).not.toContain("Wr0ng-Pa55-123");
    expect(decodeURIComponent(text)).toContain("actiTIME did not accept this username and password.");
  });

  it("the company and OAuth state cookies are Secure too when the app is served over https", async () => {
    const app = await appWith({ ...PRODUCTION, NEXTAUTH_URL: "https://import.example.com" });
    vi.doMock("@/lib/auth/session", async (original) => ({
      ...(await original<object>()),
      getAppSession: async () => ({ adminId: "a", accountId: "b", adminName: "x", accountUrl: ACTITIME }),
    }));
    void app;
    const connect = await import("@/app/api/quickbooks/connect/route");
    const response = await connect.GET(new Request("https://import.example.com/api/quickbooks/connect"));
    const cookie = parseSetCookies(response).find((c) => c.name === "qbo_oauth_state");
    expect(cookie?.attrs).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/api/quickbooks"]));
    // Production Intuit, not the emulator.
    expect(response.headers.get("location")).toMatch(/^https:\/\/appcenter\.intuit\.com\/connect\/oauth2\?/);
    vi.doUnmock("@/lib/auth/session");
  });
});
