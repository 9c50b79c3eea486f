import { describe, expect, it } from "vitest";
import { createActitimeClient, normalizeActitimeBaseUrl, type ActitimeClientOptions } from "@/lib/actitime/client";
import { ActitimeError, type ActitimeErrorCode } from "@/lib/actitime/errors";
import { checkAdminAccess, ACTITIME_ADMIN_REQUIREMENTS } from "@/lib/actitime/admin-access";
import type { ActitimeFaults } from "@/lib/sandbox/actitime";
import { setupEmulator, ACTITIME_TEST_BASE_URL } from "@/tests/sandbox/actitime/helpers";

const SECRET_PASSWORD = "s3cret-Pa55:wörd";
const SECRET_BASIC = Buffer.from(`admin:${SECRET_PASSWORD}`).toString("base64");

function client(overrides: Partial<ActitimeClientOptions> = {}) {
  return createActitimeClient({ baseUrl: ACTITIME_TEST_BASE_URL, username: "admin", password: "demo", ...overrides });
}

async function expectActitimeError(promise: Promise<unknown>, code: ActitimeErrorCode): Promise<ActitimeError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ActitimeError ${code}, got success`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ActitimeError);
  const actitimeError = error as ActitimeError;
  expect(actitimeError.code).toBe(code);
  // Nothing secret may leak into anything a log or the UI could show.
  const exposed = [actitimeError.message, String(actitimeError), JSON.stringify(actitimeError), String(actitimeError.cause ?? "")].join("\n");
  expect(exposed).not.toContain(SECRET_PASSWORD);
  expect(exposed).not.toContain(SECRET_BASIC);
  expect(exposed.toLowerCase()).not.toContain("authorization");
  return actitimeError;
}

describe("normalizeActitimeBaseUrl", () => {
  it.each([
    ["https://online.actitime.com/acme", "https://online.actitime.com/acme"],
    ["https://online.actitime.com/acme/", "https://online.actitime.com/acme"],
    ["https://online.actitime.com/acme/api/v1", "https://online.actitime.com/acme"],
    ["https://online.actitime.com/acme/api/v1/", "https://online.actitime.com/acme"],
    ["  https://Online.ActiTIME.com/acme/API/v1//  ", "https://online.actitime.com/acme"],
    ["https://actitime.example.com", "https://actitime.example.com"],
    ["https://actitime.example.com/api/v1", "https://actitime.example.com"],
    ["http://192.168.0.23:120/api/v1", "http://192.168.0.23:120"],
    ["https://online.actitime.com/acme?x=1#top", "https://online.actitime.com/acme"],
    ["online.actitime.com/acme/", "https://online.actitime.com/acme"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeActitimeBaseUrl(input)).toBe(expected);
  });

  it.each(["ftp://online.actitime.com/acme", "javascript:alert(1)", "file:///etc/passwd", "not a url", "https://admin:demo@online.actitime.com/acme"])(
    "rejects %s with invalid_url",
    (input) => {
      expect(() => normalizeActitimeBaseUrl(input)).toThrowError(expect.objectContaining({ code: "invalid_url" }));
    },
  );

  it("never echoes credentials typed into the URL", () => {
    try {
      normalizeActitimeBaseUrl(`https://admin:${SECRET_PASSWORD}@online.actitime.com/acme`);
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(SECRET_PASSWORD);
    }
  });

  it("is the client's account identity", () => {
    expect(createActitimeClient({ baseUrl: "https://online.actitime.com/acme/api/v1/", username: "a", password: "b" }).accountUrl).toBe(
      "https://online.actitime.com/acme",
    );
  });
});

describe("reading", () => {
  it("validates the login and reads /info", async () => {
    setupEmulator();
    const actitime = client({ baseUrl: `${ACTITIME_TEST_BASE_URL}/api/v1/` });
    expect((await actitime.getMe()).username).toBe("admin");
    const info = await actitime.getInfo();
    expect(info.features.typesOfWork).toBe(true);
    expect(info.limits.maxQueryLimit).toBe(1000);
  });

  it("pages offset/limit lists across many pages without losing or repeating items", async () => {
    const emulator = setupEmulator();
    const tasks = await client({ pageSize: 3 }).listTasks();
    expect(tasks.map((task) => task.id)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    // 40 items in pages of 3: 13 full pages and one short one.
    expect(emulator.stats.byEndpoint["GET /tasks"]).toBe(14);
    const archived = await client({ pageSize: 2 }).listCustomers({ archived: true });
    expect(archived.map((customer) => customer.name)).toEqual(["Initech"]);
    expect((await client().listTasks({ ids: [5, 13] })).map((task) => task.name)).toEqual(["<b>urgent</b> hotfix", "Staff training (café session)"]);
  });

  it("reads every list the import needs", async () => {
    setupEmulator();
    const actitime = client({ pageSize: 4 });
    expect(await actitime.listUsers()).toHaveLength(12);
    expect(await actitime.listProjects()).toHaveLength(10);
    expect((await actitime.listTypesOfWork()).map((type) => type.rate)).toEqual([150, 120, 95, 85, 40]);
    expect((await actitime.listLeaveTypes()).map((type) => type.balance)).toEqual(["PTO", "Sick", "None"]);
  });

  it("walks /timetrack via nextDateFrom and returns each flat record exactly once", async () => {
    const emulator = setupEmulator();
    const records = await client({ stopAfter: 25 }).listTimeTrack({ dateFrom: "2025-02-01", dateTo: "2025-04-30" });
    const expected = emulator.listTimeTrack();
    expect(records).toHaveLength(expected.length);
    expect(new Set(records.map((r) => `${r.userId}|${r.date}|${r.taskId}`)).size).toBe(expected.length);
    const sample = expected[10];
    if (!sample) throw new Error("seed too small");
    expect(records).toContainEqual({ ...sample, approved: true });
    expect(emulator.stats.byEndpoint["GET /timetrack"]).toBeGreaterThan(20);
  });

  it("passes time-track filters through", async () => {
    setupEmulator();
    const records = await client().listTimeTrack({ dateFrom: "2025-02-01", dateTo: "2025-04-30", userIds: [4], projectIds: [1, 2, 3] });
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.userId === 4 && r.taskId <= 12)).toBe(true);
  });

  it("walks /leavetime the same way", async () => {
    const emulator = setupEmulator();
    const leave = await client({ stopAfter: 2 }).listLeaveTime({ dateFrom: "2025-01-01", dateTo: "2025-12-31" });
    expect(leave).toHaveLength(emulator.toJSON().leave.length);
    expect(leave[0]).toEqual({ userId: expect.any(Number), date: expect.any(String), leaveTypeId: expect.any(Number), leaveTimeMinutes: expect.any(Number) });
  });
});

describe("errors", () => {
  const withFaults = (faults: ActitimeFaults) => {
    const emulator = setupEmulator();
    emulator.faults = faults;
    return emulator;
  };

  it("unreachable: fetch itself fails", async () => {
    const failingFetch: typeof fetch = () => Promise.reject(new TypeError("fetch failed: getaddrinfo ENOTFOUND"));
    const error = await expectActitimeError(client({ password: SECRET_PASSWORD, fetch: failingFetch }).getMe(), "unreachable");
    expect(error.message).toContain("Could not reach actiTIME");
  });

  it("unauthorized: wrong password", async () => {
    setupEmulator();
    const error = await expectActitimeError(client({ password: SECRET_PASSWORD }).getMe(), "unauthorized");
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/username and password/);
  });

  it("not_actitime: an HTML page instead of JSON", async () => {
    withFaults({ html: true });
    await expectActitimeError(client({ password: SECRET_PASSWORD }).getMe(), "not_actitime");
  });

  it("not_actitime: an HTML 404 from a site that is not actiTIME", async () => {
    const htmlFetch: typeof fetch = () =>
      Promise.resolve(new Response("<html><body>Not Found</body></html>", { status: 404, headers: { "content-type": "text/html" } }));
    await expectActitimeError(client({ password: SECRET_PASSWORD, fetch: htmlFetch }).getMe(), "not_actitime");
  });

  it("malformed: broken JSON", async () => {
    withFaults({ malformedJson: true });
    await expectActitimeError(client({ password: SECRET_PASSWORD }).listCustomers(), "malformed");
  });

  it("malformed: JSON of the wrong shape names where it is wrong", async () => {
    const wrongShape: typeof fetch = () =>
      Promise.resolve(Response.json({ offset: 0, limit: 1000, items: [{ id: "seven", name: 3 }] }));
    const error = await expectActitimeError(client({ password: SECRET_PASSWORD, fetch: wrongShape }).listCustomers(), "malformed");
    expect(error.message).toContain("items.0.id");
  });

  it("too_large: a body past maxResponseBytes is cut off", async () => {
    withFaults({ hugeBodyBytes: 3_000_000 });
    const error = await expectActitimeError(client({ password: SECRET_PASSWORD, maxResponseBytes: 1_000_000 }).getInfo(), "too_large");
    expect(error.message).toMatch(/shorter date range/);
  });

  it("too_large: a declared Content-Length past the cap is refused before reading", async () => {
    const declared: typeof fetch = () => Promise.resolve(new Response("{}", { headers: { "content-length": "999999999" } }));
    await expectActitimeError(client({ password: SECRET_PASSWORD, fetch: declared }).getInfo(), "too_large");
  });

  it("timeout: a body that trickles in too slowly", async () => {
    withFaults({ slowBodyMs: 3_000 });
    await expectActitimeError(client({ password: SECRET_PASSWORD, timeoutMs: 150 }).getMe(), "timeout");
  });

  it("timeout: a server that does not answer", async () => {
    withFaults({ delayMs: 3_000 });
    await expectActitimeError(client({ password: SECRET_PASSWORD, timeoutMs: 150 }).getMe(), "timeout");
  });

  it("server_error: 5xx", async () => {
    withFaults({ errorStatus: 503 });
    const error = await expectActitimeError(client({ password: SECRET_PASSWORD }).getMe(), "server_error");
    expect(error.status).toBe(503);
  });

  it("forbidden: 403", async () => {
    withFaults({ errorStatus: 403 });
    await expectActitimeError(client({ password: SECRET_PASSWORD }).listUsers(), "forbidden");
  });

  it("bad_request: actiTIME's validation message is passed on", async () => {
    setupEmulator();
    const error = await expectActitimeError(client({ pageSize: 5000 }).listUsers(), "bad_request");
    expect(error.status).toBe(400);
    expect(error.message).toContain("limit");
  });

  it("malformed: a server that ignores offset does not loop forever", async () => {
    const samePage: typeof fetch = () => Promise.resolve(Response.json({ offset: 0, limit: 2, items: [{ id: 1, name: "A", archived: false }, { id: 2, name: "B", archived: false }] }));
    await expectActitimeError(client({ password: SECRET_PASSWORD, fetch: samePage, pageSize: 2 }).listCustomers(), "malformed");
  });
});

describe("checkAdminAccess", () => {
  it("accepts the admin", async () => {
    setupEmulator();
    const result = await checkAdminAccess(client());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.me.username).toBe("admin");
  });

  it("names both permissions for a plain user", async () => {
    setupEmulator();
    const result = await checkAdminAccess(client({ username: "jdoe" }));
    expect(result).toMatchObject({
      ok: false,
      missingRequirements: ["manageAccounts", "costBilling"],
      missing: [ACTITIME_ADMIN_REQUIREMENTS.manageAccounts, ACTITIME_ADMIN_REQUIREMENTS.costBilling],
    });
  });

  it("names only account management for a billing manager", async () => {
    setupEmulator();
    const result = await checkAdminAccess(client({ username: "mbrown" }));
    expect(result).toMatchObject({ ok: false, missingRequirements: ["manageAccounts"] });
  });

  it("names the Types of Work feature when it is off", async () => {
    const emulator = setupEmulator();
    emulator.setTypesOfWorkEnabled(false);
    const result = await checkAdminAccess(client());
    expect(result).toMatchObject({ ok: false, missingRequirements: ["typesOfWork"], missing: [ACTITIME_ADMIN_REQUIREMENTS.typesOfWork] });
  });

  it("names billing data when the billing feature hides rates", async () => {
    const emulator = setupEmulator();
    emulator.setBillingEnabled(false);
    expect(await checkAdminAccess(client())).toMatchObject({ ok: false, missingRequirements: ["costBilling"] });
  });

  it("throws unauthorized rather than reporting missing rights for a wrong password", async () => {
    setupEmulator();
    await expectActitimeError(checkAdminAccess(client({ password: SECRET_PASSWORD })), "unauthorized");
  });
});
