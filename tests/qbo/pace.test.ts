import { describe, expect, it } from "vitest";
import { Pacer } from "@/lib/qbo/pace";

/** Fires `count` requests through the pacer and records when each one started (ms since start). */
async function fire(pacer: Pacer, count: number, permit: { batch?: boolean; items?: number } = {}, holdMs = 0) {
  const start = Date.now();
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: count }, () =>
      pacer.run(permit, async () => {
        starts.push(Date.now() - start);
        if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
      }),
    ),
  );
  return starts.sort((a, b) => a - b);
}

describe("Pacer", () => {
  it("never lets more than the per-minute limit start within one (scaled) minute", async () => {
    const pacer = new Pacer({ requestsPerMinute: 20, minuteMs: 200, maxConcurrent: 100 });
    const starts = await fire(pacer, 50);
    for (let i = 20; i < starts.length; i++) expect(starts[i]! - starts[i - 20]!).toBeGreaterThanOrEqual(199);
    // 50 requests at 20 per 200 ms need at least two further windows.
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(400);
  });

  it("caps batches per minute separately from requests", async () => {
    const pacer = new Pacer({ requestsPerMinute: 1000, batchRequestsPerMinute: 4, minuteMs: 150, maxConcurrent: 100 });
    const starts = await fire(pacer, 10, { batch: true, items: 30 });
    for (let i = 4; i < starts.length; i++) expect(starts[i]! - starts[i - 4]!).toBeGreaterThanOrEqual(149);
  });

  it("counts every batch item against the per-minute limit when batches count per item", async () => {
    const pacer = new Pacer({ requestsPerMinute: 60, batchRequestsPerMinute: 100, minuteMs: 150, maxConcurrent: 100, batchCounting: "item" });
    const starts = await fire(pacer, 4, { batch: true, items: 30 });
    // Two 30-item batches fill a 60-request minute, so the third waits for the window to move.
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(149);
  });

  it("holds concurrency at the limit and reports the peak", async () => {
    const pacer = new Pacer({ requestsPerMinute: 10_000, maxConcurrent: 3, minuteMs: 60_000 });
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        pacer.run({}, async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(pacer.peakConcurrent).toBe(3);
  });

  it("stops everything for a realm during a pause after a 429", async () => {
    const pacer = new Pacer({ minuteMs: 1000 });
    pacer.pause(120);
    expect(pacer.availableNow()).toBe(false);
    const starts = await fire(pacer, 2);
    expect(starts[0]!).toBeGreaterThanOrEqual(110);
  });
});
