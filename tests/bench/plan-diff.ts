/**
 * Benchmark of the pure core: plan + diff of ~100,000 actiTIME records.
 * Target (issue 6): under 2 s and under 500 MB together. Run: `npx tsx tests/bench/plan-diff.ts [records] [combined|separate]`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { diffImport, type DiffResult } from "@/lib/import/diff";
import { planImport, qboRef, type PlanInput } from "@/lib/import/plan";
import type {
  DesiredActivity,
  ImportScope,
  LeaveRecord,
  LedgerEntry,
  QboActivityState,
  ResolvedTargets,
  Target,
  TimeDescriptionSettings,
  TimeTrackRecord,
} from "@/lib/import/types";
import { createPrng } from "@/lib/prng";

const USER_COUNT = 200;
const RECORDS_PER_USER_DAY = 8;
const PROJECT_COUNT = 80;
const TASKS_PER_PROJECT = 5;
const TYPE_OF_WORK_COUNT = 12;
const LEAVE_TYPE_COUNT = 4;
/** One user-day in this many is a leave day (one leave record instead of time-track). */
const LEAVE_DAY_EVERY = 20;
const EDIT_SHARE = 0.1;
const BILLED_SHARE = 0.01;
const BYTES_PER_MB = 1024 * 1024;
const KB_PER_MB = 1024;
const MS_PER_DAY = 86_400_000;


/** Calendar dates from 2026-01-01; UTC arithmetic only to enumerate days, never to shift a record's date. */
function dates(count: number): string[] {
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => new Date(start + i * MS_PER_DAY).toISOString().slice(0, 10));
}

interface World {
  base: Omit<PlanInput, "timeTrack" | "leave" | "description" | "scope">;
  timeTrack: TimeTrackRecord[];
  leave: LeaveRecord[];
  scope: ImportScope;
}

function generateWorld(recordTarget: number): World {
  const random = createPrng(42);
  const pick = (n: number) => Math.floor(random() * n);
  // Leave days yield one record instead of eight, so plan a few spare days and stop at the target.
  const dayCount = Math.max(1, Math.ceil((recordTarget / (USER_COUNT * RECORDS_PER_USER_DAY)) * 1.1));
  const days = dates(dayCount);

  const taskCount = PROJECT_COUNT * TASKS_PER_PROJECT;
  const tasks = Array.from({ length: taskCount }, (_, i) => ({
    id: 10_000 + i,
    name: `Task ${i} — ${"detail ".repeat(i % 4)}`.trim(),
    projectId: 1_000 + Math.floor(i / TASKS_PER_PROJECT),
    customerId: 1 + Math.floor(i / TASKS_PER_PROJECT / 4),
    typeOfWorkId: 100 + (i % TYPE_OF_WORK_COUNT),
  }));
  const projects = Array.from({ length: PROJECT_COUNT }, (_, i) => ({ id: 1_000 + i, name: `Project ${i}`, customerId: 1 + Math.floor(i / 4) }));
  const typesOfWork = Array.from({ length: TYPE_OF_WORK_COUNT }, (_, i) => ({
    id: 100 + i,
    name: `Work ${i}`,
    billable: i % 3 !== 0,
    rate: i % 4 === 0 ? null : 50 + i * 10,
  }));
  const leaveTypes = Array.from({ length: LEAVE_TYPE_COUNT }, (_, i) => ({ id: 1 + i, name: `Leave ${i}` }));
  const users = Array.from({ length: USER_COUNT }, (_, i) => ({ id: 1 + i, fullName: `User ${i}` }));

  const targets: ResolvedTargets = {
    users: new Map(users.map((u): [number, Target] => [u.id, u.id % 50 === 0 ? { kind: "skip" } : { kind: "qbo", ref: qboRef(String(5_000 + u.id)), name: u.fullName }])),
    // Many-to-one: four projects per QBO customer, so combined mode really combines.
    projects: new Map(projects.map((p): [number, Target] => [p.id, { kind: "qbo", ref: qboRef(String(2_000 + Math.floor(p.id / 4))), name: p.name }])),
    typesOfWork: new Map(typesOfWork.map((t): [number, Target] => [t.id, { kind: "qbo", ref: qboRef(String(300 + (t.id % 6))), name: t.name, unitPrice: 99 }])),
    leaveTypes: new Map(leaveTypes.map((l): [number, Target] => [l.id, { kind: "qbo", ref: qboRef(String(400 + l.id)), name: l.name }])),
  };

  const timeTrack: TimeTrackRecord[] = [];
  const leave: LeaveRecord[] = [];
  let produced = 0;
  outer: for (const date of days) {
    for (const user of users) {
      if (pick(LEAVE_DAY_EVERY) === 0) {
        leave.push({ userId: user.id, date, leaveTypeId: 1 + pick(LEAVE_TYPE_COUNT), minutes: 480 });
        produced += 1;
      } else {
        // A user works on a few projects a day; records are unique per (user, date, task) as in actiTIME.
        const firstTask = pick(taskCount - RECORDS_PER_USER_DAY);
        for (let r = 0; r < RECORDS_PER_USER_DAY; r++) {
          timeTrack.push({
            userId: user.id,
            date,
            taskId: 10_000 + firstTask + r,
            minutes: 15 * (1 + pick(16)),
            comment: random() < 0.3 ? `Comment ${produced} <b>with</b> markup 🎉` : null,
          });
        }
        produced += RECORDS_PER_USER_DAY;
      }
      if (produced >= recordTarget) break outer;
    }
  }
  const lastDate = days[days.length - 1] ?? "2026-01-01";
  return {
    base: { tasks, projects, typesOfWork, leaveTypes, users, targets },
    timeTrack,
    leave,
    scope: { dateFrom: "2026-01-01", dateTo: lastDate, userIds: null, projectIds: null, leaveTypeIds: null },
  };
}

/** ~10% of records edited: a third change minutes, a third are deleted, a third move to another task. */
function editRecords(records: readonly TimeTrackRecord[], taskCount: number): TimeTrackRecord[] {
  const random = createPrng(7);
  const edited: TimeTrackRecord[] = [];
  for (const record of records) {
    if (random() >= EDIT_SHARE) {
      edited.push(record);
      continue;
    }
    const kind = Math.floor(random() * 3);
    if (kind === 0) edited.push({ ...record, minutes: record.minutes + 15 });
    else if (kind === 2) edited.push({ ...record, taskId: 10_000 + ((record.taskId - 10_000 + 97) % taskCount) });
  }
  return edited;
}

function ledgerFrom(activities: readonly DesiredActivity[]): LedgerEntry[] {
  return activities.map(({ key, sources, ...written }, index) => ({
    key,
    qboId: String(100_000 + index),
    syncToken: "0",
    txnDate: written.txnDate,
    written,
    sources,
  }));
}

export interface BenchResult {
  /** Records of the first import (the ledger's source); the timed re-plan sees them after ~10% edits. */
  records: number;
  recordsAfterEdits: number;
  /** The variant measured: combined, separate, or weekly+rounded (weekly combining, rounding up to 15 minutes). */
  mode: string;
  /** First plan of the process (JIT cold): builds the ledger. */
  coldPlanMs: number;
  /** Re-plan of the edited records, then the diff against the ledger: the measured pair. */
  planMs: number;
  diffMs: number;
  peakRssMb: number;
  activities: number;
  operations: DiffResult["totals"]["counts"];
}

function runMode(world: World, description: TimeDescriptionSettings, sampleRss: () => void): BenchResult {
  const coldStart = performance.now();
  const first = planImport({ ...world.base, timeTrack: world.timeTrack, leave: world.leave, description, scope: world.scope });
  const coldPlanMs = performance.now() - coldStart;
  const ledger = ledgerFrom(first.activities);
  const editedTimeTrack = editRecords(world.timeTrack, world.base.tasks.length);
  // The caller re-reads QBO only for rows it will touch; mark ~1% of the ledger billed and deleted to exercise both paths.
  const qboState = new Map<string, QboActivityState>();
  const random = createPrng(99);
  for (const entry of ledger) {
    if (random() >= BILLED_SHARE) continue;
    const billed = random() < 0.5;
    qboState.set(entry.qboId, {
      qboId: entry.qboId,
      syncToken: "1",
      hasBeenBilled: billed,
      deleted: !billed,
      hours: entry.written.hours,
      minutes: entry.written.minutes,
    });
  }
  sampleRss();

  const planStart = performance.now();
  const plan = planImport({ ...world.base, timeTrack: editedTimeTrack, leave: world.leave, description, scope: world.scope });
  const planMs = performance.now() - planStart;
  sampleRss();

  const diffStart = performance.now();
  const diff = diffImport({ desired: plan.activities, ledger, scope: world.scope, qboState });
  const diffMs = performance.now() - diffStart;
  sampleRss();

  return {
    records: world.timeTrack.length + world.leave.length,
    recordsAfterEdits: editedTimeTrack.length + world.leave.length,
    mode: plan.mode,
    coldPlanMs: Math.round(coldPlanMs),
    planMs: Math.round(planMs),
    diffMs: Math.round(diffMs),
    peakRssMb: 0,
    activities: plan.activities.length,
    operations: diff.totals.counts,
  };
}

/** The variants `npm run bench` measures: today's two modes, and weekly combining with rounding (issue 19 §3). */
export const PLAN_DIFF_VARIANTS: Record<string, TimeDescriptionSettings> = {
  combined: { importTaskNames: false, importComments: false },
  separate: { importTaskNames: true, importComments: true },
  "weekly+rounded": { importTaskNames: false, importComments: false, combine: "week", rounding: "up", roundingMinutes: 15 },
};

export function variantSettings(name: string | undefined): TimeDescriptionSettings {
  return PLAN_DIFF_VARIANTS[name ?? "combined"] ?? PLAN_DIFF_VARIANTS.combined!;
}

export function benchPlanDiff(records = 100_000, description: TimeDescriptionSettings = { importTaskNames: false, importComments: false }, variant?: string): BenchResult {
  let peakRssBytes = process.memoryUsage().rss;
  const sampleRss = () => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  };
  const world = generateWorld(records);
  sampleRss();
  const result = runMode(world, description, sampleRss);
  // maxRSS (KB) is the true process peak, including moments between samples.
  const maxRssMb = process.resourceUsage().maxRSS / KB_PER_MB;
  return { ...result, ...(variant ? { mode: variant } : {}), peakRssMb: Math.round(Math.max(peakRssBytes / BYTES_PER_MB, maxRssMb)) };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  // One mode per process, so the peak RSS of one run does not include the other's heap.
  const records = Number(process.argv[2] ?? 100_000);
  const variant = process.argv[3] ?? "combined";
  console.log(JSON.stringify(benchPlanDiff(records, variantSettings(variant), variant), null, 2));
}
