// The realm's budget is shared by every process through the database: two pacers (two instances, each
// with its own holder id) sending to one company together stay within Intuit's limits, and both get
// their turn. The same traffic through two pacers without the shared store is throttled (the control).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pacer, resetRealmPacers } from "@/lib/qbo/pace";
import { dbPacingStore, grantFor } from "@/lib/qbo/pace-store";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { clientFor, connectCompany, CONSULTING, seedTimeActivities, startAppEmulator } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());
afterEach(() => resetRealmPacers());

/** One emulated minute = 2 s, and a company allowing 100 requests a minute: each instance alone could send its first 100 at once. */
const TIME_SCALE = 30;
const MINUTE_MS = 60_000 / TIME_SCALE;
const LIMIT = 100;
const READS_EACH = 150;

async function twoInstances(shared: boolean) {
  const emu = startAppEmulator({ limits: { requestsPerMinute: LIMIT }, timeScale: TIME_SCALE, batchCounting: "item", latencyMs: 2 });
  const connection = await connectCompany(t.db);
  const ids = seedTimeActivities(emu, READS_EACH);
  await new Promise((r) => setTimeout(r, MINUTE_MS + 50)); // the connect flow's requests leave the emulator's window
  emu.resetStats();
  const store = shared ? dbPacingStore(t.db) : undefined;
  const pacers = ["instance-1", "instance-2"].map((holder) => new Pacer({ minuteMs: MINUTE_MS, requestsPerMinute: LIMIT, realmId: CONSULTING, store, holder, batchCounting: "item" }));
  const clients = pacers.map((pacer) => clientFor(t.db, connection, { pacer }));
  const done = [0, 0];
  /** How far the other instance had got when the first one finished all its reads. */
  let otherWhenFirstDone: number | undefined;
  const started = Date.now();
  await Promise.all(
    clients.map((qbo, i) =>
      Promise.all(
        ids.map(async (id) => {
          await qbo.read("TimeActivity", id);
          done[i]! += 1;
          if (done[i] === READS_EACH) otherWhenFirstDone ??= done[1 - i]!;
        }),
      ),
    ),
  );
  await Promise.all(pacers.map((p) => p.release()));
  return { stats: emu.stats(CONSULTING), otherWhenFirstDone: otherWhenFirstDone!, elapsed: Date.now() - started };
}

describe("two instances importing into one realm", () => {
  it("do not jointly exceed the limits when they share the budget through the database, and both progress", async () => {
    const { stats, otherWhenFirstDone, elapsed } = await twoInstances(true);
    expect(stats.read).toBe(2 * READS_EACH);
    expect(stats.throttled).toBe(0);
    expect(stats.maxConcurrency).toBeLessThanOrEqual(10);
    // 300 reads at 100 a minute need two more windows; neither instance starved the other.
    expect(elapsed).toBeGreaterThanOrEqual(2 * MINUTE_MS);
    expect(otherWhenFirstDone).toBeGreaterThanOrEqual(READS_EACH / 2);
  });

  it("(control) without the shared budget, the same traffic is throttled", async () => {
    const { stats } = await twoInstances(false);
    expect(stats.read).toBe(2 * READS_EACH);
    expect(stats.throttled).toBeGreaterThan(0);
  });
});

describe("grantFor", () => {
  const request = { now: 10_000, windowMs: 60_000, limits: { requests: 500, batches: 40, concurrent: 10 }, ttlMs: 2_000, marginMs: 2_000 };
  it("grants what the other holders' claims leave, and a fair share while they are active", () => {
    const others = [{ requests: 480, batches: 16, concurrent: 10, countsUntil: 70_000, slotsUntil: 12_000 }];
    const g = grantFor({ ...request, used: { requests: 0, batches: 0, inFlight: 0 }, want: { requests: 50, batches: 4, concurrent: 10 } }, others);
    expect(g).toEqual({ holders: 2, requests: 20, batches: 4, concurrent: 0 });
  });
  it("ignores claims that have left the window, and slots whose claim expired", () => {
    const others = [{ requests: 480, batches: 16, concurrent: 10, countsUntil: 9_000, slotsUntil: 9_000 }];
    const g = grantFor({ ...request, used: { requests: 100, batches: 2, inFlight: 1 }, want: { requests: 50, batches: 4, concurrent: 10 } }, others);
    expect(g).toEqual({ holders: 1, requests: 50, batches: 4, concurrent: 10 });
  });
  it("never grants beyond the limit with its own usage", () => {
    const g = grantFor({ ...request, used: { requests: 490, batches: 39, inFlight: 0 }, want: { requests: 50, batches: 4, concurrent: 10 } }, []);
    expect(g).toMatchObject({ requests: 10, batches: 1 });
  });
});
