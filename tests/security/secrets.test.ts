// Secrets never in logs or pages (issue 8 "Security tests"): a whole session through the app's own
// entry points (next-auth's credentials authorize, the QuickBooks connect and callback routes, the
// Start Import server action and the in-process runner) with every console method captured, access
// tokens expiring every few calls so refresh tokens rotate, and failures on the way (wrong password,
// a forged OAuth state, an import whose authorization was revoked). Then: no password, access or
// refresh token, ENCRYPTION_KEY, NEXTAUTH_SECRET or client secret in any captured log line, in the
// pages, or in plain form in the database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inspect } from "node:util";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { eq } from "drizzle-orm";
import { admins, qboConnections } from "@/db/schema";
import { adminPasswordContext } from "@/db/queries/accounts";
import { tokenContext } from "@/db/queries/connections";
import { open } from "@/lib/crypto";
import { getEnv } from "@/lib/env";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { runImportInline } from "@/lib/import/runner";
import { revokeToken } from "@/lib/qbo/oauth";
import { actitimeMswHandlers, createActitimeEmulator } from "@/lib/sandbox/actitime";
import { createQboEmulator } from "@/lib/sandbox/qbo";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server } from "@/tests/setup/server";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { SANDBOX_REALM } from "@/tests/helpers/world";
import { appQboClient, dbState, previewAs, type AccountCtx } from "./helpers";

// This process's secrets, set before any module reads the environment.
const secrets = vi.hoisted(() => {
  const random = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n)));
  const values = { NEXTAUTH_SECRET: random(33).toString("base64url"), ENCRYPTION_KEY: random(32).toString("base64") };
  Object.assign(process.env, values);
  return values;
});
const state = vi.hoisted(() => ({
  db: null as unknown,
  session: null as null | { adminId: string; accountId: string },
  cookies: new Map<string, string>(),
}));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next-auth", async (original) => ({ ...(await original<object>()), getServerSession: async () => state.session }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
    set: (name: string, value: string) => void state.cookies.set(name, value),
    delete: (name: string) => void state.cookies.delete(name),
  }),
  headers: async () => new Headers(),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", async (original) => ({ ...(await original<object>()), useRouter: () => ({ refresh: () => undefined, push: () => undefined }) }));

const { authOptions } = await import("@/lib/auth/options");
const connectRoute = await import("@/app/api/quickbooks/connect/route");
const callbackRoute = await import("@/app/api/quickbooks/callback/route");
const wizard = await import("@/app/(app)/imports/[importId]/actions");
const { default: ImportPage } = await import("@/app/(app)/imports/[importId]/page");
const { default: ImportHistoryPage } = await import("@/app/(app)/imports/page");
const { default: CompaniesPage } = await import("@/app/(app)/companies/page");
const { default: SettingsPage } = await import("@/app/(app)/settings/page");

const ACTITIME = "https://actitime.secrets.test/acme";
const PASSWORD = "Very-Secret-Pa55word-7f3a";
const APP = "http://localhost:3000";

let t: TestDb;
const qbo = createQboEmulator({ limits: false });
const actitime = createActitimeEmulator({ today: "2025-05-15" });
const logLines: string[] = [];
const pages: string[] = [];
/** Every bearer token the app sent to QuickBooks (the emulator forgets expired ones). */
const bearerTokens = new Set<string>();
let importIds: { ok: string; failed: string };

function captureConsole() {
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logLines.push(`${method}: ${args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 8 }))).join(" ")}`);
    });
  }
}

/** Errors thrown and answers given along the way: what Next would print for an unhandled error, or send back. */
const surfaced: string[] = [];

async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  const outcome = await promise.catch((error: unknown) => error);
  surfaced.push(inspect(outcome, { depth: 8 }));
  return outcome;
}

beforeAll(async () => {
  // The seeded admin signs in with a password no other string in the app could contain.
  const snapshot = actitime.toJSON();
  snapshot.users.find((u) => u.username === "admin")!.password = PASSWORD;
  actitime.fromJSON(snapshot);
  const env = getEnv();
  server.use(
    ...actitimeMswHandlers(actitime, ACTITIME),
    ...qboMswHandlers(qbo, { apiBase: env.intuit.apiBaseUrl, oauthBase: new URL(env.intuit.tokenUrl).origin + "/sandbox/qbo" }),
  );
  server.events.on("request:start", ({ request }) => {
    const match = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "");
    if (match) bearerTokens.add(match[1]!);
  });
  t = await createTestDb();
  state.db = t.db;
  captureConsole();

  // 1. Log in through next-auth's credentials provider: once wrong, once right.
  const provider = authOptions().providers[0] as unknown as { options: { authorize: (c: Record<string, string>) => Promise<{ id: string; accountId: string }> } };
  const wrong = await settle(provider.options.authorize({ actitimeUrl: ACTITIME, username: "admin", password: `${PASSWORD}-wrong` }));
  expect(String(wrong)).toContain("actiTIME did not accept this username and password.");
  const user = await provider.options.authorize({ actitimeUrl: ACTITIME, username: "admin", password: PASSWORD });
  state.session = { adminId: user.id, accountId: user.accountId };

  // 2. Connect QuickBooks through the routes; a forged state first.
  const connect = async () => {
    const response = await connectRoute.GET(new Request(`${APP}/api/quickbooks/connect`));
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("qbo_oauth_state="))!;
    const consent = new URL(response.headers.get("location")!);
    consent.searchParams.set("sandbox_realm", SANDBOX_REALM);
    const back = new URL((await fetch(consent, { redirect: "manual" })).headers.get("location")!);
    return { stateValue: cookie.split(";")[0]!.split("=")[1]!, back };
  };
  const forged = await connect();
  state.cookies.set("qbo_oauth_state", "forged-state");
  const refused = await callbackRoute.GET(new Request(`${APP}/api/quickbooks/callback${forged.back.search}`));
  surfaced.push(`${refused.headers.get("location")} ${refused.headers.getSetCookie().join(" ")}`);
  const real = await connect();
  state.cookies.set("qbo_oauth_state", real.stateValue);
  const connected = await callbackRoute.GET(new Request(`${APP}/api/quickbooks/callback${real.back.search}`));
  surfaced.push(`${connected.headers.get("location")} ${connected.headers.getSetCookie().join(" ")}`);
  const [connection] = await t.db.select().from(qboConnections);
  expect(connection?.status).toBe("connected");

  // 3. Two previews; access tokens die every 15 calls, so the run refreshes (and rotates) several times.
  const ctx: AccountCtx = {
    admin: { adminId: user.id, accountId: user.accountId, name: "", accountUrl: ACTITIME, sessionVersion: 0 },
    actor: { adminId: user.id, accountId: user.accountId },
    connection: connection!,
    client: appQboClient(t.db, connection!),
    actitimeClient: await actitimeClientForAdmin(t.db, user.accountId, user.id),
  };
  qbo.faults = { expireAccessTokenAfterCalls: 15 };
  const ok = await previewAs(t.db, ctx, { dateFrom: "2025-03-03", dateTo: "2025-03-09" });

  // 4. Start Import (server action → in-process runner), and wait for the run.
  await settle(wizard.startImportAction(ok));
  expect(await runImportInline(ok)).toMatchObject({ status: "completed" });
  importIds = { ok, failed: await previewAs(t.db, ctx, { dateFrom: "2025-03-10", dateTo: "2025-03-16" }) };

  // 5. Intuit revokes the authorization; the second import fails on it (and says so).
  const [row] = await t.db.select().from(qboConnections);
  await revokeToken(open(row!.sealedRefreshToken!, tokenContext(row!.id, "refresh")));
  qbo.expireAccessTokens(SANDBOX_REALM);
  await settle(wizard.startImportAction(importIds.failed));
  expect(await settle(runImportInline(importIds.failed))).toMatchObject({ status: "error" });

  // 6. The pages an admin sees afterwards.
  for (const element of [
    await ImportPage({ params: Promise.resolve({ importId: importIds.ok }), searchParams: Promise.resolve({}) }),
    await ImportPage({ params: Promise.resolve({ importId: importIds.failed }), searchParams: Promise.resolve({}) }),
    await ImportHistoryPage({ searchParams: Promise.resolve({}) }),
    await CompaniesPage({ searchParams: Promise.resolve({ error: "state_mismatch" }) }),
    await SettingsPage({ searchParams: Promise.resolve({}) }),
  ]) {
    pages.push(renderToStaticMarkup(element as ReactElement));
  }
  vi.restoreAllMocks();
}, 120_000);
afterAll(async () => t?.dispose());

/** Every secret this session handled: the password, each token Intuit (the emulator) ever issued, the keys. */
function allSecrets(): Record<string, string> {
  const oauth = qbo.snapshot().oauth;
  const out: Record<string, string> = {
    "actiTIME password": PASSWORD,
    "actiTIME Basic credentials": Buffer.from(`admin:${PASSWORD}`).toString("base64"),
    NEXTAUTH_SECRET: secrets.NEXTAUTH_SECRET,
    ENCRYPTION_KEY: secrets.ENCRYPTION_KEY,
    "Intuit client secret": getEnv().intuit.clientSecret,
  };
  [...new Set([...Object.keys(oauth.accessTokens), ...bearerTokens])].forEach((token, i) => (out[`access token #${i + 1}`] = token));
  Object.keys(oauth.refreshTokens).forEach((token, i) => (out[`refresh token #${i + 1}`] = token));
  return out;
}

function leaks(texts: string[]): string[] {
  const found: string[] = [];
  for (const [what, secret] of Object.entries(allSecrets())) {
    texts.forEach((text, i) => {
      if (text.includes(secret)) found.push(`${what} in #${i}: ${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 20)}`);
    });
  }
  return found;
}

describe("secrets in logs, pages and the database", () => {
  it("the session really handled the secrets: tokens rotated, one import completed, one failed on the revoked authorization", async () => {
    const oauth = qbo.snapshot().oauth;
    expect(Object.keys(oauth.refreshTokens).length).toBeGreaterThanOrEqual(3);
    expect(bearerTokens.size).toBeGreaterThanOrEqual(3);
    expect(Object.keys(allSecrets()).filter((k) => k.startsWith("access token")).length).toBeGreaterThanOrEqual(3);
    expect(pages.join("\n")).toContain("QuickBooks needs you to reconnect this company");
  });

  it("no log line holds a password, token, key or client secret", () => {
    expect(leaks(logLines), `${logLines.length} log lines captured`).toEqual([]);
  });

  it("no error or answer surfaced along the way (wrong login, refused callback, redirects, the failed run) holds one", () => {
    expect(surfaced.length).toBeGreaterThanOrEqual(6);
    expect(surfaced.join("\n")).toContain("actiTIME did not accept this username and password.");
    expect(leaks(surfaced)).toEqual([]);
  });

  it("no page holds one", () => {
    expect(pages).toHaveLength(5);
    expect(leaks(pages)).toEqual([]);
  });

  it("the database holds the password and tokens only sealed (and they open to the right values)", async () => {
    const dump = JSON.stringify(await dbState(t.db));
    expect(leaks([dump])).toEqual([]);
    const [admin] = await t.db.select().from(admins);
    expect(admin!.sealedPassword).toBeTruthy();
    expect(open(admin!.sealedPassword!, adminPasswordContext(admin!.id))).toBe(PASSWORD);
    // A sealed value is bound to its row: another admin's context cannot open it.
    expect(() => open(admin!.sealedPassword!, adminPasswordContext("00000000-0000-0000-0000-000000000000"))).toThrow();
    const [connection] = await t.db.select().from(qboConnections).where(eq(qboConnections.accountId, admin!.accountId));
    expect(connection!.status).toBe("needs_reconnect");
  });
});
