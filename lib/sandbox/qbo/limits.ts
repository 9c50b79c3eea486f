/**
 * Intuit's per-company throttles (reference §0/§5.1): 500 requests per minute per realm,
 * at most 10 concurrent requests, 40 batch requests per minute. Windows are sliding and measured
 * on the emulator clock divided by `timeScale`, so tests need not wait real minutes.
 */
export const REQUESTS_PER_MINUTE_LIMIT = 500;
export const CONCURRENT_REQUESTS_LIMIT = 10;
export const BATCH_REQUESTS_PER_MINUTE_LIMIT = 40;
export const MINUTE_MS = 60_000;

export interface QboLimits {
  requestsPerMinute: number;
  concurrentRequests: number;
  batchRequestsPerMinute: number;
}

export const DEFAULT_LIMITS: QboLimits = {
  requestsPerMinute: REQUESTS_PER_MINUTE_LIMIT,
  concurrentRequests: CONCURRENT_REQUESTS_LIMIT,
  batchRequestsPerMinute: BATCH_REQUESTS_PER_MINUTE_LIMIT,
};

export type ThrottleReason = "requests-per-minute" | "concurrency" | "batch-per-minute";

class SlidingWindow {
  private readonly stamps: { atMs: number; weight: number }[] = [];
  private head = 0;
  private total = 0;

  used(nowMs: number, windowMs: number): number {
    while (this.head < this.stamps.length) {
      const first = this.stamps[this.head];
      if (!first || first.atMs > nowMs - windowMs) break;
      this.total -= first.weight;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps.splice(0, this.head);
      this.head = 0;
    }
    return this.total;
  }

  /** Milliseconds until `weight` more fit under `limit` (0 when they fit now). */
  waitFor(nowMs: number, windowMs: number, weight: number, limit: number): number {
    let excess = this.used(nowMs, windowMs) + weight - limit;
    if (excess <= 0) return 0;
    for (let i = this.head; i < this.stamps.length; i++) {
      const stamp = this.stamps[i]!;
      excess -= stamp.weight;
      if (excess <= 0) return stamp.atMs + windowMs - nowMs;
    }
    return windowMs;
  }

  add(nowMs: number, weight: number): void {
    this.stamps.push({ atMs: nowMs, weight });
    this.total += weight;
  }
}

export class RealmLimiter {
  private readonly requests = new SlidingWindow();
  private readonly batches = new SlidingWindow();
  inFlight = 0;

  /** Admits a request (recording it) or names the limit it would exceed. */
  admit(
    limits: QboLimits,
    nowMs: number,
    windowMs: number,
    weight: number,
    isBatch: boolean,
  ): ThrottleReason | null {
    if (this.inFlight >= limits.concurrentRequests) return "concurrency";
    if (this.requests.used(nowMs, windowMs) + weight > limits.requestsPerMinute) return "requests-per-minute";
    if (isBatch && this.batches.used(nowMs, windowMs) + 1 > limits.batchRequestsPerMinute) return "batch-per-minute";
    this.requests.add(nowMs, weight);
    if (isBatch) this.batches.add(nowMs, 1);
    return null;
  }

  /** After a refusal: how long until a request like it would be admitted by the rate windows (for Retry-After). */
  retryAfterMs(limits: QboLimits, nowMs: number, windowMs: number, weight: number, isBatch: boolean): number {
    return Math.max(
      this.requests.waitFor(nowMs, windowMs, weight, limits.requestsPerMinute),
      isBatch ? this.batches.waitFor(nowMs, windowMs, 1, limits.batchRequestsPerMinute) : 0,
    );
  }
}
