// Pacing per QBO company (realmId), following Intuit's published limits (reference qbo-api.md §5.1):
// 500 requests/min per realm, 10 concurrent per realm+app, 40 batch requests/min per realm+app.
// One pacer per realm per process is shared by everything that talks to that realm (getRealmPacer).
// Across processes the database allows one running import per company, and any 429 that still
// happens (another process, another app) is waited out and retried by the client.

export const QBO_REQUESTS_PER_MINUTE = 500;
export const QBO_BATCH_REQUESTS_PER_MINUTE = 40;
export const QBO_MAX_CONCURRENT = 10;
export const MINUTE_MS = 60_000;
/** When the window is full of requests still in flight, check again this soon (they will have answered). */
const IN_FLIGHT_RECHECK_MS = 20;

/** How a batch counts toward the 500/min limit: no Intuit source settles it (reference §4). */
export type BatchCounting = "request" | "item";

export interface PacerOptions {
  requestsPerMinute?: number;
  batchRequestsPerMinute?: number;
  maxConcurrent?: number;
  /** Length of a "minute" in ms: scaled down in tests and benchmarks against an emulator with a time scale. */
  minuteMs?: number;
  batchCounting?: BatchCounting;
  now?: () => number;
}

export interface PermitRequest {
  /** True for POST /batch. */
  batch?: boolean;
  /** Operations inside a batch (counted against the per-minute limit when batchCounting is "item"). */
  items?: number;
}

/**
 * A sliding-window log. A request is logged when its answer arrives, not when it leaves: QuickBooks
 * counts it at some moment in between, so logging the latest possible moment keeps two requests a full
 * window apart at QuickBooks whatever their network delays were (logging at send time let a request
 * that travelled faster than the one a window before it land inside that window). Requests still in
 * flight count as the newest entries.
 */
class WindowLog {
  private times: number[] = [];
  private head = 0;
  private pending = 0;

  constructor(private readonly windowMs: number) {}

  private prune(now: number) {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  count(now: number): number {
    this.prune(now);
    return this.times.length - this.head + this.pending;
  }

  /** Milliseconds until `n` more can be added without exceeding `limit`. */
  waitFor(now: number, n: number, limit: number): number {
    const excess = this.count(now) + n - limit;
    if (excess <= 0) return 0;
    const freeingAt = this.times[this.head + excess - 1];
    // Beyond the logged entries only requests in flight are left: look again once they have answered.
    return freeingAt === undefined ? Math.min(this.windowMs, IN_FLIGHT_RECHECK_MS) : freeingAt + this.windowMs - now + 1;
  }

  /** `n` more entries answered at `at` (a past moment): re-weighting what is already logged. */
  add(at: number, n: number) {
    let index = this.times.length;
    while (index > this.head && this.times[index - 1]! > at) index--;
    this.times.splice(index, 0, ...Array.from({ length: n }, () => at));
  }

  /** A request of weight `n` leaves now. */
  begin(n: number) {
    this.pending += n;
  }

  /** …and its answer (or failure) arrived at `now`. */
  end(now: number, n: number) {
    this.pending -= n;
    for (let i = 0; i < n; i++) this.times.push(now);
  }
}

export class Pacer {
  readonly requestsPerMinute: number;
  readonly batchRequestsPerMinute: number;
  readonly maxConcurrent: number;
  readonly minuteMs: number;
  batchCounting: BatchCounting;
  private readonly now: () => number;
  private readonly requests: WindowLog;
  private readonly batches: WindowLog;
  private active = 0;
  private queue: Array<() => void> = [];
  private pausedUntil = 0;
  /** Batches answered within the last window, with their sizes (to re-count them if QBO turns out to count items). */
  private recentBatches: { at: number; items: number }[] = [];
  /** Highest number of requests in flight at once, for tests and benchmarks. */
  peakConcurrent = 0;

  constructor(options: PacerOptions = {}) {
    this.requestsPerMinute = options.requestsPerMinute ?? QBO_REQUESTS_PER_MINUTE;
    this.batchRequestsPerMinute = options.batchRequestsPerMinute ?? QBO_BATCH_REQUESTS_PER_MINUTE;
    this.maxConcurrent = options.maxConcurrent ?? QBO_MAX_CONCURRENT;
    this.minuteMs = options.minuteMs ?? MINUTE_MS;
    this.batchCounting = options.batchCounting ?? "request";
    this.now = options.now ?? Date.now;
    this.requests = new WindowLog(this.minuteMs);
    this.batches = new WindowLog(this.minuteMs);
  }

  private cost(permit: PermitRequest): number {
    return permit.batch && this.batchCounting === "item" ? Math.max(1, permit.items ?? 1) : 1;
  }

  /** Would a request of this kind go out right now without waiting? (Used to choose batch vs single.) */
  availableNow(permit: PermitRequest = {}): boolean {
    const now = this.now();
    if (now < this.pausedUntil || this.active >= this.maxConcurrent) return false;
    if (this.requests.waitFor(now, this.cost(permit), this.requestsPerMinute) > 0) return false;
    return !permit.batch || this.batches.waitFor(now, 1, this.batchRequestsPerMinute) === 0;
  }

  /** Requests that could still be sent in the current window (for planning a mix of batch and single writes). */
  remainingInWindow(): { requests: number; batches: number } {
    const now = this.now();
    return {
      requests: Math.max(0, this.requestsPerMinute - this.requests.count(now)),
      batches: Math.max(0, this.batchRequestsPerMinute - this.batches.count(now)),
    };
  }

  /**
   * QBO answered 429 to a batch although counting a batch as one request left room: it counts every
   * item (reference §4 leaves both readings open). From now on batches cost their items, and those
   * already in the window are re-counted the same way, so the next ones are paced to the real limit.
   * True when this changed the counting.
   */
  learnItemCounting(): boolean {
    if (this.batchCounting === "item") return false;
    const since = this.now() - this.minuteMs;
    // Without multi-item batches in the window, item counting cannot explain the 429 (someone else used the allowance).
    if (!this.recentBatches.some((b) => b.at > since && b.items > 1)) return false;
    this.batchCounting = "item";
    for (const batch of this.recentBatches) if (batch.at > since && batch.items > 1) this.requests.add(batch.at, batch.items - 1);
    return true;
  }

  /** How long a request of this kind would wait for the rate windows now (0: it could leave); for progress wording. */
  waitMs(permit: PermitRequest = {}): number {
    const now = this.now();
    return Math.max(0, this.pausedUntil - now, this.requests.waitFor(now, this.cost(permit), this.requestsPerMinute), permit.batch ? this.batches.waitFor(now, 1, this.batchRequestsPerMinute) : 0);
  }

  /** After a 429: nothing leaves for this realm until the pause is over. */
  pause(ms: number) {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }



  /**
   * Runs `fn` once the limits allow it. A request waiting for the rate windows holds no concurrent
   * slot, so requests of another kind (singles while batches wait for their allowance) still go out.
   */
  async run<T>(permit: PermitRequest, fn: () => Promise<T>): Promise<T> {
    let cost: number;
    for (;;) {
      cost = this.cost(permit);
      const now = this.now();
      const wait = Math.max(
        this.pausedUntil - now,
        this.requests.waitFor(now, cost, this.requestsPerMinute),
        permit.batch ? this.batches.waitFor(now, 1, this.batchRequestsPerMinute) : 0,
      );
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      if (this.active >= this.maxConcurrent) {
        await new Promise<void>((resolve) => this.queue.push(resolve));
        continue;
      }
      // Checked and taken in one synchronous step: nothing else can slip in between.
      this.active++;
      this.requests.begin(cost);
      if (permit.batch) this.batches.begin(1);
      break;
    }
    this.peakConcurrent = Math.max(this.peakConcurrent, this.active);
    try {
      return await fn();
    } finally {
      const at = this.now();
      this.requests.end(at, cost);
      if (permit.batch) {
        this.batches.end(at, 1);
        this.recentBatches.push({ at, items: Math.max(1, permit.items ?? 1) });
        while (this.recentBatches.length > 0 && this.recentBatches[0]!.at <= at - this.minuteMs) this.recentBatches.shift();
      }
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

const pacers = new Map<string, Pacer>();

/** The one pacer of this process for a realm (the key may include a test's scale to keep runs apart). */
export function getRealmPacer(realmId: string, options?: PacerOptions): Pacer {
  let pacer = pacers.get(realmId);
  if (!pacer) {
    pacer = new Pacer(options);
    pacers.set(realmId, pacer);
  }
  return pacer;
}

export function resetRealmPacers() {
  pacers.clear();
}
