import { describe, expect, it } from "vitest";
import { diffImport, type DiffOperation, type DiffResult } from "@/lib/import/diff";
import { newRef, planImport, qboRef, type PlanInput } from "@/lib/import/plan";
import { createPrng } from "@/lib/prng";
import type {
  DesiredActivity,
  ImportScope,
  LedgerEntry,
  QboActivityState,
  ResolvedTargets,
  Target,
  TimeDescriptionSettings,
  TimeTrackRecord,
} from "@/lib/import/types";

// ── World: two users, three projects (two of them one customer), three types of work, leave ──

const link = (id: string, name: string, unitPrice?: number): Target => ({ kind: "qbo", ref: qboRef(id), name, unitPrice });
const ANN = 1;
const BOB = 2;
const WEBSITE = 10; // → Acme (21)
const MOBILE = 11; // → Acme (21)
const OTHER = 13; // → Globex (22)
const DESIGN = 100; // billable, 120 → item 8
const ADMIN = 102; // not billable → item 10
const TASK_DESIGN = 1000; // website, design
const TASK_MOBILE = 1002; // mobile, design
const TASK_OTHER = 1006; // other, design
const VACATION = 1;

function targets(): { users: Map<number, Target>; projects: Map<number, Target>; typesOfWork: Map<number, Target>; leaveTypes: Map<number, Target> } {
  return {
    users: new Map([
      [ANN, link("55", "Ann")],
      [BOB, link("56", "Bob")],
    ]),
    projects: new Map([
      [WEBSITE, link("21", "Acme")],
      [MOBILE, link("21", "Acme")],
      [OTHER, link("22", "Globex")],
    ]),
    typesOfWork: new Map([
      [DESIGN, link("8", "Design")],
      [ADMIN, link("10", "Admin")],
    ]),
    leaveTypes: new Map([[VACATION, link("30", "Vacation")]]),
  };
}

interface World {
  records: TimeTrackRecord[];
  targets?: ResolvedTargets;
  description?: TimeDescriptionSettings;
  /** Task id → project id / type of work id overrides (task moved, type of work changed). */
  taskProject?: Record<number, number>;
  taskTypeOfWork?: Record<number, number>;
  leave?: PlanInput["leave"];
}

function plan(world: World): DesiredActivity[] {
  const project = (id: number, fallback: number) => world.taskProject?.[id] ?? fallback;
  const typeOfWork = (id: number, fallback: number) => world.taskTypeOfWork?.[id] ?? fallback;
  return planImport({
    timeTrack: world.records,
    leave: world.leave ?? [],
    tasks: [
      { id: TASK_DESIGN, name: "Design review", projectId: project(TASK_DESIGN, WEBSITE), customerId: 1, typeOfWorkId: typeOfWork(TASK_DESIGN, DESIGN) },
      { id: TASK_MOBILE, name: "Mobile design", projectId: project(TASK_MOBILE, MOBILE), customerId: 1, typeOfWorkId: typeOfWork(TASK_MOBILE, DESIGN) },
      { id: TASK_OTHER, name: "Other design", projectId: project(TASK_OTHER, OTHER), customerId: 3, typeOfWorkId: typeOfWork(TASK_OTHER, DESIGN) },
    ],
    projects: [
      { id: WEBSITE, name: "Website", customerId: 1 },
      { id: MOBILE, name: "Mobile", customerId: 1 },
      { id: OTHER, name: "Other", customerId: 3 },
    ],
    typesOfWork: [
      { id: DESIGN, name: "Design", billable: true, rate: 120 },
      { id: ADMIN, name: "Admin", billable: false, rate: null },
    ],
    leaveTypes: [{ id: VACATION, name: "Vacation" }],
    users: [
      { id: ANN, fullName: "Ann" },
      { id: BOB, fullName: "Bob" },
    ],
    targets: world.targets ?? targets(),
    description: world.description ?? { importTaskNames: false, importComments: false },
  }).activities;
}

/** What the executor would have stored after writing these activities (Ids 500, 501, …; SyncToken 0). */
function ledgerOf(activities: readonly DesiredActivity[], firstQboId = 500): LedgerEntry[] {
  return activities.map(({ key, sources, ...written }, index) => ({
    key,
    qboId: String(firstQboId + index),
    syncToken: "0",
    txnDate: written.txnDate,
    written,
    sources,
  }));
}

const MARCH: ImportScope = { dateFrom: "2026-03-01", dateTo: "2026-03-31", userIds: null, projectIds: null, leaveTypeIds: null };
const tt = (userId: number, date: string, taskId: number, minutes: number, comment: string | null = null): TimeTrackRecord => ({
  userId,
  date,
  taskId,
  minutes,
  comment,
});

const BASE: TimeTrackRecord[] = [
  tt(ANN, "2026-03-02", TASK_DESIGN, 120),
  tt(ANN, "2026-03-02", TASK_MOBILE, 60),
  tt(ANN, "2026-03-03", TASK_OTHER, 90),
  tt(BOB, "2026-03-02", TASK_DESIGN, 30),
];

const ops = (result: DiffResult) => result.operations.map((o) => [o.op, o.key]);
const opsOf = <K extends DiffOperation["op"]>(result: DiffResult, op: K) =>
  result.operations.filter((o): o is Extract<DiffOperation, { op: K }> => o.op === op);
const writes = (result: DiffResult) => result.totals.counts.create + result.totals.counts.update + result.totals.counts.delete;

// ── Tests ─────────────────────────────────────────────────────────────────────────────────

describe("diffImport — first import and re-run", () => {
  it("creates every activity on the first import", () => {
    const desired = plan({ records: BASE });
    const result = diffImport({ desired, ledger: [], scope: MARCH });
    expect(result.totals.counts).toEqual({ create: 3, update: 0, delete: 0, unchanged: 0, skipped_billed: 0 });
    expect(result.totals).toMatchObject({ hoursBefore: 0, hoursAfter: 5 });
    expect(opsOf(result, "create").map((o) => [o.afterHours, o.ledger])).toEqual([
      [3, undefined],
      [0.5, undefined],
      [1.5, undefined],
    ]);
  });

  it("leaves everything alone when nothing changed (zero writes)", () => {
    const desired = plan({ records: BASE });
    const result = diffImport({ desired, ledger: ledgerOf(desired), scope: MARCH });
    expect(writes(result)).toBe(0);
    expect(result.totals.counts.unchanged).toBe(3);
    expect(result.totals.hoursBefore).toBe(result.totals.hoursAfter);
  });

  it("orders operations by date, then key, whatever the input order", () => {
    const desired = plan({ records: BASE });
    const ledger = ledgerOf(desired);
    const a = diffImport({ desired, ledger, scope: MARCH });
    const b = diffImport({ desired: [...desired].reverse(), ledger: [...ledger].reverse(), scope: MARCH });
    expect(ops(b)).toEqual(ops(a));
    expect(a.operations.map((o) => o.txnDate)).toEqual(["2026-03-02", "2026-03-02", "2026-03-03"]);
  });
});

describe("diffImport — corrections (combined mode)", () => {
  const before = plan({ records: BASE });
  const ledger = ledgerOf(before);
  const annDay2 = "c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00";
  const annDay3 = "c|qbo:55|2026-03-03|qbo:22|qbo:8|B|120.00";
  const bobDay2 = "c|qbo:56|2026-03-02|qbo:21|qbo:8|B|120.00";

  it.each<{ name: string; world: World; expected: [string, string][] }>([
    {
      name: "hours changed → update",
      world: { records: BASE.map((r) => (r.taskId === TASK_OTHER ? { ...r, minutes: 150 } : r)) },
      expected: [["unchanged", annDay2], ["unchanged", bobDay2], ["update", annDay3]],
    },
    {
      name: "record deleted in actiTIME → delete",
      world: { records: BASE.filter((r) => r.taskId !== TASK_OTHER) },
      expected: [["unchanged", annDay2], ["unchanged", bobDay2], ["delete", annDay3]],
    },
    {
      name: "hours reduced to zero → delete",
      world: { records: BASE.map((r) => (r.userId === BOB ? { ...r, minutes: 0 } : r)) },
      expected: [["unchanged", annDay2], ["delete", bobDay2], ["unchanged", annDay3]],
    },
    {
      name: "one of two combined records deleted → update of the sum",
      world: { records: BASE.filter((r) => r.taskId !== TASK_MOBILE) },
      expected: [["update", annDay2], ["unchanged", bobDay2], ["unchanged", annDay3]],
    },
    {
      name: "user rule changed to skip → delete",
      world: { records: BASE, targets: { ...targets(), users: new Map<number, Target>([[ANN, link("55", "Ann")], [BOB, { kind: "skip" }]]) } },
      expected: [["unchanged", annDay2], ["delete", bobDay2], ["unchanged", annDay3]],
    },
    {
      name: "project rule retargeted to another customer → delete + create",
      world: {
        records: BASE,
        targets: { ...targets(), projects: new Map<number, Target>([[WEBSITE, link("21", "Acme")], [MOBILE, link("21", "Acme")], [OTHER, link("23", "Initech")]]) },
      },
      expected: [["unchanged", annDay2], ["unchanged", bobDay2], ["delete", annDay3], ["create", "c|qbo:55|2026-03-03|qbo:23|qbo:8|B|120.00"]],
    },
    {
      name: "task moved to another project (other customer) → delete + create",
      world: { records: BASE, taskProject: { [TASK_OTHER]: WEBSITE } },
      expected: [["unchanged", annDay2], ["unchanged", bobDay2], ["create", "c|qbo:55|2026-03-03|qbo:21|qbo:8|B|120.00"], ["delete", annDay3]],
    },
    {
      name: "type of work changed (now not billable, other item) → delete + create",
      world: { records: BASE, taskTypeOfWork: { [TASK_OTHER]: ADMIN } },
      expected: [["unchanged", annDay2], ["unchanged", bobDay2], ["create", "c|qbo:55|2026-03-03|qbo:22|qbo:10|N|-"], ["delete", annDay3]],
    },
  ])("$name", ({ world, expected }) => {
    const result = diffImport({ desired: plan(world), ledger, scope: MARCH });
    expect(ops(result)).toEqual(expected);
  });

  it("reports before/after hours on an update and the fields that changed", () => {
    const desired = plan({ records: BASE.map((r) => (r.taskId === TASK_OTHER ? { ...r, minutes: 150 } : r)) });
    const [update] = opsOf(diffImport({ desired, ledger, scope: MARCH }), "update");
    expect(update).toMatchObject({ key: annDay3, qboId: "502", syncToken: "0", beforeHours: 1.5, afterHours: 2.5, changedFields: ["hours"] });
    expect(update?.desired).toMatchObject({ hours: 2, minutes: 30 });
  });

  it("reports hours going to zero on a delete, with the Id and SyncToken to delete", () => {
    const result = diffImport({ desired: plan({ records: BASE.filter((r) => r.userId !== BOB) }), ledger, scope: MARCH });
    expect(opsOf(result, "delete")).toEqual([
      expect.objectContaining({ key: bobDay2, qboId: "501", syncToken: "0", ledgerOnly: false, beforeHours: 0.5, afterHours: 0 }),
    ]);
    expect(result.totals).toMatchObject({ hoursBefore: 5, hoursAfter: 4.5 });
  });

  it("creates an activity whose entity is being created, rather than matching an old row", () => {
    const t = targets();
    t.projects.set(OTHER, { kind: "qbo", ref: newRef("project", OTHER), name: "Globex 2" });
    const result = diffImport({ desired: plan({ records: BASE, targets: t }), ledger, scope: MARCH });
    expect(opsOf(result, "create").map((o) => o.desired.customerRef)).toEqual(["new:project:13"]);
    expect(opsOf(result, "delete").map((o) => o.key)).toEqual([annDay3]);
  });
});

describe("diffImport — separate mode", () => {
  const NAMES = { importTaskNames: true, importComments: false };
  const before = plan({ records: BASE, description: NAMES });
  const ledger = ledgerOf(before);

  it("updates (not delete + create) when a task moves to another customer: the key is (user, date, task)", () => {
    const result = diffImport({ desired: plan({ records: BASE, description: NAMES, taskProject: { [TASK_OTHER]: WEBSITE } }), ledger, scope: MARCH });
    expect(result.totals.counts).toEqual({ create: 0, update: 1, delete: 0, unchanged: 3, skipped_billed: 0 });
    expect(opsOf(result, "update")[0]).toMatchObject({ key: `s|tt|${ANN}|2026-03-03|${TASK_OTHER}`, changedFields: ["customerRef"] });
  });

  it("updates the item, status and rate when the task's type of work changes", () => {
    const result = diffImport({ desired: plan({ records: BASE, description: NAMES, taskTypeOfWork: { [TASK_OTHER]: ADMIN } }), ledger, scope: MARCH });
    expect(opsOf(result, "update")[0]?.changedFields).toEqual(["itemRef", "billableStatus", "hourlyRate"]);
  });

  it("updates the description when a comment changes", () => {
    const withComments = { importTaskNames: true, importComments: true };
    const first = plan({ records: BASE, description: withComments });
    const edited = BASE.map((r) => (r.userId === BOB ? { ...r, comment: "now with a comment" } : r));
    const result = diffImport({ desired: plan({ records: edited, description: withComments }), ledger: ledgerOf(first), scope: MARCH });
    expect(opsOf(result, "update")).toEqual([expect.objectContaining({ changedFields: ["description"], beforeHours: 0.5, afterHours: 0.5 })]);
  });

  it("deletes every old activity and creates new ones when the description mode is switched", () => {
    const result = diffImport({ desired: plan({ records: BASE }), ledger, scope: MARCH });
    expect(result.totals.counts).toEqual({ create: 3, update: 0, delete: 4, unchanged: 0, skipped_billed: 0 });
    expect(result.totals).toMatchObject({ hoursBefore: 5, hoursAfter: 5 });
  });
});

describe("diffImport — QBO state (billed, deleted, SyncToken)", () => {
  const before = plan({ records: BASE });
  const ledger = ledgerOf(before);
  const state = (qboId: string, overrides: Partial<QboActivityState> = {}): [string, QboActivityState] => {
    const entry = ledger.find((l) => l.qboId === qboId);
    if (!entry) throw new Error(`no ledger row ${qboId}`);
    return [qboId, { qboId, syncToken: "0", hasBeenBilled: false, hours: entry.written.hours, minutes: entry.written.minutes, ...overrides }];
  };

  it("never updates a billed activity and reports the difference", () => {
    const desired = plan({ records: BASE.map((r) => (r.taskId === TASK_OTHER ? { ...r, minutes: 150 } : r)) });
    const result = diffImport({ desired, ledger, scope: MARCH, qboState: new Map([state("502", { hasBeenBilled: true })]) });
    expect(result.totals.counts).toEqual({ create: 0, update: 0, delete: 0, unchanged: 2, skipped_billed: 1 });
    expect(opsOf(result, "skipped_billed")[0]).toMatchObject({ blocked: "update", qboId: "502", beforeHours: 1.5, afterHours: 2.5 });
    expect(result.totals).toMatchObject({ hoursAfter: 5, hoursBlockedByBilling: 1 });
  });

  it("never deletes a billed activity and reports the difference", () => {
    const desired = plan({ records: BASE.filter((r) => r.userId !== BOB) });
    const result = diffImport({ desired, ledger, scope: MARCH, qboState: new Map([state("501", { hasBeenBilled: true })]) });
    expect(opsOf(result, "skipped_billed")).toEqual([
      expect.objectContaining({ blocked: "delete", qboId: "501", beforeHours: 0.5, afterHours: 0 }),
    ]);
    expect(opsOf(result, "delete")).toEqual([]);
    expect(result.totals.hoursBlockedByBilling).toBe(-0.5);
  });

  it("leaves a billed activity that needs no change as unchanged", () => {
    const result = diffImport({ desired: before, ledger, scope: MARCH, qboState: new Map([state("500", { hasBeenBilled: true })]) });
    expect(result.totals.counts.unchanged).toBe(3);
  });

  it("re-creates an unchanged activity that was deleted inside QBO, naming the ledger row to replace", () => {
    const result = diffImport({ desired: before, ledger, scope: MARCH, qboState: new Map([state("500", { deleted: true })]) });
    const [create] = opsOf(result, "create");
    expect(create).toMatchObject({ key: ledger[0]?.key, beforeHours: 0, afterHours: 3 });
    expect(create?.ledger?.qboId).toBe("500");
    expect(result.totals.counts).toMatchObject({ create: 1, unchanged: 2 });
  });

  it("re-creates a changed activity that was deleted inside QBO instead of updating it", () => {
    const desired = plan({ records: BASE.map((r) => (r.taskId === TASK_OTHER ? { ...r, minutes: 150 } : r)) });
    const result = diffImport({ desired, ledger, scope: MARCH, qboState: new Map([state("502", { deleted: true })]) });
    expect(result.totals.counts).toMatchObject({ create: 1, update: 0 });
  });

  it("drops only the ledger row when an activity no longer desired is already gone from QBO", () => {
    const desired = plan({ records: BASE.filter((r) => r.userId !== BOB) });
    const result = diffImport({ desired, ledger, scope: MARCH, qboState: new Map([state("501", { deleted: true })]) });
    expect(opsOf(result, "delete")).toEqual([expect.objectContaining({ qboId: "501", ledgerOnly: true, beforeHours: 0 })]);
  });

  it("uses QBO's newer SyncToken for updates and deletes", () => {
    const desired = plan({ records: BASE.filter((r) => r.userId !== BOB).map((r) => (r.taskId === TASK_OTHER ? { ...r, minutes: 150 } : r)) });
    const result = diffImport({
      desired,
      ledger,
      scope: MARCH,
      qboState: new Map([state("502", { syncToken: "3" }), state("501", { syncToken: "7" })]),
    });
    expect(opsOf(result, "update")[0]?.syncToken).toBe("3");
    expect(opsOf(result, "delete")[0]?.syncToken).toBe("7");
  });
});

describe("diffImport — scope", () => {
  const records = [...BASE, tt(ANN, "2026-04-01", TASK_DESIGN, 60), tt(BOB, "2026-03-05", TASK_OTHER, 60)];
  const ledger = ledgerOf(plan({ records }));

  it("never deletes ledger rows dated outside the range", () => {
    const result = diffImport({ desired: [], ledger, scope: { ...MARCH, dateTo: "2026-03-31" } });
    expect(result.operations.every((o) => o.txnDate <= "2026-03-31")).toBe(true);
    expect(result.totals.counts.delete).toBe(4);
  });

  it("never deletes ledger rows of unselected users", () => {
    const result = diffImport({ desired: [], ledger, scope: { ...MARCH, userIds: [ANN] } });
    expect(opsOf(result, "delete").map((o) => o.ledger.written.employeeRef)).toEqual(["qbo:55", "qbo:55"]);
  });

  it("never deletes ledger rows of unselected projects or leave types", () => {
    const withLeave = ledgerOf(plan({ records, leave: [{ userId: ANN, date: "2026-03-04", leaveTypeId: VACATION, minutes: 480 }] }));
    const onlyOther = diffImport({ desired: [], ledger: withLeave, scope: { ...MARCH, projectIds: [OTHER], leaveTypeIds: [] } });
    expect(opsOf(onlyOther, "delete").map((o) => o.ledger.written.customerRef)).toEqual(["qbo:22", "qbo:22"]);
    const onlyLeave = diffImport({ desired: [], ledger: withLeave, scope: { ...MARCH, projectIds: [], leaveTypeIds: [VACATION] } });
    expect(opsOf(onlyLeave, "delete").map((o) => o.ledger.written.itemRef)).toEqual(["qbo:30"]);
  });

  it("owns a combined row when any of its projects is selected", () => {
    // Ann 2026-03-02 combines Website and Mobile; selecting Mobile alone still owns it.
    const result = diffImport({ desired: [], ledger, scope: { ...MARCH, userIds: [ANN], projectIds: [MOBILE] } });
    expect(opsOf(result, "delete").map((o) => o.key)).toEqual(["c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00"]);
  });

  it("updates a matching ledger row even when that row is outside the selection, never duplicating its key", () => {
    // Bob's row was written from Website alone; now Website is unselected but the desired key matches it.
    const desired = plan({ records: BASE.map((r) => (r.userId === BOB ? { ...r, minutes: 45 } : r)) });
    const result = diffImport({ desired, ledger: ledgerOf(plan({ records: BASE })), scope: { ...MARCH, projectIds: [OTHER] } });
    expect(opsOf(result, "create")).toEqual([]);
    expect(opsOf(result, "update").map((o) => o.key)).toEqual(["c|qbo:56|2026-03-02|qbo:21|qbo:8|B|120.00"]);
  });

  it("rejects duplicate keys instead of guessing", () => {
    const desired = plan({ records: BASE });
    expect(() => diffImport({ desired: [...desired, ...desired], ledger: [], scope: MARCH })).toThrow(/two entries/);
    const ledgerRows = ledgerOf(desired);
    expect(() => diffImport({ desired, ledger: [...ledgerRows, ...ledgerRows], scope: MARCH })).toThrow(/two rows/);
  });
});

describe("diffImport — applying the operations converges", () => {

  /** What the executor does with the ledger, minus QBO: the next diff must then find nothing to do. */
  function apply(ledger: readonly LedgerEntry[], result: DiffResult): LedgerEntry[] {
    const byKey = new Map(ledger.map((l) => [l.key, l]));
    let nextId = 9_000;
    for (const operation of result.operations) {
      if (operation.op === "delete") byKey.delete(operation.key);
      if (operation.op === "create" || operation.op === "update") {
        const { key, sources, ...written } = operation.desired;
        const qboId = operation.op === "update" ? operation.qboId : String(nextId++);
        byKey.set(key, { key, qboId, syncToken: "1", txnDate: written.txnDate, written, sources });
      }
    }
    return [...byKey.values()];
  }

  it.each([
    { name: "combined", description: { importTaskNames: false, importComments: false } },
    { name: "separate", description: { importTaskNames: true, importComments: true } },
  ])("a re-run after any edits writes nothing ($name mode)", ({ description }) => {
    const random = createPrng(2026);
    const tasks = [TASK_DESIGN, TASK_MOBILE, TASK_OTHER];
    const days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"];
    const records: TimeTrackRecord[] = [];
    for (const userId of [ANN, BOB]) for (const date of days) for (const taskId of tasks) {
      if (random() < 0.7) records.push(tt(userId, date, taskId, 15 * Math.floor(random() * 12), random() < 0.5 ? `note ${records.length}` : null));
    }
    let ledger = apply([], diffImport({ desired: plan({ records, description }), ledger: [], scope: MARCH }));

    for (let round = 0; round < 5; round++) {
      const edited = records
        .filter(() => random() > 0.15)
        .map((r) => (random() < 0.3 ? { ...r, minutes: 15 * Math.floor(random() * 12), comment: random() < 0.5 ? "edited" : r.comment } : r));
      const world: World = { records: edited, description, taskProject: random() < 0.5 ? { [TASK_OTHER]: WEBSITE } : {} };
      const desired = plan(world);
      ledger = apply(ledger, diffImport({ desired, ledger, scope: MARCH }));
      const rerun = diffImport({ desired, ledger, scope: MARCH });
      expect(writes(rerun)).toBe(0);
      expect(ledger.map((l) => l.key).sort()).toEqual(desired.map((d) => d.key).sort());
    }
  });
});
