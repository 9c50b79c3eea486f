import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, HttpResponse } from "msw";
import { eq } from "drizzle-orm";
import { accounts, admins } from "@/db/schema";
import { adminPasswordContext } from "@/db/queries/accounts";
import { verifyLogin, LoginError } from "@/lib/auth/login";
import { open } from "@/lib/crypto";
import { server } from "@/tests/setup/server";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { ACTITIME_TEST_BASE_URL, setupEmulator } from "@/tests/sandbox/actitime/helpers";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());

async function loginError(input: Record<string, string>, fetchImpl?: typeof fetch): Promise<LoginError> {
  try {
    await verifyLogin(t.db, input, { fetch: fetchImpl });
  } catch (error) {
    if (error instanceof LoginError) return error;
    throw error;
  }
  throw new Error("login unexpectedly succeeded");
}

describe("verifyLogin against the actiTIME emulator", () => {
  it("signs in an admin, creating the account (by normalised URL) and the admin with a sealed password", async () => {
    setupEmulator();
    const admin = await verifyLogin(t.db, { actitimeUrl: `${ACTITIME_TEST_BASE_URL}/api/v1/`, username: "admin", password: "demo" });
    expect(admin.accountUrl).toBe(ACTITIME_TEST_BASE_URL);
    expect(admin.name).toBe("Margaret Hale");
    const [row] = await t.db.select().from(admins).where(eq(admins.id, admin.adminId));
    expect(row!.sealedPassword).not.toContain("demo");
    expect(open(row!.sealedPassword!, adminPasswordContext(row!.id))).toBe("demo");
  });

  it("updates the same account and admin on a second login instead of creating new ones", async () => {
    setupEmulator();
    const first = await verifyLogin(t.db, { actitimeUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "demo" });
    const second = await verifyLogin(t.db, { actitimeUrl: `${ACTITIME_TEST_BASE_URL}/`, username: "admin", password: "demo" });
    expect(second).toEqual(first);
    expect(await t.db.$count(accounts, eq(accounts.baseUrl, ACTITIME_TEST_BASE_URL))).toBe(1);
  });

  it("refuses a wrong password without echoing it and without creating anything", async () => {
    setupEmulator();
    const before = await t.db.$count(admins);
    const error = await loginError({ actitimeUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "hunter2-secret" });
    expect(error.message).toBe("actiTIME did not accept this username and password.");
    expect(error.message).not.toContain("hunter2");
    expect(await t.db.$count(admins)).toBe(before);
  });

  it("refuses a non-admin, naming what is missing", async () => {
    setupEmulator();
    const error = await loginError({ actitimeUrl: ACTITIME_TEST_BASE_URL, username: "jdoe", password: "demo" });
    expect(error.code).toBe("missing_requirements");
    expect(error.message).toContain("manage accounts");
    expect(error.message).toContain("cost & billing");
  });

  it("refuses when the Types of Work feature is off", async () => {
    const emulator = setupEmulator();
    emulator.setTypesOfWorkEnabled(false);
    const error = await loginError({ actitimeUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "demo" });
    expect(error.message).toContain("Types of Work feature");
    expect(error.message).not.toContain("manage accounts");
  });

  it("says an unreachable address cannot be reached", async () => {
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const error = await loginError({ actitimeUrl: "https://nowhere.invalid/acme", username: "admin", password: "demo" }, failing);
    expect(error.code).toBe("unreachable");
  });

  it("says an address that answers with a web page is not an actiTIME server", async () => {
    server.use(http.all("https://www.example.test/*", () => new HttpResponse("<html><body>Welcome</body></html>", { headers: { "content-type": "text/html" } })));
    const error = await loginError({ actitimeUrl: "https://www.example.test/", username: "admin", password: "demo" });
    expect(error.code).toBe("not_actitime");
  });

  it.each([
    [{ actitimeUrl: "", username: "admin", password: "demo" }, "Enter your actiTIME address."],
    [{ actitimeUrl: ACTITIME_TEST_BASE_URL, username: " ", password: "demo" }, "Enter your actiTIME username."],
    [{ actitimeUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "" }, "Enter your actiTIME password."],
    [{ actitimeUrl: "ftp://files.example/acme", username: "admin", password: "demo" }, "must start with https://"],
  ])("refuses incomplete or invalid input %o with a clear message", async (input, message) => {
    const error = await loginError(input);
    expect(error.message).toContain(message);
  });
});
