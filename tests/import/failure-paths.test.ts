// Issue 12, failure paths of the executor, with the app's in-process runner and the real engine:
//  - Interrupt is prompt with QuickBooks slowed (slow answers, a pacer that makes lanes wait for
//    allowance): after the click no new write leaves once the run has seen it, every wait ends, and the
//    import shows Interrupted within 5 s plus the time of requests already in flight (their timeout);
//  - the token is revoked mid-import: the import ends as Error leaving no unexplained `sending` item,
//    and after reconnecting, a re-run of the same range makes QuickBooks exact.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { importItems, imports, qboConnections } from "@/db/schema";
import { createExecutor, STATUS_CHECK_INTERVAL_MS } from "@/lib/import/execute";
import { interruptImport, startImport } from "@/lib/import/lifecycle";
import { requestImportInterrupt, runImportInline, type ImportDriverDeps } from "@/lib/import/runner";
import { open } from "@/lib/crypto";
import { createQboClient } from "@/lib/qbo/client";
import { revokeToken } from "@/lib/qbo/oauth";
import { Pacer } from "@/lib/qbo/pace";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { getEnv } from "@/lib/env";
import { createWorld, SANDBOX_REALM, WORLD_RECONCILE_AFTER_MS, type World } from "@/tests/helpers/world";
import { expectExactEndState, plannedActivities } from "@/tests/stress/end-state";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

import { sleep } from "@/lib/sleep";
const writes = (w: World) => {
  const s = w.qbo.stats(SANDBOX_REALM);
  return s.batch + s.create + s.update + s.delete;
};

/** The in-process runner over the world's database and a given client. */
function inlineDeps(w: World, client: World["client"]): ImportDriverDeps {
  return {
    getDb: async () => w.db,
    qboClientFor: () => client,
    inngestEnabled: false,
    createExecutor: (d) => createExecutor({ ...d, reconcileAfterMs: WORLD_RECONCILE_AFTER_MS }),
  };
}

describe("Interrupt is prompt with QuickBooks slowed", () => {
  it("shows Interrupted within 5 s plus the in-flight request time, and sends nothing once the run has seen it", { timeout: 120_000 }, async () => {
    const latencyMs = 700;
    const requestTimeoutMs = 3_000;
    const w = await createWorld({ qbo: { latencyMs, replayRequestId: false } });
    worlds.push(w);
    // Slowed: every answer takes 0.7 s, and a pacer allowing 6 batches and 40 requests a minute keeps lanes waiting.
    const slow = createQboClient({
      realmId: w.connection.realmId,
      apiBaseUrl: getEnv().intuit.apiBaseUrl,
      tokens: connectionTokenSource(w.db, w.connection.id),
      pacer: new Pacer({ requestsPerMinute: 40, batchRequestsPerMinute: 6, maxConcurrent: 10 }),
      timeoutMs: requestTimeoutMs,
    });
    const { importId } = await w.preview({ dateFrom: "2025-01-01", dateTo: "2025-02-28" });
    await startImport(w.db, w.actor, importId);
    const deps = inlineDeps(w, slow);
    const run = runImportInline(importId, deps);
    // Under way: a few writes have landed, the lanes now wait for allowance (and some requests are in flight).
    const t0 = Date.now();
    while (writes(w) < 8 && Date.now() - t0 < 60_000) await sleep(50);
    expect(writes(w), "the import got going").toBeGreaterThanOrEqual(8);

    const clickedAt = Date.now();
    await interruptImport(w.db, w.actor, importId);
    await requestImportInterrupt({ importId, connectionId: w.connection.id }, deps);
    // Writes counted once the run has certainly seen the interrupt (two status checks).
    let writesAtNotice = -1;
    const notice = setTimeout(() => (writesAtNotice = writes(w)), STATUS_CHECK_INTERVAL_MS * 2 + 200);
    let status = "";
    while (Date.now() - clickedAt < 60_000) {
      status = (await w.db.select({ s: imports.status }).from(imports).where(eq(imports.id, importId)))[0]!.s;
      if (status === "interrupted") break;
      await sleep(25);
    }
    const latencyMsMeasured = Date.now() - clickedAt;
    clearTimeout(notice);
    if (writesAtNotice < 0) writesAtNotice = writes(w);
    await run;
    console.info(`[interrupt] Interrupted ${latencyMsMeasured} ms after the click (QBO answers in ${latencyMs} ms, request timeout ${requestTimeoutMs} ms)`);
    expect(status).toBe("interrupted");
    expect(latencyMsMeasured, "Interrupted within 5 s plus the in-flight request time").toBeLessThan(5_000 + requestTimeoutMs);
    // After the run noticed the interrupt (one status check), no new request left.
    await sleep(1_500);
    expect(writes(w), "no write left after the run saw the interrupt").toBe(writesAtNotice);
    const items = await w.db.select({ status: importItems.status }).from(importItems).where(eq(importItems.importId, importId));
    expect(items.filter((i) => i.status === "sending"), "no unexplained sending item").toEqual([]);
    expect(items.some((i) => i.status === "cancelled"), "the rest was cancelled").toBe(true);
  });
});

describe("Error mid-import (token revoked), then a re-run", () => {
  it("ends as Error with nothing left unexplained, and after reconnecting the re-run makes QuickBooks exact", { timeout: 180_000 }, async () => {
    const w = await createWorld({ qbo: { latencyMs: 30, replayRequestId: false } });
    worlds.push(w);
    const range = { dateFrom: "2025-01-01", dateTo: "2025-03-31" };
    const activitiesBefore = w.qbo.list(SANDBOX_REALM, "TimeActivity").length;
    const { importId } = await w.preview(range, { settings: { importTaskNames: true, importComments: true } });
    const reference = await plannedActivities(w.db, importId);
    await startImport(w.db, w.actor, importId);
    const paced = createQboClient({
      realmId: w.connection.realmId,
      apiBaseUrl: getEnv().intuit.apiBaseUrl,
      tokens: connectionTokenSource(w.db, w.connection.id),
      pacer: new Pacer({ requestsPerMinute: 600, batchRequestsPerMinute: 60, maxConcurrent: 10 }),
      backoffScale: 0.001,
      timeoutMs: 2_000,
    });
    const run = runImportInline(importId, inlineDeps(w, paced));
    const t0 = Date.now();
    while (w.qbo.list(SANDBOX_REALM, "TimeActivity").length - activitiesBefore < 30 && Date.now() - t0 < 60_000) await sleep(20);

    // The admin revokes the app's access at Intuit: the refresh token dies, the access tokens stop working.
    const [conn] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    expect(await revokeToken(open(conn!.sealedRefreshToken!, `connection:${conn!.id}:refresh`))).toBe(true);
    w.qbo.expireAccessTokens(SANDBOX_REALM);
    const result = await run;
    expect(result.status).toBe("error");
    const [ended] = await w.db.select().from(imports).where(eq(imports.id, importId));
    expect(ended!.status).toBe("error");
    const left = await w.db.select({ status: importItems.status }).from(importItems).where(eq(importItems.importId, importId));
    expect(left.filter((i) => i.status === "sending"), "a 401 was not processed: nothing is left with an unknown outcome").toEqual([]);
    const partial = w.qbo.list(SANDBOX_REALM, "TimeActivity").length - activitiesBefore;
    expect(partial, "some activities were written before the revoke").toBeGreaterThan(0);
    expect(partial, "not all of them").toBeLessThan(reference.length);

    // Reconnect, preview the same range again (it reconciles anything left unknown first), run.
    await w.connect(SANDBOX_REALM);
    await sleep(WORLD_RECONCILE_AFTER_MS + 100);
    const again = await w.preview(range, { settings: { importTaskNames: true, importComments: true } });
    const rerunReference = await plannedActivities(w.db, again.importId);
    console.info(`[revoke] planned ${reference.length}, written before the revoke ${partial}; re-run preview ${JSON.stringify(again.summary.counts)}`);
    expect(again.summary.counts.create, "the re-run creates what is missing").toBe(reference.length - partial);
    const rerun = await w.run(again.importId);
    expect(rerun.status).toBe("completed");
    // QBO holds exactly the desired activities: the first import's and the re-run's together, none twice.
    const total = w.qbo.list(SANDBOX_REALM, "TimeActivity").length - activitiesBefore;
    expect(total).toBe(reference.length);
    expect(rerunReference.length, "the re-run writes exactly what is missing").toBe(reference.length - partial);
    // Every desired activity once, in QBO and the ledger (the entities are the first import's).
    await expectExactEndState({ db: w.db, qbo: w.qbo, realmId: SANDBOX_REALM, connectionId: w.connection.id, importId, reference, activitiesBefore });
  });
});
