import { describe, expect, it } from "vitest";
import {
  canonicalRate,
  combinedKey,
  newRef,
  planImport,
  qboRef,
  resolveBillableStatus,
  resolveHourlyRate,
  resolveNewRefs,
  splitMinutes,
  truncateDescription,
  QBO_DESCRIPTION_MAX_CHARS,
  type PlanInput,
} from "@/lib/import/plan";
import type {
  ImportScope,
  LeaveRecord,
  ResolvedTargets,
  Target,
  TimeDescriptionSettings,
  TimeTrackRecord,
} from "@/lib/import/types";

// ── A small actiTIME world with every kind of rule ──────────────────────────────────────────

const link = (id: string, name: string, unitPrice?: number | null): Target => ({ kind: "qbo", ref: qboRef(id), name, unitPrice });
const SKIP: Target = { kind: "skip" };

const USER = { ann: 1, bob: 2, cat: 3 /* skip */, dan: 4 /* no rule */ } as const;
const PROJECT = { website: 10, mobile: 11 /* same customer as website */, internal: 12 /* skip */, other: 13, fresh: 14 /* create */, norule: 15 } as const;
const TOW = { design: 100 /* billable, 120 */, dev: 101 /* billable, rate hidden */, admin: 102 /* not billable */, skipped: 103, norule: 104 } as const;
const TASK = {
  designReview: 1000, // website, design
  api: 1001, // website, dev
  mobileDesign: 1002, // mobile, design
  internal: 1003, // internal (skip), design
  admin: 1004, // website, admin
  skippedWork: 1005, // website, skipped type of work
  otherDesign: 1006, // other, design
  norule: 1007, // website, type of work without rule
  fresh: 1008, // fresh project (create rule), design
  noProjectRule: 1009, // project without rule
} as const;
const LEAVE = { vacation: 1, sick: 2 /* skip */, norule: 3 } as const;

function baseTargets(): ResolvedTargets {
  return {
    users: new Map([
      [USER.ann, link("55", "Ann Lee")],
      [USER.bob, link("56", "Bob Roe")],
      [USER.cat, SKIP],
    ]),
    projects: new Map<number, Target>([
      [PROJECT.website, link("21", "Acme")],
      [PROJECT.mobile, link("21", "Acme")],
      [PROJECT.internal, SKIP],
      [PROJECT.other, link("22", "Globex")],
      [PROJECT.fresh, { kind: "qbo", ref: newRef("project", PROJECT.fresh), name: "Acme:Fresh" }],
    ]),
    typesOfWork: new Map<number, Target>([
      [TOW.design, link("8", "Design", 150)],
      [TOW.dev, link("9", "Development", 95)],
      [TOW.admin, link("10", "Admin", 40)],
      [TOW.skipped, SKIP],
    ]),
    leaveTypes: new Map<number, Target>([
      [LEAVE.vacation, link("30", "Vacation")],
      [LEAVE.sick, SKIP],
    ]),
  };
}

const COMBINED: TimeDescriptionSettings = { importTaskNames: false, importComments: false };
const NAMES: TimeDescriptionSettings = { importTaskNames: true, importComments: false };
const COMMENTS: TimeDescriptionSettings = { importTaskNames: false, importComments: true };
const BOTH: TimeDescriptionSettings = { importTaskNames: true, importComments: true };

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    timeTrack: [],
    leave: [],
    tasks: [
      { id: TASK.designReview, name: "Design review", projectId: PROJECT.website, customerId: 1, typeOfWorkId: TOW.design },
      { id: TASK.api, name: "API", projectId: PROJECT.website, customerId: 1, typeOfWorkId: TOW.dev },
      { id: TASK.mobileDesign, name: "Mobile design", projectId: PROJECT.mobile, customerId: 1, typeOfWorkId: TOW.design },
      { id: TASK.internal, name: "Internal", projectId: PROJECT.internal, customerId: 2, typeOfWorkId: TOW.design },
      { id: TASK.admin, name: "Admin", projectId: PROJECT.website, customerId: 1, typeOfWorkId: TOW.admin },
      { id: TASK.skippedWork, name: "Skipped work", projectId: PROJECT.website, customerId: 1, typeOfWorkId: TOW.skipped },
      { id: TASK.otherDesign, name: "Other design", projectId: PROJECT.other, customerId: 3, typeOfWorkId: TOW.design },
      { id: TASK.norule, name: "No rule work", projectId: PROJECT.website, customerId: 1, typeOfWorkId: TOW.norule },
      { id: TASK.fresh, name: "Fresh", projectId: PROJECT.fresh, customerId: 1, typeOfWorkId: TOW.design },
      { id: TASK.noProjectRule, name: "Orphan", projectId: PROJECT.norule, customerId: 4, typeOfWorkId: TOW.design },
    ],
    projects: [
      { id: PROJECT.website, name: "Website", customerId: 1 },
      { id: PROJECT.mobile, name: "Mobile", customerId: 1 },
      { id: PROJECT.internal, name: "Internal", customerId: 2 },
      { id: PROJECT.other, name: "Other", customerId: 3 },
      { id: PROJECT.fresh, name: "Fresh", customerId: 1 },
      { id: PROJECT.norule, name: "No rule project", customerId: 4 },
    ],
    typesOfWork: [
      { id: TOW.design, name: "Design", billable: true, rate: 120 },
      { id: TOW.dev, name: "Development", billable: true, rate: null },
      { id: TOW.admin, name: "Admin", billable: false, rate: 50 },
      { id: TOW.skipped, name: "Skipped", billable: true, rate: 10 },
      { id: TOW.norule, name: "No rule type", billable: true, rate: 10 },
    ],
    leaveTypes: [
      { id: LEAVE.vacation, name: "Vacation" },
      { id: LEAVE.sick, name: "Sick" },
      { id: LEAVE.norule, name: "Jury duty" },
    ],
    users: [
      { id: USER.ann, fullName: "Ann Lee" },
      { id: USER.bob, fullName: "Bob Roe" },
      { id: USER.cat, fullName: "Cat Poe" },
      { id: USER.dan, fullName: "Dan Doe" },
    ],
    targets: baseTargets(),
    description: COMBINED,
    ...overrides,
  };
}

const tt = (userId: number, date: string, taskId: number, minutes: number, comment: string | null = null): TimeTrackRecord => ({
  userId,
  date,
  taskId,
  minutes,
  comment,
});
const lv = (userId: number, date: string, leaveTypeId: number, minutes: number): LeaveRecord => ({ userId, date, leaveTypeId, minutes });

const DAY = "2026-03-02";

// ── Tests ─────────────────────────────────────────────────────────────────────────────────

describe("planImport — combined mode (no description settings)", () => {
  it("sums records that land on the same (employee, date, customer, item, billable, rate) into one activity", () => {
    // Two projects of one QBO customer, same type of work: one TimeActivity in QBO.
    const plan = planImport(
      input({ timeTrack: [tt(USER.ann, DAY, TASK.designReview, 90, "first"), tt(USER.ann, DAY, TASK.mobileDesign, 45, "second")] }),
    );
    expect(plan.mode).toBe("combined");
    expect(plan.activities).toEqual([
      {
        key: "c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00",
        txnDate: DAY,
        employeeRef: "qbo:55",
        customerRef: "qbo:21",
        itemRef: "qbo:8",
        billableStatus: "Billable",
        hourlyRate: 120,
        hours: 2,
        minutes: 15,
        description: null,
        sources: {
          userIds: [USER.ann],
          projectIds: [PROJECT.website, PROJECT.mobile],
          leaveTypeIds: [],
          taskIds: [TASK.designReview, TASK.mobileDesign],
          typeOfWorkIds: [TOW.design],
          recordCount: 2,
          // Lineage: the actiTIME records (user, date, task) this activity stands for.
          records: [`tt|${USER.ann}|${DAY}|${TASK.designReview}`, `tt|${USER.ann}|${DAY}|${TASK.mobileDesign}`].sort(),
        },
      },
    ]);
    expect(plan.counts).toMatchObject({ recordsIn: 2, recordsImported: 2, skipped: {} });
    expect(plan.totals).toEqual({ activities: 1, minutes: 135, hours: 2.25, trackedMinutes: 135 });
  });

  it.each([
    { name: "different items", second: TASK.admin, activities: 2 },
    { name: "different customers", second: TASK.otherDesign, activities: 2 },
    { name: "same everything", second: TASK.mobileDesign, activities: 1 },
  ])("keeps activities apart when any key field differs: $name", ({ second, activities }) => {
    const plan = planImport(input({ timeTrack: [tt(USER.ann, DAY, TASK.designReview, 60), tt(USER.ann, DAY, second, 60)] }));
    expect(plan.activities).toHaveLength(activities);
  });

  it("keeps different days and different employees apart", () => {
    const plan = planImport(
      input({
        timeTrack: [
          tt(USER.ann, "2026-03-02", TASK.designReview, 60),
          tt(USER.ann, "2026-03-03", TASK.designReview, 60),
          tt(USER.bob, "2026-03-02", TASK.designReview, 60),
        ],
      }),
    );
    expect(plan.activities.map((a) => a.key)).toEqual([
      "c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00",
      "c|qbo:56|2026-03-02|qbo:21|qbo:8|B|120.00",
      "c|qbo:55|2026-03-03|qbo:21|qbo:8|B|120.00",
    ]);
  });

  it("ignores task names and comments (description null)", () => {
    const plan = planImport(input({ timeTrack: [tt(USER.ann, DAY, TASK.designReview, 60, "hello")] }));
    expect(plan.activities[0]?.description).toBeNull();
  });
});

describe("planImport — Hours/Minutes", () => {
  it.each([
    { minutes: [59], hours: 0, rest: 59 },
    { minutes: [60], hours: 1, rest: 0 },
    { minutes: [61], hours: 1, rest: 1 },
    { minutes: [135], hours: 2, rest: 15 },
    // Split after combining: 30 + 30 is one hour, not two half-hours truncated to zero.
    { minutes: [30, 30], hours: 1, rest: 0 },
    { minutes: [45, 45, 45], hours: 2, rest: 15 },
  ])("$minutes min → Hours $hours, Minutes $rest", ({ minutes, hours, rest }) => {
    const plan = planImport(input({ timeTrack: minutes.map((m) => tt(USER.ann, DAY, TASK.designReview, m)) }));
    expect(plan.activities).toHaveLength(1);
    expect(plan.activities[0]).toMatchObject({ hours, minutes: rest });
    expect(Number.isInteger(plan.activities[0]?.hours)).toBe(true);
  });

  it("splitMinutes is floor(m/60), m % 60", () => {
    expect(splitMinutes(0)).toEqual({ hours: 0, minutes: 0 });
    expect(splitMinutes(1439)).toEqual({ hours: 23, minutes: 59 });
    expect(splitMinutes(1500)).toEqual({ hours: 25, minutes: 0 });
  });

  it("produces no activity for records that sum to 0 minutes, and counts them", () => {
    const plan = planImport(
      input({ timeTrack: [tt(USER.ann, DAY, TASK.designReview, 0), tt(USER.ann, DAY, TASK.mobileDesign, 0), tt(USER.bob, DAY, TASK.api, 30)] }),
    );
    expect(plan.activities.map((a) => a.employeeRef)).toEqual(["qbo:56"]);
    expect(plan.counts.skipped).toEqual({ zero_minutes: { records: 2, minutes: 0 } });
    expect(plan.counts.recordsImported).toBe(1);
  });

  it("rejects negative or fractional minutes instead of writing them", () => {
    const plan = planImport(input({ timeTrack: [tt(USER.ann, DAY, TASK.designReview, -5), tt(USER.ann, DAY, TASK.api, 1.5)] }));
    expect(plan.activities).toEqual([]);
    expect(plan.counts.skipped.invalid_minutes?.records).toBe(2);
  });
});

describe("planImport — separate mode (description settings)", () => {
  it.each([
    { settings: NAMES, expected: "Design review" },
    { settings: COMMENTS, expected: "Met the <b>client</b> 🎨" },
    { settings: BOTH, expected: "Design review — Met the <b>client</b> 🎨" },
  ])("writes the description per settings $settings", ({ settings, expected }) => {
    const plan = planImport(input({ description: settings, timeTrack: [tt(USER.ann, DAY, TASK.designReview, 60, "  Met the <b>client</b> 🎨 ")] }));
    expect(plan.mode).toBe("separate");
    expect(plan.activities).toHaveLength(1);
    expect(plan.activities[0]?.description).toBe(expected);
    expect(plan.activities[0]?.key).toBe(`s|tt|${USER.ann}|${DAY}|${TASK.designReview}`);
  });

  it("gives every record its own activity even where combined mode would sum them", () => {
    const plan = planImport(
      input({ description: NAMES, timeTrack: [tt(USER.ann, DAY, TASK.designReview, 90), tt(USER.ann, DAY, TASK.mobileDesign, 45)] }),
    );
    expect(plan.activities.map((a) => [a.key, a.hours, a.minutes, a.description])).toEqual([
      [`s|tt|1|${DAY}|1000`, 1, 30, "Design review"],
      [`s|tt|1|${DAY}|1002`, 0, 45, "Mobile design"],
    ]);
  });

  it("sums two records on the same (user, date, task) and joins their comments", () => {
    const plan = planImport(
      input({ description: BOTH, timeTrack: [tt(USER.ann, DAY, TASK.api, 30, "morning"), tt(USER.ann, DAY, TASK.api, 40, "afternoon")] }),
    );
    expect(plan.activities).toHaveLength(1);
    expect(plan.activities[0]).toMatchObject({ hours: 1, minutes: 10, description: "API — morning\nafternoon" });
    expect(plan.activities[0]?.sources.recordCount).toBe(2);
  });

  it("has a null description when the only setting on is comments and there is none", () => {
    const plan = planImport(input({ description: COMMENTS, timeTrack: [tt(USER.ann, DAY, TASK.api, 30, "   ")] }));
    expect(plan.activities[0]?.description).toBeNull();
  });

  it("truncates descriptions to QBO's 4000 characters, visibly", () => {
    const plan = planImport(input({ description: COMMENTS, timeTrack: [tt(USER.ann, DAY, TASK.api, 30, "x".repeat(5000))] }));
    const description = plan.activities[0]?.description ?? "";
    expect(description).toHaveLength(QBO_DESCRIPTION_MAX_CHARS);
    expect(description.endsWith("…")).toBe(true);
  });

  it("does not cut an emoji in half at the limit", () => {
    const text = "a".repeat(QBO_DESCRIPTION_MAX_CHARS - 2) + "😀" + "tail";
    const truncated = truncateDescription(text);
    expect(truncated.length).toBeLessThanOrEqual(QBO_DESCRIPTION_MAX_CHARS);
    expect(truncated).toBe("a".repeat(QBO_DESCRIPTION_MAX_CHARS - 2) + "…");
    expect(truncateDescription("short")).toBe("short");
  });

  it("keys leave by (user, date, leave type) and names it after the leave type when task names are on", () => {
    const plan = planImport(input({ description: NAMES, leave: [lv(USER.bob, DAY, LEAVE.vacation, 480)] }));
    expect(plan.activities).toEqual([
      expect.objectContaining({ key: `s|lv|${USER.bob}|${DAY}|${LEAVE.vacation}`, description: "Vacation", hours: 8, minutes: 0 }),
    ]);
  });
});

describe("planImport — leave time", () => {
  it("writes leave with the leave type's item, no customer, NotBillable and no rate", () => {
    const plan = planImport(input({ leave: [lv(USER.ann, DAY, LEAVE.vacation, 240), lv(USER.ann, DAY, LEAVE.vacation, 240)] }));
    expect(plan.activities).toEqual([
      expect.objectContaining({
        key: `c|qbo:55|${DAY}|-|qbo:30|N|-`,
        customerRef: null,
        itemRef: "qbo:30",
        billableStatus: "NotBillable",
        hourlyRate: null,
        hours: 8,
        minutes: 0,
        sources: { userIds: [1], projectIds: [], leaveTypeIds: [1], taskIds: [], typeOfWorkIds: [], recordCount: 2, records: [`lv|${USER.ann}|${DAY}|${LEAVE.vacation}`] },
      }),
    ]);
  });
});

describe("planImport — skip rules and unmapped entities", () => {
  it.each([
    { name: "user rule skip", record: tt(USER.cat, DAY, TASK.designReview, 60), reason: "user_skipped" },
    { name: "project rule skip", record: tt(USER.ann, DAY, TASK.internal, 60), reason: "project_skipped" },
    { name: "type of work rule skip", record: tt(USER.ann, DAY, TASK.skippedWork, 60), reason: "type_of_work_skipped" },
    { name: "user without rule", record: tt(USER.dan, DAY, TASK.designReview, 60), reason: "user_unmapped" },
    { name: "project without rule", record: tt(USER.ann, DAY, TASK.noProjectRule, 60), reason: "project_unmapped" },
    { name: "type of work without rule", record: tt(USER.ann, DAY, TASK.norule, 60), reason: "type_of_work_unmapped" },
    { name: "task not in the task list", record: tt(USER.ann, DAY, 9999, 60), reason: "unknown_task" },
  ])("does not import a time-track record with $name", ({ record, reason }) => {
    const plan = planImport(input({ timeTrack: [record, tt(USER.bob, DAY, TASK.api, 30)] }));
    expect(plan.activities.map((a) => a.employeeRef)).toEqual(["qbo:56"]);
    expect(plan.counts.skipped).toEqual({ [reason]: { records: 1, minutes: 60 } });
    expect(plan.counts).toMatchObject({ recordsIn: 2, recordsImported: 1 });
  });

  it.each([
    { name: "leave type rule skip", leaveTypeId: LEAVE.sick, reason: "leave_type_skipped" },
    { name: "leave type without rule", leaveTypeId: LEAVE.norule, reason: "leave_type_unmapped" },
  ])("does not import leave with $name", ({ leaveTypeId, reason }) => {
    const plan = planImport(input({ leave: [lv(USER.ann, DAY, leaveTypeId, 480)] }));
    expect(plan.activities).toEqual([]);
    expect(plan.counts.skipped).toEqual({ [reason]: { records: 1, minutes: 480 } });
  });

  it("reports every unmapped entity with its name and how much time waits on it", () => {
    const plan = planImport(
      input({
        // Dan has no rule and his task's type of work has none either: both are reported.
        timeTrack: [tt(USER.dan, DAY, TASK.norule, 60), tt(USER.dan, "2026-03-03", TASK.norule, 30), tt(USER.ann, DAY, TASK.noProjectRule, 15)],
        leave: [lv(USER.ann, DAY, LEAVE.norule, 480)],
      }),
    );
    expect(plan.activities).toEqual([]);
    expect(plan.counts.unmapped).toEqual([
      { category: "user", sourceId: USER.dan, name: "Dan Doe", recordCount: 2, minutes: 90 },
      { category: "project", sourceId: PROJECT.norule, name: "No rule project", recordCount: 1, minutes: 15 },
      { category: "type_of_work", sourceId: TOW.norule, name: "No rule type", recordCount: 2, minutes: 90 },
      { category: "leave_type", sourceId: LEAVE.norule, name: "Jury duty", recordCount: 1, minutes: 480 },
    ]);
    expect(plan.counts.skipped).toEqual({
      user_unmapped: { records: 2, minutes: 90 },
      project_unmapped: { records: 1, minutes: 15 },
      leave_type_unmapped: { records: 1, minutes: 480 },
    });
  });
});

describe("planImport — billable status and rate", () => {
  it.each([
    { billable: true, customer: "qbo:21" as const, expected: "Billable" },
    { billable: true, customer: null, expected: "NotBillable" },
    { billable: false, customer: "qbo:21" as const, expected: "NotBillable" },
    { billable: false, customer: null, expected: "NotBillable" },
  ])("type of work billable=$billable with customer $customer → $expected", ({ billable, customer, expected }) => {
    expect(resolveBillableStatus(billable, customer)).toBe(expected);
  });

  it.each([
    { name: "type of work rate", task: TASK.designReview, status: "Billable", rate: 120 },
    { name: "item UnitPrice when actiTIME hides the rate", task: TASK.api, status: "Billable", rate: 95 },
    { name: "no rate on NotBillable time", task: TASK.admin, status: "NotBillable", rate: null },
  ])("uses the $name", ({ task, status, rate }) => {
    const plan = planImport(input({ timeTrack: [tt(USER.ann, DAY, task, 60)] }));
    expect(plan.activities[0]).toMatchObject({ billableStatus: status, hourlyRate: rate });
  });

  it("counts Billable activities that have no rate anywhere", () => {
    const targets = baseTargets();
    (targets.typesOfWork as Map<number, Target>).set(TOW.dev, link("9", "Development", null));
    const plan = planImport(input({ targets, timeTrack: [tt(USER.ann, DAY, TASK.api, 60)] }));
    expect(plan.activities[0]).toMatchObject({ billableStatus: "Billable", hourlyRate: null, key: `c|qbo:55|${DAY}|qbo:21|qbo:9|B|-` });
    expect(plan.counts.billableWithoutRate).toBe(1);
  });

  it("canonicalises rates to cents so 100 and 100.0001 are one key", () => {
    expect(canonicalRate(100)).toBe(100);
    expect(canonicalRate(100.0001)).toBe(100);
    expect(canonicalRate(99.999)).toBe(100);
    expect(canonicalRate(null)).toBeNull();
    expect(resolveHourlyRate("Billable", null, 80.5)).toBe(80.5);
    expect(resolveHourlyRate("NotBillable", 120, 80)).toBeNull();
    const fields = { employeeRef: "qbo:1", txnDate: DAY, customerRef: "qbo:2", itemRef: "qbo:3", billableStatus: "Billable" } as const;
    expect(combinedKey({ ...fields, hourlyRate: 100 })).toBe(combinedKey({ ...fields, hourlyRate: 100.0001 }));
    expect(combinedKey({ ...fields, hourlyRate: 100 })).not.toBe(combinedKey({ ...fields, hourlyRate: 100.5 }));
  });
});

describe("planImport — dates", () => {
  it.each(["2026-03-29", "2026-03-08", "2026-10-25", "2026-11-01", "2026-01-01", "2026-12-31", "2024-02-29"])(
    "writes %s unchanged (calendar date, never shifted through a time zone)",
    (date) => {
      const plan = planImport(input({ timeTrack: [tt(USER.ann, date, TASK.designReview, 60)], leave: [lv(USER.bob, date, LEAVE.vacation, 60)] }));
      expect(plan.activities.map((a) => a.txnDate)).toEqual([date, date]);
      expect(plan.activities.every((a) => a.key.includes(`|${date}|`))).toBe(true);
    },
  );
});

describe("planImport — scope and approval", () => {
  const scope = (overrides: Partial<ImportScope> = {}): ImportScope => ({
    dateFrom: "2026-03-01",
    dateTo: "2026-03-31",
    userIds: null,
    projectIds: null,
    leaveTypeIds: null,
    ...overrides,
  });

  it("drops records outside the date range", () => {
    const plan = planImport(
      input({ scope: scope(), timeTrack: [tt(USER.ann, "2026-02-28", TASK.api, 60), tt(USER.ann, "2026-03-01", TASK.api, 60), tt(USER.ann, "2026-04-01", TASK.api, 60)] }),
    );
    expect(plan.activities.map((a) => a.txnDate)).toEqual(["2026-03-01"]);
    expect(plan.counts.skipped).toEqual({ outside_date_range: { records: 2, minutes: 120 } });
  });

  it("keeps only selected users, projects and leave types", () => {
    const plan = planImport(
      input({
        scope: scope({ userIds: [USER.ann], projectIds: [PROJECT.other], leaveTypeIds: [] }),
        timeTrack: [tt(USER.ann, DAY, TASK.otherDesign, 60), tt(USER.ann, DAY, TASK.api, 60), tt(USER.bob, DAY, TASK.otherDesign, 60)],
        leave: [lv(USER.ann, DAY, LEAVE.vacation, 60)],
      }),
    );
    expect(plan.activities.map((a) => [a.employeeRef, a.customerRef])).toEqual([["qbo:55", "qbo:22"]]);
    expect(plan.counts.skipped).toEqual({ not_selected: { records: 3, minutes: 180 } });
  });

  it("keeps a combined activity whole when only one of its projects is selected (it is one TimeActivity)", () => {
    const plan = planImport(
      input({
        scope: scope({ projectIds: [PROJECT.website] }),
        timeTrack: [tt(USER.ann, DAY, TASK.designReview, 60), tt(USER.ann, DAY, TASK.mobileDesign, 30)],
      }),
    );
    expect(plan.activities).toHaveLength(1);
    expect(plan.activities[0]).toMatchObject({ hours: 1, minutes: 30 });
  });

  it("imports only approved time when asked", () => {
    const plan = planImport(
      input({
        approvedOnly: true,
        timeTrack: [{ ...tt(USER.ann, DAY, TASK.api, 60), approved: true }, { ...tt(USER.bob, DAY, TASK.api, 30), approved: false }, tt(USER.bob, "2026-03-03", TASK.api, 15)],
      }),
    );
    expect(plan.activities.map((a) => a.employeeRef)).toEqual(["qbo:55"]);
    expect(plan.counts.skipped).toEqual({ not_approved: { records: 2, minutes: 45 } });
  });
});

describe("planImport — entities to create and new refs", () => {
  it("lists new: refs used by imported time, with the actiTIME ids behind them", () => {
    const targets = baseTargets();
    (targets.users as Map<number, Target>).set(USER.bob, { kind: "qbo", ref: newRef("user", USER.bob), name: "Bob Roe" });
    const plan = planImport(
      input({
        targets,
        timeTrack: [tt(USER.ann, DAY, TASK.fresh, 60), tt(USER.ann, "2026-03-03", TASK.fresh, 60), tt(USER.bob, DAY, TASK.api, 60), tt(USER.bob, DAY, TASK.internal, 60)],
      }),
    );
    expect(plan.entitiesToCreate).toEqual([
      { ref: "new:user:2", category: "user", name: "Bob Roe", sourceIds: [USER.bob], activityCount: 1 },
      { ref: "new:project:14", category: "project", name: "Acme:Fresh", sourceIds: [PROJECT.fresh], activityCount: 2 },
    ]);
    expect(plan.activities.find((a) => a.customerRef === "new:project:14")?.key).toBe(`c|qbo:55|${DAY}|new:project:14|qbo:8|B|120.00`);
  });

  it("does not list a new entity whose time is all skipped", () => {
    const targets = baseTargets();
    (targets.users as Map<number, Target>).set(USER.bob, { kind: "qbo", ref: newRef("user", USER.bob), name: "Bob Roe" });
    const plan = planImport(input({ targets, timeTrack: [tt(USER.bob, DAY, TASK.internal, 60)] }));
    expect(plan.entitiesToCreate).toEqual([]);
  });

  it("resolveNewRefs swaps created Ids in and re-keys combined activities, so the next import matches", () => {
    const plan = planImport(input({ timeTrack: [tt(USER.ann, DAY, TASK.fresh, 60)] }));
    const [activity] = plan.activities;
    if (!activity) throw new Error("expected one activity");
    const resolved = resolveNewRefs(activity, new Map([[newRef("project", PROJECT.fresh), "77"]]));
    expect(resolved).toMatchObject({ customerRef: "qbo:77", key: `c|qbo:55|${DAY}|qbo:77|qbo:8|B|120.00` });

    // The next import resolves the rule to the created customer and lands on the same key.
    const targets = baseTargets();
    (targets.projects as Map<number, Target>).set(PROJECT.fresh, link("77", "Acme:Fresh"));
    const next = planImport(input({ targets, timeTrack: [tt(USER.ann, DAY, TASK.fresh, 60)] }));
    expect(next.activities[0]?.key).toBe(resolved.key);
    expect(() => resolveNewRefs(activity, new Map())).toThrow(/new:project:14/);
  });
});

describe("planImport — determinism and mode", () => {
  const records = [
    tt(USER.bob, "2026-03-03", TASK.api, 30),
    tt(USER.ann, "2026-03-02", TASK.designReview, 60, "a"),
    tt(USER.ann, "2026-03-02", TASK.admin, 20),
    tt(USER.ann, "2026-03-01", TASK.otherDesign, 10),
  ];

  it("returns the same activities in the same order whatever the record order", () => {
    const forward = planImport(input({ timeTrack: records }));
    const backward = planImport(input({ timeTrack: [...records].reverse() }));
    expect(backward.activities).toEqual(forward.activities);
    expect(forward.activities.map((a) => a.txnDate)).toEqual(["2026-03-01", "2026-03-02", "2026-03-02", "2026-03-03"]);
  });

  it("uses disjoint keys in the two modes, so switching modes never matches old activities", () => {
    const combined = planImport(input({ timeTrack: records })).activities.map((a) => a.key);
    const separate = planImport(input({ timeTrack: records, description: NAMES })).activities.map((a) => a.key);
    expect(combined.every((k) => k.startsWith("c|"))).toBe(true);
    expect(separate.every((k) => k.startsWith("s|"))).toBe(true);
  });

  it("refuses QBO Ids that would break the key encoding", () => {
    expect(() => qboRef("12|3")).toThrow();
    expect(qboRef("123")).toBe("qbo:123");
  });
});
