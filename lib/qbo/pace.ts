// Pacing per QBO company (realmId), following Intuit's published limits (reference qbo-api.md §5.1):
// 500 requests/min per realm, 10 concurrent per realm+app, 40 batch requests/min per realm+app.
// Whether a batch counts once toward the 500 or once per item is not settled by any Intuit source
// (reference §4, marked [I]): the pacer finds out per realm with one probe, keeps the reading in the
// database (lib/qbo/pace-store.ts) so every later import, in any process, starts right, and re-learns
// from a 429 its reading cannot explain. One pacer per realm per process is shared by everything that
// talks to that realm (getRealmPacer); with a store, processes share the realm's budget through short
// claims in the database, so several instances never jointly exceed the limits.
import { randomUUID } from "node:crypto";
import { getEnv } from "@/lib/env";
import { sleep } from "@/lib/sleep";

export const QBO_REQUESTS_PER_MINUTE = 500;
export const QBO_BATCH_REQUESTS_PER_MINUTE = 40;
export const QBO_MAX_CONCURRENT = 10;
export const QBO_BATCH_ITEMS_MAX = 30;
export const MINUTE_MS = 60_000;
/** When the window is full of requests still in flight, check again this soon (they will have answered). */
const IN_FLIGHT_RECHECK_MS = 20;
/** A learned reading older than this is probed again (Intuit may change how it counts). */
export const READING_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
/** Under item counting, a batch smaller than 30 is sent to use the last free units of a window only from this size. */
const MIN_FILL_ITEMS = 10;
/** A lane told to wait looks again at most this many times per (possibly scaled) minute. */
const PLAN_POLLS_PER_MINUTE = 120;
/** A planned request that has not reached `run` after this share of a minute is forgotten (its lane found no work). */
const PLAN_HOLD_SHARE_OF_MINUTE = 1 / 4;
const PLAN_HOLD_MAX_MS = 2_000;
/** Claims of the shared budget: this share of the limits at a time, spent within this share of a minute. */
const CLAIM_SHARE_OF_LIMIT = 1 / 10;
const CLAIM_TTL_SHARE_OF_MINUTE = 1 / 30;
/**
 * How long a request may still be under way after its claim expired (slots and counts stay reserved that
 * long): real milliseconds, not scaled (a request takes the same time whatever the pacer's minute).
 */
const CLAIM_LATENCY_MARGIN_MS = 2_000;
/** A 429 that neither the server nor the pacer's own log explains: first pause, doubled per 429 in a row, up to a minute. */
const UNEXPLAINED_THROTTLE_SHARE_OF_MINUTE = 1 / 20;

/** How a batch counts toward the 500/min limit: no Intuit source settles it (reference §4). */
export type BatchCounting = "request" | "item";
/** "unknown" paces as "item" (never overshoots under either reading) until the probe answers. */
export type Reading = BatchCounting | "unknown";

export interface LearnedReading {
  batchCounting: BatchCounting;
  /** Length of the window (ms) the reading was observed with. */
  windowMs: number;
  evidence: string;
  learnedAt: number;
}

export interface Limits {
  requests: number;
  batches: number;
  concurrent: number;
}

export interface ClaimRequest {
  now: number;
  windowMs: number;
  limits: Limits;
  /** What this holder has in its own window now (requests or units by its reading, batches) and in flight. */
  used: { requests: number; batches: number; inFlight: number };
  want: Limits;
  /** The claim may be spent until now + ttlMs. */
  ttlMs: number;
  marginMs: number;
}

export interface ClaimGrant extends Limits {
  /** Holders (this one included) that claimed recently. */
  holders: number;
}

/** Where a realm's reading and shared budget live (the database in the app: lib/qbo/pace-store.ts). */
export interface PacingStore {
  load(realmId: string): Promise<LearnedReading | null>;
  save(realmId: string, reading: LearnedReading): Promise<void>;
  /** Grants what fits beside every other holder's recent claims, and records this holder's. */
  claim(realmId: string, holder: string, request: ClaimRequest): Promise<ClaimGrant>;
  /** This holder stops sending: its row goes. */
  release(realmId: string, holder: string): Promise<void>;
}

export interface PacerOptions {
  requestsPerMinute?: number;
  batchRequestsPerMinute?: number;
  maxConcurrent?: number;
  /** Length of a "minute" in ms: scaled down in tests and benchmarks (QBO_PACE_TIME_SCALE). */
  minuteMs?: number;
  /** A reading known in advance (tests); otherwise the store's, or "unknown". */
  batchCounting?: Reading;
  now?: () => number;
  realmId?: string;
  store?: PacingStore;
  /** Identity of this process in the shared budget (default: a random id per pacer). */
  holder?: string;
  /** Called when the pacer learns or re-learns a reading (logs, tests). */
  onLearn?: (reading: LearnedReading) => void;
}

export interface PermitRequest {
  /** True for POST /batch. */
  batch?: boolean;
  /** Operations inside a batch (counted against the per-minute limit when batches count per item). */
  items?: number;
}

/** One request's passage through the pacer, handed to the function that sends it. */
export interface Ticket {
  /** This request tests whether batches count per item (it exceeds the item count, not the request count). */
  readonly probe: boolean;
  /** Set by the sender when QuickBooks answered 429 (or its XML throttle fault). */
  throttled: boolean;
}

/** What a lane should do now: take this many operations, or look again after `waitMs`. */
export type Plan = { take: number; waitMs?: undefined } | { take: 0; waitMs: number };

/**
 * A sliding-window log. A request is logged when its answer arrives, not when it leaves: QuickBooks
 * counts it at some moment in between, so logging the latest possible moment keeps two requests a full
 * window apart at QuickBooks whatever their network delays were. Requests still in flight count as the
 * newest entries.
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

  /** Milliseconds until the oldest entry leaves the window (0 when empty). */
  nextFree(now: number): number {
    this.prune(now);
    const oldest = this.times[this.head];
    return oldest === undefined ? 0 : oldest + this.windowMs - now + 1;
  }

  begin(n: number) {
    this.pending += n;
  }

  end(now: number, n: number) {
    this.pending -= n;
    for (let i = 0; i < n; i++) this.times.push(now);
  }

  /** Logged at once (a log of send times). */
  add(now: number, n: number) {
    for (let i = 0; i < n; i++) this.times.push(now);
  }
}

interface Grant extends Limits {
  until: number;
}

export class Pacer {
  readonly requestsPerMinute: number;
  readonly batchRequestsPerMinute: number;
  readonly maxConcurrent: number;
  readonly minuteMs: number;
  readonly holder: string;
  reading: Reading;
  /** How the current reading was learned (or "assumed"). */
  evidence = "assumed";
  private readonly now: () => number;
  private store?: PacingStore;
  private readonly realmId?: string;
  private readonly onLearn?: (reading: LearnedReading) => void;
  /** Every request weighs 1 (the "batch counts once" view). */
  private readonly requestLog: WindowLog;
  /** A batch weighs its items (the "every item counts" view). */
  private readonly unitLog: WindowLog;
  /** Units logged when they leave: surely inside QuickBooks' window while younger than one window. */
  private readonly sentUnitLog: WindowLog;
  private readonly batchLog: WindowLog;
  private active = 0;
  private queue: Array<() => void> = [];
  private pausedUntil = 0;
  private throttlesInARow = 0;
  private probeInFlight = false;
  private planned: { units: number; batches: number; requests: number; at: number }[] = [];
  private loading?: Promise<void>;
  private grant: Grant = { requests: 0, batches: 0, concurrent: 0, until: 0 };
  private claiming?: Promise<void>;
  private claimWaitUntil = 0;
  /** Highest number of requests in flight at once, for tests and benchmarks. */
  peakConcurrent = 0;
  /** Holders seen in the shared budget at the last claim (1 = this one alone). */
  holders = 1;

  constructor(options: PacerOptions = {}) {
    this.requestsPerMinute = options.requestsPerMinute ?? QBO_REQUESTS_PER_MINUTE;
    this.batchRequestsPerMinute = options.batchRequestsPerMinute ?? QBO_BATCH_REQUESTS_PER_MINUTE;
    this.maxConcurrent = options.maxConcurrent ?? QBO_MAX_CONCURRENT;
    this.minuteMs = options.minuteMs ?? MINUTE_MS;
    this.reading = options.batchCounting ?? "unknown";
    if (options.batchCounting) this.evidence = "given";
    this.now = options.now ?? Date.now;
    this.store = options.store;
    this.realmId = options.realmId;
    this.onLearn = options.onLearn;
    this.holder = options.holder ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.requestLog = new WindowLog(this.minuteMs);
    this.unitLog = new WindowLog(this.minuteMs);
    this.sentUnitLog = new WindowLog(this.minuteMs);
    this.batchLog = new WindowLog(this.minuteMs);
    // A reading given by the caller wins over the store's.
    if (options.batchCounting) this.loading = Promise.resolve();
  }

  /** Shares this pacer's reading and budget through `store` (a pacer first made without one). */
  attachStore(store: PacingStore) {
    if (this.store) return;
    this.store = store;
    if (this.reading === "unknown") this.loading = undefined;
  }

  /** How batches are counted for pacing: an unknown reading paces as "item" (safe under both). */
  get batchCounting(): BatchCounting {
    return this.reading === "request" ? "request" : "item";
  }

  set batchCounting(value: Reading) {
    this.reading = value;
  }

  /** Loads the realm's learned reading from the store (once); requests wait for it. */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      if (!this.store || !this.realmId) return;
      try {
        const stored = await this.store.load(this.realmId);
        if (stored && this.reading === "unknown" && this.now() - stored.learnedAt < READING_MAX_AGE_MS) {
          this.reading = stored.batchCounting;
          this.evidence = `stored: ${stored.evidence}`;
        }
      } catch {
        // Without the store the pacer probes again: slower at worst, never over the limits.
      }
    })();
    return this.loading;
  }

  private units(permit: PermitRequest): number {
    return permit.batch ? Math.max(1, permit.items ?? 1) : 1;
  }

  private cost(permit: PermitRequest): number {
    return this.batchCounting === "item" ? this.units(permit) : 1;
  }

  /** The log the current reading paces by. */
  private get paceLog(): WindowLog {
    return this.batchCounting === "item" ? this.unitLog : this.requestLog;
  }

  private prunePlanned(now: number) {
    // Long enough for a lane to mark its items `sending` (real time), short enough that a plan whose lane
    // found no work (the end of a slice) does not hold the window for long.
    const hold = Math.min(this.minuteMs * PLAN_HOLD_SHARE_OF_MINUTE, PLAN_HOLD_MAX_MS);
    while (this.planned.length > 0 && this.planned[0]!.at < now - hold) this.planned.shift();
  }

  private plannedTotals(now: number) {
    this.prunePlanned(now);
    let units = 0;
    let batches = 0;
    let requests = 0;
    for (const p of this.planned) {
      units += p.units;
      batches += p.batches;
      requests += p.requests;
    }
    return { units, batches, requests };
  }

  /** How long a request of this kind would wait for the rate windows now (0: it could leave); for progress wording. */
  waitMs(permit: PermitRequest = {}): number {
    const now = this.now();
    return Math.max(0, this.pausedUntil - now, this.paceLog.waitFor(now, this.cost(permit), this.requestsPerMinute), permit.batch ? this.batchLog.waitFor(now, 1, this.batchRequestsPerMinute) : 0);
  }

  /** Requests (units, when items count) and batches that could still be sent in the current window. */
  remainingInWindow(): { requests: number; batches: number } {
    const now = this.now();
    return {
      requests: Math.max(0, this.requestsPerMinute - this.paceLog.count(now)),
      batches: Math.max(0, this.batchRequestsPerMinute - this.batchLog.count(now)),
    };
  }

  /** Whether a batch of `units` would now test the reading: surely over the item count, within the request count. */
  private probeFits(now: number, units: number): boolean {
    return (
      this.reading === "unknown" &&
      !this.probeInFlight &&
      units > 1 &&
      now >= this.pausedUntil &&
      this.sentUnitLog.count(now) + units > this.requestsPerMinute &&
      this.requestLog.waitFor(now, 1, this.requestsPerMinute) === 0 &&
      this.batchLog.waitFor(now, 1, this.batchRequestsPerMinute) === 0
    );
  }

  /**
   * What an import lane should send now (the executor's only pacing decision). `queued`: operations
   * waiting; `more`: whether more will come after them; `max`: the most this lane takes at once.
   *  - batches count once ("request"): batches of 30 while the batch allowance lasts; singles use the
   *    requests the remaining batches of the window do not need, so the window carries 40 × 30 + 460.
   *  - every item counts ("item", and "unknown" until the probe): batches only, 30 at a time; a smaller
   *    batch fills the window's last free units (≥ 10) or carries the import's tail. Singles only for
   *    the tail when no batch may leave.
   *  - unknown: once the window is surely full by item count, one batch goes beyond it as the probe.
   */
  plan(kind: "batch" | "single", queued: number, more: boolean, max = kind === "batch" ? QBO_BATCH_ITEMS_MAX : Infinity): Plan {
    const now = this.now();
    const poll = this.minuteMs / PLAN_POLLS_PER_MINUTE;
    const wait = (ms: number): Plan => ({ take: 0, waitMs: Math.max(1, Math.min(poll, ms)) });
    // With more to come, an empty queue is about to be refilled: plan for what a lane would take.
    const available = Math.min(max, more ? Math.max(queued, Math.min(max, QBO_BATCH_ITEMS_MAX)) : Math.max(0, queued));
    if (available <= 0) return { take: 0 };
    // An empty queue may stay empty (a slice ending): such a plan is not held against the window.
    const record = queued > 0;
    if (now < this.pausedUntil) return wait(this.pausedUntil - now);
    const p = this.plannedTotals(now);
    const batchesLeft = this.batchRequestsPerMinute - this.batchLog.count(now) - p.batches;
    if (this.batchCounting === "request") {
      if (kind === "batch") {
        if (batchesLeft <= 0 || this.requestLog.count(now) + p.requests >= this.requestsPerMinute) return wait(this.batchLog.nextFree(now));
        if (record) this.planned.push({ units: 0, batches: 1, requests: 1, at: now });
        return { take: Math.min(QBO_BATCH_ITEMS_MAX, available) };
      }
      // Batches first: they carry 30 operations for one request, and the window's batch slots are
      // reused a window later at the moment they were used, so sending them early keeps every later
      // window's batches early too. Singles use what the window's batches will not need.
      if (batchesLeft > 0 && more) return wait(poll);
      const spare = this.requestsPerMinute - this.requestLog.count(now) - p.requests - Math.max(0, batchesLeft);
      if (spare <= 0) return wait(this.requestLog.nextFree(now));
      const take = Math.min(spare, available);
      if (take > 0 && record) this.planned.push({ units: 0, batches: 0, requests: take, at: now });
      return { take };
    }
    // Every item counts (or not known yet).
    const free = this.requestsPerMinute - this.unitLog.count(now) - p.units;
    const remaining = more ? Infinity : available;
    if (kind === "single") {
      if (!more && available > 0 && batchesLeft <= 0 && free >= 1) {
        const take = Math.min(free, available);
        if (record) this.planned.push({ units: take, batches: 0, requests: take, at: now });
        return { take };
      }
      return wait(poll);
    }
    if (batchesLeft <= 0) return wait(this.batchLog.nextFree(now));
    let take = 0;
    if (free >= QBO_BATCH_ITEMS_MAX || (free >= remaining && remaining > 0)) take = Math.min(QBO_BATCH_ITEMS_MAX, available);
    else if (free >= MIN_FILL_ITEMS && remaining > free) take = Math.min(free, available);
    else if (p.units === 0 && this.probeFits(now, Math.min(QBO_BATCH_ITEMS_MAX, available))) take = Math.min(QBO_BATCH_ITEMS_MAX, available);
    if (take <= 0) return wait(this.unitLog.waitFor(now, Math.min(QBO_BATCH_ITEMS_MAX, Math.max(1, available)), this.requestsPerMinute));
    if (record) this.planned.push({ units: take, batches: 1, requests: 1, at: now });
    return { take };
  }

  /** A planned request reached `run`: it is counted by the logs from now on. */
  private unplan(permit: PermitRequest) {
    const index = this.planned.findIndex((p) => (permit.batch ? p.batches > 0 : p.batches === 0));
    if (index < 0) return;
    const entry = this.planned[index]!;
    if (permit.batch || entry.requests <= 1) this.planned.splice(index, 1);
    else {
      entry.requests -= 1;
      entry.units = Math.max(0, entry.units - 1);
    }
  }

  private learn(batchCounting: BatchCounting, evidence: string) {
    const changed = this.reading !== batchCounting;
    this.reading = batchCounting;
    this.evidence = evidence;
    const learned: LearnedReading = { batchCounting, windowMs: this.minuteMs, evidence, learnedAt: this.now() };
    if (changed) this.onLearn?.(learned);
    if (this.store && this.realmId) void this.store.save(this.realmId, learned).catch(() => {});
  }

  /**
   * QuickBooks answered 429 to this request. Returns how long the realm pauses: the server's
   * Retry-After when it sent one; otherwise the pacer's own log (when the 429 shows that every batch
   * item counts, the wait until the window has room under that reading); a 429 neither explains
   * (someone else's traffic, which the own log cannot see) pauses 1/20 of a minute, doubling with
   * each 429 in a row up to a minute.
   */
  throttled(ticket: Ticket, permit: PermitRequest, retryAfterMs?: number): number {
    const now = this.now();
    this.throttlesInARow++;
    let explained = false;
    if (ticket.probe) {
      this.learn("item", "probe throttled: a batch beyond 500 items in one window was refused");
      explained = true;
    } else if (
      this.reading === "request" &&
      this.requestLog.waitFor(now, 1, this.requestsPerMinute) === 0 &&
      (!permit.batch || this.batchLog.waitFor(now, 1, this.batchRequestsPerMinute) === 0) &&
      this.unitLog.waitFor(now, this.units(permit), this.requestsPerMinute) > 0
    ) {
      // The request count had room, the item count had not: QuickBooks may count items now (a change of
      // behaviour), or the 429 had another cause (concurrency, someone else's traffic). Pace safely, as if
      // items count, and let the probe decide: it goes out as soon as the pause is over (the window is
      // full by items already), refused → "item" is stored, admitted → back to "request".
      this.reading = "unknown";
      this.evidence = "429 that item counting would explain: probing again";
    }
    let wait: number;
    if (retryAfterMs !== undefined && retryAfterMs >= 0) wait = retryAfterMs;
    else if (explained) wait = Math.max(this.paceLog.waitFor(now, this.cost(permit), this.requestsPerMinute), this.batchLog.waitFor(now, permit.batch ? 1 : 0, this.batchRequestsPerMinute));
    else {
      wait = this.minuteMs * UNEXPLAINED_THROTTLE_SHARE_OF_MINUTE * 2 ** Math.min(5, this.throttlesInARow - 1);
    }
    wait = Math.max(0, Math.min(this.minuteMs, wait));
    this.pause(wait);
    return wait;
  }

  /** Nothing leaves for this realm until the pause is over. */
  pause(ms: number) {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Claims the next share of the realm's budget shared with other processes (single flight). */
  private claim(permit: PermitRequest): Promise<void> {
    this.claiming ??= (async () => {
      const now = this.now();
      const limits = { requests: this.requestsPerMinute, batches: this.batchRequestsPerMinute, concurrent: this.maxConcurrent };
      const want = {
        requests: Math.max(this.cost(permit), Math.ceil(limits.requests * CLAIM_SHARE_OF_LIMIT)),
        batches: Math.max(permit.batch ? 1 : 0, Math.ceil(limits.batches * CLAIM_SHARE_OF_LIMIT)),
        concurrent: limits.concurrent,
      };
      const ttlMs = Math.max(50, Math.round(this.minuteMs * CLAIM_TTL_SHARE_OF_MINUTE));
      try {
        const granted = await this.store!.claim(this.realmId!, this.holder, {
          now,
          windowMs: this.minuteMs,
          limits,
          used: { requests: this.paceLog.count(now), batches: this.batchLog.count(now), inFlight: this.active },
          want,
          ttlMs,
          marginMs: CLAIM_LATENCY_MARGIN_MS,
        });
        this.holders = granted.holders;
        this.grant = { requests: granted.requests, batches: granted.batches, concurrent: granted.concurrent, until: now + ttlMs };
        if (granted.requests < this.cost(permit) || (permit.batch && granted.batches < 1) || granted.concurrent <= this.active) {
          // Others hold the budget: look again shortly (their claims are short).
          this.claimWaitUntil = now + ttlMs;
        }
      } catch {
        // The store is unreachable: pace alone for a moment rather than stop the import.
        this.grant = { ...limits, until: now + ttlMs };
      }
    })().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private grantCovers(now: number, cost: number, batch: boolean): boolean {
    return now < this.grant.until && this.grant.requests >= cost && (!batch || this.grant.batches >= 1) && this.active < this.grant.concurrent;
  }

  /**
   * Runs `fn` once the limits allow it. A request waiting for the rate windows holds no concurrent
   * slot, so requests of another kind (singles while batches wait for their allowance) still go out.
   */
  async run<T>(permit: PermitRequest, fn: (ticket: Ticket) => Promise<T>): Promise<T> {
    await this.ready();
    let cost: number;
    let probe = false;
    const units = this.units(permit);
    for (;;) {
      cost = this.cost(permit);
      const now = this.now();
      probe = !!permit.batch && this.probeFits(now, units);
      const wait = Math.max(
        this.pausedUntil - now,
        probe ? 0 : this.paceLog.waitFor(now, cost, this.requestsPerMinute),
        permit.batch ? this.batchLog.waitFor(now, 1, this.batchRequestsPerMinute) : 0,
        this.claimWaitUntil - now,
      );
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      // With a shared budget, the slots this process holds are its limit while its claim lasts.
      const slots = this.store && now < this.grant.until ? Math.min(this.maxConcurrent, this.grant.concurrent) : this.maxConcurrent;
      if (this.active >= slots && this.active > 0) {
        await new Promise<void>((resolve) => this.queue.push(resolve));
        continue;
      }
      // Nothing starts while a claim is being decided: it publishes what is in flight now.
      if (this.claiming) {
        await this.claiming;
        continue;
      }
      if (this.store && this.realmId && !probe && !this.grantCovers(now, cost, !!permit.batch)) {
        await this.claim(permit);
        continue;
      }
      // Checked and taken in one synchronous step: nothing else can slip in between.
      this.active++;
      if (this.store && this.realmId && !probe) {
        this.grant.requests -= cost;
        if (permit.batch) this.grant.batches -= 1;
      }
      this.requestLog.begin(1);
      this.unitLog.begin(units);
      this.sentUnitLog.add(now, units);
      if (permit.batch) this.batchLog.begin(1);
      if (probe) this.probeInFlight = true;
      this.unplan(permit);
      break;
    }
    this.peakConcurrent = Math.max(this.peakConcurrent, this.active);
    const ticket: Ticket = { probe, throttled: false };
    try {
      const result = await fn(ticket);
      if (!ticket.throttled) this.throttlesInARow = 0;
      if (probe && !ticket.throttled) this.learn("request", "probe admitted: a batch beyond 500 items in one window went through");
      return result;
    } finally {
      const at = this.now();
      this.requestLog.end(at, 1);
      this.unitLog.end(at, units);
      if (permit.batch) this.batchLog.end(at, 1);
      if (probe) this.probeInFlight = false;
      this.active--;
      this.queue.shift()?.();
    }
  }

  /** Gives the shared budget back (the process stops sending to this realm). */
  async release(): Promise<void> {
    if (this.store && this.realmId) await this.store.release(this.realmId, this.holder).catch(() => {});
  }
}

/** The pacer's minute in this process: 60 s, divided by QBO_PACE_TIME_SCALE (tests and benchmarks only). */
export function pacerMinuteMs(): number {
  return MINUTE_MS / getEnv().qboPaceTimeScale;
}

const pacers = new Map<string, Pacer>();

/** The one pacer of this process for a realm (created with `options` on first use). */
export function getRealmPacer(realmId: string, options?: PacerOptions): Pacer {
  let pacer = pacers.get(realmId);
  if (!pacer) {
    pacer = new Pacer({ minuteMs: pacerMinuteMs(), realmId, ...options });
    pacers.set(realmId, pacer);
  } else if (options?.store) pacer.attachStore(options.store);
  return pacer;
}

export function resetRealmPacers() {
  pacers.clear();
}
