// Hosted scheduling (issue 18 §1): a cron function looks for companies whose Schedule is due and
// fans out one event per due slot, with an event id made of the company and the slot, so a repeated
// tick (or two overlapping ones) starts nothing twice; a second function runs each slot
// (lib/schedule/run), one at a time per company. The slot is also claimed in the database, so even
// an event delivered twice runs its slot once.
import { eventType } from "inngest";
import { z } from "zod";
import type { Db } from "@/db/client";
import { getDb } from "@/db/client";
import { inngest } from "@/inngest/client";
import { requestImportRun } from "@/lib/import/runner";
import { importDriverDeps } from "@/inngest/deps";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { qboClientFor } from "@/lib/qbo/connect";
import { keepAliveTick } from "@/lib/qbo/health";
import { notifyEndedScheduledRuns, notifyReconnectNeeded } from "@/lib/notify/events";
import { dueSchedules, runScheduledImport, scheduledRunEventId, type ScheduledRunDeps } from "@/lib/schedule/run";

export const SCHEDULED_IMPORTS_FUNCTION_ID = "scheduled-imports";
export const SCHEDULED_IMPORT_RUN_FUNCTION_ID = "scheduled-import-run";
/** Every 5 minutes: a slot runs within 5 minutes of its time. */
export const SCHEDULED_IMPORTS_CRON = "*/5 * * * *";
/** Under Inngest a step should stay short: wait at most this for a running import, then skip. */
export const HOSTED_SCHEDULED_WAIT_MS = 4 * 60_000;

export const scheduledImportDue = eventType("import/scheduled.due", {
  schema: z.object({ connectionId: z.uuid(), slotAt: z.iso.datetime() }),
});

export interface ScheduledImportsDeps {
  getDb: () => Promise<Db>;
  now?: () => Date;
  runDeps?: (db: Db) => ScheduledRunDeps;
}

export const defaultScheduledImportsDeps: ScheduledImportsDeps = { getDb };

export function productionRunDeps(db: Db): ScheduledRunDeps {
  return {
    db,
    qboFor: (connection) => qboClientFor(db, connection),
    actitimeFor: (accountId, adminId) => actitimeClientForAdmin(db, accountId, adminId),
    requestRun: (data) => requestImportRun(data, importDriverDeps),
  };
}

export function createScheduledImportsFunction(deps: ScheduledImportsDeps = defaultScheduledImportsDeps) {
  return inngest.createFunction(
    { id: SCHEDULED_IMPORTS_FUNCTION_ID, name: "Scheduled imports", triggers: [{ cron: SCHEDULED_IMPORTS_CRON }] },
    async ({ step }) => {
      const due = await step.run("find due schedules", async () => {
        const rows = await dueSchedules(await deps.getDb(), (deps.now ?? (() => new Date()))());
        return rows.map((r) => ({ connectionId: r.connectionId, slotAt: r.slotAt.toISOString() }));
      });
      if (due.length > 0) {
        await step.sendEvent(
          "fan out due companies",
          due.map((d) => scheduledImportDue.create(d, { id: scheduledRunEventId(d.connectionId, new Date(d.slotAt)) })),
        );
      }
      // Idle companies kept connected (issue 18 §3), once an hour at minute 0.
      const at = (deps.now ?? (() => new Date()))();
      if (at.getUTCMinutes() < 5) {
        await step.run("keep idle companies connected", async () => (await keepAliveTick(await deps.getDb(), at)).map((k) => ({ connectionId: k.connectionId, ok: k.ok })));
        await step.run("tell companies needing reconnect", async () => notifyReconnectNeeded(await deps.getDb(), at));
      }
      await step.run("tell ended scheduled runs", async () => notifyEndedScheduledRuns(await deps.getDb(), at));
      return { due: due.length };
    },
  );
}

export function createScheduledImportRunFunction(deps: ScheduledImportsDeps = defaultScheduledImportsDeps) {
  return inngest.createFunction(
    {
      id: SCHEDULED_IMPORT_RUN_FUNCTION_ID,
      name: "Scheduled import (one company)",
      triggers: [scheduledImportDue],
      concurrency: { key: "event.data.connectionId", limit: 1 },
      retries: 2,
    },
    async ({ event, step }) => {
      return step.run("run scheduled import", async () => {
        const db = await deps.getDb();
        const runDeps = { waitMs: HOSTED_SCHEDULED_WAIT_MS, ...(deps.runDeps ?? productionRunDeps)(db) };
        const result = await runScheduledImport(runDeps, event.data.connectionId, new Date(event.data.slotAt));
        return { outcome: result.outcome };
      });
    },
  );
}
