// Contractors as vendors and class / location on activities (issue 19 parts 1 and 4), below the rule
// model: targets → planned activities → TimeActivity bodies → diff. Targets are set directly.
import { describe, expect, it } from "vitest";
import { diffImport } from "@/lib/import/diff";
import { writtenFromQbo } from "@/lib/import/drift";
import { combinedKey, newRef, planImport, qboRef, resolveNewRefs, type PlanInput } from "@/lib/import/plan";
import { activityStateFromQbo, qboActivityMatches, timeActivityBody } from "@/lib/import/qbo-activity";
import type { DesiredActivity, DimensionTargets, LedgerEntry, QboTargetRef, ResolvedTargets, Target, WrittenActivity } from "@/lib/import/types";
import type { QboTimeActivity } from "@/lib/qbo/schemas";

const link = (id: string, name: string, unitPrice?: number | null): Target => ({ kind: "qbo", ref: qboRef(id), name, unitPrice });
const vendor = (id: string, name: string): Target => ({ kind: "qbo", ref: qboRef(id), name, nameOf: "Vendor" });
const cls = (id: string) => qboRef(id) as QboTargetRef;

const USER = { ann: 1, ivy: 2 /* contractor */ } as const;
const PROJECT = { website: 10, mobile: 11 /* same customer as website */ } as const;
const TASK = { website: 100, mobile: 101 } as const;
const TOW = 500;
const LEAVE = 7;
const DAY = "2026-03-02";
const SCOPE = { dateFrom: "2026-03-01", dateTo: "2026-03-31", userIds: null, projectIds: null, leaveTypeIds: null };

function targets(extra: Partial<ResolvedTargets> = {}): ResolvedTargets {
  return {
    users: new Map([
      [USER.ann, link("55", "Ann Lee")],
      [USER.ivy, vendor("77", "Ivy Contracting")],
    ]),
    projects: new Map([
      [PROJECT.website, link("21", "Acme")],
      [PROJECT.mobile, link("21", "Acme")],
    ]),
    typesOfWork: new Map([[TOW, link("8", "Design", 150)]]),
    leaveTypes: new Map([[LEAVE, link("30", "Vacation")]]),
    ...extra,
  };
}

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    timeTrack: [
      { userId: USER.ann, date: DAY, taskId: TASK.website, minutes: 60, comment: null },
      { userId: USER.ann, date: DAY, taskId: TASK.mobile, minutes: 30, comment: null },
      { userId: USER.ivy, date: DAY, taskId: TASK.website, minutes: 45, comment: null },
    ],
    leave: [{ userId: USER.ann, date: DAY, leaveTypeId: LEAVE, minutes: 120 }],
    tasks: [
      { id: TASK.website, name: "Website", projectId: PROJECT.website, customerId: 1, typeOfWorkId: TOW },
      { id: TASK.mobile, name: "Mobile", projectId: PROJECT.mobile, customerId: 1, typeOfWorkId: TOW },
    ],
    projects: [
      { id: PROJECT.website, name: "Website", customerId: 1 },
      { id: PROJECT.mobile, name: "Mobile", customerId: 1 },
    ],
    typesOfWork: [{ id: TOW, name: "Design", billable: true, rate: 120 }],
    leaveTypes: [{ id: LEAVE, name: "Vacation" }],
    users: [
      { id: USER.ann, fullName: "Ann Lee" },
      { id: USER.ivy, fullName: "Ivy Stone" },
    ],
    targets: targets(),
    description: { importTaskNames: false, importComments: false },
    ...overrides,
  };
}

const byUser = (activities: DesiredActivity[], userId: number) => activities.filter((a) => a.sources.userIds.includes(userId));

describe("plan: a user whose target is a vendor", () => {
  it("plans the contractor's time with nameOf Vendor and the vendor as the worker; employees' activities keep their shape", () => {
    const plan = planImport(input());
    const [ivy] = byUser(plan.activities, USER.ivy);
    expect(ivy).toMatchObject({ employeeRef: "qbo:77", nameOf: "Vendor", customerRef: "qbo:21", hours: 0, minutes: 45 });
    for (const a of byUser(plan.activities, USER.ann)) expect(a).not.toHaveProperty("nameOf");
    expect(plan.activities.every((a) => !("classRef" in a) && !("departmentRef" in a))).toBe(true);
  });

  it("keeps a vendor and an employee with the same QBO Id apart in combined mode (QBO Ids are per list)", () => {
    const sameId = targets({ users: new Map([[USER.ann, link("77", "Ann Lee")], [USER.ivy, vendor("77", "Ivy Contracting")]]) });
    const plan = planImport(input({ targets: sameId, leave: [] }));
    const website = plan.activities.filter((a) => a.sources.projectIds.includes(PROJECT.website));
    expect(website).toHaveLength(2);
    expect(new Set(website.map((a) => a.key)).size).toBe(2);
    expect(website.find((a) => a.nameOf === "Vendor")?.key).toBe(`c|v:qbo:77|${DAY}|qbo:21|qbo:8|B|120.00`);
  });

  it("a new vendor (Create new QB Vendor) is an entity to create as a Vendor, and its ref resolves like an employee's", () => {
    const created = targets({ users: new Map([[USER.ann, link("55", "Ann Lee")], [USER.ivy, { kind: "qbo", ref: newRef("user", USER.ivy), name: "Ivy Stone", nameOf: "Vendor" }]]) });
    const plan = planImport(input({ targets: created }));
    expect(plan.entitiesToCreate).toEqual([{ ref: "new:user:2", category: "user", name: "Ivy Stone", sourceIds: [USER.ivy], activityCount: 1, qboEntity: "Vendor" }]);
    const [ivy] = byUser(plan.activities, USER.ivy);
    const resolved = resolveNewRefs(ivy!, new Map([["new:user:2", "901"]]));
    expect(resolved).toMatchObject({ employeeRef: "qbo:901", nameOf: "Vendor", key: `c|v:qbo:901|${DAY}|qbo:21|qbo:8|B|120.00` });
  });
});

describe("plan: class and department (location)", () => {
  const classes: DimensionTargets = { projects: new Map([[PROJECT.website, cls("3")], [PROJECT.mobile, null]]), users: new Map([[USER.ann, cls("4")], [USER.ivy, cls("4")]]) };
  const departments: DimensionTargets = { projects: new Map(), users: new Map([[USER.ann, cls("9")]]) };

  it("the project's class wins over the user's, a project's 'leave empty' too; leave takes the user's; departments per user", () => {
    const plan = planImport(input({ targets: targets({ classes, departments }) }));
    const ann = byUser(plan.activities, USER.ann);
    const website = ann.find((a) => a.sources.projectIds.includes(PROJECT.website))!;
    const mobile = ann.find((a) => a.sources.projectIds.includes(PROJECT.mobile))!;
    const leave = ann.find((a) => a.sources.leaveTypeIds.includes(LEAVE))!;
    expect(website).toMatchObject({ classRef: "qbo:3", departmentRef: "qbo:9", hours: 1, minutes: 0 });
    expect(mobile).not.toHaveProperty("classRef");
    expect(mobile).toMatchObject({ departmentRef: "qbo:9" });
    expect(leave).toMatchObject({ classRef: "qbo:4", departmentRef: "qbo:9" });
    const [ivy] = byUser(plan.activities, USER.ivy);
    expect(ivy).toMatchObject({ nameOf: "Vendor", classRef: "qbo:3" });
    expect(ivy).not.toHaveProperty("departmentRef");
  });

  it("splits one employee-day-customer-item into two activities when the projects' classes differ, and keys carry them", () => {
    const without = planImport(input({ leave: [] }));
    // Without classes, Website and Mobile (same customer, same item) are one combined activity for Ann.
    expect(byUser(without.activities, USER.ann)).toHaveLength(1);
    const split = planImport(input({ leave: [], targets: targets({ classes: { projects: new Map([[PROJECT.website, cls("3")], [PROJECT.mobile, cls("5")]]) } }) }));
    const ann = byUser(split.activities, USER.ann);
    expect(ann.map((a) => [a.classRef, a.hours * 60 + a.minutes])).toEqual([["qbo:3", 60], ["qbo:5", 30]]);
    expect(ann.map((a) => a.key)).toEqual([`c|qbo:55|${DAY}|qbo:21|qbo:8|B|120.00|k:qbo:3|d:-`, `c|qbo:55|${DAY}|qbo:21|qbo:8|B|120.00|k:qbo:5|d:-`]);
    for (const a of ann) expect(combinedKey(a)).toBe(a.key);
  });
});

describe("TimeActivity payload", () => {
  const base: WrittenActivity = { txnDate: DAY, employeeRef: "qbo:55", customerRef: "qbo:21", itemRef: "qbo:8", billableStatus: "Billable", hourlyRate: 120, hours: 1, minutes: 15, description: null };

  it("an employee's activity is NameOf Employee + EmployeeRef and carries no class or department", () => {
    const body = timeActivityBody(base);
    expect(body).toMatchObject({ NameOf: "Employee", EmployeeRef: { value: "55" } });
    expect(body).not.toHaveProperty("VendorRef");
    expect(body).not.toHaveProperty("ClassRef");
    expect(body).not.toHaveProperty("DepartmentRef");
  });

  it("a vendor's is NameOf Vendor + VendorRef (no EmployeeRef), with ClassRef and DepartmentRef when set", () => {
    const body = timeActivityBody({ ...base, nameOf: "Vendor", employeeRef: "qbo:77", classRef: "qbo:3", departmentRef: "qbo:9" });
    expect(body).toMatchObject({ NameOf: "Vendor", VendorRef: { value: "77" }, ClassRef: { value: "3" }, DepartmentRef: { value: "9" } });
    expect(body).not.toHaveProperty("EmployeeRef");
  });

  it("reads a vendor activity back as the same written fields (state, matching, drift)", () => {
    const wanted: WrittenActivity = { ...base, nameOf: "Vendor", employeeRef: "qbo:77", classRef: "qbo:3", departmentRef: "qbo:9" };
    const ta = { Id: "1", SyncToken: "0", ...timeActivityBody(wanted), VendorRef: { value: "77", name: "Ivy" } } as unknown as QboTimeActivity;
    expect(activityStateFromQbo(ta)).toMatchObject({ employeeRef: "qbo:77", nameOf: "Vendor", classRef: "qbo:3", departmentRef: "qbo:9" });
    expect(qboActivityMatches(ta, wanted)).toBe(true);
    expect(qboActivityMatches(ta, { ...wanted, classRef: "qbo:4" })).toBe(false);
    expect(qboActivityMatches(ta, { ...wanted, nameOf: undefined })).toBe(false);
    expect(qboActivityMatches(ta, { ...wanted, departmentRef: null })).toBe(false);
    expect(writtenFromQbo(ta, base)).toMatchObject({ employeeRef: "qbo:77", nameOf: "Vendor", classRef: "qbo:3", departmentRef: "qbo:9" });
  });
});

describe("diff: vendor, class and department changes are updates", () => {
  const written: WrittenActivity = { txnDate: DAY, employeeRef: "qbo:55", customerRef: "qbo:21", itemRef: "qbo:8", billableStatus: "Billable", hourlyRate: 120, hours: 1, minutes: 0, description: null };
  const key = `s|tt|1|${DAY}|100`;
  const sources = { userIds: [1], projectIds: [10], leaveTypeIds: [], taskIds: [100], typeOfWorkIds: [TOW], recordCount: 1 };
  const ledger: LedgerEntry = { key, qboId: "500", syncToken: "2", txnDate: DAY, written, sources };
  const diffTo = (desired: Partial<WrittenActivity>) => diffImport({ desired: [{ key, ...written, ...desired, sources }], ledger: [ledger], scope: SCOPE }).operations[0]!;

  it("a ledger row from before these fields equals an activity without them (unchanged)", () => {
    expect(diffTo({}).op).toBe("unchanged");
    expect(diffTo({ classRef: null, departmentRef: null, nameOf: "Employee" }).op).toBe("unchanged");
  });

  it.each([
    [{ nameOf: "Vendor" as const }, ["nameOf"]],
    [{ employeeRef: "qbo:77" as const, nameOf: "Vendor" as const }, ["employeeRef", "nameOf"]],
    [{ classRef: "qbo:3" as QboTargetRef }, ["classRef"]],
    [{ departmentRef: "qbo:9" as QboTargetRef }, ["departmentRef"]],
  ])("%o → update of %o", (change, fields) => {
    const op = diffTo(change);
    expect(op).toMatchObject({ op: "update", qboId: "500", syncToken: "2", changedFields: fields });
  });

  it("a class removed from a written activity is an update too", () => {
    const withClass = { ...ledger, written: { ...written, classRef: "qbo:3" as QboTargetRef } };
    const op = diffImport({ desired: [{ key, ...written, sources }], ledger: [withClass], scope: SCOPE }).operations[0]!;
    expect(op).toMatchObject({ op: "update", changedFields: ["classRef"] });
  });
});
