// Demo mode: the process-wide emulators, their persistence across restarts, the /sandbox routes
// and the control endpoints. Route handlers are called directly with Fetch API Requests.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as actitimeRoute from "@/app/sandbox/actitime/[...path]/route";
import * as controlRoute from "@/app/sandbox/control/[action]/route";
import * as qboRoute from "@/app/sandbox/qbo/[...path]/route";
import { loadEnv } from "@/lib/env";
import { flushDemoState, getDemoActitime, getDemoQbo, resetDemoForTests, sandboxEnabled } from "@/lib/sandbox/demo";
import { DEMO_ADMIN_USERNAME, DEMO_PASSWORD } from "@/lib/sandbox/actitime";
import type { JsonObject } from "@/lib/sandbox/qbo";

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/api/quickbooks/callback`;
const REALM = "9130350000000001";
const CLIENT_BASIC = `Basic ${Buffer.from("sandbox-client-id:sandbox-client-secret").toString("base64")}`;
const ACTITIME_BASIC = `Basic ${Buffer.from(`${DEMO_ADMIN_USERNAME}:${DEMO_PASSWORD}`).toString("base64")}`;

const roots: string[] = [];
let dataDir = "";

function newDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-demo-"));
  roots.push(dir);
  return dir;
}

beforeEach(() => {
  dataDir = newDataDir();
  resetDemoForTests({ dataDir, today: "2026-05-15", intuit: { clientId: "sandbox-client-id", clientSecret: "sandbox-client-secret", redirectUri: REDIRECT_URI } });
});

afterEach(async () => {
  await flushDemoState();
});

afterAll(() => {
  resetDemoForTests();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

/** A restart: pending state saved (as the debounce would), the singletons forgotten, the same data dir. */
async function restart(): Promise<void> {
  await flushDemoState();
  resetDemoForTests({ dataDir, today: "2026-05-15", intuit: { clientId: "sandbox-client-id", clientSecret: "sandbox-client-secret", redirectUri: REDIRECT_URI } });
}

function context<T>(params: T): { params: Promise<T> } {
  return { params: Promise.resolve(params) };
}

async function control(action: string, body: unknown): Promise<{ status: number; json: { ok: boolean; message?: string; error?: string; data?: unknown } }> {
  const request = new Request(`${APP}/sandbox/control/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const response = await controlRoute.POST(request, context({ action }));
  return { status: response.status, json: (await response.json()) as { ok: boolean; message?: string; error?: string; data?: unknown } };
}

/** Connects like the app does: consent (automated company choice), then the code exchange. */
async function connectQbo(): Promise<{ accessToken: string; refreshToken: string }> {
  const authorize = new URL(`${APP}/sandbox/qbo/oauth2/authorize`);
  for (const [key, value] of Object.entries({
    client_id: "sandbox-client-id",
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "com.intuit.quickbooks.accounting",
    state: "s1",
    sandbox_realm: REALM,
  })) {
    authorize.searchParams.set(key, value);
  }
  const consent = await qboRoute.GET(new Request(authorize));
  expect(consent.status).toBe(302);
  const location = new URL(consent.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  const code = location.searchParams.get("code") ?? "";
  const token = await qboRoute.POST(
    new Request(`${APP}/sandbox/qbo/oauth2/tokens/bearer`, {
      method: "POST",
      headers: { authorization: CLIENT_BASIC, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI }).toString(),
    }),
  );
  expect(token.status).toBe(200);
  const body = (await token.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

function qboApi(accessToken: string, pathAndQuery: string, init: RequestInit = {}): Request {
  return new Request(`${APP}/sandbox/qbo/v3/company/${REALM}/${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/json", "content-type": "application/json", ...init.headers },
  });
}

/** A TimeActivity inserted as if the import had created it. */
function insertActivity(overrides: JsonObject = {}): string {
  const qbo = getDemoQbo();
  const employee = qbo.list(REALM, "Employee").find((e) => e["Active"] !== false);
  const customer = qbo.list(REALM, "Customer").find((c) => c["Active"] !== false);
  const item = qbo.list(REALM, "Item").find((i) => i["Type"] === "Service" && i["Active"] !== false);
  const [id] = qbo.insertTimeActivities(REALM, [
    {
      TxnDate: "2026-04-02",
      NameOf: "Employee",
      EmployeeRef: { value: String(employee?.["Id"]) },
      CustomerRef: { value: String(customer?.["Id"]) },
      ItemRef: { value: String(item?.["Id"]) },
      BillableStatus: "Billable",
      HourlyRate: 100,
      Hours: 2,
      Minutes: 30,
      Description: "<b>not html</b>",
      ...overrides,
    },
  ]);
  if (!id) throw new Error("insert failed");
  return id;
}

describe("sandbox guard", () => {
  it("is on only in demo mode: SANDBOX=1, or development without Intuit keys", () => {
    const production = { NODE_ENV: "production", NEXT_PHASE: "phase-production-build" } as const;
    expect(sandboxEnabled(loadEnv({ ...production }))).toBe(false);
    expect(sandboxEnabled(loadEnv({ ...production, SANDBOX: "1" }))).toBe(true);
    expect(sandboxEnabled(loadEnv({ NODE_ENV: "development" }))).toBe(true);
    expect(sandboxEnabled(loadEnv({ NODE_ENV: "development", INTUIT_CLIENT_ID: "id", INTUIT_CLIENT_SECRET: "secret" }))).toBe(false);
    expect(sandboxEnabled(loadEnv({ NODE_ENV: "development", INTUIT_CLIENT_ID: "id", INTUIT_CLIENT_SECRET: "secret", SANDBOX: "true" }))).toBe(true);
  });

  it("answers 404 on every sandbox route when demo mode is off, and creates no state", async () => {
    resetDemoForTests({ dataDir, enabled: false });
    const requests: [string, Promise<Response>][] = [
      ["qbo GET", qboRoute.GET(new Request(`${APP}/sandbox/qbo/v3/company/${REALM}/companyinfo/${REALM}`))],
      ["qbo POST", qboRoute.POST(new Request(`${APP}/sandbox/qbo/oauth2/tokens/bearer`, { method: "POST", body: "grant_type=x" }))],
      ["qbo DELETE", qboRoute.DELETE(new Request(`${APP}/sandbox/qbo/anything`, { method: "DELETE" }))],
      ["actitime GET", actitimeRoute.GET(new Request(`${APP}/sandbox/actitime/api/v1/users/me`, { headers: { authorization: ACTITIME_BASIC } }))],
      ["actitime PATCH", actitimeRoute.PATCH(new Request(`${APP}/sandbox/actitime/api/v1/timetrack/1/2026-04-01/1`, { method: "PATCH", body: "{}" }))],
      ["control POST", controlRoute.POST(new Request(`${APP}/sandbox/control/reset`, { method: "POST", body: "{}" }), context({ action: "reset" }))],
      ["control GET", Promise.resolve(controlRoute.GET())],
    ];
    for (const [name, pending] of requests) {
      expect((await pending).status, name).toBe(404);
    }
    expect(() => getDemoQbo()).toThrow(/not enabled/);
    expect(() => getDemoActitime()).toThrow(/not enabled/);
    expect(existsSync(path.join(dataDir, "sandbox"))).toBe(false);
  });
});

describe("emulator routes", () => {
  it("serve actiTIME's API under /sandbox/actitime/api/v1 with that base in its URLs", async () => {
    const me = await actitimeRoute.GET(new Request(`${APP}/sandbox/actitime/api/v1/users/me`, { headers: { authorization: ACTITIME_BASIC } }));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe(DEMO_ADMIN_USERNAME);
    const info = await actitimeRoute.GET(new Request(`${APP}/sandbox/actitime/api/v1/info`, { headers: { authorization: ACTITIME_BASIC } }));
    expect(((await info.json()) as { urls: { api: string } }).urls.api).toBe(`${APP}/sandbox/actitime/api/v1`);
  });

  it("serve QBO OAuth and the v3 API under /sandbox/qbo, with the app's registered redirect URI only", async () => {
    const { accessToken } = await connectQbo();
    const info = await qboRoute.GET(qboApi(accessToken, `companyinfo/${REALM}`));
    expect(info.status).toBe(200);
    expect(((await info.json()) as { CompanyInfo: { CompanyName: string } }).CompanyInfo.CompanyName).toBe("Sandbox Consulting LLC");

    const foreign = new URL(`${APP}/sandbox/qbo/oauth2/authorize`);
    foreign.search = new URLSearchParams({
      client_id: "sandbox-client-id",
      redirect_uri: "https://evil.example/callback",
      response_type: "code",
      scope: "com.intuit.quickbooks.accounting",
      state: "s",
      sandbox_realm: REALM,
    }).toString();
    expect((await qboRoute.GET(new Request(foreign))).status).toBe(400);
  });
});

describe("persistence", () => {
  it("keeps actiTIME changes across a restart", async () => {
    const tasks = getDemoActitime().toJSON().tasks;
    const task = tasks[0];
    if (!task) throw new Error("seed has no tasks");
    const patch = await actitimeRoute.PATCH(
      new Request(`${APP}/sandbox/actitime/api/v1/timetrack/1/2026-05-04/${task.id}`, {
        method: "PATCH",
        headers: { authorization: ACTITIME_BASIC, "content-type": "application/json" },
        body: JSON.stringify({ time: 95, comment: "written through the API" }),
      }),
    );
    expect(patch.status).toBe(200);
    expect((await control("actitime-move-task", { taskId: task.id, projectId: task.projectId === 1 ? 2 : 1 })).status).toBe(200);

    await restart();
    expect(getDemoActitime().getTimeTrack(1, "2026-05-04", task.id)).toEqual({
      userId: 1,
      date: "2026-05-04",
      taskId: task.id,
      timeMinutes: 95,
      comment: "written through the API",
    });
    expect(getDemoActitime().toJSON().tasks.find((t) => t.id === task.id)?.projectId).toBe(task.projectId === 1 ? 2 : 1);
  });

  it("keeps QBO data and OAuth tokens across a restart", async () => {
    const { accessToken, refreshToken } = await connectQbo();
    const employee = getDemoQbo().list(REALM, "Employee")[0];
    const created = await qboRoute.POST(
      qboApi(accessToken, "timeactivity?requestid=demo-1", {
        method: "POST",
        body: JSON.stringify({ TxnDate: "2026-05-04", NameOf: "Employee", EmployeeRef: { value: employee?.["Id"] }, Hours: 1, Minutes: 0 }),
      }),
    );
    expect(created.status).toBe(200);
    const id = ((await created.json()) as { TimeActivity: { Id: string } }).TimeActivity.Id;

    await restart();
    expect(getDemoQbo().get(REALM, "TimeActivity", id)?.["Hours"]).toBe(1);
    const read = await qboRoute.GET(qboApi(accessToken, `timeactivity/${id}`));
    expect(read.status).toBe(200);
    const refreshed = await qboRoute.POST(
      new Request(`${APP}/sandbox/qbo/oauth2/tokens/bearer`, {
        method: "POST",
        headers: { authorization: CLIENT_BASIC, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
      }),
    );
    expect(refreshed.status).toBe(200);
  });

  it("saves on its own shortly after a state-changing request, atomically", async () => {
    const file = path.join(dataDir, "sandbox", "qbo.json");
    await connectQbo(); // OAuth changes state: the token exchange must be saved too
    await vi.waitFor(() => expect(existsSync(file)).toBe(true), { timeout: 2000, interval: 25 });
    const saved = JSON.parse(readFileSync(file, "utf8")) as { version: number; oauth: unknown };
    expect(saved.version).toBe(1);
    expect(JSON.stringify(saved.oauth)).toContain(REALM);
    expect(readdirSync(path.join(dataDir, "sandbox")).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("does not save for reads", async () => {
    const response = await actitimeRoute.GET(new Request(`${APP}/sandbox/actitime/api/v1/users/me`, { headers: { authorization: ACTITIME_BASIC } }));
    expect(response.status).toBe(200);
    await flushDemoState();
    expect(existsSync(path.join(dataDir, "sandbox", "actitime.json"))).toBe(false);
  });

  it("starts from the seed when a saved file is unreadable, keeping the bad file aside", async () => {
    const dir = path.join(dataDir, "sandbox");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "qbo.json"), '{"version": 1, "compan');
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(getDemoQbo().companies().map((c) => c.realmId)).toContain(REALM);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    expect(readdirSync(dir).some((name) => name.startsWith("qbo.json.unreadable-"))).toBe(true);
  });
});

describe("control endpoints", () => {
  it("refuse bad input with 400, a clear message and no change", async () => {
    const id = insertActivity();
    const before = JSON.stringify(getDemoQbo().snapshot());
    const beforeActitime = JSON.stringify(getDemoActitime().toJSON());

    const notJson = await control("qbo-mark-billed", "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/JSON object/);

    const array = await control("qbo-mark-billed", [id]);
    expect(array.status).toBe(400);

    const noIds = await control("qbo-mark-billed", { realmId: REALM, ids: [] });
    expect(noIds.status).toBe(400);
    expect(noIds.json.error).toMatch(/ids: select at least one TimeActivity/);

    const missingRealm = await control("qbo-mark-billed", { ids: [id] });
    expect(missingRealm.status).toBe(400);
    expect(missingRealm.json.error).toMatch(/realmId/);

    const extra = await control("qbo-mark-billed", { realmId: REALM, ids: [id], force: true });
    expect(extra.status).toBe(400);
    expect(extra.json.error).toMatch(/force/);

    const badHours = await control("qbo-edit-time-activity", { realmId: REALM, id, hours: 2.5, minutes: 0 });
    expect(badHours.status).toBe(400);
    expect(badHours.json.error).toMatch(/hours: must be a whole number of hours/);

    const badDate = await control("qbo-settings", { realmId: REALM, bookCloseDate: "31/12/2025" });
    expect(badDate.status).toBe(400);
    expect(badDate.json.error).toMatch(/bookCloseDate: must be a date in YYYY-MM-DD format/);

    const emptySettings = await control("qbo-settings", { realmId: REALM });
    expect(emptySettings.status).toBe(400);

    const minutesAsText = await control("actitime-save-time-track", { userId: 1, date: "2026-05-04", taskId: 1, minutes: "60" });
    expect(minutesAsText.status).toBe(400);
    expect(minutesAsText.json.error).toMatch(/minutes/);

    const tooMuch = await control("actitime-save-time-track", { userId: 1, date: "2026-05-04", taskId: 1, minutes: 2000 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.error).toMatch(/minutes: must be between 0 and 1440/);

    const badTarget = await control("reset", { target: "everything" });
    expect(badTarget.status).toBe(400);

    // Unknown entities: 404, and nothing half-done (one unknown id → no activity billed).
    const other = insertActivity({ TxnDate: "2026-04-03" });
    const afterInsert = JSON.stringify(getDemoQbo().snapshot());
    const partial = await control("qbo-mark-billed", { realmId: REALM, ids: [other, "999999"] });
    expect(partial.status).toBe(404);
    expect(partial.json.error).toMatch(/no TimeActivity 999999/);
    expect(getDemoQbo().get(REALM, "TimeActivity", other)?.["BillableStatus"]).toBe("Billable");
    expect((await control("qbo-mark-billed", { realmId: "123", ids: [id] })).status).toBe(404);
    expect((await control("actitime-move-task", { taskId: 1, projectId: 999 })).status).toBe(404);
    expect((await control("actitime-set-task-type-of-work", { taskId: 999, typeOfWorkId: 1 })).status).toBe(404);
    expect((await control("no-such-command", {})).status).toBe(404);

    expect(JSON.stringify(getDemoQbo().snapshot())).toBe(afterInsert);
    expect(before).not.toBe(afterInsert);
    expect(JSON.stringify(getDemoActitime().toJSON())).toBe(beforeActitime);
  });

  it("mark billed: the activities become HasBeenBilled, as invoicing does", async () => {
    const a = insertActivity();
    const b = insertActivity({ TxnDate: "2026-04-05" });
    const result = await control("qbo-mark-billed", { realmId: REALM, ids: [a, b] });
    expect(result.status).toBe(200);
    expect(result.json.message).toBe("Marked 2 TimeActivities as billed");
    for (const id of [a, b]) {
      const activity = getDemoQbo().get(REALM, "TimeActivity", id);
      expect(activity?.["BillableStatus"]).toBe("HasBeenBilled");
      expect(activity?.["SyncToken"]).toBe("1");
    }
  });

  it("edit hours and delete inside QBO", async () => {
    const id = insertActivity();
    const edited = await control("qbo-edit-time-activity", { realmId: REALM, id, hours: 7, minutes: 15 });
    expect(edited.status).toBe(200);
    const activity = getDemoQbo().get(REALM, "TimeActivity", id);
    expect([activity?.["Hours"], activity?.["Minutes"], activity?.["SyncToken"]]).toEqual([7, 15, "1"]);

    expect((await control("qbo-delete-time-activity", { realmId: REALM, id })).status).toBe(200);
    expect(getDemoQbo().get(REALM, "TimeActivity", id)).toBeUndefined();
    expect((await control("qbo-delete-time-activity", { realmId: REALM, id })).status).toBe(404);
  });

  it("refuses, with QBO's reason, to delete an activity in closed books", async () => {
    const id = insertActivity({ TxnDate: "2026-04-02" });
    expect((await control("qbo-settings", { realmId: REALM, bookCloseDate: "2026-04-30" })).status).toBe(200);
    const refused = await control("qbo-delete-time-activity", { realmId: REALM, id });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBeTruthy();
    expect(getDemoQbo().get(REALM, "TimeActivity", id)).toBeDefined();
  });

  it("qbo-latency slows every QuickBooks answer and refuses values out of range, changing nothing", async () => {
    const slow = await control("qbo-latency", { ms: 1500 });
    expect(slow.status).toBe(200);
    expect(slow.json.message).toBe("QuickBooks answers every request after 1500 ms");
    for (const ms of [-1, 10_001, 1.5, "100"]) {
      const refused = await control("qbo-latency", { ms });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatch(/ms: must be/);
    }
    const fast = await control("qbo-latency", { ms: 0 });
    expect(fast.json.message).toBe("QuickBooks answers at once");
  });

  it("switch Payroll and time tracking, set and clear the closed-books date", async () => {
    const result = await control("qbo-settings", { realmId: REALM, payroll: true, timeTracking: false, bookCloseDate: "2026-03-31" });
    expect(result.status).toBe(200);
    expect(getDemoQbo().settings(REALM)).toMatchObject({ payroll: true, timeTracking: false, bookCloseDate: "2026-03-31" });
    expect((await control("qbo-settings", { realmId: REALM, bookCloseDate: null })).status).toBe(200);
    expect(getDemoQbo().settings(REALM).bookCloseDate).toBeNull();
  });

  it("list TimeActivities newest first, filtered by date, limited", async () => {
    insertActivity({ TxnDate: "2026-04-01" });
    const newest = insertActivity({ TxnDate: "2026-04-20" });
    insertActivity({ TxnDate: "2026-04-10" });
    const all = await control("qbo-time-activities", { realmId: REALM, limit: 2 });
    const data = all.json.data as { total: number; activities: { id: string; txnDate: string; billableStatus: string; hours: number }[] };
    expect(data.total).toBe(3);
    expect(data.activities.map((a) => a.txnDate)).toEqual(["2026-04-20", "2026-04-10"]);
    expect(data.activities[0]).toMatchObject({ id: newest, billableStatus: "Billable", hours: 2 });
    const filtered = await control("qbo-time-activities", { realmId: REALM, from: "2026-04-05", to: "2026-04-15" });
    expect((filtered.json.data as { total: number }).total).toBe(1);
    expect((await control("qbo-time-activities", { realmId: REALM, from: "2026-04-15", to: "2026-04-05" })).status).toBe(400);
  });

  it("add, edit and delete actiTIME time-track records", async () => {
    const task = getDemoActitime().toJSON().tasks[0];
    if (!task) throw new Error("seed has no tasks");
    const key = { userId: 2, date: "2026-05-06", taskId: task.id };
    expect(getDemoActitime().getTimeTrack(key.userId, key.date, key.taskId)).toBeUndefined();

    const added = await control("actitime-save-time-track", { ...key, minutes: 90, comment: "<script>x</script>" });
    expect(added.status).toBe(200);
    expect(added.json.message).toMatch(/^Added 1:30/);
    expect(getDemoActitime().getTimeTrack(key.userId, key.date, key.taskId)).toMatchObject({ timeMinutes: 90, comment: "<script>x</script>" });

    const edited = await control("actitime-save-time-track", { ...key, minutes: 45 });
    expect(edited.json.message).toMatch(/^Updated 0:45/);
    expect(getDemoActitime().getTimeTrack(key.userId, key.date, key.taskId)).toMatchObject({ timeMinutes: 45, comment: null });

    const listed = await control("actitime-time-track", { userId: 2, from: "2026-05-06", to: "2026-05-06" });
    const records = (listed.json.data as { records: { taskId: number; minutes: number; task: string }[] }).records;
    expect(records).toContainEqual(expect.objectContaining({ taskId: task.id, minutes: 45, task: task.name }));

    expect((await control("actitime-delete-time-track", key)).status).toBe(200);
    expect(getDemoActitime().getTimeTrack(key.userId, key.date, key.taskId)).toBeUndefined();
    expect((await control("actitime-delete-time-track", key)).status).toBe(404);
  });

  it("move a task to another project and change its type of work, visible through the actiTIME API", async () => {
    const snapshot = getDemoActitime().toJSON();
    const task = snapshot.tasks[0];
    const project = snapshot.projects.find((p) => p.id !== task?.projectId);
    const typeOfWork = snapshot.typesOfWork.find((t) => t.id !== task?.typeOfWorkId);
    if (!task || !project || !typeOfWork) throw new Error("seed too small");

    const moved = await control("actitime-move-task", { taskId: task.id, projectId: project.id });
    expect(moved.status).toBe(200);
    expect(getDemoActitime().toJSON().tasks.find((t) => t.id === task.id)?.projectId).toBe(project.id);

    expect((await control("actitime-set-task-type-of-work", { taskId: task.id, typeOfWorkId: typeOfWork.id })).status).toBe(200);
    const api = await actitimeRoute.GET(new Request(`${APP}/sandbox/actitime/api/v1/tasks/${task.id}`, { headers: { authorization: ACTITIME_BASIC } }));
    expect(await api.json()).toMatchObject({ projectId: project.id, typeOfWorkId: typeOfWork.id });
  });

  it("reset puts both products back to the seed", async () => {
    const id = insertActivity();
    const task = getDemoActitime().toJSON().tasks[0];
    if (!task) throw new Error("seed has no tasks");
    await control("actitime-move-task", { taskId: task.id, projectId: task.projectId === 1 ? 2 : 1 });

    const onlyQbo = await control("reset", { target: "qbo" });
    expect(onlyQbo.json.message).toBe("Reset QuickBooks to the seed data");
    expect(getDemoQbo().get(REALM, "TimeActivity", id)).toBeUndefined();
    expect(getDemoActitime().toJSON().tasks[0]?.projectId).not.toBe(task.projectId);

    expect((await control("reset", {})).status).toBe(200);
    expect(getDemoActitime().toJSON().tasks[0]?.projectId).toBe(task.projectId);

    await restart();
    expect(getDemoActitime().toJSON().tasks[0]?.projectId).toBe(task.projectId);
  });

  it("answers 405 to methods other than POST", async () => {
    expect(controlRoute.GET().status).toBe(405);
  });
});

describe("sandbox controls accept only same-origin POSTs (issue 13 §7)", () => {
  const post = (headers: Record<string, string>) =>
    controlRoute.POST(
      new Request(`${APP}/sandbox/control/reset`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" }),
      context({ action: "reset" }),
    );

  it("refuses a POST from another site's page, changing nothing", async () => {
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ origin: "null" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ origin: APP, "sec-fetch-site": "same-site" })).status).toBe(403);
  });

  it("accepts this app's own pages and scripts that are not browsers", async () => {
    expect((await post({ origin: APP, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await post({})).status).toBe(200);
  });
});

describe("control: qbo-add-vendor (issue 19)", () => {
  it("adds a Vendor to the company, refuses a blank or taken name", async () => {
    const added = await control("qbo-add-vendor", { realmId: REALM, displayName: "Dana Whitfield" });
    expect(added.status).toBe(200);
    const id = (added.json.data as { id: string }).id;
    expect(getDemoQbo().get(REALM, "Vendor", id)).toMatchObject({ DisplayName: "Dana Whitfield" });
    expect((await control("qbo-add-vendor", { realmId: REALM, displayName: "  " })).status).toBe(400);
    // DisplayNames are one namespace (QBO 6240): the same name again is refused.
    expect((await control("qbo-add-vendor", { realmId: REALM, displayName: "Dana Whitfield" })).status).not.toBe(200);
  });
});
