// Issue 8, "Fault and crash tests": a ~3,000-activity import while QuickBooks misbehaves the way the
// reference says it does: 5% 5xx, 1% timeouts (before and after the write), access tokens that stop
// working every 200 calls, and 429 bursts from an emulator enforcing limits (in scaled time) tighter
// than the client's pacer believes. The import must complete with QBO holding exactly the desired
// activities (per key and as a whole: nothing lost, nothing duplicated), with requestid replay on and off.
import { afterEach, describe, expect, it } from "vitest";
import { getEnv } from "@/lib/env";
import { createQboClient } from "@/lib/qbo/client";
import { Pacer } from "@/lib/qbo/pace";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";
import { expectExactEndState, expectNoDuplicateNames, plannedActivities } from "./end-state";

/** The seeded actiTIME account scaled to ~3,000 records (2025-01-30 … 2025-04-30 at WORLD_TODAY). */
const RECORDS = 3_000;
const RANGE = { dateFrom: "2025-01-01", dateTo: "2025-04-30" };
/** Task names in the description: separate mode, one activity per (user, date, task). */
const SEPARATE = { importTaskNames: true, importComments: true };
/** One emulated minute per real second: Intuit's per-minute windows pass quickly. */
const TIME_SCALE = 60;
const SCALED_MINUTE_MS = 60_000 / TIME_SCALE;
/** Client gives up well before the emulator's hang ends. */
const CLIENT_TIMEOUT_MS = 400;
const HANG_MS = 1_200;
/** The emulator flips between "before-write" and "after-write" timeouts every this many responses. */
const TIMEOUT_MODE_FLIP_EVERY = 12;
/**
 * Access tokens stop working after this many calls. The issue says 200; batching makes the whole
 * 3,000-activity import ~150 calls, so 200 would never fire: 40 makes it expire several times.
 */
const TOKEN_CALLS = 40;

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

describe("a 3,000-activity import under QBO faults", () => {
  for (const replayRequestId of [true, false]) {
    it(`completes with exactly the desired activities in QBO (requestid replay ${replayRequestId ? "on" : "off"})`, { timeout: 150_000 }, async () => {
      const started = Date.now();
      const w = await createWorld({
        actitime: { scale: { records: RECORDS } },
        // Limits tighter than the pacer below assumes: bursts of batches and of concurrency get 429s.
        qbo: { limits: { requestsPerMinute: 600, batchRequestsPerMinute: 12, concurrentRequests: 3 }, timeScale: TIME_SCALE },
      });
      worlds.push(w);

      // The preview runs fault-free: its plan is the reference the end state is compared with.
      const { importId, summary } = await w.preview(RANGE, { settings: SEPARATE });
      expect(summary.mode).toBe("separate");
      expect(summary.activities).toBeGreaterThan(2_700);
      expect(summary.counts.create).toBe(summary.activities);
      const reference = await plannedActivities(w.db, importId);
      expect(reference).toHaveLength(summary.activities);
      const activitiesBefore = w.qbo.list(SANDBOX_REALM, "TimeActivity").length;

      // Faults on for the run.
      const faults = {
        serverErrorShare: 0.05,
        timeoutShare: 0.01,
        timeoutMode: "before-write" as "before-write" | "after-write",
        hangMs: HANG_MS,
        expireAccessTokenAfterCalls: TOKEN_CALLS,
        replayRequestId,
        xmlThrottleShare: 0.3,
        shuffleBatchResponses: true,
        seed: replayRequestId ? 8_001 : 8_002,
      };
      w.qbo.faults = faults;
      w.qbo.resetStats();
      let responses = 0;
      let flips = 0;
      const hooks = {
        afterQboResponse: () => {
          if (++responses % TIMEOUT_MODE_FLIP_EVERY !== 0) return;
          flips++;
          w.qbo.faults = { ...faults, timeoutMode: flips % 2 === 1 ? "after-write" : "before-write", seed: faults.seed + flips };
        },
      };
      // The app's client with a short timeout and a pacer that thinks the limits are far away (so it
      // runs into 429s) but waits out a 429 for a scaled minute, as it would for a real one.
      const qbo = createQboClient({
        realmId: w.connection.realmId,
        apiBaseUrl: getEnv().intuit.apiBaseUrl,
        tokens: connectionTokenSource(w.db, w.connection.id),
        pacer: new Pacer({ requestsPerMinute: 1_000_000, batchRequestsPerMinute: 1_000_000, maxConcurrent: 10, minuteMs: SCALED_MINUTE_MS }),
        backoffScale: 0.02,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });

      // The 1% share alone may miss a ~150-request import: from the 10th batch request on, every 20th is
      // made to time out — once after the write, then once before it — until each has really happened
      // (a forced request can be answered another way first: a requestid replay, a 429, or, on a loaded
      // machine, after the 100 ms window; every request arriving within that window times out too).
      const pending: ("after-write" | "before-write")[] = ["after-write", "before-write"];
      let batchRequests = 0;
      const handle = w.qbo.handle.bind(w.qbo);
      w.qbo.handle = async (request: Request) => {
        const isBatch = request.method === "POST" && new URL(request.url).pathname.endsWith("/batch");
        const mode = isBatch && ++batchRequests >= 10 && batchRequests % 20 === 10 ? pending[0] : undefined;
        if (!mode) return handle(request);
        const base = w.qbo.faults;
        const timeoutsBefore = w.qbo.stats(SANDBOX_REALM).injectedTimeouts;
        w.qbo.faults = { ...base, serverErrorShare: 0, timeoutShare: 1, timeoutMode: mode };
        setTimeout(() => (w.qbo.faults = base), 100);
        try {
          return await handle(request);
        } finally {
          if (w.qbo.stats(SANDBOX_REALM).injectedTimeouts > timeoutsBefore && pending[0] === mode) pending.shift();
        }
      };

      const runStarted = Date.now();
      const result = await w.run(importId, { qbo, hooks });
      const runMs = Date.now() - runStarted;
      expect(result.status).toBe("completed");
      const row = await w.importRow(importId);
      if (row.failedCount > 0) {
        const { importItems } = await import("@/db/schema");
        const { eq } = await import("drizzle-orm");
        const items = await w.db.select().from(importItems).where(eq(importItems.importId, importId));
        const failed = items.filter((i) => i.status === "failed");
        const reasons = new Map<string, number>();
        for (const f of failed) reasons.set(`${f.errorCode}: ${f.errorMessage} ${f.errorDetail ?? ""} attempts=${f.attempts}`, (reasons.get(`${f.errorCode}: ${f.errorMessage} ${f.errorDetail ?? ""} attempts=${f.attempts}`) ?? 0) + 1);
        console.log([...reasons]);
      }
      expect(row.failedCount, row.errorMessage ?? "no item failed").toBe(0);
      expect(row.createdCount).toBe(summary.activities);
      expect(row.progressDone).toBe(row.progressTotal);

      const stats = w.qbo.stats(SANDBOX_REALM);
      // The faults really happened (else this test proves nothing). Which requests draw a 5% server
      // error depends on how the concurrent lanes interleave, so the count varies run to run (3 was
      // seen on a loaded machine): at least one is what the claim needs.
      expect(stats.injectedServerErrors).toBeGreaterThan(0);
      expect(stats.injectedTimeouts).toBeGreaterThanOrEqual(2);
      expect(stats.throttled).toBeGreaterThan(0);
      expect(stats.unauthorized).toBeGreaterThan(0);
      expect(stats.token).toBeGreaterThan(1);
      expect(flips).toBeGreaterThan(1);

      w.qbo.faults = {};
      const end = await expectExactEndState({ db: w.db, qbo: w.qbo, realmId: SANDBOX_REALM, connectionId: w.connection.id, importId, reference, activitiesBefore });
      expectNoDuplicateNames(w.qbo, SANDBOX_REALM);
      expect(end.itemsByStatus).toEqual({ created: summary.activities + summary.entitiesToCreate.length });

      // A re-run of the same range finds nothing to do.
      const again = await w.preview(RANGE, { settings: SEPARATE });
      expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });

      console.info(
        `[faults replay=${replayRequestId}] ${summary.activities} activities in ${runMs} ms (test ${Date.now() - started} ms); ` +
          `requests ${stats.requests}, batches ${stats.batch}, 5xx ${stats.injectedServerErrors}, timeouts ${stats.injectedTimeouts}, ` +
          `429 ${stats.throttled}, 401 ${stats.unauthorized}, token grants ${stats.token}, replayed ${stats.replayed}, timeout-mode flips ${flips}`,
      );
    });
  }
});
