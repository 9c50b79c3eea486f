// OAuth `state` through the real route handlers (issue 8 "Security tests"): /api/quickbooks/connect
// puts a fresh random state in an httpOnly cookie scoped to /api/quickbooks; /api/quickbooks/callback
// refuses a state that does not match the cookie (mismatch, missing, replay) before any token
// exchange, and deletes the cookie on every answer so a callback can be used once only.
// (completeConnection itself is covered in tests/qbo/connect.test.ts.)
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { qboConnections } from "@/db/schema";
import { OAUTH_STATE_COOKIE } from "@/lib/qbo/connect";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { CONSULTING, createAccount, startAppEmulator } from "@/tests/qbo/helpers";

const state = vi.hoisted(() => ({
  db: null as unknown,
  session: null as null | { adminId: string; accountId: string },
  cookies: new Map<string, string>(),
}));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next-auth", async (original) => ({ ...(await original<object>()), getServerSession: async () => state.session }));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined) }),
  headers: async () => new Headers(),
}));

const connectRoute = await import("@/app/api/quickbooks/connect/route");
const callbackRoute = await import("@/app/api/quickbooks/callback/route");

const APP = "http://localhost:3000";
let t: TestDb;
let emu: QboEmulator;
let owner: { accountId: string; adminId: string };

beforeAll(async () => {
  t = await createTestDb();
  state.db = t.db;
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  emu = startAppEmulator();
  owner = await createAccount(t.db);
  state.session = owner;
  state.cookies = new Map();
});

/** All Set-Cookie lines of a response, parsed into name → attributes (lower-cased keys). */
function setCookies(response: Response): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const [name, ...value] = pair!.split("=");
    const parsed: Record<string, string> = { value: value.join("=") };
    for (const attr of attrs) {
      const [k, ...v] = attr.split("=");
      parsed[k!.toLowerCase()] = v.join("=") || "true";
    }
    out.set(name!, parsed);
  }
  return out;
}

/** "Connect to QuickBooks": the state cookie and Intuit's (the emulator's) consent URL. */
async function startConnect() {
  const response = await connectRoute.GET(new Request(`${APP}/api/quickbooks/connect`));
  const cookie = setCookies(response).get(OAUTH_STATE_COOKIE);
  const location = response.headers.get("location") ?? "";
  return { response, cookie, location };
}

/** The admin picks a company on the consent page; Intuit redirects back with code, realmId and state. */
async function consent(location: string, realmId = CONSULTING): Promise<URL> {
  const url = new URL(location);
  url.searchParams.set("sandbox_realm", realmId);
  const answer = await fetch(url, { redirect: "manual" });
  return new URL(answer.headers.get("location") ?? "");
}

async function callback(callbackUrl: URL, cookieState: string | undefined): Promise<Response> {
  state.cookies = new Map(cookieState === undefined ? [] : [[OAUTH_STATE_COOKIE, cookieState]]);
  return callbackRoute.GET(new Request(`${APP}/api/quickbooks/callback${callbackUrl.search}`));
}

function expectStateCookieDeleted(response: Response) {
  const deleted = setCookies(response).get(OAUTH_STATE_COOKIE);
  expect(deleted, "the callback deletes the state cookie").toBeDefined();
  expect(deleted!.value).toBe("");
  expect(deleted!.path).toBe("/api/quickbooks");
  const expired = deleted!["max-age"] === "0" || (deleted!.expires !== undefined && new Date(deleted!.expires).getTime() <= Date.now());
  expect(expired).toBe(true);
}

const connectionsOf = (accountId: string) => t.db.select().from(qboConnections).where(eq(qboConnections.accountId, accountId));

describe("/api/quickbooks/connect", () => {
  it("puts a fresh 256-bit state in an httpOnly, SameSite=Lax cookie for /api/quickbooks only, and sends the same state to Intuit", async () => {
    const first = await startConnect();
    expect(first.response.status).toBe(307);
    expect(first.cookie).toMatchObject({ httponly: "true", samesite: "lax", path: "/api/quickbooks", "max-age": "600" });
    // 256 random bits, then the MAC binding it to the admin (issue 13 §6).
    expect(first.cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(new URL(first.location).searchParams.get("state")).toBe(first.cookie!.value);
    const second = await startConnect();
    expect(second.cookie!.value).not.toBe(first.cookie!.value);
  });

  it("without a session: to the login page, no state issued", async () => {
    state.session = null;
    const { response, cookie } = await startConnect();
    expect(new URL(response.headers.get("location")!).pathname).toBe("/login");
    expect(cookie).toBeUndefined();
  });
});

describe("/api/quickbooks/callback", () => {
  it("connects with the matching state, then deletes the cookie; replaying the same callback is refused", async () => {
    const { cookie, location } = await startConnect();
    const back = await consent(location);
    const ok = await callback(back, cookie!.value);
    const target = new URL(ok.headers.get("location")!);
    expect(target.pathname).toBe("/companies");
    const [connection] = await connectionsOf(owner.accountId);
    expect(target.searchParams.get("connected")).toBe(connection!.id);
    expect(setCookies(ok).get("qbo_company")).toMatchObject({ value: connection!.id, httponly: "true", samesite: "lax" });
    expectStateCookieDeleted(ok);

    // The browser no longer has the cookie: the same URL again (a replay) is refused, nothing more stored.
    const tokenExchanges = emu.stats(CONSULTING).token;
    const replay = await callback(back, undefined);
    expect(new URL(replay.headers.get("location")!).searchParams.get("error")).toBe("state_mismatch");
    expectStateCookieDeleted(replay);
    expect(emu.stats(CONSULTING).token).toBe(tokenExchanges);
    expect(await connectionsOf(owner.accountId)).toHaveLength(1);
  });

  it("refuses a state that does not match the cookie (a callback started elsewhere, e.g. an attacker's code) before exchanging the code", async () => {
    const mine = await startConnect();
    const attacker = await startConnect();
    const attackersCallback = await consent(attacker.location);
    const response = await callback(attackersCallback, mine.cookie!.value);
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("state_mismatch");
    expectStateCookieDeleted(response);
    expect(emu.stats(CONSULTING).token).toBe(0);
    expect(await connectionsOf(owner.accountId)).toEqual([]);
  });

  it("refuses a callback without any state, or with an empty one, even when the cookie is missing too", async () => {
    const { location } = await startConnect();
    const back = await consent(location);
    for (const [query, cookie] of [
      [(() => { const u = new URL(back); u.searchParams.delete("state"); return u; })(), undefined],
      [(() => { const u = new URL(back); u.searchParams.set("state", ""); return u; })(), ""],
    ] as const) {
      const response = await callback(query, cookie);
      expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("state_mismatch");
      expectStateCookieDeleted(response);
    }
    expect(emu.stats(CONSULTING).token).toBe(0);
    expect(await connectionsOf(owner.accountId)).toEqual([]);
  });

  it("the companies page explains the refusal in words", async () => {
    const { default: CompaniesPage } = await import("@/app/(app)/companies/page");
    const { renderToStaticMarkup } = await import("react-dom/server");
    const html = renderToStaticMarkup((await CompaniesPage({ searchParams: Promise.resolve({ error: "state_mismatch" }) })) as React.ReactElement);
    expect(html).toContain("That QuickBooks sign-in did not start here or has expired, so nothing was connected. Please connect again.");
  });

  it("without a session: to the login page, nothing exchanged", async () => {
    const { cookie, location } = await startConnect();
    const back = await consent(location);
    state.session = null;
    const response = await callback(back, cookie!.value);
    expect(new URL(response.headers.get("location")!).pathname).toBe("/login");
    expect(emu.stats(CONSULTING).token).toBe(0);
  });
});
