// Throttling against the emulator's limits in scaled time: a 429 (JSON or XML body) is waited out and
// retried without an error surfacing, and a pacer with Intuit's limits (scaled the same way) keeps the
// emulator from ever throttling.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { http } from "msw";
import { deterministicRequestId, type BatchOperation } from "@/lib/qbo/client";
import { getRealmPacer, Pacer, QBO_MAX_CONCURRENT, resetRealmPacers } from "@/lib/qbo/pace";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { server } from "@/tests/setup/server";
import { APP_API_BASE, clientFor, connectCompany, CONSULTING, seedTimeActivities, startAppEmulator, timeActivityBody } from "./helpers";

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());
afterEach(() => resetRealmPacers());

/** One emulated minute = 500 ms of real time. */
const TIME_SCALE = 120;
const SCALED_MINUTE_MS = 60_000 / TIME_SCALE;

describe("429 from QuickBooks", () => {
  it.each([
    { body: "JSON", xmlThrottleShare: 0, as403: false },
    { body: "XML", xmlThrottleShare: 1, as403: false },
    { body: "XML with HTTP 403", xmlThrottleShare: 1, as403: true },
  ])("waits out throttles ($body bodies) on reads and batches and retries until everything succeeds", async ({ xmlThrottleShare, as403 }) => {
    const emu = startAppEmulator({ limits: { requestsPerMinute: 15, batchRequestsPerMinute: 3 }, timeScale: TIME_SCALE, batchCounting: "request", xmlThrottleShare });
    const throttleBodies: string[] = [];
    server.use(
      http.all(`${APP_API_BASE}/v3/*`, async ({ request }) => {
        const answer = await emu.handle(request);
        if (answer.status !== 429) return answer;
        const body = await answer.text();
        throttleBodies.push(body);
        // Intuit has sent the XML throttle fault with status 403 too (reference §5.1).
        return new Response(body, { status: as403 ? 403 : 429, headers: answer.headers });
      }),
    );
    const connection = await connectCompany(t.db);
    const ids = seedTimeActivities(emu, 30);
    emu.resetStats();
    // The app's pacer believes in far higher limits than this company has, so the emulator must throttle.
    const qbo = clientFor(t.db, connection, {
      pacer: new Pacer({ requestsPerMinute: 100_000, batchRequestsPerMinute: 100_000, maxConcurrent: QBO_MAX_CONCURRENT, minuteMs: SCALED_MINUTE_MS }),
    });
    const batches = Array.from({ length: 5 }, (_, i) => [{ bId: `q${i}`, query: `SELECT * FROM TimeActivity WHERE Id = '${ids[i]}'` }] satisfies BatchOperation[]);

    const [rows, batchResults] = await Promise.all([
      Promise.all(ids.map((id) => qbo.read("TimeActivity", id))),
      Promise.all(batches.map((ops, i) => qbo.batch(ops, deterministicRequestId(["throttled-batch", i], 36)))),
    ]);

    expect(rows.map((r) => r.Id)).toEqual(ids);
    batchResults.forEach((results, i) => expect(results.get(`q${i}`)).toMatchObject({ ok: true, queryResponse: { TimeActivity: [{ Id: ids[i] }] } }));
    const stats = emu.stats(CONSULTING);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(throttleBodies).toHaveLength(stats.throttled);
    expect(throttleBodies.every((b) => (xmlThrottleShare ? b.startsWith("<?xml") : b.startsWith("{")))).toBe(true);
    expect(stats.read).toBe(30);
    expect(stats.batch).toBe(5);
  });
});

describe("pacing", () => {
  it("keeps 150 reads and 45 batches within Intuit's limits (scaled): the emulator never throttles", async () => {
    const emu = startAppEmulator({ limits: {}, timeScale: TIME_SCALE, batchCounting: "item", latencyMs: 3 });
    // The process-wide pacer of the realm, with the real limits and the emulator's minute; the connect
    // flow's own requests go through it too.
    const pacer = getRealmPacer(CONSULTING, { minuteMs: SCALED_MINUTE_MS, batchCounting: "item" });
    expect(pacer).toMatchObject({ requestsPerMinute: 500, batchRequestsPerMinute: 40, maxConcurrent: 10 });
    const connection = await connectCompany(t.db);
    const ids = seedTimeActivities(emu, 150);
    emu.resetStats();
    const qbo = clientFor(t.db, connection);
    expect(qbo.pacer).toBe(pacer);

    const started = Date.now();
    const batchOps = (b: number): BatchOperation[] =>
      Array.from({ length: 10 }, (_, i) => ({
        bId: `b${b}-${i}`,
        operation: "create",
        entity: "TimeActivity",
        body: timeActivityBody(emu, { Description: `batch ${b} item ${i}` }),
      }));
    const [rows, batchResults] = await Promise.all([
      Promise.all(ids.map((id) => qbo.read("TimeActivity", id))),
      Promise.all(Array.from({ length: 45 }, (_, b) => qbo.batch(batchOps(b), deterministicRequestId(["paced-batch", b], 36)))),
    ]);
    const elapsed = Date.now() - started;

    expect(rows).toHaveLength(150);
    expect(batchResults.every((results) => [...results.values()].every((r) => r.ok))).toBe(true);
    const stats = emu.stats(CONSULTING);
    expect(stats.throttled).toBe(0);
    expect(stats.maxConcurrency).toBeLessThanOrEqual(10);
    expect(pacer.peakConcurrent).toBeLessThanOrEqual(10);
    expect(stats.batch).toBe(45);
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(150 + 450);
    // 600 request units and 45 batches do not fit in one minute: the pacer had to hold some back.
    expect(elapsed).toBeGreaterThanOrEqual(SCALED_MINUTE_MS);
  });
});

describe("a 429 with Retry-After", () => {
  it("pauses the realm as long as the server says, not a share of a minute", async () => {
    const emu = startAppEmulator({ limits: { requestsPerMinute: 4 }, timeScale: TIME_SCALE, batchCounting: "request", retryAfter: true });
    const connection = await connectCompany(t.db);
    const ids = seedTimeActivities(emu, 6);
    await new Promise((r) => setTimeout(r, SCALED_MINUTE_MS + 20)); // the connect flow's requests leave the window
    emu.resetStats();
    const pacer = new Pacer({ requestsPerMinute: 100, minuteMs: SCALED_MINUTE_MS, batchCounting: "request" });
    const waits: number[] = [];
    const throttled = pacer.throttled.bind(pacer);
    pacer.throttled = (ticket, permit, retryAfter) => {
      waits.push(retryAfter ?? -1);
      return throttled(ticket, permit, retryAfter);
    };
    const qbo = clientFor(t.db, connection, { pacer });
    const rows = await Promise.all(ids.map((id) => qbo.read("TimeActivity", id)));
    expect(rows).toHaveLength(6);
    expect(emu.stats(CONSULTING).throttled).toBeGreaterThan(0);
    // Every 429 carried the emulator's Retry-After: the time until its window admits again (< one scaled minute).
    expect(waits.length).toBe(emu.stats(CONSULTING).throttled);
    expect(waits.every((ms) => ms > 0 && ms <= SCALED_MINUTE_MS)).toBe(true);
  });
});
