// Issue 13 §6: Log out ends every session of the admin server-side (a session version per admin) and
// wipes the saved actiTIME password; admin rights are re-checked against actiTIME at least every 15
// minutes of use, and a demoted admin loses access. The real lib/auth/session runs; only next-auth's
// cookie reading is replaced by the session the test holds.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { decode } from "next-auth/jwt";
import { admins } from "@/db/schema";
import { verifyLogin, type SignedInAdmin } from "@/lib/auth/login";
import type { ActitimeEmulator } from "@/lib/sandbox/actitime";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { setupEmulator } from "@/tests/sandbox/actitime/helpers";

const state = vi.hoisted(() => ({ db: null as unknown, session: null as null | Record<string, unknown> }));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next-auth", async (original) => ({ ...(await original<object>()), getServerSession: async () => state.session }));

const { getAppSession } = await import("@/lib/auth/session");
const { authOptions } = await import("@/lib/auth/options");
const { sessionCookieFor } = await import("@/lib/auth/sign-in");
const { getEnv } = await import("@/lib/env");

const ACTITIME = "https://actitime.sessions.test/acme";
let t: TestDb;
let emulator: ActitimeEmulator;

beforeAll(async () => {
  t = await createTestDb();
  state.db = t.db;
});
afterAll(async () => t?.dispose());
beforeEach(() => {
  emulator = setupEmulator({}, ACTITIME);
});

const sessionOf = (admin: SignedInAdmin) => ({ adminId: admin.adminId, accountId: admin.accountId, accountUrl: admin.accountUrl, sessionVersion: admin.sessionVersion });
const adminRow = async (id: string) => (await t.db.select().from(admins).where(eq(admins.id, id)))[0]!;

async function signOut(admin: SignedInAdmin) {
  await authOptions().events!.signOut!({ token: { adminId: admin.adminId, accountId: admin.accountId }, session: undefined as never });
}

describe("Log out", () => {
  it("ends the session server-side, in every browser, and wipes the saved actiTIME password", async () => {
    const admin = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    const otherBrowser = sessionOf(admin);
    state.session = sessionOf(admin);
    expect(await getAppSession()).toMatchObject({ adminId: admin.adminId });

    await signOut(admin);
    expect(await getAppSession()).toBeNull(); // the cookie is still valid, the session is not
    state.session = otherBrowser;
    expect(await getAppSession()).toBeNull();
    const row = await adminRow(admin.adminId);
    expect(row.sealedPassword).toBeNull();
    expect(row.sessionVersion).toBe(admin.sessionVersion + 1);

    // Signing in again issues a session of the new version; the old one stays dead.
    const again = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    expect(again.sessionVersion).toBe(admin.sessionVersion + 1);
    state.session = sessionOf(again);
    expect(await getAppSession()).toMatchObject({ adminId: admin.adminId });
    state.session = otherBrowser;
    expect(await getAppSession()).toBeNull();
  });

  it("the session cookie the login form sets carries the admin's version", async () => {
    const admin = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    const cookie = await sessionCookieFor(admin);
    const token = await decode({ token: cookie.value, secret: getEnv().nextAuthSecret });
    expect(token).toMatchObject({ adminId: admin.adminId, accountId: admin.accountId, sessionVersion: admin.sessionVersion });
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(cookie.value).not.toContain("demo");
  });
});

describe("admin rights re-checked every 15 minutes of use", () => {
  it("does not ask actiTIME again within 15 minutes of the last check", async () => {
    const admin = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    state.session = sessionOf(admin);
    emulator.resetStats();
    expect(await getAppSession()).not.toBeNull();
    expect(await getAppSession()).not.toBeNull();
    expect(emulator.stats.total).toBe(0);
  });

  it("a demoted admin loses access at the next check, and every session ends", async () => {
    const admin = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    state.session = sessionOf(admin);
    await t.db.update(admins).set({ rightsCheckedAt: new Date(Date.now() - 16 * 60_000) }).where(eq(admins.id, admin.adminId));
    expect(await getAppSession()).not.toBeNull(); // still an admin: checked, access kept
    expect(emulator.stats.total).toBeGreaterThan(0);

    emulator.setBillingEnabled(false); // no longer sees cost & billing data
    await t.db.update(admins).set({ rightsCheckedAt: new Date(Date.now() - 16 * 60_000) }).where(eq(admins.id, admin.adminId));
    expect(await getAppSession()).toBeNull();
    const row = await adminRow(admin.adminId);
    expect(row.sealedPassword).toBeNull();
    expect(row.sessionVersion).toBe(admin.sessionVersion + 1);
  });

  it("a password changed in actiTIME ends access at the next check", async () => {
    const admin = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    state.session = sessionOf(admin);
    // actiTIME now refuses the saved password.
    const { server } = await import("@/tests/setup/server");
    const { http, HttpResponse } = await import("msw");
    server.use(http.get(`${ACTITIME}/api/v1/*`, () => HttpResponse.json({ key: "api.error.unauthorized", message: "Unauthorized" }, { status: 401 })));
    await t.db.update(admins).set({ rightsCheckedAt: null }).where(eq(admins.id, admin.adminId));
    expect(await getAppSession()).toBeNull();
  });

  it("actiTIME not answering is not a demotion: access stays, and the check is tried again soon", async () => {
    const admin = await verifyLogin(t.db, { actitimeUrl: ACTITIME, username: "admin", password: "demo" });
    state.session = sessionOf(admin);
    emulator.faults.errorStatus = 503;
    await t.db.update(admins).set({ rightsCheckedAt: new Date(Date.now() - 16 * 60_000) }).where(eq(admins.id, admin.adminId));
    expect(await getAppSession()).not.toBeNull();
    const row = await adminRow(admin.adminId);
    expect(row.sealedPassword).not.toBeNull();
    // Next try in about 5 minutes, not 15.
    expect(Date.now() - row.rightsCheckedAt!.getTime()).toBeGreaterThan(9 * 60_000);
  });
});
