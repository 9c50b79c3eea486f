import { describe, expect, it } from "vitest";
import { createActitimeEmulator, LONG_PROJECT_NAME } from "@/lib/sandbox/actitime";
import { server } from "@/tests/setup/server";
import { actitimeMswHandlers } from "@/lib/sandbox/actitime/msw";
import { apiGet, asRecord, basicAuth, itemsOf, setupEmulator, ACTITIME_TEST_BASE_URL, TEST_TODAY } from "./helpers";

interface DayBody {
  userId: number;
  date: string;
  dayOffset: number;
  approved: boolean;
  records: { taskId: number; time: number; comment?: string }[];
}
interface TimeTrackBody {
  dateFrom: string;
  dateTo: string;
  nextDateFrom: string | null;
  data: DayBody[];
}

describe("authentication", () => {
  it("answers 401 with actiTIME's error body for missing or wrong credentials", async () => {
    setupEmulator();
    const missing = await fetch(`${ACTITIME_TEST_BASE_URL}/api/v1/users/me`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await missing.json()).toEqual({ key: expect.any(String), message: expect.any(String) });

    const wrong = await apiGet("/users/me", "admin", "wrong");
    expect(wrong.status).toBe(401);
    expect(asRecord(wrong.body).key).toBe("api.error.authentication_failed");
  });

  it("lets the demo users in and refuses released (inactive) users", async () => {
    setupEmulator();
    expect(asRecord((await apiGet("/users/me", "admin", "demo")).body).username).toBe("admin");
    expect(asRecord((await apiGet("/users/me", "jdoe", "demo")).body).fullName).toBe("Doe, John M.");
    expect((await apiGet("/users/me", "dwhitfield", "demo")).status).toBe(401);
  });
});

describe("lists", () => {
  it("wraps lists in { offset, limit, items } with limit defaulting to maxQueryLimit", async () => {
    setupEmulator();
    const info = asRecord((await apiGet("/info")).body);
    expect(info.limits).toEqual({ maxBatchSize: 100, maxQueryLimit: 1000 });
    const customers = await apiGet("/customers");
    expect(customers.status).toBe(200);
    expect(Object.keys(asRecord(customers.body))).toEqual(["offset", "limit", "items"]);
    expect(asRecord(customers.body)).toMatchObject({ offset: 0, limit: 1000 });
    expect(itemsOf(customers.body)[0]).toEqual({
      id: 1,
      name: "Acme Corp",
      archived: false,
      created: expect.any(Number),
      url: `${ACTITIME_TEST_BASE_URL}/tasks/tasklist.do?customerId=1`,
      description: expect.any(String),
      allowedActions: { canModify: true, canDelete: true },
    });
  });

  it("pages with offset/limit so consecutive pages cover every task exactly once", async () => {
    setupEmulator();
    const ids: number[] = [];
    for (let offset = 0; ; offset += 7) {
      const page = await apiGet(`/tasks?offset=${offset}&limit=7`);
      expect(asRecord(page.body)).toMatchObject({ offset, limit: 7 });
      const items = itemsOf(page.body);
      ids.push(...items.map((item) => Number(item.id)));
      if (items.length < 7) break;
    }
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it("rejects a limit above /info maxQueryLimit with a 400 naming the field", async () => {
    setupEmulator();
    const answer = await apiGet("/users?limit=1001");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ key: "api.error.validation", fields: "limit" });
    expect((await apiGet("/users?limit=1000")).status).toBe(200);
  });

  it("filters by ids, archived, customerIds and projectIds", async () => {
    setupEmulator();
    expect(itemsOf((await apiGet("/customers?ids=2,4")).body).map((c) => c.id)).toEqual([2, 4]);
    expect(itemsOf((await apiGet("/customers?archived=true")).body).map((c) => c.name)).toEqual(["Initech"]);
    expect(itemsOf((await apiGet("/customers?archived=false")).body)).toHaveLength(4);
    expect(itemsOf((await apiGet("/projects?archived=true")).body).map((p) => p.name)).toEqual(["TPS Reports"]);
    const acmeProjects = itemsOf((await apiGet("/projects?customerIds=1")).body);
    expect(acmeProjects.map((p) => p.name)).toEqual(["Website Redesign", "Mobile App: Phase 2"]);
    expect(acmeProjects.every((p) => p.customerName === "Acme Corp")).toBe(true);
    const tasks = itemsOf((await apiGet("/tasks?projectIds=2")).body);
    expect(tasks).toHaveLength(4);
    expect(tasks.every((t) => t.projectId === 2 && t.customerId === 1)).toBe(true);
  });

  it("adds id-keyed side maps to tasks with includeReferenced", async () => {
    setupEmulator();
    const body = asRecord((await apiGet("/tasks?ids=1&includeReferenced=projects,typesOfWork")).body);
    expect(Object.keys(asRecord(body.projects))).toEqual(["1"]);
    expect(asRecord(asRecord(body.typesOfWork)["1"]).name).toBe("Consulting");
  });

  it("answers unknown paths and missing objects with 404 and actiTIME's error body", async () => {
    setupEmulator();
    const unknown = await apiGet("/approvalStatus");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ key: "api.error.not_found", message: expect.stringContaining("/approvalStatus") });
    expect((await apiGet("/customers/999")).status).toBe(404);
  });

  it("works under any base path that contains /api/v1/", async () => {
    const base = "http://localhost:3000/sandbox/actitime";
    setupEmulator({}, base);
    const info = asRecord((await apiGet("/info", "admin", "demo", base)).body);
    expect(asRecord(info.urls).api).toBe(`${base}/api/v1`);
  });
});

async function timeTrack(query: string, username = "admin"): Promise<TimeTrackBody> {
  const answer = await apiGet(`/timetrack?${query}`, username);
  expect(answer.status).toBe(200);
  return answer.body as TimeTrackBody;
}

describe("GET /timetrack", () => {
  it("pages by stopAfter/nextDateFrom, cutting at day ends and yielding every record exactly once", async () => {
    const emulator = setupEmulator();
    const expected = emulator.listTimeTrack().map((r) => `${r.userId}|${r.date}|${r.taskId}|${r.timeMinutes}`);
    const seen: string[] = [];
    const datesSeen = new Set<string>();
    let dateFrom: string | null = "2025-02-01";
    let pages = 0;
    while (dateFrom !== null) {
      const page: TimeTrackBody = await timeTrack(`dateFrom=${dateFrom}&dateTo=2025-04-30&stopAfter=60`);
      pages++;
      expect(page.dateFrom).toBe(dateFrom);
      for (const day of page.data) {
        // A day never spans two pages.
        expect(datesSeen.has(`${day.userId}|${day.date}`)).toBe(false);
        datesSeen.add(`${day.userId}|${day.date}`);
        expect(day.date >= page.dateFrom && day.date <= page.dateTo).toBe(true);
        seen.push(...day.records.map((r) => `${day.userId}|${day.date}|${r.taskId}|${r.time}`));
      }
      if (page.nextDateFrom !== null) expect(page.dateTo < "2025-04-30").toBe(true);
      dateFrom = page.nextDateFrom;
    }
    expect(pages).toBeGreaterThan(10);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it("requires dateFrom and reports dayOffset from the response dateFrom", async () => {
    setupEmulator();
    const missing = await apiGet("/timetrack");
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ message: "Mandatory field is not specified", fields: "dateFrom" });
    const page = await timeTrack("dateFrom=2025-03-03&dateTo=2025-03-05");
    expect(page.data.find((day) => day.date === "2025-03-05")?.dayOffset).toBe(2);
  });

  it("filters by userIds, projectIds and approval status", async () => {
    const emulator = setupEmulator();
    const jdoeOnly = await timeTrack("dateFrom=2025-02-01&dateTo=2025-04-30&userIds=2");
    expect(jdoeOnly.data.length).toBeGreaterThan(40);
    expect(jdoeOnly.data.every((day) => day.userId === 2)).toBe(true);

    const projectTasks = new Set([5, 6, 7, 8]);
    const project2 = await timeTrack("dateFrom=2025-02-01&dateTo=2025-04-30&projectIds=2");
    expect(project2.data.flatMap((d) => d.records).every((r) => projectTasks.has(r.taskId))).toBe(true);

    const approvedThrough = emulator.toJSON().approvedThrough ?? "";
    const unapproved = await timeTrack("dateFrom=2025-02-01&dateTo=2025-04-30&approved=false");
    expect(unapproved.data.length).toBeGreaterThan(0);
    expect(unapproved.data.every((day) => day.date > approvedThrough && day.approved === false)).toBe(true);
  });

  it("without dateTo answers up to the last date that has records", async () => {
    setupEmulator();
    const page = await timeTrack("dateFrom=2025-04-01");
    expect(page.dateTo).toBe("2025-04-30");
    expect(page.nextDateFrom).toBeNull();
  });
});

describe("GET /leavetime", () => {
  it("returns flat entries with leaveTime in minutes, including planned future leave", async () => {
    setupEmulator();
    const answer = asRecord((await apiGet("/leavetime?dateFrom=2025-02-01&dateTo=2025-12-31")).body);
    const data = answer.data as Record<string, unknown>[];
    expect(data.length).toBeGreaterThan(5);
    expect(Object.keys(data[0] ?? {}).sort()).toEqual(["date", "dayOffset", "leaveTime", "leaveTypeId", "userId"]);
    expect(data.some((entry) => String(entry.date) > TEST_TODAY)).toBe(true);
  });
});

describe("permissions", () => {
  it("hides other users' username and email from a non-admin but shows their own", async () => {
    setupEmulator();
    const users = itemsOf((await apiGet("/users", "jdoe")).body);
    const self = users.find((user) => user.id === 2);
    const other = users.find((user) => user.id === 1);
    expect(self).toMatchObject({ username: "jdoe", email: "john.doe@halepartners.test" });
    expect(other).not.toHaveProperty("username");
    expect(other).not.toHaveProperty("email");
    expect(other).not.toHaveProperty("hired");
    const asAdmin = itemsOf((await apiGet("/users")).body);
    expect(asAdmin.every((user) => typeof user.username === "string")).toBe(true);
  });

  it("shows type-of-work rates only to callers with billing permissions", async () => {
    setupEmulator();
    const rates = async (username: string) => itemsOf((await apiGet("/typesOfWork", username)).body).map((t) => t.rate);
    expect(await rates("admin")).toEqual([150, 120, 95, 85, 40]);
    expect(await rates("mbrown")).toEqual([150, 120, 95, 85, 40]);
    expect(await rates("jdoe")).toEqual([null, null, null, null, null]);
  });

  it("gives a non-admin only their own time-track and leave", async () => {
    setupEmulator();
    const page = await timeTrack("dateFrom=2025-02-01&dateTo=2025-04-30", "jdoe");
    expect(page.data.length).toBeGreaterThan(0);
    expect(new Set(page.data.map((day) => day.userId))).toEqual(new Set([2]));
  });

  it("answers 403 when a non-admin edits another user's time-track", async () => {
    setupEmulator();
    const response = await fetch(`${ACTITIME_TEST_BASE_URL}/api/v1/timetrack/1/2025-03-03/1`, {
      method: "PATCH",
      headers: { authorization: basicAuth("jdoe", "demo"), "content-type": "application/json" },
      body: JSON.stringify({ time: 60 }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ key: expect.any(String), message: expect.any(String) });
  });

  it("reflects the Types of Work switch in /info and the billing switch in rates", async () => {
    const emulator = setupEmulator();
    emulator.setTypesOfWorkEnabled(false);
    const info = asRecord((await apiGet("/info")).body);
    expect(asRecord(info.features).typesOfWork).toBe(false);
    emulator.setBillingEnabled(false);
    expect(itemsOf((await apiGet("/typesOfWork")).body).every((type) => type.rate === null)).toBe(true);
  });
});

describe("seed", () => {
  it("is deterministic for a given today and never uses Math.random", () => {
    const original = Math.random;
    Math.random = () => {
      throw new Error("Math.random used in seed");
    };
    try {
      const a = createActitimeEmulator({ today: TEST_TODAY }).toJSON();
      const b = createActitimeEmulator({ today: TEST_TODAY }).toJSON();
      expect(a).toEqual(b);
      const other = createActitimeEmulator({ today: "2025-08-10" }).toJSON();
      expect(other.timeTrack[0]?.date.startsWith("2025-05")).toBe(true);
    } finally {
      Math.random = original;
    }
  });

  it("has the consultancy shape and the edge-case names", () => {
    const seed = createActitimeEmulator({ today: TEST_TODAY }).toJSON();
    expect([seed.users.length, seed.customers.length, seed.projects.length, seed.tasks.length]).toEqual([12, 5, 10, 40]);
    expect([seed.typesOfWork.length, seed.leaveTypes.length]).toEqual([5, 3]);
    expect(seed.typesOfWork.some((t) => !t.billable)).toBe(true);
    expect(seed.timeTrack.every((r) => r.date >= "2025-02-01" && r.date <= "2025-04-30")).toBe(true);
    const weekendRecords = seed.timeTrack.filter((r) => [0, 6].includes(new Date(`${r.date}T00:00:00Z`).getUTCDay()));
    expect(weekendRecords).toEqual([]);
    const withComment = seed.timeTrack.filter((r) => r.comment !== null).length / seed.timeTrack.length;
    expect(withComment).toBeGreaterThan(0.4);
    expect(withComment).toBeLessThan(0.6);

    const names = [
      ...seed.users.map((u) => `${u.firstName} ${u.lastName}`),
      ...seed.customers.map((c) => c.name),
      ...seed.projects.map((p) => p.name),
      ...seed.tasks.map((t) => t.name),
    ];
    expect(names).toEqual(expect.arrayContaining(["Siobhán O'Brien", "José Müller", "Zoë Lambert", "Acme Corp", "Mobile App: Phase 2"]));
    expect(LONG_PROJECT_NAME).toHaveLength(120);
    expect(names).toContain(LONG_PROJECT_NAME);
    const comments = seed.timeTrack.map((r) => r.comment ?? "");
    expect(comments).toEqual(expect.arrayContaining(["<b>urgent</b> fix for the login page", "<script>alert(1)</script>", "Deployed release 🚀"]));
  });

  it("generates 100,000 time-track records over 60 users for benchmarks", () => {
    const emulator = createActitimeEmulator({ today: TEST_TODAY, scale: { users: 60, records: 100_000 } });
    const count = emulator.listTimeTrack().length;
    expect(Math.abs(count - 100_000) / 100_000).toBeLessThan(0.01);
    expect(emulator.toJSON().users).toHaveLength(60);
  });
});

describe("state control", () => {
  it("adds, edits and deletes a time-track record as seen through the API", async () => {
    const emulator = setupEmulator();
    emulator.upsertTimeTrack({ userId: 2, date: "2025-03-08", taskId: 3, timeMinutes: 75, comment: "Saturday 🛠️" });
    let page = await timeTrack("dateFrom=2025-03-08&dateTo=2025-03-08&userIds=2");
    expect(page.data[0]?.records).toEqual([{ taskId: 3, time: 75, comment: "Saturday 🛠️" }]);
    emulator.upsertTimeTrack({ userId: 2, date: "2025-03-08", taskId: 3, timeMinutes: 30 });
    page = await timeTrack("dateFrom=2025-03-08&dateTo=2025-03-08&userIds=2");
    expect(page.data[0]?.records).toEqual([{ taskId: 3, time: 30 }]);
    expect(emulator.deleteTimeTrack(2, "2025-03-08", 3)).toBe(true);
    page = await timeTrack("dateFrom=2025-03-08&dateTo=2025-03-08&userIds=2");
    expect(page.data).toEqual([]);
  });

  it("moves a task and changes its type of work", async () => {
    const emulator = setupEmulator();
    emulator.moveTask(1, 7);
    emulator.setTaskTypeOfWork(1, 5);
    const task = itemsOf((await apiGet("/tasks?ids=1")).body)[0];
    expect(task).toMatchObject({ projectId: 7, customerId: 4, customerName: "Northwind Traders", typeOfWorkId: 5, typeOfWorkName: "Internal Admin" });
    const moved = await timeTrack("dateFrom=2025-02-01&dateTo=2025-04-30&projectIds=7");
    const hasTask1 = emulator.listTimeTrack().some((r) => r.taskId === 1);
    expect(moved.data.flatMap((d) => d.records).some((r) => r.taskId === 1)).toBe(hasTask1);
  });

  it("adds leave and changes a day's approval", async () => {
    const emulator = setupEmulator();
    emulator.upsertLeave({ userId: 3, date: "2025-06-02", leaveTypeId: 2, leaveTimeMinutes: 240 });
    const leave = asRecord((await apiGet("/leavetime?dateFrom=2025-06-02&dateTo=2025-06-02&userIds=3")).body);
    expect(leave.data).toEqual([{ userId: 3, date: "2025-06-02", dayOffset: 0, leaveTypeId: 2, leaveTime: 240 }]);
    const day = emulator.listTimeTrack().find((r) => r.date === "2025-02-03");
    if (!day) throw new Error("seed has no time on 2025-02-03");
    emulator.setDayApproved(day.userId, day.date, false);
    const page = await timeTrack(`dateFrom=2025-02-03&dateTo=2025-02-03&userIds=${day.userId}`);
    expect(page.data[0]?.approved).toBe(false);
  });

  it("restores a JSON snapshot into a fresh emulator and resets to the seed", () => {
    const emulator = createActitimeEmulator({ today: TEST_TODAY });
    const seed = emulator.toJSON();
    emulator.upsertTimeTrack({ userId: 1, date: "2025-04-01", taskId: 40, timeMinutes: 15, comment: "restored?" });
    emulator.setTypesOfWorkEnabled(false);
    const persisted = JSON.parse(JSON.stringify(emulator.toJSON()));

    const restored = createActitimeEmulator({ today: "2030-01-01" });
    restored.fromJSON(persisted);
    expect(restored.toJSON()).toEqual(emulator.toJSON());
    expect(restored.getTimeTrack(1, "2025-04-01", 40)?.comment).toBe("restored?");
    expect(createActitimeEmulator({ snapshot: persisted }).toJSON()).toEqual(emulator.toJSON());

    emulator.reset();
    expect(emulator.toJSON()).toEqual(seed);
  });

  it("counts requests by endpoint", async () => {
    const emulator = setupEmulator();
    await apiGet("/users/me");
    await apiGet("/users/5");
    await apiGet("/users/6");
    await apiGet("/tasks?limit=5");
    expect(emulator.stats.total).toBe(4);
    expect(emulator.stats.byEndpoint).toEqual({ "GET /users/me": 1, "GET /users/{id}": 2, "GET /tasks": 1 });
  });
});

describe("faults", () => {
  it("serves HTML, malformed JSON and 5xx only under pathPrefix when set", async () => {
    const emulator = createActitimeEmulator({ today: TEST_TODAY });
    server.use(...actitimeMswHandlers(emulator, ACTITIME_TEST_BASE_URL));
    const get = (path: string) => fetch(`${ACTITIME_TEST_BASE_URL}/api/v1${path}`, { headers: { authorization: basicAuth("admin", "demo") } });
    emulator.faults = { html: true, pathPrefix: "/timetrack" };
    expect((await get("/timetrack?dateFrom=2025-02-03")).headers.get("content-type")).toContain("text/html");
    expect((await get("/users/me")).status).toBe(200);
    emulator.faults = { malformedJson: true };
    await expect((await get("/users/me")).json()).rejects.toThrow();
    emulator.faults = { errorStatus: 503 };
    expect((await get("/users/me")).status).toBe(503);
    emulator.faults = { hugeBodyBytes: 2_000_000 };
    const huge = await (await get("/users/me")).text();
    expect(huge.length).toBeGreaterThan(2_000_000);
    expect(JSON.parse(huge)).toMatchObject({ username: "admin" });
  });
});
