// Embedded scheduling (issue 18 §1): without Inngest, this process looks for due Schedules once a
// minute and runs them one after another, with the same logic as the hosted cron (lib/schedule/run):
// each slot is claimed in the database, so several processes (or a restart within a minute) never
// start one twice. Started from instrumentation.ts beside the start-up recovery.
import type { Db } from "@/db/client";
import { getDb } from "@/db/client";
import { getEnv } from "@/lib/env";
import { requestImportRun } from "@/lib/import/runner";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { qboClientFor } from "@/lib/qbo/connect";
import { keepAliveTick } from "@/lib/qbo/health";
import { notifyEndedScheduledRuns, notifyReconnectNeeded } from "@/lib/notify/events";
import { dueSchedules, runScheduledImport, type ScheduledRunDeps, type ScheduledRunResult } from "./run";

export const SCHEDULER_TICK_MS = 60_000;
/** Idle companies' tokens are looked at once an hour (issue 18 §3). */
export const KEEP_ALIVE_EVERY_TICKS = 60;

/** One look: runs every due slot, in turn. */
export async function schedulerTick(deps: Omit<ScheduledRunDeps, "now"> & { now?: () => Date }): Promise<ScheduledRunResult[]> {
  const now = deps.now ?? (() => new Date());
  const results: ScheduledRunResult[] = [];
  for (const due of await dueSchedules(deps.db, now())) {
    if (deps.signal?.aborted) break;
    results.push(await runScheduledImport({ ...deps, now }, due.connectionId, due.slotAt));
  }
  return results;
}

const state = globalThis as unknown as { __scheduler?: { timer: NodeJS.Timeout; abort: AbortController } };

function runDeps(db: Db, signal: AbortSignal): ScheduledRunDeps {
  return { db, signal, qboFor: (c) => qboClientFor(db, c), actitimeFor: (a, m) => actitimeClientForAdmin(db, a, m), requestRun: (data) => requestImportRun(data) };
}

/** Starts the once-a-minute look in this process (not when Inngest schedules). Idempotent. */
export function startInProcessScheduler(): void {
  if (getEnv().inngest.enabled || state.__scheduler) return;
  const abort = new AbortController();
  let busy = false;
  let ticks = 0;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const keepAlive = ticks++ % KEEP_ALIVE_EVERY_TICKS === 0;
    void getDb()
      .then(async (db) => {
        if (keepAlive) {
          const kept = await keepAliveTick(db, new Date()).catch(() => []);
          if (kept.length > 0) console.info(`[connections] keep-alive: ${kept.filter((k) => k.ok).length} of ${kept.length} refreshed`);
        }
        const results = await schedulerTick(runDeps(db, abort.signal));
        // Tell what ended (e-mail / Outbox / webhook); a failure here never stops the schedule.
        await notifyEndedScheduledRuns(db, new Date(), { signal: abort.signal }).catch(() => 0);
        if (keepAlive) await notifyReconnectNeeded(db, new Date(), { signal: abort.signal }).catch(() => 0);
        return results;
      })
      .then((results) => {
        const started = results.filter((r) => r.outcome === "started").length;
        if (results.length > 0) console.info(`[schedule] ${results.length} due, ${started} started`);
      })
      .catch((error: unknown) => console.error(`[schedule] tick failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        busy = false;
      });
  }, SCHEDULER_TICK_MS);
  timer.unref();
  state.__scheduler = { timer, abort };
}

export function stopInProcessScheduler(): void {
  if (!state.__scheduler) return;
  clearInterval(state.__scheduler.timer);
  state.__scheduler.abort.abort(new Error("scheduler stopped"));
  delete state.__scheduler;
}
