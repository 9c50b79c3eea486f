// What the pacer learns about a company is kept per realm in the database: the first import probes
// (one batch beyond the item count of a window) and stores the reading; a second import, by a fresh
// pacer as another process would have, starts with it — 0 × 429 and, under item counting, batches only.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { qboRealmPacing } from "@/db/schema";
import { createQboClient } from "@/lib/qbo/client";
import { getEnv } from "@/lib/env";
import { getRealmPacer, resetRealmPacers, type Pacer } from "@/lib/qbo/pace";
import { dbPacingStore } from "@/lib/qbo/pace-store";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { createWorld, type World } from "@/tests/helpers/world";

/** One emulated minute = 3 s: long enough for a loaded machine to send a window's allowance within it. */
const TIME_SCALE = 20;
const MINUTE_MS = 60_000 / TIME_SCALE;

let w: World | undefined;
afterEach(async () => {
  resetRealmPacers();
  await w?.dispose();
  w = undefined;
});

/** The app's client for the world's company through `pacer`, with Intuit's 30 s timeout. */
function clientWith(world: World, pacer: Pacer) {
  return createQboClient({
    realmId: world.connection.realmId,
    apiBaseUrl: getEnv().intuit.apiBaseUrl,
    tokens: connectionTokenSource(world.db, world.connection.id),
    pacer,
    backoffScale: 0.001,
  });
}

/** Another process's client for the world's company: a new pacer that knows only what the database holds. */
function freshClient(world: World) {
  resetRealmPacers();
  return clientWith(world, getRealmPacer(world.connection.realmId, { store: dbPacingStore(world.db), minuteMs: MINUTE_MS }));
}

/** Two ranges of ~650 activities each (more than one window's 500 items, so the first import must probe). */
function ranges(world: World) {
  const dates = [...new Set(world.actitime.listTimeTrack().map((r) => r.date))].sort();
  const half = Math.floor(dates.length / 2);
  return [
    { dateFrom: dates[0]!, dateTo: dates[half - 1]! },
    { dateFrom: dates[half]!, dateTo: dates.at(-1)! },
  ];
}

describe("the reading learned per realm", () => {
  it.each([
    { counting: "item" as const, firstImport429s: 1 },
    { counting: "request" as const, firstImport429s: 0 },
  ])("QBO counting '$counting': the first import learns it with one probe, a second import starts with it", async ({ counting, firstImport429s }) => {
    w = await createWorld({
      actitime: { scale: { users: 30, records: 1_400 } },
      qbo: { limits: {}, timeScale: TIME_SCALE, batchCounting: counting, latencyMs: 5 },
      pacer: "realm",
      pacerMinuteMs: MINUTE_MS,
    });
    const [first, second] = ranges(w);
    expect(w.client.pacer.reading).toBe("unknown");

    const a = await w.preview(first!);
    expect(a.summary.counts.create).toBeGreaterThan(550);
    w.qbo.resetStats();
    expect((await w.run(a.importId, { qbo: clientWith(w, w.client.pacer) })).status).toBe("completed");
    expect(w.qbo.stats(w.connection.realmId).throttled).toBe(firstImport429s);
    expect(w.client.pacer.reading).toBe(counting);
    const [stored] = await w.db.select().from(qboRealmPacing).where(eq(qboRealmPacing.realmId, w.connection.realmId));
    expect(stored).toMatchObject({ batchCounting: counting, windowMs: MINUTE_MS });
    expect(stored!.evidence).toMatch(counting === "item" ? /probe throttled/ : /probe admitted/);

    const b = await w.preview(second!);
    expect(b.summary.counts.create).toBeGreaterThan(550);
    await new Promise((r) => setTimeout(r, MINUTE_MS + 50)); // the emulator's window is empty again
    const qbo = freshClient(w);
    await qbo.pacer.ready();
    expect(qbo.pacer.reading).toBe(counting); // before its first request
    expect(qbo.pacer.evidence).toMatch(/^stored: /);
    w.qbo.resetStats();
    expect((await w.run(b.importId, { qbo })).status).toBe("completed");
    const stats = w.qbo.stats(w.connection.realmId);
    expect(stats.throttled).toBe(0);
    expect(stats.batchItems + stats.create).toBeGreaterThanOrEqual(b.summary.counts.create);
    if (counting === "item") {
      // Every item counts: batches only (a window's last units filled by a smaller batch, and the tail).
      expect(stats.create).toBe(b.summary.entitiesToCreate.length);
      expect((stats.requests / b.summary.counts.create) * 1000).toBeLessThanOrEqual(40);
    }
    const row = await w.importRow(b.importId);
    expect(row.failedCount).toBe(0);
  });

  it("a reading older than a week is probed again", async () => {
    w = await createWorld({ qbo: { limits: false }, pacer: "realm", pacerMinuteMs: MINUTE_MS });
    const store = dbPacingStore(w.db);
    await store.save(w.connection.realmId, { batchCounting: "request", windowMs: MINUTE_MS, evidence: "probe admitted", learnedAt: Date.now() - 8 * 24 * 60 * 60_000 });
    expect((await freshClient(w).pacer.ready().then(() => getRealmPacer(w!.connection.realmId))).reading).toBe("unknown");
    await store.save(w.connection.realmId, { batchCounting: "request", windowMs: MINUTE_MS, evidence: "probe admitted", learnedAt: Date.now() - 60_000 });
    const qbo = freshClient(w);
    await qbo.pacer.ready();
    expect(qbo.pacer.reading).toBe("request");
  });
});
