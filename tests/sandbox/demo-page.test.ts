// The sandbox control page and its server actions, rendered and called outside Next:
// the page renders, escapes names and comments, limits its tables; actions change state and
// redirect back with a message; everything is 404 when demo mode is off.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderToString } from "react-dom/server";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { deleteTimeTrackAction, markBilledAction, moveTaskAction, qboSettingsAction, saveTimeTrackAction } from "@/app/sandbox/actions";
import SandboxPage from "@/app/sandbox/page";
import { flushDemoState, getDemoActitime, getDemoQbo, resetDemoForTests } from "@/lib/sandbox/demo";
import type { JsonObject } from "@/lib/sandbox/qbo";

// revalidatePath needs Next's request store; outside Next it is a no-op here.
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const REALM = "9130350000000001";
const dirs: string[] = [];

beforeEach(async () => {
  await flushDemoState();
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-page-"));
  dirs.push(dir);
  resetDemoForTests({ dataDir: dir, today: "2026-05-15" });
});

afterAll(async () => {
  await flushDemoState();
  resetDemoForTests();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function render(params: Record<string, string> = {}): Promise<string> {
  return renderToString(await SandboxPage({ searchParams: Promise.resolve(params) }));
}

function digestOf(error: unknown): string {
  return typeof error === "object" && error !== null && "digest" in error ? String((error as { digest: unknown }).digest) : String(error);
}

/** Runs a server action and returns where it redirected to (it always redirects). */
async function submit(action: (form: FormData) => Promise<void>, fields: [string, string][]): Promise<URL> {
  const form = new FormData();
  for (const [key, value] of fields) form.append(key, value);
  const error = await action(form).then(
    () => undefined,
    (e: unknown) => e,
  );
  const digest = digestOf(error);
  expect(digest).toMatch(/^NEXT_REDIRECT;/);
  return new URL(digest.split(";")[2] ?? "", "http://localhost");
}

function insertActivities(count: number, overrides: JsonObject = {}): string[] {
  const qbo = getDemoQbo();
  const employee = qbo.list(REALM, "Employee")[0];
  const customer = qbo.list(REALM, "Customer")[0];
  return qbo.insertTimeActivities(
    REALM,
    Array.from({ length: count }, (_, i) => ({
      TxnDate: `2026-04-${String((i % 28) + 1).padStart(2, "0")}`,
      NameOf: "Employee",
      EmployeeRef: { value: String(employee?.["Id"]) },
      CustomerRef: { value: String(customer?.["Id"]) },
      BillableStatus: "Billable",
      HourlyRate: 90,
      Hours: 1,
      Minutes: 0,
      ...overrides,
    })),
  );
}

describe("sandbox control page", () => {
  it("renders both products with a clear title and banner", async () => {
    const html = await render();
    expect(html).toContain("Sandbox controls (demo only)");
    expect(html).toContain("This is the emulated actiTIME and QuickBooks Online");
    expect(html).toContain("Sandbox Consulting LLC");
    expect(html).toContain("Time-track records");
    expect(html).toMatch(/<label[^>]*for="qbo-book-close-date"/);
  });

  it("shows at most 200 time activities, newest first, and filters by date", async () => {
    insertActivities(260);
    const html = await render({ realm: REALM });
    expect(html.match(/name="ids"/g)).toHaveLength(200);
    expect(html).toContain("260 in this company; showing the latest 200");
    const filtered = await render({ realm: REALM, from: "2026-04-01", to: "2026-04-01" });
    expect(filtered.match(/name="ids"/g)).toHaveLength(10);
  });

  it("renders names and comments as text, and messages from the address as text", async () => {
    const task = getDemoActitime().toJSON().tasks[0];
    if (!task) throw new Error("no tasks");
    getDemoActitime().upsertTimeTrack({ userId: 1, date: "2026-05-14", taskId: task.id, timeMinutes: 60, comment: "<img src=x onerror=alert(1)>" });
    const html = await render({ ok: "<script>alert(1)</script>", atFrom: "2026-05-14" });
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("ignores unusable view parameters instead of failing", async () => {
    const html = await render({ from: "yesterday", realm: "../../etc", tt: "x" });
    expect(html).toContain("Ignored in the address");
    expect(html).toContain("Sandbox Consulting LLC");
  });

  it("is 404 when demo mode is off, and so are its actions", async () => {
    resetDemoForTests({ dataDir: dirs[0] ?? tmpdir(), enabled: false });
    const page = await SandboxPage({ searchParams: Promise.resolve({}) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(digestOf(page)).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);
    const form = new FormData();
    form.set("realmId", REALM);
    form.append("ids", "1");
    const action = await markBilledAction(form).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(digestOf(action)).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);
  });
});

describe("sandbox server actions", () => {
  it("mark billed, then come back to the same view with a success message", async () => {
    const [a, b, c] = insertActivities(3);
    const to = await submit(markBilledAction, [
      ["view", `realm=${REALM}&from=2026-04-01&ok=old&bogus=1`],
      ["section", "qbo-activities"],
      ["realmId", REALM],
      ["ids", a ?? ""],
      ["ids", b ?? ""],
    ]);
    expect(to.pathname).toBe("/sandbox");
    expect(to.searchParams.get("realm")).toBe(REALM);
    expect(to.searchParams.get("from")).toBe("2026-04-01");
    expect(to.searchParams.get("bogus")).toBeNull();
    expect(to.searchParams.get("ok")).toBe("Marked 2 TimeActivities as billed");
    expect(to.hash).toBe("#qbo-activities");
    expect(getDemoQbo().get(REALM, "TimeActivity", a ?? "")?.["BillableStatus"]).toBe("HasBeenBilled");
    expect(getDemoQbo().get(REALM, "TimeActivity", c ?? "")?.["BillableStatus"]).toBe("Billable");
  });

  it("report invalid input as an error message and change nothing", async () => {
    const before = JSON.stringify(getDemoQbo().snapshot());
    const none = await submit(markBilledAction, [["realmId", REALM]]);
    expect(none.searchParams.get("error")).toMatch(/select at least one TimeActivity/);
    const badDate = await submit(qboSettingsAction, [
      ["realmId", REALM],
      ["bookCloseDate", "2026-13-45"],
    ]);
    expect(badDate.searchParams.get("error")).toMatch(/bookCloseDate/);
    expect(JSON.stringify(getDemoQbo().snapshot())).toBe(before);
  });

  it("switch Payroll and clear the closed-books date from forms", async () => {
    await submit(qboSettingsAction, [
      ["realmId", REALM],
      ["payroll", "on"],
    ]);
    expect(getDemoQbo().settings(REALM).payroll).toBe(true);
    await submit(qboSettingsAction, [
      ["realmId", REALM],
      ["bookCloseDate", "2026-01-31"],
    ]);
    expect(getDemoQbo().settings(REALM).bookCloseDate).toBe("2026-01-31");
    await submit(qboSettingsAction, [
      ["realmId", REALM],
      ["bookCloseDate", ""],
    ]);
    expect(getDemoQbo().settings(REALM).bookCloseDate).toBeNull();
  });

  it("add and delete actiTIME time from hours and minutes fields; move a task", async () => {
    const snapshot = getDemoActitime().toJSON();
    const task = snapshot.tasks[0];
    const project = snapshot.projects.find((p) => p.id !== task?.projectId);
    if (!task || !project) throw new Error("seed too small");
    const key: [string, string][] = [
      ["userId", "3"],
      ["date", "2026-05-13"],
      ["taskId", String(task.id)],
    ];
    const saved = await submit(saveTimeTrackAction, [...key, ["hours", "2"], ["minutes", "15"], ["comment", "  "]]);
    expect(saved.searchParams.get("ok")).toMatch(/^Added 2:15/);
    expect(getDemoActitime().getTimeTrack(3, "2026-05-13", task.id)).toMatchObject({ timeMinutes: 135, comment: null });
    const badMinutes = await submit(saveTimeTrackAction, [...key, ["hours", "1"], ["minutes", "75"]]);
    expect(badMinutes.searchParams.get("error")).toMatch(/minutes/);
    expect(getDemoActitime().getTimeTrack(3, "2026-05-13", task.id)?.timeMinutes).toBe(135);
    await submit(deleteTimeTrackAction, key);
    expect(getDemoActitime().getTimeTrack(3, "2026-05-13", task.id)).toBeUndefined();

    const moved = await submit(moveTaskAction, [
      ["taskId", String(task.id)],
      ["projectId", String(project.id)],
    ]);
    expect(moved.searchParams.get("ok")).toContain(project.name);
    expect(getDemoActitime().toJSON().tasks.find((t) => t.id === task.id)?.projectId).toBe(project.id);
  });
});
