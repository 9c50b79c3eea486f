/**
 * Throughput against the QBO emulator enforcing Intuit's limits, real-time-shaped: the emulator's
 * windows and the app's own pacer (getRealmPacer, reading and budget in the database) run at the same
 * time scale N (QBO_PACE_TIME_SCALE; an emulated minute lasts 60/N s) and each request takes
 * 250/N ms, Intuit's latency scaled. Everything is measured in emulated minutes, so the figure is the
 * one a real-time run would give, apart from our own CPU time, which does not scale (the lower N,
 * the more robust to CPU contention).
 *
 * Scenarios (the reading is what the app knows about the company when the measured import starts):
 *   A:               QBO counts a batch once; the reading is known (learned by the warm-up import's probe,
 *                    loaded from the database by a fresh pacer) → achievable 40 × 30 + 460 = 1,660 activities/min
 *   B:               QBO counts every batch item; known the same way → achievable 500/min
 *   unknown then B:  QBO counts items; the stored reading is forgotten, so the measured import probes first
 *   unknown then A:  the same with QBO counting a batch once (reported, not a target)
 *
 * Achievable: what an empty window allows for the import's size. An ideal importer sends one window's
 * allowance C at once and the next each time the window has moved on, so N activities take
 * ⌈N/C⌉ − 1 minutes; counting the first minute, its rate is N ÷ ⌈N/C⌉ per minute, and ours is
 * N ÷ (elapsed + 1 min). Share of achievable = ⌈N/C⌉ ÷ (elapsed + 1).
 *
 * Run alone: `npx tsx tests/bench/throughput.ts <A|B|unknown-B|unknown-A>`.
 */
import { performance } from "node:perf_hooks";
import { emitResult, isMain } from "./harness";

export const DEFAULT_TIME_SCALE = 2;
/** Intuit's latency per request (the stand-in: 250 ms), scaled with the clock. */
const REAL_LATENCY_MS = 250;
/** The measured import spans this many windows' worth of activities (just under). */
const WINDOWS = 5;
const TARGET_SHARE_OF_WINDOWS = 0.97;
const USERS = 40;

export type Scenario = "A" | "B" | "unknown-B" | "unknown-A";
export const SCENARIOS: Scenario[] = ["A", "B", "unknown-B", "unknown-A"];

export function benchTimeScale(): number {
  const value = Number(process.env.QBO_PACE_TIME_SCALE ?? DEFAULT_TIME_SCALE);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIME_SCALE;
}

export function achievablePerWindow(counting: "request" | "item"): number {
  return counting === "request" ? 40 * 30 + (500 - 40) : 500;
}

export interface ThroughputResult {
  scenario: Scenario;
  emulatorCounting: "request" | "item";
  readingAtStart: string;
  readingAtEnd: string;
  evidence: string;
  timeScale: number;
  latencyMs: number;
  achievablePerMinute: number;
  activities: number;
  elapsedMinutes: number;
  perMinute: number;
  /** N ÷ ⌈N/C⌉: the rate an ideal importer reaches for this N. */
  achievableRate: number;
  share: number;
  requests: { total: number; batch: number; batchItems: number; singles: number; query: number; throttled429: number };
  requestsPer1000: number;
  failed: number;
  completed: boolean;
  qboMatchesLedger: boolean;
  cpuMs: number;
  elapsedMs: number;
}

export async function benchThroughput(scenario: Scenario): Promise<ThroughputResult> {
  const timeScale = benchTimeScale();
  process.env.QBO_PACE_TIME_SCALE = String(timeScale);
  const { startMsw } = await import("./harness");
  await startMsw();
  const { createWorld } = await import("@/tests/helpers/world");
  const { resetRealmPacers } = await import("@/lib/qbo/pace");
  const { sleep } = await import("@/lib/sleep");
  const { forgetReading } = await import("@/lib/qbo/pace-store");
  const { qboClientFor } = await import("@/lib/qbo/connect");
  const { eq } = await import("drizzle-orm");
  const { ledger } = await import("@/db/schema");
  const minuteMs = 60_000 / timeScale;
  const latencyMs = REAL_LATENCY_MS / timeScale;
  const emulatorCounting = scenario === "A" || scenario === "unknown-A" ? "request" : "item";
  const perWindow = achievablePerWindow(emulatorCounting);
  const target = Math.floor(WINDOWS * perWindow * TARGET_SHARE_OF_WINDOWS);
  resetRealmPacers();
  const w = await createWorld({
    actitime: { scale: { users: USERS, records: Math.ceil(target * 1.3) } },
    qbo: { limits: {}, timeScale, batchCounting: emulatorCounting, latencyMs },
    pacer: "realm",
  });
  const realmId = w.connection.realmId;
  const records = w.actitime.listTimeTrack().sort((a, b) => a.date.localeCompare(b.date));
  const dateFrom = records[0]!.date;
  let dateTo = records[Math.min(records.length, target) - 1]!.date;
  while (records.filter((r) => r.date <= dateTo).length > target) dateTo = addDays(dateTo, -1);
  // Warm-up: everything after the measured range creates the QBO entities, and (with more than one
  // window's worth of items) teaches the realm's pacer the reading, which it stores.
  const warm = await w.preview({ dateFrom: addDays(dateTo, 1), dateTo: records[records.length - 1]!.date });
  await w.run(warm.importId, { qbo: qboClientFor(w.db, w.connection) }); // the realm's pacer, Intuit's 30 s timeout
  if (scenario.startsWith("unknown")) await forgetReading(w.db, realmId);
  const { importId, summary } = await w.preview({ dateFrom, dateTo });
  const activities = summary.counts.create + summary.counts.update + summary.counts.delete;
  await sleep(minuteMs + 100); // both windows (app and emulator) empty
  // The next import as another instance would run it: a fresh pacer that reads the reading from the database.
  resetRealmPacers();
  const qbo = qboClientFor(w.db, w.connection);
  await qbo.pacer.ready();
  const readingAtStart = qbo.pacer.reading;
  w.qbo.resetStats();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const trace = process.env.TP_TRACE
    ? setInterval(() => {
        const s = w.qbo.stats(realmId);
        console.error(`t=${((performance.now() - start) / minuteMs).toFixed(2)}min batches=${s.batch} items=${s.batchItems} singles=${s.create + s.update + s.delete} 429=${s.throttled} reading=${qbo.pacer.reading}`);
      }, minuteMs / 4)
    : undefined;
  const outcome = await w.run(importId, { qbo });
  if (trace) clearInterval(trace);
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const row = await w.importRow(importId);
  const stats = w.qbo.stats(realmId);
  const inQbo = w.qbo.list(realmId, "TimeActivity").length;
  const inLedger = (await w.db.select({ id: ledger.id }).from(ledger).where(eq(ledger.connectionId, w.connection.id))).length;
  const elapsedMinutes = elapsedMs / minuteMs;
  const windows = Math.ceil(activities / perWindow);
  const result: ThroughputResult = {
    scenario,
    emulatorCounting,
    readingAtStart,
    readingAtEnd: qbo.pacer.reading,
    evidence: qbo.pacer.evidence,
    timeScale,
    latencyMs,
    achievablePerMinute: perWindow,
    activities,
    elapsedMinutes,
    perMinute: activities / (elapsedMinutes + 1),
    achievableRate: activities / windows,
    share: windows / (elapsedMinutes + 1),
    requests: {
      total: stats.requests,
      batch: stats.batch,
      batchItems: stats.batchItems,
      singles: stats.create + stats.update + stats.delete,
      query: stats.query,
      throttled429: stats.throttled,
    },
    requestsPer1000: (stats.requests / activities) * 1000,
    failed: row.failedCount,
    completed: outcome.status === "completed" && row.progressDone === row.progressTotal,
    qboMatchesLedger: inQbo === inLedger,
    cpuMs: (cpu.user + cpu.system) / 1000,
    elapsedMs,
  };
  await w.dispose();
  return result;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

if (isMain(import.meta.url)) {
  emitResult(await benchThroughput((process.argv[2] ?? "A") as Scenario));
  process.exit(0);
}
