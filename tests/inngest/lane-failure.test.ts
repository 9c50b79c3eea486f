// Issue 12 item 3, under Inngest's retry semantics (@inngest/test): a lane fails mid-slice (a
// database error injected into one commit, after QuickBooks answered). The other lanes are aborted and
// waited for, what they learned is committed, and only then does the step fail. Inngest then retries
// the step with the run's memoized lease; the retry reconciles the failed commit's items instead of
// sending them again. With requestid replay off: no item is sent twice, QuickBooks ends exact.
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { importItems, imports } from "@/db/schema";
import { createRunImportFunction } from "@/inngest/functions/run-import";
import { createExecutor } from "@/lib/import/execute";
import { startImport } from "@/lib/import/lifecycle";
import type { ImportDriverDeps } from "@/lib/import/runner";
import { createWorld, SANDBOX_REALM, WORLD_RECONCILE_AFTER_MS, type World } from "@/tests/helpers/world";
import { expectExactEndState, plannedActivities } from "@/tests/stress/end-state";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

import { sleep } from "@/lib/sleep";
const INJECTED = "injected: the database connection was lost during a commit";

describe("a lane failing mid-slice under Inngest retry semantics", () => {
  it("stops every lane, commits what they learned, fails the step; the retried step sends no item twice", { timeout: 120_000 }, async () => {
    const w = await createWorld({ qbo: { replayRequestId: false, latencyMs: 25 } });
    worlds.push(w);
    const activitiesBefore = w.qbo.list(SANDBOX_REALM, "TimeActivity").length;
    const { importId } = await w.preview({ dateFrom: "2025-01-01", dateTo: "2025-03-31" });
    const reference = await plannedActivities(w.db, importId);
    await startImport(w.db, w.actor, importId);

    let commits = 0;
    let failed = false;
    const deps: ImportDriverDeps = {
      getDb: async () => w.db,
      qboClientFor: () => w.client,
      inngestEnabled: true,
      sendEvent: async () => {},
      createExecutor: (d) =>
        createExecutor({
          ...d,
          reconcileAfterMs: WORLD_RECONCILE_AFTER_MS,
          hooks: {
            beforeCommit: () => {
              // The third commit of sent items fails (its batch is already written in QuickBooks).
              if (!failed && ++commits === 3) {
                failed = true;
                throw new Error(INJECTED);
              }
            },
          },
        }),
    };
    const fn = createRunImportFunction(deps);
    const event = { name: "import/run.requested", data: { importId, connectionId: w.connection.id } } as const;

    // First attempt: the step fails with the injected error, after every lane has settled.
    const first = await new InngestTestEngine({ function: fn }).execute({ events: [event] });
    expect(first.error).toMatchObject({ message: INJECTED });
    const writesWhenFailed = w.qbo.stats(SANDBOX_REALM).batchItems + w.qbo.stats(SANDBOX_REALM).create;
    await sleep(500);
    expect(w.qbo.stats(SANDBOX_REALM).batchItems + w.qbo.stats(SANDBOX_REALM).create, "no lane kept sending after the step failed").toBe(writesWhenFailed);
    const stuck = await w.db.select().from(importItems).where(eq(importItems.importId, importId));
    expect(stuck.some((i) => i.status === "sending"), "the failed commit's items stay `sending` (written in QBO, not in the ledger)").toBe(true);
    expect(stuck.some((i) => i.status === "created"), "the other lanes' outcomes were committed").toBe(true);

    // Inngest retries the failed step with the earlier steps' memoized output (the lease).
    const [row] = await w.db.select().from(imports).where(eq(imports.id, importId));
    const claimed = { held: true, importId, runnerId: row!.runnerId!, generation: row!.leaseGeneration };
    await sleep(WORLD_RECONCILE_AFTER_MS);
    const retry = await new InngestTestEngine({ function: fn, steps: [{ id: "claim", handler: () => claimed }] }).execute({ events: [event] });
    expect(retry.error).toBeUndefined();
    expect(retry.result).toEqual({ done: true, status: "completed" });

    const items = await w.db.select().from(importItems).where(eq(importItems.importId, importId));
    const activities = items.filter((i) => i.entity === "TimeActivity");
    expect(activities.filter((i) => i.attempts !== 1).map((i) => `${i.seq}:${i.attempts}`), "every activity was sent exactly once").toEqual([]);
    await expectExactEndState({ db: w.db, qbo: w.qbo, realmId: SANDBOX_REALM, connectionId: w.connection.id, importId, reference, activitiesBefore });
  });
});
