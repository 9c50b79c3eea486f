// Billed means frozen (issue 11), as pure plan + diff table tests: every key-changing case × billed
// or not, run through the preview's own pipeline (plan, rows to read, plan without billed, diff)
// against a simulated QuickBooks, then checked for the promise: QuickBooks never holds more than
// actiTIME now says, except billed hours actiTIME has since reduced, and billed activities are untouched.
import { describe, expect, it } from "vitest";
import { billedDifferenceNote, billedSummaryText, planWithoutBilled, rowsToRead } from "@/lib/import/billed";
import { diffImport, type DiffOperation, type DiffResult } from "@/lib/import/diff";
import { lineageOf, newRef, planImport, qboRef, resolveNewRefs, type PlanInput, type PlanResult } from "@/lib/import/plan";
import { compileScope } from "@/lib/import/plan/scope";
import type { ImportScope, LedgerEntry, QboActivityState, ResolvedTargets, Target, TimeDescriptionSettings, TimeTrackRecord, WrittenActivity } from "@/lib/import/types";

const link = (id: string, name: string): Target => ({ kind: "qbo", ref: qboRef(id), name });
const ANN = 1;
const BOB = 2;
const WEBSITE = 10; // → Acme (21)
const MOBILE = 11; // → Acme (21)
const OTHER = 13; // → Globex (22)
const DESIGN = 100; // billable, 120 → item 8
const TASK_DESIGN = 1000; // website
const TASK_MOBILE = 1002; // mobile
const TASK_OTHER = 1006; // other
const TASK_EXTRA = 1008; // website: a third task of Acme
const D2 = "2026-11-02";
const D3 = "2026-11-03";
const SCOPE: ImportScope = { dateFrom: "2026-09-01", dateTo: "2026-11-30", userIds: null, projectIds: null, leaveTypeIds: null };
const COMBINED: TimeDescriptionSettings = { importTaskNames: false, importComments: false };
const SEPARATE: TimeDescriptionSettings = { importTaskNames: true, importComments: true };

function targets(overrides: Partial<{ users: [number, Target][]; projects: [number, Target][]; typesOfWork: [number, Target][] }> = {}): ResolvedTargets {
  return {
    users: new Map([[ANN, link("55", "Ann")], [BOB, link("56", "Bob")], ...(overrides.users ?? [])]),
    projects: new Map([[WEBSITE, link("21", "Acme")], [MOBILE, link("21", "Acme")], [OTHER, link("22", "Globex")], ...(overrides.projects ?? [])]),
    typesOfWork: new Map([[DESIGN, link("8", "Design")], ...(overrides.typesOfWork ?? [])]),
    leaveTypes: new Map(),
  };
}

interface World {
  records: TimeTrackRecord[];
  settings: TimeDescriptionSettings;
  targets?: ResolvedTargets;
  taskProject?: Record<number, number>;
}

function planInput(world: World, scope: ImportScope = SCOPE): PlanInput {
  const project = (id: number, fallback: number) => world.taskProject?.[id] ?? fallback;
  return {
    timeTrack: world.records,
    leave: [],
    tasks: [
      { id: TASK_DESIGN, name: "Design review", projectId: project(TASK_DESIGN, WEBSITE), customerId: 1, typeOfWorkId: DESIGN },
      { id: TASK_MOBILE, name: "Mobile design", projectId: project(TASK_MOBILE, MOBILE), customerId: 1, typeOfWorkId: DESIGN },
      { id: TASK_OTHER, name: "Other design", projectId: project(TASK_OTHER, OTHER), customerId: 3, typeOfWorkId: DESIGN },
      { id: TASK_EXTRA, name: "Extra design", projectId: project(TASK_EXTRA, WEBSITE), customerId: 1, typeOfWorkId: DESIGN },
    ],
    projects: [
      { id: WEBSITE, name: "Website", customerId: 1 },
      { id: MOBILE, name: "Mobile", customerId: 1 },
      { id: OTHER, name: "Other", customerId: 3 },
    ],
    typesOfWork: [{ id: DESIGN, name: "Design", billable: true, rate: 120 }],
    leaveTypes: [],
    users: [
      { id: ANN, fullName: "Ann" },
      { id: BOB, fullName: "Bob" },
    ],
    targets: world.targets ?? targets(),
    description: world.settings,
    scope,
  };
}

const tt = (userId: number, date: string, taskId: number, minutes: number, comment: string | null = null): TimeTrackRecord => ({ userId, date, taskId, minutes, comment });

const BASE: TimeTrackRecord[] = [
  tt(ANN, D2, TASK_DESIGN, 180, "review"), // the record the cases change: 3:00
  tt(ANN, D2, TASK_MOBILE, 60, "screens"),
  tt(ANN, D3, TASK_OTHER, 210, "globex"), // 3:30
  tt(BOB, D2, TASK_DESIGN, 30),
];
const isTarget = (r: TimeTrackRecord) => r.userId === ANN && r.date === D2 && r.taskId === TASK_DESIGN;

// ── A simulated QuickBooks + ledger, applying operations the way the executor does ─────────

interface QboActivity extends WrittenActivity {
  syncToken: string;
  billed: boolean;
}

class Books {
  qbo = new Map<string, QboActivity>();
  ledger = new Map<string, LedgerEntry>();
  private nextId = 300;

  state(): Map<string, QboActivityState> {
    const states = new Map<string, QboActivityState>();
    for (const row of this.ledger.values()) {
      const ta = this.qbo.get(row.qboId);
      states.set(row.qboId, ta ? { ...ta, qboId: row.qboId, hasBeenBilled: ta.billed } : { qboId: row.qboId, syncToken: row.syncToken, hasBeenBilled: false, deleted: true, hours: 0, minutes: 0 });
    }
    return states;
  }

  apply(result: DiffResult): void {
    for (const op of result.operations) {
      if (op.op === "create") {
        const qboId = String(this.nextId++);
        const { key, sources, ...written } = op.desired;
        this.qbo.set(qboId, { ...written, syncToken: "0", billed: false });
        this.ledger.set(key, { key, qboId, syncToken: "0", txnDate: written.txnDate, written, sources });
      } else if (op.op === "update") {
        const ta = this.qbo.get(op.qboId)!;
        expect(ta.billed, `update of billed ${op.qboId}`).toBe(false);
        const { key, sources, ...written } = op.desired;
        const syncToken = String(Number(ta.syncToken) + 1);
        this.qbo.set(op.qboId, { ...written, syncToken, billed: false });
        this.ledger.set(key, { key, qboId: op.qboId, syncToken, txnDate: written.txnDate, written, sources });
      } else if (op.op === "delete") {
        const ta = this.qbo.get(op.qboId);
        expect(ta?.billed ?? false, `delete of billed ${op.qboId}`).toBe(false);
        this.qbo.delete(op.qboId);
        this.ledger.delete(op.key);
      }
    }
  }

  markBilled(predicate: (row: LedgerEntry) => boolean): LedgerEntry[] {
    const rows = [...this.ledger.values()].filter(predicate);
    for (const row of rows) {
      const ta = this.qbo.get(row.qboId)!;
      this.qbo.set(row.qboId, { ...ta, billed: true, syncToken: String(Number(ta.syncToken) + 1) });
    }
    return rows;
  }
}

/** The preview's pipeline, pure: plan, read what it touches, plan without billed records, diff. */
function preview(world: World, books: Books, scope: ImportScope = SCOPE): { plan: PlanResult; diff: DiffResult } {
  const input = planInput(world, scope);
  const first = planImport(input);
  const ledger = [...books.ledger.values()];
  const read = rowsToRead(ledger, first.activities, compileScope(scope));
  // Only the rows read are known to be billed: the others are as the ledger says.
  const all = books.state();
  const state = new Map(read.map((r) => [r.qboId, all.get(r.qboId)!]));
  const plan = planWithoutBilled(input, first, read, state);
  return { plan, diff: diffImport({ desired: plan.activities, ledger, scope, qboState: state, frozen: plan.frozen }) };
}

const MINUTES_PER_HOUR = 60;
const minutesOf = (a: { hours: number; minutes: number }) => a.hours * MINUTES_PER_HOUR + a.minutes;
const groupOf = (a: Pick<WrittenActivity, "employeeRef" | "txnDate" | "customerRef" | "itemRef">) => `${a.employeeRef}|${a.txnDate}|${a.customerRef ?? "-"}|${a.itemRef}`;

/** What actiTIME now says per (employee, date, customer, item), record by record, and which records are frozen. */
function nowByGroup(world: World, frozen: ReadonlySet<string>) {
  const perRecord = planImport(planInput({ ...world, settings: SEPARATE })).activities;
  const all = new Map<string, number>();
  const unfrozen = new Map<string, number>();
  const frozenNow = new Map<string, number>();
  for (const a of perRecord) {
    const g = groupOf(a);
    const id = a.sources.records![0]!;
    all.set(g, (all.get(g) ?? 0) + minutesOf(a));
    if (frozen.has(id)) frozenNow.set(id, minutesOf(a));
    else unfrozen.set(g, (unfrozen.get(g) ?? 0) + minutesOf(a));
  }
  return { all, unfrozen, frozenNow };
}

interface Case {
  name: string;
  before: World;
  after: World;
  /** Which activities get billed between the two imports (default: the one holding the changed record). */
  bill?: (row: LedgerEntry) => boolean;
}

const billTarget = (row: LedgerEntry) => lineageOf(row).includes(`tt|${ANN}|${D2}|${TASK_DESIGN}`);

const keyCases = (settings: TimeDescriptionSettings): Case[] => [
  {
    name: "record hours changed (3:00 → 5:00)",
    before: { records: BASE, settings },
    after: { records: BASE.map((r) => (isTarget(r) ? { ...r, minutes: 300 } : r)), settings },
  },
  { name: "record deleted", before: { records: BASE, settings }, after: { records: BASE.filter((r) => !isTarget(r)), settings } },
  {
    name: "employee rule re-linked",
    before: { records: BASE, settings },
    after: { records: BASE, settings, targets: targets({ users: [[ANN, link("57", "Ann B.")]] }) },
  },
  {
    name: "customer rule re-linked",
    before: { records: BASE, settings },
    after: { records: BASE, settings, targets: targets({ projects: [[WEBSITE, link("23", "Initech")]] }) },
  },
  {
    name: "service item rule re-linked",
    before: { records: BASE, settings },
    after: { records: BASE, settings, targets: targets({ typesOfWork: [[DESIGN, link("9", "Design 2")]] }) },
  },
  {
    name: "rule set to Do not import",
    before: { records: BASE, settings },
    after: { records: BASE, settings, targets: targets({ users: [[ANN, { kind: "skip" }]] }) },
  },
  {
    name: "task moved to another project (other customer)",
    before: { records: BASE, settings },
    after: { records: BASE, settings, taskProject: { [TASK_DESIGN]: OTHER } },
  },
];

const CASES: Case[] = [
  ...keyCases(COMBINED).map((c) => ({ ...c, name: `combined: ${c.name}` })),
  ...keyCases(SEPARATE).map((c) => ({ ...c, name: `separate: ${c.name}` })),
  { name: "description settings on → off", before: { records: BASE, settings: SEPARATE }, after: { records: BASE, settings: COMBINED } },
  { name: "description settings off → on", before: { records: BASE, settings: COMBINED }, after: { records: BASE, settings: SEPARATE } },
  {
    name: "description settings on → off, the record changed too (the demo)",
    before: { records: BASE, settings: SEPARATE },
    after: { records: BASE.map((r) => (isTarget(r) ? { ...r, minutes: 300 } : r)), settings: COMBINED },
    bill: (row) => billTarget(row) || lineageOf(row).includes(`tt|${ANN}|${D3}|${TASK_OTHER}`),
  },
  {
    name: "combined activity partly billed: a new record of the same key",
    before: { records: BASE, settings: COMBINED },
    after: { records: [...BASE, tt(ANN, D2, TASK_EXTRA, 45)], settings: COMBINED },
  },
  {
    name: "combined activity partly billed: its record changed and a new one joins",
    before: { records: BASE, settings: COMBINED },
    after: { records: [...BASE.map((r) => (isTarget(r) ? { ...r, minutes: 240 } : r)), tt(ANN, D2, TASK_EXTRA, 45)], settings: COMBINED },
  },
];

describe("billed means frozen — key-changing cases × billed or not (plan + diff)", () => {
  for (const c of CASES) {
    for (const billed of [false, true]) {
      it(`${c.name} · ${billed ? "billed" : "not billed"}`, () => {
        const books = new Books();
        books.apply(preview(c.before, books).diff);
        const billedRows = billed ? books.markBilled(c.bill ?? billTarget) : [];
        if (billed) expect(billedRows.length).toBeGreaterThan(0);
        const billedBefore = new Map(billedRows.map((r) => [r.qboId, { ...books.qbo.get(r.qboId)! }]));

        const { diff } = preview(c.after, books);
        // Nothing is ever sent for a billed activity.
        for (const op of diff.operations) {
          if (op.op === "update" || op.op === "delete") expect(billedBefore.has(op.qboId), `${op.op} of billed ${op.qboId}`).toBe(false);
        }
        books.apply(diff);

        // Billed activities untouched: same content, same SyncToken.
        for (const [qboId, before] of billedBefore) expect(books.qbo.get(qboId)).toEqual(before);

        const frozen = new Set(billedRows.flatMap((r) => lineageOf(r)));
        const now = nowByGroup(c.after, frozen);
        const held = new Map<string, { billed: number; unbilled: number }>();
        for (const ta of books.qbo.values()) {
          const g = groupOf(ta);
          const h = held.get(g) ?? { billed: 0, unbilled: 0 };
          if (ta.billed) h.billed += minutesOf(ta);
          else h.unbilled += minutesOf(ta);
          held.set(g, h);
        }
        // Exactly: unbilled activities hold exactly the records no billed activity holds.
        const unbilledHeld = new Map([...held].filter(([, h]) => h.unbilled > 0).map(([g, h]) => [g, h.unbilled]));
        expect(unbilledHeld).toEqual(new Map([...now.unfrozen].filter(([, m]) => m > 0)));
        // The promise: per group, QuickBooks (billed + unbilled) never exceeds what actiTIME now says,
        // except by billed hours actiTIME has since reduced (in that group).
        for (const [g, h] of held) {
          let reduced = 0;
          for (const row of billedRows.filter((r) => groupOf(r.written) === g)) {
            const nowInGroup = lineageOf(row).reduce((sum, id) => {
              const perRecord = planImport(planInput({ ...c.after, settings: SEPARATE })).activities.find((a) => a.sources.records![0] === id);
              return sum + (perRecord && groupOf(perRecord) === g ? minutesOf(perRecord) : 0);
            }, 0);
            reduced += Math.max(0, minutesOf(row.written) - nowInGroup);
          }
          expect(h.billed + h.unbilled, `group ${g}`).toBeLessThanOrEqual((now.all.get(g) ?? 0) + reduced);
        }
        if (!billed) expect(new Map([...held].map(([g, h]) => [g, h.unbilled]))).toEqual(new Map([...now.all].filter(([, m]) => m > 0)));

        // What differs is recorded on skipped_billed operations, and each billed activity is reported once.
        const reported = diff.operations.filter((o) => o.op === "skipped_billed" || (o.op === "unchanged" && o.billedRecords !== undefined));
        expect(reported.map((o) => o.key).sort()).toEqual(billedRows.map((r) => r.key).sort());
        for (const op of diff.operations) {
          if (op.op !== "skipped_billed") continue;
          const nowMinutes = lineageOf(op.ledger).reduce((sum, id) => sum + (now.frozenNow.get(id) ?? 0), 0);
          expect(op.difference.afterMinutes).toBe(nowMinutes);
          expect(op.difference.beforeMinutes).toBe(minutesOf(op.ledger.written));
        }

        // A re-run writes nothing: the end state is stable.
        const again = preview(c.after, books);
        expect(again.diff.totals.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
      });
    }
  }
});

const opsOf = <K extends DiffOperation["op"]>(result: DiffResult, op: K) =>
  result.operations.filter((o): o is Extract<DiffOperation, { op: K }> => o.op === op);

describe("billed means frozen — what the preview reports", () => {
  it("the demo: a separate activity changed 3:00 → 5:00 and billed is not planned again in combined mode", () => {
    const books = new Books();
    books.apply(preview({ records: BASE, settings: SEPARATE }, books).diff);
    books.markBilled((r) => billTarget(r) || lineageOf(r).includes(`tt|${ANN}|${D3}|${TASK_OTHER}`));
    const after: World = { records: BASE.map((r) => (isTarget(r) ? { ...r, minutes: 300 } : r)), settings: COMBINED };
    const { plan, diff } = preview(after, books);
    // Only the unbilled records are planned: Ann's mobile hour, Bob's half hour.
    expect(plan.activities.map((a) => [a.key, minutesOf(a)])).toEqual([
      ["c|qbo:55|2026-11-02|qbo:21|qbo:8|B|120.00", 60],
      ["c|qbo:56|2026-11-02|qbo:21|qbo:8|B|120.00", 30],
    ]);
    expect(plan.counts.frozen).toEqual({ records: 2, minutes: 510 });
    const [changed] = opsOf(diff, "skipped_billed");
    expect(changed?.difference).toEqual({ records: 1, beforeMinutes: 180, afterMinutes: 300, beforeAmountCents: 36_000, afterAmountCents: 60_000, remapped: false });
    // The 3:30 one agrees with actiTIME: it stays, with nothing to report but its record.
    expect(opsOf(diff, "unchanged").filter((o) => o.billedRecords !== undefined).map((o) => o.billedRecords)).toEqual([1]);
    expect(diff.totals.billed).toEqual({ activities: 2, records: 2, differing: 1, hoursDiffer: 2 });
    expect(billedSummaryText(diff.totals.billed)).toBe("2 records stay with billed activities; 2 h differ.");
  });

  it("a partly billed combined activity keeps its key; the new record goes to an overflow key, updated on the next run", () => {
    const books = new Books();
    books.apply(preview({ records: BASE, settings: COMBINED }, books).diff);
    const [billedRow] = books.markBilled(billTarget);
    const after: World = { records: [...BASE, tt(ANN, D2, TASK_EXTRA, 45)], settings: COMBINED };
    const { diff } = preview(after, books);
    expect(opsOf(diff, "create").map((o) => [o.key, o.afterHours])).toEqual([[`${billedRow!.key}#2`, 0.75]]);
    books.apply(diff);
    const more: World = { records: [...BASE, tt(ANN, D2, TASK_EXTRA, 90)], settings: COMBINED };
    const next = preview(more, books);
    expect(opsOf(next.diff, "update").map((o) => [o.key, o.afterHours])).toEqual([[`${billedRow!.key}#2`, 1.5]]);
    expect(next.diff.totals.counts.create).toBe(0);
  });

  it("a re-mapped record of a billed activity is reported as re-mapped, hours and amount unchanged", () => {
    const books = new Books();
    books.apply(preview({ records: BASE, settings: SEPARATE }, books).diff);
    books.markBilled(billTarget);
    const { diff } = preview({ records: BASE, settings: SEPARATE, targets: targets({ projects: [[WEBSITE, link("23", "Initech")]] }) }, books);
    const [op] = opsOf(diff, "skipped_billed");
    expect(op?.difference).toMatchObject({ records: 1, beforeMinutes: 180, afterMinutes: 180, remapped: true });
    expect(diff.totals.billed).toMatchObject({ differing: 1, hoursDiffer: 0 });
    expect(billedSummaryText(diff.totals.billed)).toBe("1 record stays with a billed activity; their amounts or rules differ.");
  });

  it("a record whose sum stays the same but whose records change is re-linked in the ledger (an update)", () => {
    const books = new Books();
    const before: World = { records: [tt(ANN, D2, TASK_DESIGN, 60), tt(ANN, D2, TASK_MOBILE, 60)], settings: COMBINED };
    books.apply(preview(before, books).diff);
    const swapped: World = { records: [tt(ANN, D2, TASK_DESIGN, 60), tt(ANN, D2, TASK_EXTRA, 60)], settings: COMBINED };
    const { diff } = preview(swapped, books);
    expect(opsOf(diff, "update").map((o) => o.changedFields)).toEqual([[]]);
    books.apply(diff);
    expect([...books.ledger.values()][0]!.sources.records).toEqual([`tt|${ANN}|${D2}|${TASK_DESIGN}`, `tt|${ANN}|${D2}|${TASK_EXTRA}`]);
  });

  it("a billed activity outside the selection keeps its record when its task moves into the selection", () => {
    const books = new Books();
    books.apply(preview({ records: BASE, settings: COMBINED }, books).diff);
    const [billedRow] = books.markBilled((r) => lineageOf(r).includes(`tt|${ANN}|${D3}|${TASK_OTHER}`));
    expect(billedRow!.sources.projectIds).toEqual([OTHER]);
    const websiteOnly: ImportScope = { ...SCOPE, projectIds: [WEBSITE] };
    const { plan, diff } = preview({ records: BASE, settings: COMBINED, taskProject: { [TASK_OTHER]: WEBSITE } }, books, websiteOnly);
    expect(plan.activities.flatMap((a) => a.sources.records)).not.toContain(`tt|${ANN}|${D3}|${TASK_OTHER}`);
    expect(opsOf(diff, "create")).toEqual([]);
    expect(opsOf(diff, "skipped_billed")).toEqual([expect.objectContaining({ key: billedRow!.key, difference: expect.objectContaining({ records: 1, remapped: true, beforeMinutes: 210, afterMinutes: 210 }) })]);
  });

  it("derives the lineage of ledger rows written before it was recorded", () => {
    const sources = { userIds: [ANN], projectIds: [WEBSITE], leaveTypeIds: [], taskIds: [TASK_DESIGN, TASK_MOBILE], typeOfWorkIds: [DESIGN], recordCount: 2 };
    expect(lineageOf({ key: `s|tt|${ANN}|${D2}|${TASK_DESIGN}`, txnDate: D2, sources })).toEqual([`tt|${ANN}|${D2}|${TASK_DESIGN}`]);
    expect(lineageOf({ key: "c|qbo:55|2026-11-02|qbo:21|qbo:8|B|120.00", txnDate: D2, sources })).toEqual([
      `tt|${ANN}|${D2}|${TASK_DESIGN}`,
      `tt|${ANN}|${D2}|${TASK_MOBILE}`,
    ]);
  });
});

describe("billed means frozen — words and keys", () => {
  it("says what stays and what differs, hours and amount", () => {
    expect(billedDifferenceNote({ records: 1, beforeMinutes: 180, afterMinutes: 300, beforeAmountCents: 36_000, afterAmountCents: 60_000, remapped: false })).toBe(
      "Billed in QuickBooks: stays at 3 h (amount 360.00). actiTIME now says 5 h (amount 600.00) for its 1 record: the 2 h difference is not written.",
    );
    expect(billedDifferenceNote({ records: 0, beforeMinutes: 90, afterMinutes: 0, beforeAmountCents: null, afterAmountCents: 0, remapped: false })).toBe(
      "Billed in QuickBooks: stays at 1.5 h. actiTIME now has none of its records: the 1.5 h difference is not written.",
    );
    expect(billedSummaryText({ activities: 4, records: 3, differing: 2, hoursDiffer: 2 })).toBe("3 records stay with billed activities; 2 h differ.");
    expect(billedSummaryText({ activities: 1, records: 1, differing: 0, hoursDiffer: 0 })).toBe("1 record stays with a billed activity; nothing differs.");
    expect(billedSummaryText({ activities: 0, records: 0, differing: 0, hoursDiffer: 0 })).toBeNull();
  });

  it("an overflow key keeps its tail when the executor resolves new entities", () => {
    const key = "c|qbo:55|2026-11-02|new:project:10|qbo:8|B|120.00#2";
    const activity = {
      key,
      txnDate: D2,
      employeeRef: qboRef("55"),
      customerRef: newRef("project", WEBSITE),
      itemRef: qboRef("8"),
      billableStatus: "Billable" as const,
      hourlyRate: 120,
      hours: 1,
      minutes: 0,
      description: null,
      sources: { userIds: [ANN], projectIds: [WEBSITE], leaveTypeIds: [], taskIds: [TASK_DESIGN], typeOfWorkIds: [DESIGN], recordCount: 1 },
    };
    expect(resolveNewRefs(activity, new Map([[newRef("project", WEBSITE), "77"]])).key).toBe("c|qbo:55|2026-11-02|qbo:77|qbo:8|B|120.00#2");
  });
});
