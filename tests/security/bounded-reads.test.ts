// Issue 13 §2: bounded reads. Sign-in: at most 5 MB per answer and the four reads the admin check
// needs. Lists: caps on pages and items per call; date windows must move forward and stay inside the
// requested range; one overall deadline per preview client. Over a cap: a clear message, nothing stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, admins } from "@/db/schema";
import { ACTITIME_LOGIN_LIMITS, createActitimeClient, type ActitimeClientOptions } from "@/lib/actitime/client";
import { ActitimeError } from "@/lib/actitime/errors";
import { LoginError, verifyLogin } from "@/lib/auth/login";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { ACTITIME_TEST_BASE_URL, setupEmulator } from "@/tests/sandbox/actitime/helpers";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());

const client = (overrides: Partial<ActitimeClientOptions> = {}) =>
  createActitimeClient({ baseUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "demo", ...overrides });

async function failure(promise: Promise<unknown>): Promise<ActitimeError | LoginError> {
  const error = await promise.then(
    () => new Error("expected a failure"),
    (caught: unknown) => caught,
  );
  expect(error instanceof ActitimeError || error instanceof LoginError).toBe(true);
  return error as ActitimeError;
}

const windowPage = (dateFrom: string, dateTo: string, nextDateFrom: string | null) =>
  Response.json({ dateFrom, dateTo, nextDateFrom, data: [{ userId: 1, date: dateFrom, records: [{ taskId: 1, time: 60 }] }] });

describe("sign-in reads are bounded", () => {
  it("makes exactly the four reads of the admin check", async () => {
    const emulator = setupEmulator();
    emulator.resetStats();
    await verifyLogin(t.db, { actitimeUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "demo" });
    expect(emulator.stats.total).toBe(ACTITIME_LOGIN_LIMITS.maxRequests);
  });

  it("refuses an answer over 5 MB with a clear message, storing nothing", async () => {
    const emulator = setupEmulator();
    emulator.faults = { hugeBodyBytes: 6 * 1024 * 1024 };
    const before = [await t.db.$count(accounts), await t.db.$count(admins)];
    const error = await failure(verifyLogin(t.db, { actitimeUrl: "https://actitime.sandbox.test/acme", username: "admin", password: "demo" }));
    expect((error as LoginError).code).toBe("too_large");
    expect(error.message).toMatch(/more data than expected/);
    expect([await t.db.$count(accounts), await t.db.$count(admins)]).toEqual(before);
  });

  it("a client with a request budget refuses the request past it", async () => {
    setupEmulator();
    const limited = client({ maxRequests: 2 });
    await limited.getMe();
    await limited.getInfo();
    expect((await failure(limited.getMe())).code).toBe("too_large");
  });
});

describe("list reads are bounded", () => {
  it("caps the items of one list call", async () => {
    setupEmulator();
    const error = await failure(client({ maxItemsPerList: 2 }).listUsers());
    expect(error.code).toBe("too_large");
    expect(error.message).toMatch(/Nothing was saved/);
  });

  it("caps the pages of one list call", async () => {
    setupEmulator();
    expect((await failure(client({ pageSize: 1, maxPagesPerList: 3 }).listUsers())).code).toBe("too_large");
  });

  it("refuses a window that does not move forward, or moves past the requested range", async () => {
    const stuck: typeof fetch = async () => windowPage("2025-03-01", "2025-03-05", "2025-03-01");
    expect((await failure(client({ fetch: stuck }).listTimeTrack({ dateFrom: "2025-03-01", dateTo: "2025-03-31" }))).message).toMatch(/did not move forward/);
    const beyond: typeof fetch = async () => windowPage("2025-03-01", "2025-03-31", "2025-05-01");
    expect((await failure(client({ fetch: beyond }).listTimeTrack({ dateFrom: "2025-03-01", dateTo: "2025-03-31" }))).message).toMatch(/past the end of the requested dates/);
  });

  it("gives up at the overall deadline, however many pages are left", async () => {
    let calls = 0;
    const slowPages: typeof fetch = async (input) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 60));
      const from = new URL(String(input)).searchParams.get("dateFrom")!;
      const next = new Date(Date.parse(`${from}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return windowPage(from, from, next);
    };
    const error = await failure(client({ fetch: slowPages, overallDeadlineMs: 300 }).listTimeTrack({ dateFrom: "2025-01-01", dateTo: "2025-12-31" }));
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/in all/);
    // 365 one-day pages at 60 ms each would take 22 s; the deadline stops it after a handful.
    expect(calls).toBeLessThan(10);
  });
});
