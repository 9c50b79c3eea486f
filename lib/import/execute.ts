// Executes the operations a preview stored as import_items: entities first, then TimeActivity
// creates / updates / deletes in QBO batches of up to 30 (single requests when the per-minute batch
// allowance is spent and they finish sooner). This module only orchestrates a slice; the parts are:
//   lib/import/outcomes.ts      pure decisions: what an answer (or its absence) means for an item
//   db/queries/import-run.ts    the lease, the claim and the fenced commit (THE ledger write)
//   lib/qbo/lanes.ts            lanes under one AbortController, batch size and the spare allowance
//   lib/import/reconcile.ts     unknown outcomes (own, and those ended imports left behind)
//   lib/import/entities.ts      entity creation, matched by name and parent
//
// Exactly once under real hosting (issue 12): a run owns its import through a lease (runner id +
// generation). Items are claimed for sending with one conditional statement; only the returned rows
// are sent, never after the claim's send deadline, and outcomes commit only where the item is still
// `sending` under the claim it was read with, while the lease is held. An executor that stalled and
// wakes up after a takeover can neither claim, nor commit, nor renew: it stops. An item left
// `sending` (timeout, lost answer, crash, takeover) is reconciled against QBO once its request can no
// longer land, and re-sent with the same requestid when it did not.
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Db } from "@/db/client";
import {
  acquireLease,
  claimItems,
  commitOutcomes,
  finishImport,
  importItemsWithStatus,
  importRunState,
  LeaseLostError,
  LEDGER_MOVED_MESSAGE,
  ledgerMovedSincePlan,
  pendingActivityItemsAfter,
  renewLease,
  type Lease,
} from "@/db/queries/import-run";
import { getImportById, importStatus, type ImportItemRow, type ImportRow } from "@/db/queries/imports";
import { importRuleContext } from "@/db/queries/import-rules";
import { saveRule, saveRuleFrom } from "@/db/queries/mappings";
import { abortableSleep, deterministicRequestId, QBO_BATCH_MAX_OPS, QBO_BATCH_REQUEST_ID_MAX, QboRequestNotSent, type BatchOperation, type QboClient } from "@/lib/qbo/client";
import { QboFault } from "@/lib/qbo/faults";
import { runLanes } from "@/lib/qbo/lanes";
import { ConnectionUnavailableError } from "@/lib/qbo/tokens";
import { createEntities } from "./entities";
import { decideAnswer, decideBeforeSend, decideRequestFailure, payloadOf, RECONCILE_AFTER_MS, REREAD, SEND_DEADLINE_MS, settled, UNKNOWN, type CommittableOutcome, type ItemAnswer } from "./outcomes";
import { resolveNewRefs } from "./plan/keys";
import { timeActivityBody } from "./qbo-activity";
import { createdEntityRefs, LeftoversUnsettledError, reconcileLeftovers, reconcileUnknown, resolveAgainstCurrent } from "./reconcile";
import type { SliceResult, TargetRef } from "./types";
import { storedRuleAfterImport } from "./created-rules";
import { importEnding } from "./outcome";
import { phaseReporter } from "./progress";
import { mappingSnapshotOf } from "./snapshot";

export type { ActivityItemPayload, EntityItemPayload, SliceResult, SnapshotRule } from "./types";
export { readActivitiesById, QBO_READ_IDS_PER_QUERY } from "./qbo-activity";
export { RECONCILE_AFTER_MS, SEND_DEADLINE_MS } from "./outcomes";

/** At most this many operations per slice (one Inngest step, or one turn of the in-process runner); see also SLICE_MAX_MS. */
export const EXECUTE_SLICE_OPS = 3_000;
/**
 * Batch lanes of one import (Intuit allows 10 concurrent requests per realm; the single lanes take the
 * rest). The pacer decides what each sends; under "a batch counts once" a window's 40 batches go first,
 * and the sooner they are all out, the sooner every later window's are (issue 15).
 */
export const EXECUTE_CONCURRENT_REQUESTS = 7;
/** While only unsettled items remain, a slice waits at most this long before returning. */
const SETTLE_WAIT_MAX_MS = 5_000;
/** A slice stops taking new work after this long (one bounded Inngest step; the runner starts the next). */
export const SLICE_MAX_MS = 45_000;
/** Fetch the next pending operations when the lanes' queue runs this low, this many at a time. */
const QUEUE_REFILL_BELOW = 90;
const REFILL_OPS = 300;
/** Interrupt and a lost lease are noticed within this time (one query per interval, not per request). */
export const STATUS_CHECK_INTERVAL_MS = 500;
/** The lease's heartbeat while a slice runs (well inside any stale-lease time). */
export const LEASE_RENEW_INTERVAL_MS = 10_000;
/** An active import whose lease holder has not renewed for this long may be taken over. */
export const IMPORT_LEASE_STALE_MS = 2 * 60_000;
/** Single-request lanes, and how many operations one lane sends at once (Intuit allows 10 concurrent). */
const SINGLE_LANES = 3;
const SINGLES_PER_TURN = 8;
/** 401s in a row (each after the client's own refresh) before an import ends as Error. */
const MAX_AUTH_REFUSALS_IN_A_ROW = 10;
/** An item QBO keeps answering with 5xx or throttles is given up after this many sends, with the reason. */
export const MAX_SEND_ATTEMPTS = 8;

export interface ExecuteHooks {
  /** Crash tests: runs after QBO answered and before the outcome is committed. */
  afterQboResponse?: () => void | Promise<void>;
  /** Fault tests: runs before each commit of sent items' outcomes (throw to inject a database error). */
  beforeCommit?: () => void | Promise<void>;
}

export interface ExecuteDeps {
  db: Db;
  qbo: QboClient;
  now?: () => Date;
  sliceOps?: number;
  concurrency?: number;
  hooks?: ExecuteHooks;
  /** Age at which a `sending` item is reconciled (default RECONCILE_AFTER_MS; tests shorten it). */
  reconcileAfterMs?: number;
  /** Default SEND_DEADLINE_MS; must stay well below reconcileAfterMs minus Intuit's own request timeout. */
  sendDeadlineMs?: number;
  /**
   * The lease the driver holds (lib/import/runner, inngest/functions). Without one, the executor takes
   * the import over itself on its first slice (a new executor is a new owner: tests, tools).
   */
  lease?: Lease;
  /** Aborts the executor's work (the driver lost its lease, or shuts down). */
  signal?: AbortSignal;
}

/** A slice ended because the lease is lost: stop driving (another runner owns the import). */
function leaseLost(status: ImportRow["status"] | undefined): SliceResult {
  return { done: true, status: status ?? "error" };
}

export function createExecutor(deps: ExecuteDeps) {
  const { db, qbo } = deps;
  const now = deps.now ?? (() => new Date());
  const sliceOps = deps.sliceOps ?? EXECUTE_SLICE_OPS;
  const concurrency = deps.concurrency ?? EXECUTE_CONCURRENT_REQUESTS;
  const reconcileAfterMs = deps.reconcileAfterMs ?? RECONCILE_AFTER_MS;
  const sendDeadlineMs = deps.sendDeadlineMs ?? SEND_DEADLINE_MS;
  const isSettled = (item: ImportItemRow) => settled(item, now().getTime(), reconcileAfterMs);
  let lease = deps.lease;
  const ownRunnerId = `executor:${randomBytes(6).toString("hex")}`;

  /** The lease for this import: the driver's, or (standalone) taken over on first use. */
  async function leaseFor(importId: string): Promise<Lease | undefined> {
    if (lease && lease.importId === importId) return lease;
    if (deps.lease) return undefined; // a driver's lease is for one import only
    lease = await acquireLease(db, importId, ownRunnerId, { staleMs: IMPORT_LEASE_STALE_MS, now: now(), force: true });
    return lease;
  }

  /**
   * A 401 that survived the client's refresh (a token refreshed by one request can expire while others are
   * in flight): the request was not processed, so it goes back to pending. Only a run of them in a row means
   * QuickBooks really refuses this connection, and ends the import.
   */
  let authRefusals = 0;
  const authTolerated = () => ++authRefusals <= MAX_AUTH_REFUSALS_IN_A_ROW;

  // ── sending ─────────────────────────────────────────────────────────────────────────────

  function operationOf(item: ImportItemRow, refs: Map<TargetRef, string>): Extract<BatchOperation<"TimeActivity">, { entity: string }> {
    const bId = item.seq.toString(36); // ≤ 10 chars when the batch carries a requestid (reference §6)
    const payload = payloadOf(item);
    if (item.operation === "delete") return { bId, operation: "delete", entity: "TimeActivity", body: { Id: item.qboId, SyncToken: payload.syncToken } };
    const body = timeActivityBody(resolveNewRefs(payload.activity!, refs));
    if (item.operation === "update") return { bId, operation: "update", entity: "TimeActivity", body: { ...body, Id: item.qboId, SyncToken: payload.syncToken, sparse: false } };
    return { bId, operation: "create", entity: "TimeActivity", body };
  }

  /** Commits decided outcomes of sent items (and re-reads those refused for their state). */
  async function commitDecisions(lease: Lease, imp: ImportRow, items: ImportItemRow[], decide: (item: ImportItemRow) => ReturnType<typeof decideAnswer>, refs: Map<TargetRef, string>, signal: AbortSignal) {
    await deps.hooks?.afterQboResponse?.();
    const outcomes: CommittableOutcome[] = [];
    const reread: ImportItemRow[] = [];
    for (const item of items) {
      const decision = decide(item);
      if (decision === UNKNOWN) continue; // stays `sending`: reconciled once settled
      if (decision === REREAD) reread.push(item);
      else outcomes.push(decision);
    }
    await deps.hooks?.beforeCommit?.();
    await commitOutcomes(db, { lease }, imp, outcomes, now());
    if (reread.length > 0) {
      let decided: CommittableOutcome[];
      try {
        decided = await resolveAgainstCurrent(qbo, reread, refs, signal);
      } catch (error) {
        // Could not read them now: they stay `sending` and are reconciled once settled.
        if (error instanceof QboRequestNotSent || error instanceof QboFault) return;
        throw error;
      }
      await commitOutcomes(db, { lease }, imp, decided, now());
    }
  }

  /** Items whose request never left: back to pending, the attempt not counted, the requestid kept. */
  async function notSent(lease: Lease, imp: ImportRow, items: ImportItemRow[]) {
    await commitOutcomes(db, { lease }, imp, items.map((item) => ({ item, status: "pending" as const, keepRequestId: true, notSent: true })), now());
  }

  async function sendBatch(lease: Lease, imp: ImportRow, items: ImportItemRow[], refs: Map<TargetRef, string>, signal: AbortSignal) {
    const requestId = deterministicRequestId([imp.id, "batch", ...items.map((i) => i.requestId ?? `${i.seq}.${i.attempts}`)], QBO_BATCH_REQUEST_ID_MAX);
    const notAfter = Math.min(...items.map((i) => i.sentAt!.getTime())) + sendDeadlineMs;
    let results;
    try {
      results = await qbo.batch(items.map((i) => operationOf(i, refs)), requestId, { signal, notAfter });
    } catch (error) {
      if (error instanceof QboRequestNotSent) return notSent(lease, imp, items);
      if (error instanceof ConnectionUnavailableError) {
        // No usable token (a refused refresh after a 401, or none to send with): nothing was processed.
        await commitOutcomes(db, { lease }, imp, items.map((item) => ({ item, status: "pending" as const })), now());
        throw error;
      }
      if (!(error instanceof QboFault)) throw error;
      const failure = decideRequestFailure(error, authTolerated);
      if (failure === "unknown") return; // stays `sending`: reconciled once settled
      if (failure === "pending") {
        await commitOutcomes(db, { lease }, imp, items.map((item) => ({ item, status: "pending" as const })), now());
        return;
      }
      await commitOutcomes(db, { lease }, imp, items.map((item) => ({ item, status: "pending" as const })), now());
      throw error;
    }
    authRefusals = 0;
    await commitDecisions(lease, imp, items, (item) => decideAnswer(item, refs, results.get(item.seq.toString(36))), refs, signal);
  }

  type SingleAnswer = ItemAnswer | "unknown" | "pending" | "not_sent" | { stop: QboFault | ConnectionUnavailableError };

  /** One activity operation as its own request (the item is already claimed). */
  async function sendOne(item: ImportItemRow, refs: Map<TargetRef, string>, signal: AbortSignal): Promise<SingleAnswer> {
    const op = operationOf(item, refs);
    const call = { signal, notAfter: item.sentAt!.getTime() + sendDeadlineMs };
    try {
      if (op.operation === "delete") {
        await qbo.remove("TimeActivity", String(op.body.Id), String(op.body.SyncToken), item.requestId!, call);
        authRefusals = 0;
        return { ok: true };
      }
      const entity = op.operation === "create" ? await qbo.create("TimeActivity", op.body, item.requestId!, call) : await qbo.update("TimeActivity", op.body, item.requestId!, call);
      authRefusals = 0;
      return { ok: true, entity };
    } catch (error) {
      if (error instanceof QboRequestNotSent) return "not_sent";
      if (error instanceof ConnectionUnavailableError) return { stop: error };
      if (!(error instanceof QboFault)) throw error;
      if (error.kind === "validation" || error.kind === "not_found" || error.kind === "malformed") return { ok: false, fault: error };
      const failure = decideRequestFailure(error, authTolerated);
      if (failure === "stop") return error.kind === "auth" || error.kind === "forbidden" ? { stop: error } : { ok: false, fault: error };
      return failure;
    }
  }

  /**
   * A chunk as single requests, sent at once: claimed together before they leave and their outcomes
   * committed together (two database round trips per chunk rather than two per item).
   */
  async function sendSingles(lease: Lease, imp: ImportRow, items: ImportItemRow[], refs: Map<TargetRef, string>, signal: AbortSignal) {
    const answered = new Map((await Promise.all(items.map(async (item) => [item.id, await sendOne(item, refs, signal)] as const))));
    const unsent = items.filter((i) => answered.get(i.id) === "not_sent");
    if (unsent.length > 0) await notSent(lease, imp, unsent);
    let stop: QboFault | ConnectionUnavailableError | undefined;
    await commitDecisions(
      lease,
      imp,
      items.filter((i) => answered.get(i.id) !== "not_sent"),
      (item) => {
        const answer = answered.get(item.id)!;
        if (answer === "unknown") return UNKNOWN;
        if (answer === "pending") return { item, status: "pending" };
        if (typeof answer === "object" && "stop" in answer) {
          stop ??= answer.stop;
          return { item, status: "pending" };
        }
        return decideAnswer(item, refs, answer as ItemAnswer);
      },
      refs,
      signal,
    );
    if (stop) throw stop;
  }

  // ── reading the import's items ──────────────────────────────────────────────────────────

  /** Pending TimeActivity operations after `seq`, in order: what a slice has not queued yet. */
  function pendingAfter(importId: string, seq: number, limit: number) {
    return pendingActivityItemsAfter(db, importId, seq, limit);
  }

  function itemsWithStatus(importId: string, status: ImportItemRow["status"], entity: "TimeActivity" | "entities", limit?: number) {
    return importItemsWithStatus(db, importId, status, entity, limit);
  }

  async function finish(lease: Lease, imp: ImportRow, status: "completed" | "interrupted" | "error", errorMessage?: string, ranToEnd = status === "completed"): Promise<boolean> {
    return finishImport(db, { lease }, imp.id, status, {
      errorMessage,
      now: now(),
      // An import that ran to its end (Completed, or Error for failed items) makes its rules the company's.
      onFinished: ranToEnd ? (tx) => saveRulesOfImport(tx as unknown as Db, imp, now()) : undefined,
    });
  }

  /** Nothing else to do but wait until the oldest unknown outcome may be looked up (abortable). */
  async function waitForSettling(items: ImportItemRow[], signal?: AbortSignal): Promise<SliceResult> {
    const oldest = Math.min(...items.map((i) => i.sentAt?.getTime() ?? 0));
    const wait = Math.min(SETTLE_WAIT_MAX_MS, Math.max(0, oldest + reconcileAfterMs - now().getTime()));
    await abortableSleep(wait, signal).catch(() => {});
    return { done: false, status: (await importStatus(db, items[0]!.importId)) ?? "error" };
  }

  /**
   * The slice's watch: every STATUS_CHECK_INTERVAL_MS one query tells whether the import still runs
   * under this lease (an Interrupt, a takeover), and every LEASE_RENEW_INTERVAL_MS the lease is renewed.
   * Either aborts the slice's work at once.
   */
  function watch(lease: Lease, startedAs: ImportRow["status"]) {
    const controller = new AbortController();
    setMaxListeners(1_000, controller.signal); // the lanes' requests and waits listen to it, many at once
    const parent = deps.signal;
    const onParent = () => controller.abort(parent?.reason);
    if (parent?.aborted) controller.abort(parent.reason);
    else parent?.addEventListener("abort", onParent, { once: true });
    let renewedAt = Date.now();
    let busy = false;
    const state = { lost: false, status: "running" as ImportRow["status"] };
    const tick = async () => {
      if (busy || controller.signal.aborted) return;
      busy = true;
      try {
        if (Date.now() - renewedAt >= LEASE_RENEW_INTERVAL_MS) {
          renewedAt = Date.now();
          if (!(await renewLease(db, lease, now()))) state.lost = true;
        }
        const row = await importRunState(db, lease.importId);
        if (!row || row.runnerId !== lease.runnerId || row.generation !== lease.generation) state.lost = true;
        state.status = row?.status ?? "error";
        if (state.lost || state.status !== startedAs) controller.abort(new QboRequestNotSent("aborted"));
      } catch {
        // A failed check is tried again at the next tick; commits are fenced whatever happens here.
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), STATUS_CHECK_INTERVAL_MS);
    timer.unref?.();
    return {
      signal: controller.signal,
      state,
      stop() {
        clearInterval(timer);
        parent?.removeEventListener("abort", onParent);
      },
    };
  }

  // ── the slice ────────────────────────────────────────────────────────────────────────────

  /** Runs one slice. Call again until `done`. */
  async function runSlice(importId: string): Promise<SliceResult> {
    const found = await getImportById(db, importId);
    if (!found) return { done: true, status: "error" };
    if (found.status !== "running" && found.status !== "interrupting") return { done: true, status: found.status };
    const held = await leaseFor(importId);
    if (!held || !(await renewLease(db, held, now()))) return leaseLost((await getImportById(db, importId))?.status);
    const imp = (await getImportById(db, importId))!;
    const watcher = watch(held, imp.status);
    try {
      return await slice(held, imp, watcher);
    } catch (error) {
      if (error instanceof LeaseLostError) return leaseLost((await getImportById(db, importId))?.status);
      if (error instanceof ConnectionUnavailableError || (error instanceof QboFault && (error.kind === "auth" || error.kind === "forbidden"))) {
        await finish(held, imp, "error", error.message);
        return { done: true, status: "error" };
      }
      throw error;
    } finally {
      watcher.stop();
    }
  }

  async function slice(lease: Lease, imp: ImportRow, watcher: ReturnType<typeof watch>): Promise<SliceResult> {
    const { signal } = watcher;
    // A plan runs only against the ledger it was computed from.
    if (imp.status === "running" && imp.ledgerVersionSeen !== null && (await ledgerMovedSincePlan(db, imp))) {
      await finish(lease, imp, "error", LEDGER_MOVED_MESSAGE);
      return { done: true, status: "error" };
    }
    // What ended imports left in flight on this company is settled before this one sends anything.
    if (imp.status === "running") {
      try {
        if ((await reconcileLeftovers(db, qbo, imp.connectionId, { reconcileAfterMs, now: now(), excludeImportId: imp.id })) > 0 && imp.ledgerVersionSeen !== null) {
          await finish(lease, imp, "error", LEDGER_MOVED_MESSAGE);
          return { done: true, status: "error" };
        }
      } catch (error) {
        if (!(error instanceof LeftoversUnsettledError)) throw error;
        await abortableSleep(Math.min(SETTLE_WAIT_MAX_MS, error.retryAfterMs), signal).catch(() => {});
        return { done: false, status: imp.status };
      }
    }

    const phase = phaseReporter(db, imp.id, qbo.pacer, now); // progress wording (lib/import/progress)
    const refs = await createdEntityRefs(db, imp.id);
    const sending = await itemsWithStatus(imp.id, "sending", "TimeActivity");
    const lost = sending.filter(isSettled);
    if (lost.length > 0) {
      await phase.set("rechecking");
      await reconcileUnknown(db, qbo, { lease }, imp, lost, refs, signal);
    }
    const unsettled = sending.filter((item) => !isSettled(item));

    if (imp.status === "interrupting") {
      if (unsettled.length > 0) return waitForSettling(unsettled, signal);
      if (await finish(lease, imp, "interrupted")) return { done: true, status: "interrupted" };
      return { done: false, status: "interrupting" };
    }

    const sendingEntities = await itemsWithStatus(imp.id, "sending", "entities");
    if (sendingEntities.some((item) => !isSettled(item))) return waitForSettling(sendingEntities.filter((item) => !isSettled(item)), signal);
    const pendingEntities = await itemsWithStatus(imp.id, "pending", "entities");
    if (sendingEntities.length + pendingEntities.length > 0) await phase.set("entities");
    await createEntities(
      { db, qbo, lease, imp, signal, maxAttempts: MAX_SEND_ATTEMPTS, sendDeadlineMs, authTolerated, afterQboResponse: deps.hooks?.afterQboResponse, now },
      [...sendingEntities, ...pendingEntities],
    );
    const afterEntities = await importStatus(db, imp.id);
    if (afterEntities !== "running" || signal.aborted) return { done: false, status: afterEntities ?? "error" };
    const resolvedRefs = await createdEntityRefs(db, imp.id);

    /** Claims candidates; settles at once those that need no request. Returns the claimed rows to send. */
    const claim = async (candidates: ImportItemRow[]): Promise<ImportItemRow[]> => {
      if (candidates.length === 0) return [];
      const claimed = await claimItems(db, lease, candidates, now());
      if (claimed.length === 0) {
        // The claim says whether we still own the run: a takeover ends the slice, an interrupt the lanes.
        const row = await importRunState(db, imp.id);
        if (!row || row.generation !== lease.generation || row.runnerId !== lease.runnerId) {
          watcher.state.lost = true;
          throw new LeaseLostError(lease);
        }
        if (row.status !== "running") stopTaking = true;
        return [];
      }
      const blocked: CommittableOutcome[] = [];
      const ready: ImportItemRow[] = [];
      for (const item of claimed) {
        const decision = decideBeforeSend({ ...item, attempts: item.attempts - 1 }, resolvedRefs, MAX_SEND_ATTEMPTS);
        if (decision === "ready") ready.push(item);
        else blocked.push({ ...decision, item });
      }
      await commitOutcomes(db, { lease }, imp, blocked, now());
      return ready;
    };

    // The queue holds candidates (read, not claimed); lanes claim what they take, right before sending.
    const deadline = Date.now() + SLICE_MAX_MS;
    let stopTaking = false;
    const queue: ImportItemRow[] = [];
    let lastSeq = -1;
    let exhausted = false;
    let refilling: Promise<void> | null = null;
    let fetchedInSlice = 0;
    const refill = () =>
      (refilling ??= (async () => {
        const want = Math.min(REFILL_OPS, sliceOps - fetchedInSlice);
        const fetched = want > 0 ? await pendingAfter(imp.id, lastSeq, want) : [];
        fetchedInSlice += fetched.length;
        if (fetched.length < want || fetchedInSlice >= sliceOps) exhausted = true;
        if (fetched.length > 0) lastSeq = fetched[fetched.length - 1]!.seq;
        queue.push(...fetched);
      })().finally(() => (refilling = null)));
    /** Items for a lane, claimed: refills when running low, waits for a refill only when empty. */
    const take = async (n: number, fromEnd = false): Promise<ImportItemRow[]> => {
      for (;;) {
        if (signal.aborted || stopTaking) return [];
        if (queue.length < QUEUE_REFILL_BELOW && !exhausted && Date.now() < deadline) {
          const pendingRefill = refill();
          if (queue.length === 0) await pendingRefill;
        }
        if (queue.length === 0 && refilling) await refilling;
        if (n === 0 || queue.length === 0) return [];
        const candidates = fromEnd ? queue.splice(-Math.min(n, queue.length)) : queue.splice(0, n);
        const ready = await claim(candidates);
        if (ready.length > 0) return ready;
      }
    };

    await phase.set("writing");
    await refill();
    if (queue.length === 0 && exhausted && fetchedInSlice < sliceOps) {
      const stillSending = await itemsWithStatus(imp.id, "sending", "TimeActivity");
      if (stillSending.length > 0) return waitForSettling(stillSending, signal);
      const [anyPending] = await itemsWithStatus(imp.id, "pending", "TimeActivity", 1);
      if (anyPending) return { done: false, status: "running" };
      const ending = await importEnding(db, imp.id); // Error when any item failed (lib/import/outcome)
      if (await finish(lease, imp, ending.status, ending.message, true)) return { done: true, status: ending.status };
      return { done: false, status: "running" };
    }

    // Two kinds of lanes share one queue; the pacer decides what each sends (issue 15): under "a batch
    // counts once", batches of 30 while the batch allowance lasts and singles with what the remaining
    // batches do not need; when every item counts (or until the probe tells), batches only.
    const lane = (kind: "batch" | "single") => async (laneSignal: AbortSignal) => {
      await qbo.pacer.ready();
      while (!laneSignal.aborted) {
        const plan = qbo.pacer.plan(kind, queue.length, !exhausted, kind === "batch" ? QBO_BATCH_MAX_OPS : SINGLES_PER_TURN);
        if (plan.waitMs !== undefined) {
          // Nothing to wait for when the queue is done: never idle just to find it empty.
          if (queue.length === 0) await take(0);
          if (queue.length === 0) return;
          await abortableSleep(plan.waitMs, laneSignal);
          continue;
        }
        const items = plan.take > 0 ? await take(plan.take, kind === "single") : []; // singles from the end: batches keep the head
        if (items.length === 0) return;
        await (kind === "batch" ? sendBatch : sendSingles)(lease, imp, items, resolvedRefs, laneSignal);
      }
    };
    // One lane fails, all stop: the others are aborted, waited for, and what they learned committed.
    await runLanes([...Array.from({ length: concurrency }, () => lane("batch")), ...Array.from({ length: SINGLE_LANES }, () => lane("single"))], signal).finally(phase.watch());
    if (watcher.state.lost) throw new LeaseLostError(lease);
    return { done: false, status: watcher.state.status === "running" ? "running" : watcher.state.status };
  }

  async function markError(importId: string, message: string) {
    const imp = await getImportById(db, importId);
    if (!imp || (imp.status !== "running" && imp.status !== "interrupting")) return;
    const held = await leaseFor(importId);
    if (held) await finish(held, imp, "error", message);
  }

  return { runSlice, markError };
}

/**
 * Rules from the mapping step become the connection's rules when the import completes (spec §4),
 * each change kept in the mapping history. Creates already point at their new entity.
 */
export async function saveRulesOfImport(db: Db, imp: ImportRow, at: Date) {
  const { rules = [], applyFrom } = mappingSnapshotOf(imp);
  const applied = new Set(applyFrom?.keys ?? []);
  for (const rule of rules) {
    const { existing, created } = await importRuleContext(db, imp, rule, rule.kind === "create" && !rule.targetQboId);
    const next = storedRuleAfterImport(rule, created, existing?.targetQboId ?? null); // a created entity's rule is a link to it
    const input = { connectionId: imp.connectionId, entity: rule, rule: next, changedByAdminId: imp.createdByAdminId, importId: imp.id, at };
    // A saved rule the Map step changed follows its Apply from (issue 19 §2); the others change their current period.
    if (applyFrom && applied.has(`${rule.category}:${rule.sourceId}`)) await saveRuleFrom(db, { ...input, validFrom: applyFrom.validFrom });
    else await saveRule(db, input);
  }
}
