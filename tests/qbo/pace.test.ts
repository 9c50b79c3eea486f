import { describe, expect, it } from "vitest";
import { Pacer, type Ticket } from "@/lib/qbo/pace";
import { retryAfterMs } from "@/lib/qbo/client";

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
    expect(pacer.waitMs()).toBeGreaterThan(0);
    const starts = await fire(pacer, 2);
    expect(starts[0]!).toBeGreaterThanOrEqual(110);
  });

  it("an unknown reading paces batches by their items (safe under both readings)", () => {
    const pacer = new Pacer({ minuteMs: 60_000 });
    expect(pacer.reading).toBe("unknown");
    expect(pacer.batchCounting).toBe("item");
  });
});

/** A pacer on a manual clock: `send` runs permits to completion at the current moment. */
function clocked(options: ConstructorParameters<typeof Pacer>[0] = {}) {
  let now = 1_000_000;
  const pacer = new Pacer({ minuteMs: 60_000, now: () => now, ...options });
  return {
    pacer,
    advance: (ms: number) => (now += ms),
    send: (permit: { batch?: boolean; items?: number }, throttled = false) =>
      pacer.run(permit, async (ticket: Ticket) => {
        ticket.throttled = throttled;
        return ticket;
      }),
  };
}

describe("Pacer.plan: what the lanes send", () => {
  it("items count: full batches of 30, one smaller batch for the window's last units, no singles", async () => {
    const { pacer, send } = clocked({ batchCounting: "item" });
    for (let i = 0; i < 16; i++) {
      expect(pacer.plan("batch", 1_000, true)).toEqual({ take: 30 });
      await send({ batch: true, items: 30 });
    }
    expect(pacer.plan("single", 1_000, true).waitMs).toBeGreaterThan(0);
    expect(pacer.plan("batch", 1_000, true)).toEqual({ take: 20 });
    await send({ batch: true, items: 20 });
    expect(pacer.plan("batch", 1_000, true).waitMs).toBeGreaterThan(0);
  });

  it("items count: the tail goes as one batch of what is left", () => {
    const { pacer } = clocked({ batchCounting: "item" });
    expect(pacer.plan("batch", 7, false)).toEqual({ take: 7 });
  });

  it("a batch counts once: batches first, then singles for the requests the batches do not need", async () => {
    const { pacer, send } = clocked({ batchCounting: "request" });
    expect(pacer.plan("single", 1_000, true).waitMs).toBeGreaterThan(0); // batch slots left: batches first
    for (let i = 0; i < 40; i++) {
      expect(pacer.plan("batch", 1_000, true)).toEqual({ take: 30 });
      await send({ batch: true, items: 30 });
    }
    expect(pacer.plan("batch", 1_000, true).waitMs).toBeGreaterThan(0);
    let singles = 0;
    for (;;) {
      const plan = pacer.plan("single", 1_000, true, 8);
      if (plan.take === 0) break;
      for (let i = 0; i < plan.take; i++) await send({});
      singles += plan.take;
    }
    expect(singles).toBe(460); // 40 × 30 + 460 in one window
  });

  it("unknown: fills the window by items, then lets one batch beyond it go as the probe; admitted → 'request'", async () => {
    const { pacer, send } = clocked();
    for (let i = 0; i < 16; i++) await send({ batch: true, items: 30 });
    await send({ batch: true, items: 20 });
    expect(pacer.plan("batch", 1_000, true)).toEqual({ take: 30 });
    const ticket = await send({ batch: true, items: 30 });
    expect(ticket.probe).toBe(true);
    expect(pacer.reading).toBe("request");
    expect(pacer.evidence).toMatch(/probe admitted/);
  });

  it("unknown: a refused probe teaches 'item' and pauses until the own log has room for the batch", async () => {
    const { pacer, send, advance } = clocked();
    for (let i = 0; i < 16; i++) await send({ batch: true, items: 30 });
    advance(1_000);
    await send({ batch: true, items: 20 });
    const ticket = await send({ batch: true, items: 30 }, true);
    expect(ticket.probe).toBe(true);
    const wait = pacer.throttled(ticket, { batch: true, items: 30 });
    expect(pacer.reading).toBe("item");
    // The first 30 units leave the window 60 s after they were logged, 1 s before the last ones.
    expect(wait).toBeGreaterThan(58_000);
    expect(wait).toBeLessThanOrEqual(59_001);
    expect(pacer.waitMs({})).toBeGreaterThan(0);
  });

  it("a 429 pauses as long as the server's Retry-After says, or briefly (doubling) when nothing explains it", async () => {
    const { pacer, send, advance } = clocked({ batchCounting: "item" });
    const ticket = await send({}, true);
    expect(pacer.throttled(ticket, {}, 1_234)).toBe(1_234);
    expect(pacer.throttled(ticket, {})).toBe(6_000); // second in a row: 1/20 of a minute × 2
    advance(6_001);
    await send({}); // answered: the run of 429s is over
    expect(pacer.throttled({ probe: false, throttled: true }, {})).toBe(3_000);
  });

  it("a 429 under 'request' that item counting would explain re-learns by probing: refused → 'item'", async () => {
    const { pacer, send, advance } = clocked({ batchCounting: "request" });
    for (let i = 0; i < 17; i++) await send({ batch: true, items: 30 });
    const ticket = await send({ batch: true, items: 30 }, true);
    const wait = pacer.throttled(ticket, { batch: true, items: 30 });
    expect(pacer.reading).toBe("unknown"); // pacing as if items count until the probe answers
    expect(wait).toBeLessThanOrEqual(3_000); // a short pause, not a window
    advance(wait + 1);
    expect(pacer.plan("batch", 1_000, true)).toEqual({ take: 30 }); // the probe
    const probe = await send({ batch: true, items: 30 }, true);
    expect(probe.probe).toBe(true);
    pacer.throttled(probe, { batch: true, items: 30 });
    expect(pacer.reading).toBe("item");
  });

  it("…and a 429 with another cause is cleared by the probe being admitted → back to 'request'", async () => {
    const { pacer, send, advance } = clocked({ batchCounting: "request" });
    for (let i = 0; i < 17; i++) await send({ batch: true, items: 30 });
    const ticket = await send({ batch: true, items: 30 }, true);
    advance(pacer.throttled(ticket, { batch: true, items: 30 }) + 1);
    const probe = await send({ batch: true, items: 30 });
    expect(probe.probe).toBe(true);
    expect(pacer.reading).toBe("request");
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates, capped at the pacer's minute", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "2" }), 60_000)).toBe(2_000);
    expect(retryAfterMs(new Headers({ "retry-after": "0.25" }), 60_000)).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "600" }), 60_000)).toBe(60_000);
    const date = new Date(Date.now() + 5_000).toUTCString();
    expect(retryAfterMs(new Headers({ "retry-after": date }), 60_000)).toBeGreaterThan(3_000);
    expect(retryAfterMs(new Headers({}), 60_000)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), 60_000)).toBeUndefined();
  });
});
