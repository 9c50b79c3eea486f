// Rules that apply from a date (issue 19 §2): the plan takes, for every record, the target in force
// on its date; the snapshot's periods resolve into dated targets; the Preview counts what a dated rule moves.
import { describe, expect, it } from "vitest";
import { billedLineage, newRef, planImport, qboRef, type PlanInput } from "@/lib/import/plan";
import { datedRuleEffects, datedRuleSentence, resolveDatedTargets, resolveTargets } from "@/lib/import/prepare";
import { snapshotCreates } from "@/lib/import/snapshot";
import type { QboTargetRef, ResolvedTargets, SnapshotRule, Target, TimeDescriptionSettings } from "@/lib/import/types";
import type { QboDirectory } from "@/lib/mapping/directory";

const link = (id: string, name: string): Target => ({ kind: "qbo", ref: qboRef(id), name, unitPrice: null });
const COMBINED: TimeDescriptionSettings = { importTaskNames: false, importComments: false };
const SEPARATE: TimeDescriptionSettings = { importTaskNames: true, importComments: false };
const BOUNDARY = "2026-11-15";
const BEFORE = "2026-11-14";
const AFTER = "2026-11-16";

const ANN = 1;
const WEBSITE = 10;
const MOBILE = 11;
const DESIGN = 100;
const VACATION = 1;
const TASK = { design: 1000, mobile: 1001 } as const;

function targets(dated: ResolvedTargets["dated"]): ResolvedTargets {
  return {
    users: new Map([[ANN, link("55", "Ann Lee")]]),
    projects: new Map([
      [WEBSITE, link("21", "Acme")],
      [MOBILE, link("21", "Acme")],
    ]),
    typesOfWork: new Map([[DESIGN, link("8", "Design")]]),
    leaveTypes: new Map([[VACATION, link("30", "Vacation")]]),
    dated,
  };
}

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    timeTrack: [],
    leave: [],
    tasks: [
      { id: TASK.design, name: "Design", projectId: WEBSITE, customerId: 1, typeOfWorkId: DESIGN },
      { id: TASK.mobile, name: "Mobile", projectId: MOBILE, customerId: 1, typeOfWorkId: DESIGN },
    ],
    projects: [
      { id: WEBSITE, name: "Website", customerId: 1 },
      { id: MOBILE, name: "Mobile", customerId: 1 },
    ],
    typesOfWork: [{ id: DESIGN, name: "Design", billable: true, rate: 100 }],
    leaveTypes: [{ id: VACATION, name: "Vacation" }],
    users: [{ id: ANN, fullName: "Ann Lee" }],
    targets: targets(undefined),
    description: COMBINED,
    ...overrides,
  };
}

const day = (date: string, taskId: number = TASK.design, minutes = 60) => ({ userId: ANN, date, taskId, minutes, comment: null });
const threeDays = [day(BEFORE), day(BOUNDARY), day(AFTER)];

describe("planImport — a user's rule from 2026-11-15", () => {
  const dated = { users: new Map([[ANN, [{ from: BOUNDARY, target: link("57", "Ann Lee (contractor payroll)") }]]]) };
  for (const description of [COMBINED, SEPARATE]) {
    const mode = description === COMBINED ? "combined" : "separate";
    it(`${mode}: the day before keeps the earlier employee, on and after the date take the new one`, () => {
      const plan = planImport(input({ timeTrack: threeDays, targets: targets(dated), description }));
      expect(plan.activities.map((a) => [a.txnDate, a.employeeRef])).toEqual([
        [BEFORE, "qbo:55"],
        [BOUNDARY, "qbo:57"],
        [AFTER, "qbo:57"],
      ]);
    });
  }

  it("without dated targets every date takes the undated rule (today's behaviour)", () => {
    const plan = planImport(input({ timeTrack: threeDays }));
    expect(plan.activities.map((a) => a.employeeRef)).toEqual(["qbo:55", "qbo:55", "qbo:55"]);
  });

  it("combined mode: the activity key follows the target of each date, so a changed employee is another activity", () => {
    const undated = planImport(input({ timeTrack: threeDays }));
    const withDate = planImport(input({ timeTrack: threeDays, targets: targets(dated) }));
    const keys = (plan: typeof undated) => new Map(plan.activities.map((a) => [a.txnDate, a.key]));
    expect(keys(withDate).get(BEFORE)).toBe(keys(undated).get(BEFORE));
    expect(keys(withDate).get(BOUNDARY)).not.toBe(keys(undated).get(BOUNDARY));
    expect(keys(withDate).get(BOUNDARY)).toContain("qbo:57");
  });

  it("a leave record follows its user's dated rule too", () => {
    const plan = planImport(input({ leave: [{ userId: ANN, date: BEFORE, leaveTypeId: VACATION, minutes: 480 }, { userId: ANN, date: BOUNDARY, leaveTypeId: VACATION, minutes: 480 }], targets: targets(dated) }));
    expect(plan.activities.map((a) => a.employeeRef)).toEqual(["qbo:55", "qbo:57"]);
  });

  it("a dated 'Do not import' skips only the records on and after its date", () => {
    const plan = planImport(input({ timeTrack: threeDays, targets: targets({ users: new Map([[ANN, [{ from: BOUNDARY, target: { kind: "skip" } }]]]) }) }));
    expect(plan.activities.map((a) => a.txnDate)).toEqual([BEFORE]);
    expect(plan.counts.skipped.user_skipped).toEqual({ records: 2, minutes: 120 });
  });

  it("a dated period without a rule reports the entity unmapped for those records only", () => {
    const plan = planImport(input({ timeTrack: threeDays, targets: targets({ users: new Map([[ANN, [{ from: AFTER, target: undefined }]]]) }) }));
    expect(plan.activities.map((a) => a.txnDate)).toEqual([BEFORE, BOUNDARY]);
    expect(plan.counts.unmapped).toEqual([{ category: "user", sourceId: ANN, name: "Ann Lee", recordCount: 1, minutes: 60 }]);
  });

  it("several periods: each record takes the last one starting on or before its date", () => {
    const periods = [
      { from: BOUNDARY, target: link("57", "Second") },
      { from: AFTER, target: link("58", "Third") },
    ];
    const plan = planImport(input({ timeTrack: [day("2026-11-01"), ...threeDays, day("2026-11-30")], targets: targets({ users: new Map([[ANN, periods]]) }) }));
    expect(plan.activities.map((a) => a.employeeRef)).toEqual(["qbo:55", "qbo:55", "qbo:57", "qbo:58", "qbo:58"]);
  });
});

describe("planImport — a project's and a type of work's rule from a date", () => {
  it("combined mode: two projects sharing a customer combine before the date and split after it", () => {
    const dated = { projects: new Map([[MOBILE, [{ from: BOUNDARY, target: link("23", "Mobile Inc") }]]]) };
    const records = [day(BEFORE), day(BEFORE, TASK.mobile, 30), day(BOUNDARY), day(BOUNDARY, TASK.mobile, 30)];
    const plan = planImport(input({ timeTrack: records, targets: targets(dated) }));
    expect(plan.activities.map((a) => [a.txnDate, a.customerRef, a.hours * 60 + a.minutes, a.sources.projectIds])).toEqual(
      expect.arrayContaining([
        [BEFORE, "qbo:21", 90, [WEBSITE, MOBILE]],
        [BOUNDARY, "qbo:21", 60, [WEBSITE]],
        [BOUNDARY, "qbo:23", 30, [MOBILE]],
      ]),
    );
    expect(plan.activities).toHaveLength(3);
  });

  it("separate mode: the record keeps its key, its customer follows the date", () => {
    const dated = { projects: new Map([[WEBSITE, [{ from: BOUNDARY, target: link("23", "Mobile Inc") }]]]) };
    const plan = planImport(input({ timeTrack: threeDays, targets: targets(dated), description: SEPARATE }));
    const undated = planImport(input({ timeTrack: threeDays, description: SEPARATE }));
    expect(plan.activities.map((a) => a.key)).toEqual(undated.activities.map((a) => a.key));
    expect(plan.activities.map((a) => a.customerRef)).toEqual(["qbo:21", "qbo:23", "qbo:23"]);
  });

  it("a type of work's item follows the date", () => {
    const dated = { typesOfWork: new Map([[DESIGN, [{ from: BOUNDARY, target: link("9", "Design 2027") }]]]) };
    const plan = planImport(input({ timeTrack: threeDays, targets: targets(dated) }));
    expect(plan.activities.map((a) => a.itemRef)).toEqual(["qbo:8", "qbo:9", "qbo:9"]);
  });

  it("a leave type's item follows the date", () => {
    const dated = { leaveTypes: new Map([[VACATION, [{ from: BOUNDARY, target: link("31", "Paid leave") }]]]) };
    const plan = planImport(input({ leave: [BEFORE, BOUNDARY].map((date) => ({ userId: ANN, date, leaveTypeId: VACATION, minutes: 480 })), targets: targets(dated) }));
    expect(plan.activities.map((a) => a.itemRef)).toEqual(["qbo:30", "qbo:31"]);
  });

  it("a dated create counts only the activities that use it", () => {
    const created = { kind: "qbo" as const, ref: newRef("project", WEBSITE), name: "Website Ltd" };
    const plan = planImport(input({ timeTrack: threeDays, targets: targets({ projects: new Map([[WEBSITE, [{ from: BOUNDARY, target: created }]]]) }) }));
    expect(plan.entitiesToCreate).toEqual([{ ref: "new:project:10", category: "project", name: "Website Ltd", sourceIds: [WEBSITE], activityCount: 2 }]);
  });
});

describe("planImport — billed activity before the boundary", () => {
  it("stays with its billed activity and is not planned again; what it would get now is its earlier target", () => {
    const earlier = planImport(input({ timeTrack: threeDays }));
    const billedRow = earlier.activities.find((a) => a.txnDate === BEFORE)!;
    const billed = billedLineage([{ key: billedRow.key, txnDate: billedRow.txnDate, sources: billedRow.sources }]);
    const dated = { users: new Map([[ANN, [{ from: BOUNDARY, target: link("57", "New") }]]]) };
    const plan = planImport(input({ timeTrack: threeDays, targets: targets(dated), billed }));
    expect(plan.activities.map((a) => a.txnDate)).toEqual([BOUNDARY, AFTER]);
    expect(plan.frozen).toHaveLength(1);
    expect(plan.frozen[0]!.ledgerKey).toBe(billedRow.key);
    expect(plan.frozen[0]!.targets.join()).toContain("qbo:55");
    expect(plan.frozen[0]!.targets.join()).not.toContain("qbo:57");
  });
});

// ── The snapshot's periods → dated targets ───────────────────────────────────────────────────

const rule = (sourceId: number, targetQboId: string, validFrom?: string | null, category: SnapshotRule["category"] = "user"): SnapshotRule => ({
  category,
  sourceId,
  sourceName: `Entity ${sourceId}`,
  kind: "link",
  targetQboId,
  targetName: `Target ${targetQboId}`,
  createOptions: null,
  ...(validFrom !== undefined ? { validFrom } : {}),
});

describe("resolveDatedTargets", () => {
  it("without periods is resolveTargets", () => {
    const rules = [rule(ANN, "55"), rule(WEBSITE, "21", undefined, "project")];
    expect(resolveDatedTargets({ rules }, null)).toEqual(resolveTargets(rules, null));
  });

  it("the earliest period is the undated target, later ones dated targets in order", () => {
    const resolved = resolveDatedTargets({ rules: [rule(ANN, "58", AFTER)], periods: [rule(ANN, "57", BOUNDARY), rule(ANN, "55", null)] }, null);
    expect(resolved.users.get(ANN)).toMatchObject({ ref: "qbo:55" });
    expect(resolved.dated?.users?.get(ANN)?.map((d) => [d.from, d.target?.kind === "qbo" ? d.target.ref : null])).toEqual([
      [BOUNDARY, "qbo:57"],
      [AFTER, "qbo:58"],
    ]);
    expect(resolved.dated?.projects).toBeUndefined();
  });

  it("a current rule dated before the range with no earlier period in the snapshot applies to the whole range", () => {
    const resolved = resolveDatedTargets({ rules: [rule(ANN, "57", "2026-10-01")] }, null);
    expect(resolved.users.get(ANN)).toMatchObject({ ref: "qbo:57" });
    expect(resolved.dated?.users).toBeUndefined();
  });

  it("an earlier period's create that made nothing yet creates its entity for its dates (the entity's one new: ref)", () => {
    const create: SnapshotRule = { ...rule(ANN, "x", null), kind: "create", targetQboId: null, targetName: "Ann New" };
    const resolved = resolveDatedTargets({ rules: [rule(ANN, "57", BOUNDARY)], periods: [create] }, null);
    expect(resolved.users.get(ANN)).toMatchObject({ kind: "qbo", ref: "new:user:1", name: "Ann New" });
    expect(resolved.dated?.users?.get(ANN)?.[0]?.target).toMatchObject({ ref: "qbo:57" });
    // The plan creates it once, for the records before the date only.
    const plan = planImport(input({ timeTrack: threeDays, targets: { ...targets(undefined), users: resolved.users, dated: resolved.dated } }));
    expect(plan.activities.map((a) => [a.txnDate, a.employeeRef])).toEqual([
      [BEFORE, "new:user:1"],
      [BOUNDARY, "qbo:57"],
      [AFTER, "qbo:57"],
    ]);
    expect(plan.entitiesToCreate).toEqual([{ ref: "new:user:1", category: "user", name: "Ann New", sourceIds: [ANN], activityCount: 1 }]);
  });

  it("the current rule's create owns the new: ref: an earlier create of another name resolves as no rule, of the same name shares it", () => {
    const period = (name: string): SnapshotRule => ({ ...rule(ANN, "x", null), kind: "create", targetQboId: null, targetName: name });
    const current: SnapshotRule = { ...rule(ANN, "x", BOUNDARY), kind: "create", targetQboId: null, targetName: "Ann Current" };
    const other = resolveDatedTargets({ rules: [current], periods: [period("Ann Earlier")] }, null);
    expect(other.users.has(ANN)).toBe(false);
    expect(other.dated?.users?.get(ANN)?.[0]?.target).toMatchObject({ ref: "new:user:1", name: "Ann Current" });
    const same = resolveDatedTargets({ rules: [current], periods: [period(" ann current ")] }, null);
    expect(same.users.get(ANN)).toMatchObject({ ref: "new:user:1" });
  });

  it("without a current create, the latest earlier create owns the ref; an older one of another name has no rule", () => {
    const period = (name: string, validFrom: string | null): SnapshotRule => ({ ...rule(ANN, "x", validFrom), kind: "create", targetQboId: null, targetName: name });
    const resolved = resolveDatedTargets({ rules: [rule(ANN, "57", AFTER)], periods: [period("Ann First", null), period("Ann Second", BOUNDARY)] }, null);
    expect(resolved.users.has(ANN)).toBe(false);
    expect(resolved.dated?.users?.get(ANN)?.map((d) => d.target && d.target.kind === "qbo" && [d.target.ref, d.target.name])).toEqual([
      ["new:user:1", "Ann Second"],
      ["qbo:57", "Target 57"],
    ]);
  });
});

describe("snapshotCreates", () => {
  const create = (name: string, validFrom: string | null): SnapshotRule => ({ ...rule(WEBSITE, "x", validFrom, "project"), kind: "create", targetQboId: null, targetName: name });
  it("an entity's create: the current rule's, with the earlier periods naming the same entity", () => {
    const current = create("Website Ltd", BOUNDARY);
    const same = create("Website Ltd", null);
    expect(snapshotCreates({ rules: [current], periods: [same] }).get(`project:${WEBSITE}`)).toEqual({ rule: current, periods: [same] });
  });
  it("a period's create made already (targetQboId set) is a link, not a create", () => {
    expect(snapshotCreates({ rules: [rule(WEBSITE, "21", BOUNDARY, "project")], periods: [{ ...create("Website Ltd", null), targetQboId: "90" }] }).size).toBe(0);
  });
});

describe("datedRuleEffects (the Preview's sentence)", () => {
  const source = { timeTrack: [...threeDays, day("2026-12-02")], leave: [{ userId: ANN, date: AFTER, leaveTypeId: VACATION, minutes: 60 }], tasks: input({}).tasks };
  it("counts the records of the range from the date, per entity", () => {
    const effects = datedRuleEffects({ rules: [{ ...rule(ANN, "57", BOUNDARY), sourceName: "Ann Lee" }], periods: [rule(ANN, "55", null)] }, source, { dateFrom: "2026-11-01", dateTo: "2026-11-30" });
    expect(effects).toEqual([{ category: "user", sourceId: ANN, name: "Ann Lee", from: BOUNDARY, records: 3 }]);
    expect(datedRuleSentence(effects[0]!)).toBe("3 records from 2026-11-15 follow the new rule for user Ann Lee");
  });

  it("says nothing when the rule's date is outside the range or at its first day", () => {
    expect(datedRuleEffects({ rules: [rule(ANN, "57", "2026-11-01")] }, source, { dateFrom: "2026-11-01", dateTo: "2026-11-30" })).toEqual([]);
    expect(datedRuleEffects({ rules: [rule(ANN, "57", "2026-12-01")] }, source, { dateFrom: "2026-11-01", dateTo: "2026-11-30" })).toEqual([]);
  });
});

// ── Class / Location rules from a date (issue 19 §2 with §4) ───────────────────────────────────

describe("planImport — Class / Location choices in force on each record's date", () => {
  const cref = (id: string) => qboRef(id) as QboTargetRef;
  const classes = (overrides: Partial<NonNullable<ResolvedTargets["classes"]>>): NonNullable<ResolvedTargets["classes"]> => ({ projects: new Map(), users: new Map(), ...overrides });
  const withDimensions = (dims: Pick<ResolvedTargets, "classes" | "departments">) => ({ ...targets(undefined), ...dims });
  const refs = (plan: ReturnType<typeof planImport>) => plan.activities.map((a) => [a.txnDate, a.classRef ?? null, a.departmentRef ?? null]);

  it("a project's Class and Location change at the boundary: the day before keeps the earlier ones", () => {
    const dims = {
      classes: classes({ projects: new Map([[WEBSITE, cref("300")]]), datedProjects: new Map([[WEBSITE, [{ from: BOUNDARY, ref: cref("301") }]]]) }),
      departments: classes({ projects: new Map([[WEBSITE, cref("400")]]), datedProjects: new Map([[WEBSITE, [{ from: BOUNDARY, ref: cref("401") }]]]) }),
    };
    for (const description of [COMBINED, SEPARATE]) {
      const plan = planImport(input({ timeTrack: threeDays, targets: withDimensions(dims), description }));
      expect(refs(plan)).toEqual([
        [BEFORE, "qbo:300", "qbo:400"],
        [BOUNDARY, "qbo:301", "qbo:401"],
        [AFTER, "qbo:301", "qbo:401"],
      ]);
    }
  });

  it("a project's period without a Class rule falls through to the user's; a dated 'leave it empty' wins over the user's", () => {
    const dims = {
      classes: classes({
        projects: new Map([[WEBSITE, cref("300")]]),
        users: new Map([[ANN, cref("500")]]),
        datedProjects: new Map([[WEBSITE, [{ from: BOUNDARY, ref: undefined }, { from: AFTER, ref: null }]]]),
      }),
    };
    const plan = planImport(input({ timeTrack: threeDays, targets: withDimensions(dims) }));
    expect(refs(plan)).toEqual([
      [BEFORE, "qbo:300", null],
      [BOUNDARY, "qbo:500", null],
      [AFTER, null, null],
    ]);
  });

  it("a user's dated Class applies to the user's leave and to projects without a rule; a project's rule still wins", () => {
    const dims = { classes: classes({ projects: new Map([[MOBILE, cref("310")]]), users: new Map([[ANN, cref("500")]]), datedUsers: new Map([[ANN, [{ from: BOUNDARY, ref: cref("501") }]]]) }) };
    const leave = [BEFORE, BOUNDARY].map((date) => ({ userId: ANN, date, leaveTypeId: VACATION, minutes: 480 }));
    const plan = planImport(input({ timeTrack: [day(BEFORE), day(BOUNDARY), day(BOUNDARY, TASK.mobile)], leave, targets: withDimensions(dims), description: SEPARATE }));
    expect(plan.activities.map((a) => [a.txnDate, a.customerRef && a.sources.projectIds[0], a.classRef])).toEqual(
      expect.arrayContaining([
        [BEFORE, WEBSITE, "qbo:500"],
        [BOUNDARY, WEBSITE, "qbo:501"],
        [BOUNDARY, MOBILE, "qbo:310"],
        [BEFORE, null, "qbo:500"],
        [BOUNDARY, null, "qbo:501"],
      ]),
    );
    expect(plan.activities).toHaveLength(5);
  });

  it("combined per week: records of one week on both sides of the boundary become two activities, one per Class", () => {
    const dims = { classes: classes({ projects: new Map([[WEBSITE, cref("300")]]), datedProjects: new Map([[WEBSITE, [{ from: "2026-11-18", ref: cref("301") }]]]) }) };
    // Monday 16 – Sunday 22 November 2026.
    const plan = planImport(input({ timeTrack: [day("2026-11-16"), day("2026-11-17"), day("2026-11-18"), day("2026-11-19")], targets: withDimensions(dims), description: { ...COMBINED, combine: "week" } }));
    expect(plan.activities.map((a) => [a.txnDate, a.classRef, a.hours])).toEqual(
      expect.arrayContaining([
        ["2026-11-16", "qbo:300", 2],
        ["2026-11-16", "qbo:301", 2],
      ]),
    );
    expect(plan.activities).toHaveLength(2);
  });
});

describe("resolveDatedTargets — Class / Location of each period", () => {
  const tracked: QboDirectory = {
    employees: [],
    customers: [],
    vendors: [],
    items: [],
    incomeAccounts: [],
    payrollEnabled: false,
    classes: [{ id: "300", name: "East", fullyQualifiedName: "East", active: true }],
    departments: [{ id: "400", name: "HQ", fullyQualifiedName: "HQ", active: true }],
  };
  const project = (targetQboId: string, validFrom: string | null | undefined, dimensions: SnapshotRule["dimensions"]): SnapshotRule => ({ ...rule(WEBSITE, targetQboId, validFrom, "project"), ...(dimensions ? { dimensions } : {}) });

  it("the earliest period's choices are undated, later periods' dated from their validFrom; a period without the key has none", () => {
    const resolved = resolveDatedTargets(
      {
        rules: [project("21", AFTER, { class: { qboId: "302", name: "North" } })],
        periods: [project("21", null, { class: { qboId: "300", name: "East" }, location: { qboId: "400", name: "HQ" } }), project("21", BOUNDARY, { class: null })],
      },
      tracked,
    );
    expect(resolved.classes?.projects.get(WEBSITE)).toBe("qbo:300");
    expect(resolved.classes?.datedProjects?.get(WEBSITE)).toEqual([
      { from: BOUNDARY, ref: null },
      { from: AFTER, ref: "qbo:302" },
    ]);
    expect(resolved.departments?.projects.get(WEBSITE)).toBe("qbo:400");
    expect(resolved.departments?.datedProjects?.get(WEBSITE)).toEqual([
      { from: BOUNDARY, ref: undefined },
      { from: AFTER, ref: undefined },
    ]);
  });

  it("a company that tracks neither gets no Class / Location targets, dated or not", () => {
    const resolved = resolveDatedTargets({ rules: [project("21", BOUNDARY, { class: { qboId: "302", name: "North" } })], periods: [project("21", null, { class: { qboId: "300", name: "East" } })] }, null);
    expect(resolved.classes).toBeUndefined();
    expect(resolved.departments).toBeUndefined();
  });
});
