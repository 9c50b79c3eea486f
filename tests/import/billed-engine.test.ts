// Billed means frozen (issue 11), end to end against the actiTIME and QuickBooks emulators: the
// table of key-changing cases × billed or not, and the demo steps of the issue.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { importItems, ledger } from "@/db/schema";
import type { SnapshotRule } from "@/lib/import/execute";
import { listSavedRules } from "@/lib/import/mapping-step";
import { lineageOf, planImport } from "@/lib/import/plan";
import { resolveTargets } from "@/lib/import/prepare";
import { readSource } from "@/lib/import/source";
import type { ActivitySources, LedgerEntry, TimeDescriptionSettings, WrittenActivity } from "@/lib/import/types";
import type { RuleForEntity } from "@/lib/mapping/rules";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import type { TimeTrackRecord } from "@/lib/sandbox/actitime/types";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const TODAY = "2026-12-01"; // the emulator's time: September – November 2026
const WEEK = { dateFrom: "2026-11-02", dateTo: "2026-11-08" };
const COMBINED: TimeDescriptionSettings = { importTaskNames: false, importComments: false };
const SEPARATE: TimeDescriptionSettings = { importTaskNames: true, importComments: true };
const MINUTES_PER_HOUR = 60;

const worlds: World[] = [];
async function world() {
  const w = await createWorld({ actitime: { today: TODAY } });
  worlds.push(w);
  return w;
}
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

type Range = { dateFrom: string; dateTo: string };
type Override = (rules: RuleForEntity[]) => RuleForEntity[];

function activities(w: World): QboTimeActivity[] {
  return w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[];
}

async function ledgerRows(w: World): Promise<LedgerEntry[]> {
  const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
  return rows.map((r) => ({ key: r.sourceKey, qboId: r.qboId, syncToken: r.syncToken, txnDate: r.txnDate, written: r.written as WrittenActivity, sources: r.sources as ActivitySources }));
}

const groupOf = (employeeRef: string, txnDate: string, customerRef: string | null, itemRef: string) => `${employeeRef}|${txnDate}|${customerRef ?? "-"}|${itemRef}`;
const groupOfTa = (ta: QboTimeActivity) =>
  groupOf(`qbo:${ta.EmployeeRef?.value}`, ta.TxnDate!, ta.CustomerRef ? `qbo:${ta.CustomerRef.value}` : null, `qbo:${ta.ItemRef?.value}`);
const minutesOfTa = (ta: QboTimeActivity) => (ta.Hours ?? 0) * MINUTES_PER_HOUR + (ta.Minutes ?? 0);

/** What actiTIME now says, record by record, under the rules the last import used. */
async function nowPerRecord(w: World, range: Range, importId: string) {
  // The rules the import used, with the entities it created (saved on completion).
  const used = ((await w.importRow(importId)).mappingSnapshot as { rules: SnapshotRule[] }).rules;
  const saved = new Map((await listSavedRules(w.db, w.connection.id)).map((r) => [`${r.category}:${r.sourceId}`, r]));
  const rules = used.map((r) => (r.kind === "create" && !r.targetQboId ? (saved.get(`${r.category}:${r.sourceId}`) ?? r) : r));
  const scope = { ...range, userIds: null, projectIds: null, leaveTypeIds: null };
  const source = await readSource(w.actitimeClient, scope);
  const plan = planImport({ ...source, targets: resolveTargets(rules, null), description: SEPARATE, scope });
  return plan.activities.map((a) => ({ id: a.sources.records![0]!, group: groupOf(a.employeeRef, a.txnDate, a.customerRef, a.itemRef), minutes: a.hours * MINUTES_PER_HOUR + a.minutes }));
}

/**
 * The promise, checked on QuickBooks itself: unbilled activities hold exactly the records no billed
 * activity holds; per employee, date, customer and item, QuickBooks (billed + unbilled) never holds
 * more than actiTIME now says except billed hours actiTIME has since reduced; billed activities are
 * untouched (same SyncToken, same hours).
 */
async function expectFrozenPromise(w: World, range: Range, importId: string, billed: { row: LedgerEntry; ta: QboTimeActivity }[]) {
  const now = await nowPerRecord(w, range, importId);
  const frozen = new Set(billed.flatMap((b) => lineageOf(b.row)));
  const nowAll = new Map<string, number>();
  const nowUnfrozen = new Map<string, number>();
  for (const r of now) {
    nowAll.set(r.group, (nowAll.get(r.group) ?? 0) + r.minutes);
    if (!frozen.has(r.id)) nowUnfrozen.set(r.group, (nowUnfrozen.get(r.group) ?? 0) + r.minutes);
  }
  const inRange = activities(w).filter((ta) => ta.TxnDate! >= range.dateFrom && ta.TxnDate! <= range.dateTo);
  const held = new Map<string, { billed: number; unbilled: number }>();
  for (const ta of inRange) {
    const h = held.get(groupOfTa(ta)) ?? { billed: 0, unbilled: 0 };
    if (ta.BillableStatus === "HasBeenBilled") h.billed += minutesOfTa(ta);
    else h.unbilled += minutesOfTa(ta);
    held.set(groupOfTa(ta), h);
  }
  const unbilledHeld = new Map([...held].filter(([, h]) => h.unbilled > 0).map(([g, h]) => [g, h.unbilled]));
  expect(unbilledHeld).toEqual(new Map([...nowUnfrozen].filter(([, m]) => m > 0)));
  for (const [group, h] of held) {
    let reduced = 0;
    for (const { ta } of billed.filter((b) => groupOfTa(b.ta) === group)) {
      const ids = new Set(lineageOf(billed.find((b) => b.ta.Id === ta.Id)!.row));
      const nowInGroup = now.filter((r) => ids.has(r.id) && r.group === group).reduce((s, r) => s + r.minutes, 0);
      reduced += Math.max(0, minutesOfTa(ta) - nowInGroup);
    }
    expect(h.billed + h.unbilled, `QuickBooks holds no more than actiTIME says for ${group}`).toBeLessThanOrEqual((nowAll.get(group) ?? 0) + reduced);
  }
  if (billed.length === 0) expect(new Map([...held].map(([g, h]) => [g, h.unbilled]))).toEqual(new Map([...nowAll].filter(([, m]) => m > 0)));
  for (const { ta } of billed) {
    const nowTa = w.qbo.get(SANDBOX_REALM, "TimeActivity", ta.Id) as unknown as QboTimeActivity;
    expect(nowTa.SyncToken, `billed ${ta.Id} untouched`).toBe(ta.SyncToken);
    expect(minutesOfTa(nowTa)).toBe(minutesOfTa(ta));
    expect(nowTa.BillableStatus).toBe("HasBeenBilled");
  }
}

interface Scene {
  w: World;
  target: TimeTrackRecord;
  snapshot: ReturnType<World["actitime"]["toJSON"]>;
}

/** A record of the week with at least two hours, on a day its user worked on another task too. */
function pickTarget(w: World, range: Range): TimeTrackRecord {
  const records = w.actitime.listTimeTrack().filter((r) => r.date >= range.dateFrom && r.date <= range.dateTo);
  const target = records.find((r) => r.timeMinutes >= 120 && records.some((o) => o.userId === r.userId && o.date === r.date && o.taskId !== r.taskId));
  if (!target) throw new Error("the seed has no suitable record");
  return target;
}

function taskOf(scene: Scene, taskId: number) {
  return scene.snapshot.tasks.find((t) => t.id === taskId)!;
}

function customerOfProject(scene: Scene, projectId: number) {
  return scene.snapshot.projects.find((p) => p.id === projectId)!.customerId;
}

/** Re-link the rule of one actiTIME entity to another QBO entity of the kind. */
function relink(w: World, category: RuleForEntity["category"], sourceId: number, kind: "Employee" | "Customer" | "Item"): Override {
  let other: { Id: string; DisplayName?: string; Name?: string } | undefined; // chosen once: a re-run keeps the new rule
  return (rules) => {
    const current = rules.find((r) => r.category === category && r.sourceId === sourceId)!;
    const currentId = current.rule.kind === "skip" ? null : (current.rule.targetQboId ?? null);
    // Users map one-to-one: the new employee must not be another user's (the Map step refuses that).
    const taken = new Set(kind === "Employee" ? rules.flatMap((r) => (r.category === "user" && r.rule.kind === "link" ? [r.rule.targetQboId] : [])) : []);
    other ??= (w.qbo.list(SANDBOX_REALM, kind) as { Id: string; DisplayName?: string; Name?: string; Type?: string; Active?: boolean }[]).find(
      (e) => e.Id !== currentId && !taken.has(e.Id) && e.Active !== false && (kind !== "Item" || e.Type === "Service"),
    )!;
    const target = other;
    return rules.map((r) => (r === current ? { ...r, rule: { kind: "link", targetQboId: target.Id, targetName: target.DisplayName ?? target.Name ?? "" } } : r));
  };
}

interface EngineCase {
  name: string;
  before: TimeDescriptionSettings;
  after?: TimeDescriptionSettings;
  /** The change between the two imports: in actiTIME, or as rules for the second preview. */
  change: (scene: Scene) => Override | void;
}

const CASES: EngineCase[] = [
  { name: "description settings on → off", before: SEPARATE, after: COMBINED, change: () => {} },
  { name: "description settings off → on", before: COMBINED, after: SEPARATE, change: () => {} },
  { name: "employee rule re-linked", before: COMBINED, change: (s) => relink(s.w, "user", s.target.userId, "Employee") },
  { name: "customer rule re-linked", before: COMBINED, change: (s) => relink(s.w, "project", taskOf(s, s.target.taskId).projectId, "Customer") },
  { name: "service item rule re-linked", before: COMBINED, change: (s) => relink(s.w, "type_of_work", taskOf(s, s.target.taskId).typeOfWorkId!, "Item") },
  {
    name: "rule set to Do not import",
    before: COMBINED,
    change: (s) => (rules) => rules.map((r) => (r.category === "user" && r.sourceId === s.target.userId ? { ...r, rule: { kind: "skip" } } : r)),
  },
  { name: "record hours changed", before: COMBINED, change: (s) => s.w.actitime.upsertTimeTrack({ ...s.target, timeMinutes: s.target.timeMinutes + 120 }) },
  { name: "record hours changed (separate mode)", before: SEPARATE, change: (s) => s.w.actitime.upsertTimeTrack({ ...s.target, timeMinutes: s.target.timeMinutes + 120 }) },
  { name: "record deleted", before: COMBINED, change: (s) => void s.w.actitime.deleteTimeTrack(s.target.userId, s.target.date, s.target.taskId) },
  {
    name: "task moved to another project",
    before: COMBINED,
    change: (s) => {
      const from = customerOfProject(s, taskOf(s, s.target.taskId).projectId);
      const to = s.snapshot.projects.find((p) => p.customerId !== from)!;
      s.w.actitime.moveTask(s.target.taskId, to.id);
    },
  },
  {
    name: "combined activity partly billed (a new record joins its key)",
    before: COMBINED,
    change: (s) => {
      // Another task of the same project, given the same type of work, not worked that day: it lands on the billed key.
      const task = taskOf(s, s.target.taskId);
      const busy = new Set(s.w.actitime.listTimeTrack().filter((r) => r.userId === s.target.userId && r.date === s.target.date).map((r) => r.taskId));
      const sibling = s.snapshot.tasks.find((t) => t.id !== task.id && t.projectId === task.projectId && !busy.has(t.id));
      if (!sibling) throw new Error("the seed has no sibling task");
      if (sibling.typeOfWorkId !== task.typeOfWorkId) s.w.actitime.setTaskTypeOfWork(sibling.id, task.typeOfWorkId!);
      s.w.actitime.upsertTimeTrack({ userId: s.target.userId, date: s.target.date, taskId: sibling.id, timeMinutes: 45, comment: null });
    },
  },
];

describe("billed means frozen — key-changing cases × billed or not, against the emulators", () => {
  for (const c of CASES) {
    for (const billed of [false, true]) {
      it(`${c.name} · ${billed ? "billed" : "not billed"}`, async () => {
        const w = await world();
        const first = await w.preview(WEEK, { settings: c.before });
        expect((await w.run(first.importId)).status).toBe("completed");
        const scene: Scene = { w, target: pickTarget(w, WEEK), snapshot: w.actitime.toJSON() };
        const targetId = `tt|${scene.target.userId}|${scene.target.date}|${scene.target.taskId}`;
        const rows = await ledgerRows(w);
        const toBill = billed ? rows.filter((r) => lineageOf(r).includes(targetId)) : [];
        if (billed) expect(toBill).toHaveLength(1);
        w.qbo.markBilled(SANDBOX_REALM, toBill.map((r) => r.qboId));
        const billedNow = toBill.map((row) => ({ row, ta: w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity }));

        const override = c.change(scene) ?? undefined;
        const second = await w.preview(WEEK, { settings: c.after ?? c.before, override });
        expect((await w.run(second.importId)).status).toBe("completed");
        expect((await w.importRow(second.importId)).failedCount).toBe(0);
        await expectFrozenPromise(w, WEEK, second.importId, billedNow);

        const items = await w.db.select().from(importItems).where(eq(importItems.importId, second.importId));
        const skipped = items.filter((i) => i.status === "skipped_billed");
        expect(skipped.every((i) => i.errorMessage?.startsWith("Billed in QuickBooks: stays at"))).toBe(true);
        if (billed) {
          // Every billed activity is reported: as a billed difference or as billed with nothing differing.
          expect(second.summary.billed?.activities).toBe(1);
          expect(second.summary.billed?.records).toBeGreaterThanOrEqual(c.name === "record deleted" ? 0 : 1);
          expect(skipped.length).toBe(second.summary.billed?.differing);
          expect((await w.importRow(second.importId)).skippedBilledCount).toBe(skipped.length);
        } else {
          expect(skipped).toEqual([]);
        }
        if (billed && c.name.startsWith("combined activity partly billed")) {
          // The new record went beside the billed activity, under its overflow key.
          expect((await ledgerRows(w)).map((r) => r.key)).toContain(`${toBill[0]!.key}#2`);
        }
        // Nothing left to do on a re-run.
        const third = await w.preview(WEEK, { settings: c.after ?? c.before, override });
        expect(third.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
      });
    }
  }
});

describe("billed means frozen — the demo steps of issue 11", () => {
  it("November with task names and comments, a record 3:00 → 5:00, two activities billed, combined Sept–Nov: no second copy of billed hours", async () => {
    const w = await world();
    const NOVEMBER = { dateFrom: "2026-11-01", dateTo: "2026-11-30" };
    const SEPT_NOV = { dateFrom: "2026-09-01", dateTo: "2026-11-30" };
    // A record of 3:00 on a day its user worked on another task too (made so when the seed has none).
    const target = pickTarget(w, NOVEMBER);
    w.actitime.upsertTimeTrack({ ...target, timeMinutes: 180 });
    const first = await w.preview(NOVEMBER, { settings: SEPARATE });
    expect((await w.run(first.importId)).status).toBe("completed");

    w.actitime.upsertTimeTrack({ ...target, timeMinutes: 300 });
    const rows = await ledgerRows(w);
    const targetId = `tt|${target.userId}|${target.date}|${target.taskId}`;
    const changed = rows.find((r) => lineageOf(r).includes(targetId))!;
    const other = rows.find((r) => r !== changed && r.written.billableStatus === "Billable" && r.txnDate !== changed.txnDate)!;
    w.qbo.markBilled(SANDBOX_REALM, [changed.qboId, other.qboId]);
    const billedNow = [changed, other].map((row) => ({ row, ta: w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity }));

    const again = await w.preview(SEPT_NOV, { settings: COMBINED });
    expect(again.summary.billed).toEqual({ activities: 2, records: 2, differing: 1, hoursDiffer: 2 });
    const items = await w.db.select().from(importItems).where(eq(importItems.importId, again.importId));
    const skipped = items.filter((i) => i.status === "skipped_billed");
    expect(skipped.map((i) => i.qboId)).toEqual([changed.qboId]);
    expect(skipped[0]!.errorMessage).toMatch(/^Billed in QuickBooks: stays at 3 h .*actiTIME now says 5 h .*for its 1 record: the 2 h difference is not written\.$/);
    expect((skipped[0]!.desired as { billed: { beforeMinutes: number; afterMinutes: number } }).billed).toMatchObject({ beforeMinutes: 180, afterMinutes: 300 });
    // No planned activity contains a record of a billed one.
    for (const item of items.filter((i) => i.status === "pending" && i.entity === "TimeActivity")) {
      const records = (item.desired as { activity?: { sources: ActivitySources } }).activity?.sources.records ?? [];
      expect(records).not.toContain(targetId);
      for (const id of lineageOf(other)) expect(records).not.toContain(id);
    }

    expect((await w.run(again.importId)).status).toBe("completed");
    await expectFrozenPromise(w, SEPT_NOV, again.importId, billedNow);
    // In the billed activity's own group QuickBooks holds the billed 3 h plus only the other records' time.
    const now = await nowPerRecord(w, SEPT_NOV, again.importId);
    const targetGroup = now.find((r) => r.id === targetId)!.group;
    const othersInGroup = now.filter((r) => r.group === targetGroup && r.id !== targetId).reduce((s, r) => s + r.minutes, 0);
    const heldInGroup = activities(w).filter((ta) => groupOfTa(ta) === targetGroup).reduce((s, ta) => s + minutesOfTa(ta), 0);
    expect(heldInGroup).toBe(180 + othersInGroup);
  });
});
