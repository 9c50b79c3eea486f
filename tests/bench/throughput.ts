/**
 * Throughput against the QBO emulator enforcing Intuit's limits in scaled time (timeScale N: one
 * emulated minute lasts 60/N s; the app's Pacer gets the same `minuteMs`). Three scenarios:
 *   request/request: both count a batch as one request  → ceiling 40 × 30 + 460 singles = 1,660 activities/min
 *   item/item:       both count every batch item          → ceiling 500 activities/min
 *   request/item:    the app assumes "request", QBO counts "item" (the reading production cannot rule out):
 *                    the 429s must be absorbed, the ceiling is still 500/min.
 *
 * Method: a warm-up import (the weeks after the measured range) creates the QBO entities, so the measured import writes only
 * TimeActivities; the measured range holds just under k × ceiling activities; both rate windows are
 * left to empty for one emulated minute; then Start Import is timed to the end.
 * An importer that uses the whole allowance of every minute, starting from empty windows, finishes
 * k × ceiling activities (k − 1) minutes after it starts (the first minute's allowance goes out at once),
 * so activities/min = N / (elapsed + 1 min), which equals the ceiling for such an ideal importer.
 *
 * Run alone: `npx tsx tests/bench/throughput.ts <pacer request|item> <emulator request|item>`.
 */
import { performance } from "node:perf_hooks";
import { sleep } from "@/lib/qbo/pace";
import { emitResult, isMain, startMsw } from "./harness";

export const TIME_SCALE = 4;
export const SCALED_MINUTE_MS = 60_000 / TIME_SCALE;
/** Real ms per emulated API request: ~300 ms at Intuit, scaled like the clock. */
export const LATENCY_MS = 30;
/** The measured import spans this many ceilings' worth of activities. */
const CEILING_MULTIPLE = 5;
/** Aim a little below k × ceiling, so the count does not spill into one more minute. */
const TARGET_SHARE_OF_MULTIPLE = 0.97;
const USERS = 40;

export type Counting = "request" | "item";

export function ceilingPerMinute(emulatorCounting: Counting): number {
  // 500 requests/min, 40 of them may be batches of 30: 40 × 30 + (500 − 40) singles; or every item counts.
  return emulatorCounting === "request" ? 40 * 30 + (500 - 40) : 500;
}

export interface ThroughputResult {
  pacerCounting: Counting;
  emulatorCounting: Counting;
  timeScale: number;
  latencyMs: number;
  ceiling: number;
  activities: number;
  /** Entities the measured import still had to create (single requests; ideally 0). */
  entitiesCreated: number;
  elapsedMs: number;
  elapsedMinutes: number;
  perMinute: number;
  shareOfCeiling: number;
  /** Best share possible for this N (N is not an exact multiple of the ceiling). */
  idealShare: number;
  requests: { total: number; batch: number; batchItems: number; singles: number; query: number; throttled429: number };
  failed: number;
  completed: boolean;
  qboMatchesLedger: boolean;
  cpuMs: number;
}

export async function benchThroughput(pacerCounting: Counting, emulatorCounting: Counting): Promise<ThroughputResult> {
  await startMsw();
  const { createWorld } = await import("@/tests/helpers/world");
  const { Pacer } = await import("@/lib/qbo/pace");
  const { eq } = await import("drizzle-orm");
  const { ledger } = await import("@/db/schema");
  const ceiling = ceilingPerMinute(emulatorCounting);
  const target = Math.floor(CEILING_MULTIPLE * ceiling * TARGET_SHARE_OF_MULTIPLE);
  const pacer = new Pacer({ minuteMs: SCALED_MINUTE_MS, batchCounting: pacerCounting });
  const w = await createWorld({
    actitime: { scale: { users: USERS, records: Math.ceil(target * 1.25) } },
    qbo: { limits: {}, timeScale: TIME_SCALE, batchCounting: emulatorCounting, latencyMs: LATENCY_MS },
    pacer,
  });
  const records = w.actitime.listTimeTrack().sort((a, b) => a.date.localeCompare(b.date));
  // Measured range: from the first day, whole days, until the records reach the target (leave adds a few).
  const dateFrom = records[0]!.date;
  let dateTo = records[Math.min(records.length, target) - 1]!.date;
  while (records.filter((r) => r.date <= dateTo).length > target) dateTo = addDays(dateTo, -1);
  // Warm-up: everything after the measured range (~2.5 weeks of all users' time) creates the entities.
  const warm = await w.preview({ dateFrom: addDays(dateTo, 1), dateTo: records[records.length - 1]!.date });
  await w.run(warm.importId);
  const { importId, summary } = await w.preview({ dateFrom, dateTo });
  const activities = summary.counts.create + summary.counts.update + summary.counts.delete;
  await sleep(SCALED_MINUTE_MS + 100); // both windows (app and emulator) empty
  // The warm-up may have taught the pacer QBO's counting (a 429 on a batch): start the measured run unlearned.
  pacer.batchCounting = pacerCounting;
  w.qbo.resetStats();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  // TP_TRACE=1 prints, per emulated minute, what QBO received: where a run loses time.
  const trace = process.env.TP_TRACE
    ? setInterval(() => {
        const s = w.qbo.stats(w.connection.realmId);
        console.error(`t=${((performance.now() - start) / SCALED_MINUTE_MS).toFixed(2)}min batches=${s.batch} items=${s.batchItems} singles=${s.create + s.update + s.delete} 429=${s.throttled}`);
      }, SCALED_MINUTE_MS / 2)
    : undefined;
  const outcome = await w.run(importId);
  if (trace) clearInterval(trace);
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const row = await w.importRow(importId);
  const stats = w.qbo.stats(w.connection.realmId);
  const inQbo = w.qbo.list(w.connection.realmId, "TimeActivity").length;
  const inLedger = (await w.db.select({ id: ledger.id }).from(ledger).where(eq(ledger.connectionId, w.connection.id))).length;
  const elapsedMinutes = elapsedMs / SCALED_MINUTE_MS;
  const perMinute = activities / (elapsedMinutes + 1);
  const result: ThroughputResult = {
    pacerCounting,
    emulatorCounting,
    timeScale: TIME_SCALE,
    latencyMs: LATENCY_MS,
    ceiling,
    activities,
    entitiesCreated: summary.entitiesToCreate.length,
    elapsedMs,
    elapsedMinutes,
    perMinute,
    shareOfCeiling: perMinute / ceiling,
    idealShare: activities / (Math.ceil(activities / ceiling) * ceiling),
    requests: {
      total: stats.requests,
      batch: stats.batch,
      batchItems: stats.batchItems,
      singles: stats.create + stats.update + stats.delete,
      query: stats.query,
      throttled429: stats.throttled,
    },
    failed: row.failedCount,
    completed: outcome.status === "completed" && row.progressDone === row.progressTotal,
    qboMatchesLedger: inQbo === inLedger,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  await w.dispose();
  return result;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

if (isMain(import.meta.url)) {
  const pacerCounting = (process.argv[2] ?? "request") as Counting;
  const emulatorCounting = (process.argv[3] ?? pacerCounting) as Counting;
  emitResult(await benchThroughput(pacerCounting, emulatorCounting));
  process.exit(0);
}
