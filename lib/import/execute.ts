// Executes the operations a preview stored as import_items: entities first, then TimeActivity
// creates / updates / deletes in QBO batches of up to 30 (single requests when the per-minute batch
// allowance is spent and they finish sooner). The one place that writes the ledger.
//
// Crash safety without trusting `requestid` alone (reference qbo-api.md §6):
//  1. items are marked `sending` (with their requestid) in a committed transaction before the request leaves;
//  2. each item's outcome and its ledger row are committed together;
//  3. an item found `sending` (crash, timeout, lost response) is reconciled against QBO before anything
//     is sent again: creates are looked for by TxnDate + MetaData.CreateTime and matched by content,
//     updates and deletes are re-read by Id.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importItems, imports, ledger, mappingHistory, mappingRules, qboEntityCache } from "@/db/schema";
import { getImportById, type ImportItemRow, type ImportRow } from "@/db/queries/imports";
import { deterministicRequestId, QBO_BATCH_MAX_OPS, QBO_BATCH_REQUEST_ID_MAX, qboQuote, type BatchOperation, type QboClient } from "@/lib/qbo/client";
import { QBO_FAULT_CODE, QboFault } from "@/lib/qbo/faults";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { ConnectionUnavailableError } from "@/lib/qbo/tokens";
import { sleep } from "@/lib/qbo/pace";
import { resolveNewRefs } from "./plan/keys";
import { qboActivityMatches, timeActivityBody } from "./qbo-activity";
import type { DesiredActivity, MappingCategory, TargetRef } from "./types";

/** At most this many operations per slice (one Inngest step, or one turn of the in-process runner); see also SLICE_MAX_MS. */
export const EXECUTE_SLICE_OPS = 3_000;
/**
 * Batch lanes of one import (Intuit allows 10 concurrent requests per realm; the single lanes take the
 * rest). The pacer decides what each sends; under "a batch counts once" a window's 40 batches go first,
 * and the sooner they are all out, the sooner every later window's are (issue 15).
 */
export const EXECUTE_CONCURRENT_REQUESTS = 7;
/** Ids per bulk read (`Id IN (…)`): one query reads this many activities. */
export const QBO_READ_IDS_PER_QUERY = 500;
/** How far before our own `sentAt` a lost create may have been stamped by QBO (clock skew). */
const RECONCILE_CLOCK_SKEW_MS = 10 * 60_000;
/**
 * A request whose answer never came may still be running at Intuit (its hard timeout is 120 s,
 * reference qbo-api.md §5.1), so an item's outcome is only looked up in QBO once it is this old:
 * reconciling sooner could miss a write that lands a moment later, and send it twice.
 */
export const RECONCILE_AFTER_MS = 150_000;
/** While only unsettled items remain, a slice waits at most this long before returning. */
const SETTLE_WAIT_MAX_MS = 5_000;
/** A slice stops taking new work after this long (one bounded Inngest step; the runner starts the next). */
export const SLICE_MAX_MS = 45_000;
/** Fetch the next pending operations when the lanes' queue runs this low, this many at a time. */
const QUEUE_REFILL_BELOW = 90;
const REFILL_OPS = 300;
/** Interrupt is noticed within this time (one status query per interval, not per request). */
const STATUS_CHECK_INTERVAL_MS = 500;
/** Single-request lanes, and how many operations one lane sends at once (Intuit allows 10 concurrent). */
const SINGLE_LANES = 3;
const SINGLES_PER_TURN = 8;
/** 401s in a row (each after the client's own refresh) before an import ends as Error. */
const MAX_AUTH_REFUSALS_IN_A_ROW = 10;
/** An item QBO keeps answering with 5xx or throttles is given up after this many sends, with the reason. */
export const MAX_SEND_ATTEMPTS = 8;
/** Pause before an entity create that QBO answered with a 5xx, timeout or throttle is sent again (× attempts). */
const ENTITY_RETRY_DELAY_MS = 250;

/** `desired` of a TimeActivity item. */
export interface ActivityItemPayload {
  activity?: DesiredActivity;
  /** The SyncToken to send with an update or delete (refreshed when QBO says it is stale). */
  syncToken?: string;
  /** Delete of an activity already gone from QBO: only the ledger row goes. */
  ledgerOnly?: boolean;
}

/** `desired` of an entity item (a `create` rule's Employee, Customer or Item). */
export interface EntityItemPayload {
  category: MappingCategory;
  ref: TargetRef;
  name: string;
  sourceIds: number[];
  body: Record<string, unknown>;
}

export interface ExecuteHooks {
  /** Crash tests: runs after QBO answered and before the outcome is committed. */
  afterQboResponse?: () => void | Promise<void>;
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
}

export interface SliceResult {
  done: boolean;
  status: ImportRow["status"];
}

type Outcome =
  | { item: ImportItemRow; status: "created" | "updated"; activity: DesiredActivity; ta: QboTimeActivity }
  | { item: ImportItemRow; status: "deleted" }
  | { item: ImportItemRow; status: "skipped_billed"; note: string }
  | { item: ImportItemRow; status: "failed"; fault: QboFault }
  | { item: ImportItemRow; status: "pending"; syncToken?: string; recreate?: boolean };

const COUNTER_BY_STATUS = {
  created: imports.createdCount,
  updated: imports.updatedCount,
  deleted: imports.deletedCount,
  failed: imports.failedCount,
  skipped_billed: imports.skippedBilledCount,
} as const;

function payloadOf(item: ImportItemRow): ActivityItemPayload {
  return (item.desired ?? {}) as ActivityItemPayload;
}

function isoInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A fault's message for the item, with QBO's detail and code. */
function faultColumns(fault: QboFault) {
  return { errorCode: fault.code ?? fault.kind, errorMessage: fault.message, errorDetail: fault.detail ?? null, intuitTid: fault.intuitTid ?? null };
}

/** Current QBO copies of activities, read in bulk (`Id IN (…)`, 500 per query): never one read per activity. */
export async function readActivitiesById(qbo: QboClient, ids: string[]): Promise<Map<string, QboTimeActivity>> {
  const found = new Map<string, QboTimeActivity>();
  for (const part of chunk([...new Set(ids)], QBO_READ_IDS_PER_QUERY)) {
    const rows = await qbo.query("TimeActivity", `Id IN (${part.map(qboQuote).join(",")})`);
    for (const row of rows) found.set(row.Id, row);
  }
  return found;
}

export function createExecutor(deps: ExecuteDeps) {
  const { db, qbo } = deps;
  const now = deps.now ?? (() => new Date());
  const sliceOps = deps.sliceOps ?? EXECUTE_SLICE_OPS;
  const concurrency = deps.concurrency ?? EXECUTE_CONCURRENT_REQUESTS;
  const reconcileAfterMs = deps.reconcileAfterMs ?? RECONCILE_AFTER_MS;
  const settled = (item: ImportItemRow) => !item.sentAt || now().getTime() - item.sentAt.getTime() >= reconcileAfterMs;

  // ── ledger + item status, committed together ─────────────────────────────────────────────

  /**
   * Outcomes and their ledger rows, committed together. The frequent outcomes (created, updated,
   * deleted) are written with one statement per kind for the whole chunk, not one per item: per-item
   * round trips made the database, not QuickBooks, the bottleneck of an import.
   */
  async function commitOutcomes(imp: ImportRow, outcomes: Outcome[]) {
    if (outcomes.length === 0) return;
    await db.transaction(async (tx) => {
      const counts: Partial<Record<keyof typeof COUNTER_BY_STATUS, number>> = {};
      const updatedAt = now();
      const written = outcomes.filter((o): o is Extract<Outcome, { status: "created" | "updated" }> => o.status === "created" || o.status === "updated");
      const deleted = outcomes.filter((o) => o.status === "deleted");
      if (written.length > 0) {
        const rows = written.map((outcome) => {
          const { key, sources, ...fields } = outcome.activity;
          return { connectionId: imp.connectionId, sourceKey: key, qboId: outcome.ta.Id, syncToken: outcome.ta.SyncToken, txnDate: fields.txnDate, written: fields, sources, lastImportId: imp.id };
        });
        await tx
          .insert(ledger)
          .values(rows)
          .onConflictDoUpdate({
            target: [ledger.connectionId, ledger.sourceKey],
            set: {
              qboId: sql`excluded.qbo_id`,
              syncToken: sql`excluded.sync_token`,
              txnDate: sql`excluded.txn_date`,
              written: sql`excluded.written`,
              sources: sql`excluded.sources`,
              lastImportId: sql`excluded.last_import_id`,
              updatedAt,
            },
          });
        const byId = (value: (o: (typeof written)[number]) => unknown, cast: string) =>
          sql`case ${importItems.id} ${sql.join(
            written.map((o) => sql`when ${o.item.id} then ${value(o)}::${sql.raw(cast)}`),
            sql` `,
          )} end`;
        await tx
          .update(importItems)
          .set({
            status: sql`${byId((o) => o.status, "import_item_status")}`,
            qboId: sql`${byId((o) => o.ta.Id, "text")}`,
            sourceKey: sql`${byId((o) => o.activity.key, "text")}`,
            errorCode: null,
            errorMessage: null,
            errorDetail: null,
            updatedAt,
          })
          .where(inArray(importItems.id, written.map((o) => o.item.id)));
      }
      if (deleted.length > 0) {
        await tx.delete(ledger).where(and(eq(ledger.connectionId, imp.connectionId), inArray(ledger.sourceKey, deleted.map((o) => o.item.sourceKey))));
        await tx.update(importItems).set({ status: "deleted", updatedAt }).where(inArray(importItems.id, deleted.map((o) => o.item.id)));
      }
      for (const outcome of outcomes) {
        const { item } = outcome;
        if (outcome.status === "skipped_billed") {
          await tx.update(importItems).set({ status: "skipped_billed", errorMessage: outcome.note, updatedAt }).where(eq(importItems.id, item.id));
        } else if (outcome.status === "failed") {
          await tx.update(importItems).set({ status: "failed", ...faultColumns(outcome.fault), updatedAt }).where(eq(importItems.id, item.id));
        } else if (outcome.status === "pending") {
          const payload = payloadOf(item);
          const desired: ActivityItemPayload = { ...payload, syncToken: outcome.syncToken ?? payload.syncToken };
          await tx
            .update(importItems)
            .set({ status: "pending", desired, operation: outcome.recreate ? "create" : item.operation, updatedAt })
            .where(eq(importItems.id, item.id));
          continue;
        }
        if (outcome.status in COUNTER_BY_STATUS) {
          const k = outcome.status as keyof typeof COUNTER_BY_STATUS;
          counts[k] = (counts[k] ?? 0) + 1;
        }
      }
      const done = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
      await tx
        .update(imports)
        .set({
          createdCount: sql`${imports.createdCount} + ${counts.created ?? 0}`,
          updatedCount: sql`${imports.updatedCount} + ${counts.updated ?? 0}`,
          deletedCount: sql`${imports.deletedCount} + ${counts.deleted ?? 0}`,
          failedCount: sql`${imports.failedCount} + ${counts.failed ?? 0}`,
          skippedBilledCount: sql`${imports.skippedBilledCount} + ${counts.skipped_billed ?? 0}`,
          progressDone: sql`${imports.progressDone} + ${done}`,
          heartbeatAt: now(),
          updatedAt: now(),
        })
        .where(eq(imports.id, imp.id));
    });
  }

  /** Step 1 of crash safety: what is about to be sent is on disk before it leaves (one statement for the chunk). */
  async function markSending(items: ImportItemRow[], requestIdFor: (item: ImportItemRow) => string) {
    if (items.length === 0) return;
    const sentAt = now();
    for (const item of items) {
      item.requestId = requestIdFor(item);
      item.attempts += 1;
      item.sentAt = sentAt;
      item.status = "sending";
    }
    const byId = (value: (item: ImportItemRow) => unknown, cast: string) =>
      sql`case ${importItems.id} ${sql.join(
        items.map((item) => sql`when ${item.id} then ${value(item)}::${sql.raw(cast)}`),
        sql` `,
      )} end`;
    await db
      .update(importItems)
      .set({ status: "sending", requestId: sql`${byId((i) => i.requestId, "text")}`, attempts: sql`${byId((i) => i.attempts, "integer")}`, sentAt, updatedAt: sentAt })
      .where(inArray(importItems.id, items.map((i) => i.id)));
  }

  // ── reading QBO in bulk ──────────────────────────────────────────────────────────────────

  /** Where an update or delete could not go through (stale SyncToken, billed, gone): decide from QBO's current copy. */
  async function resolveAgainstCurrent(items: ImportItemRow[], refs: Map<TargetRef, string>, retryLimit = 3): Promise<Outcome[]> {
    const current = await readActivitiesById(qbo, items.map((i) => i.qboId!).filter(Boolean));
    return items.map((item): Outcome => {
      const ta = item.qboId ? current.get(item.qboId) : undefined;
      const payload = payloadOf(item);
      if (item.operation === "delete") {
        if (!ta) return { item, status: "deleted" };
        if (ta.BillableStatus === "HasBeenBilled") return { item, status: "skipped_billed", note: "Billed in QuickBooks since the preview: left as it is." };
        if (item.attempts >= retryLimit) return { item, status: "failed", fault: new QboFault({ kind: "validation", status: 400, message: "QuickBooks kept refusing this delete." }) };
        return { item, status: "pending", syncToken: ta.SyncToken };
      }
      const activity = resolveNewRefs(payload.activity!, refs);
      if (!ta) return { item, status: "pending", recreate: true };
      if (ta.BillableStatus === "HasBeenBilled") return { item, status: "skipped_billed", note: "Billed in QuickBooks since the preview: left as it is." };
      if (qboActivityMatches(ta, activity)) return { item, status: "updated", activity, ta };
      if (item.attempts >= retryLimit) return { item, status: "failed", fault: new QboFault({ kind: "validation", status: 400, message: "QuickBooks kept refusing this update." }) };
      return { item, status: "pending", syncToken: ta.SyncToken };
    });
  }

  /**
   * Items left `sending` have an unknown outcome. Creates: look for the activity in QBO (same
   * TxnDate, created since shortly before we sent, same content, not already ours) and adopt it.
   * Updates and deletes: compare with QBO's current copy.
   */
  async function reconcile(imp: ImportRow, items: ImportItemRow[], refs: Map<TargetRef, string>): Promise<void> {
    const creates = items.filter((i) => i.operation === "create");
    const others = items.filter((i) => i.operation !== "create");
    const outcomes: Outcome[] = others.length > 0 ? await resolveAgainstCurrent(others, refs) : [];

    const byDate = new Map<string, ImportItemRow[]>();
    for (const item of creates) {
      const date = payloadOf(item).activity!.txnDate;
      byDate.set(date, [...(byDate.get(date) ?? []), item]);
    }
    for (const [date, dateItems] of byDate) {
      const since = new Date(Math.min(...dateItems.map((i) => (i.sentAt ?? now()).getTime())) - RECONCILE_CLOCK_SKEW_MS);
      const candidates = await qbo.query("TimeActivity", `TxnDate = ${qboQuote(date)} AND MetaData.CreateTime >= ${qboQuote(isoInstant(since))}`);
      // An activity already in the ledger belongs to another key: never adopt it twice.
      const known = new Set(
        candidates.length === 0
          ? []
          : (
              await db
                .select({ qboId: ledger.qboId })
                .from(ledger)
                .where(and(eq(ledger.connectionId, imp.connectionId), inArray(ledger.qboId, candidates.map((c) => c.Id))))
            ).map((r) => r.qboId),
      );
      const free = candidates.filter((c) => !known.has(c.Id));
      for (const item of dateItems) {
        const activity = resolveNewRefs(payloadOf(item).activity!, refs);
        const index = free.findIndex((ta) => qboActivityMatches(ta, activity));
        if (index >= 0) {
          const [ta] = free.splice(index, 1);
          outcomes.push({ item, status: "created", activity, ta: ta! });
        } else {
          outcomes.push({ item, status: "pending" });
        }
      }
    }
    await commitOutcomes(imp, outcomes);
  }

  // ── entities (create rules) ──────────────────────────────────────────────────────────────

  async function createEntities(imp: ImportRow, items: ImportItemRow[]): Promise<void> {
    for (const item of items) {
      const [state] = await db.select({ status: imports.status }).from(imports).where(eq(imports.id, imp.id));
      if (state?.status !== "running") return; // interrupted: the next slice finishes the import
      const payload = item.desired as EntityItemPayload;
      let qboId: string | undefined;
      let fault: QboFault | undefined;
      for (;;) {
        await markSending([item], (i) => deterministicRequestId([imp.id, "entity", i.seq, i.attempts + 1]));
        try {
          const entity = await qbo.create(item.entity as "Employee" | "Customer" | "Item", payload.body, item.requestId!);
          qboId = (entity as { Id: string }).Id;
        } catch (error) {
          if (!(error instanceof QboFault)) throw error;
          if (error.code === QBO_FAULT_CODE.duplicateName) {
            // The name was taken since the preview (or by our own lost create): reuse that entity (reference §5.3).
            qboId = await findEntityByName(item.entity as "Employee" | "Customer" | "Item", payload);
          }
          if (!qboId) {
            if (error.outcomeUnknown) qboId = await findEntityByName(item.entity as "Employee" | "Customer" | "Item", payload);
            // A 5xx, timeout or throttle that did not create it is tried again (spec §8), not failed with all its activities.
            if (!qboId && (error.retryable || (error.kind === "auth" && authRefusalTolerated())) && item.attempts < MAX_SEND_ATTEMPTS) {
              await new Promise((resolve) => setTimeout(resolve, ENTITY_RETRY_DELAY_MS * item.attempts));
              continue;
            }
            if (!qboId) fault = error;
          }
        }
        break;
      }
      await deps.hooks?.afterQboResponse?.();
      await db.transaction(async (tx) => {
        if (qboId) {
          await tx.update(importItems).set({ status: "created", qboId, updatedAt: now() }).where(eq(importItems.id, item.id));
          // The cached QBO lists no longer hold every entity: the next mapping reads them again.
          await tx.delete(qboEntityCache).where(eq(qboEntityCache.connectionId, imp.connectionId));
          // The rule now points at the entity, so the next import links instead of creating again.
          await tx
            .update(mappingRules)
            .set({ targetQboId: qboId, updatedAt: now() })
            .where(and(eq(mappingRules.connectionId, imp.connectionId), eq(mappingRules.category, payload.category), inArray(mappingRules.sourceId, payload.sourceIds), eq(mappingRules.kind, "create")));
        } else {
          await tx.update(importItems).set({ status: "failed", ...faultColumns(fault!), updatedAt: now() }).where(eq(importItems.id, item.id));
        }
        await tx
          .update(imports)
          .set({ progressDone: sql`${imports.progressDone} + 1`, failedCount: sql`${imports.failedCount} + ${qboId ? 0 : 1}`, heartbeatAt: now() })
          .where(eq(imports.id, imp.id));
      });
    }
  }

  async function findEntityByName(entity: "Employee" | "Customer" | "Item", payload: EntityItemPayload): Promise<string | undefined> {
    const where = entity === "Item" ? `Name = ${qboQuote(payload.name)}` : `DisplayName = ${qboQuote(payload.name)}`;
    const rows = await qbo.query(entity, where);
    return rows[0]?.Id;
  }

  // ── TimeActivity operations ─────────────────────────────────────────────────────────────

  function batchOperation(item: ImportItemRow, refs: Map<TargetRef, string>): BatchOperation {
    const bId = item.seq.toString(36); // ≤ 10 chars when the batch carries a requestid (reference §6)
    const payload = payloadOf(item);
    if (item.operation === "delete") return { bId, operation: "delete", entity: "TimeActivity", body: { Id: item.qboId, SyncToken: payload.syncToken } };
    const body = timeActivityBody(resolveNewRefs(payload.activity!, refs));
    if (item.operation === "update") return { bId, operation: "update", entity: "TimeActivity", body: { ...body, Id: item.qboId, SyncToken: payload.syncToken, sparse: false } };
    return { bId, operation: "create", entity: "TimeActivity", body };
  }

  function outcomeOf(item: ImportItemRow, refs: Map<TargetRef, string>, result: { ok: true; entity?: Record<string, unknown> } | { ok: false; fault: QboFault }): Outcome | "reread" {
    if (result.ok) {
      if (item.operation === "delete") return { item, status: "deleted" };
      const activity = resolveNewRefs(payloadOf(item).activity!, refs);
      const ta = result.entity as QboTimeActivity | undefined;
      if (!ta?.Id) return { item, status: "failed", fault: new QboFault({ kind: "malformed", status: 200, message: "QuickBooks answered without the activity" }) };
      return { item, status: item.operation === "create" ? "created" : "updated", activity, ta };
    }
    const fault = result.fault;
    // An update or delete refused for its state (stale SyncToken, billed, gone) is decided from QBO's current copy.
    if (item.operation !== "create" && fault.kind === "validation") return "reread";
    if (fault.kind === "throttle" || fault.kind === "server") return { item, status: "pending" };
    return { item, status: "failed", fault };
  }

  async function sendBatch(imp: ImportRow, items: ImportItemRow[], refs: Map<TargetRef, string>) {
    await markSending(items, (i) => deterministicRequestId([imp.id, i.seq, i.attempts + 1]));
    const requestId = deterministicRequestId([imp.id, "batch", ...items.map((i) => `${i.seq}.${i.attempts}`)], QBO_BATCH_REQUEST_ID_MAX);
    let results;
    try {
      results = await qbo.batch(items.map((i) => batchOperation(i, refs)), requestId);
    } catch (error) {
      if (error instanceof QboFault && error.outcomeUnknown) return; // stays `sending`: reconciled once settled
      if (error instanceof QboFault && (error.retryable || (error.kind === "auth" && authRefusalTolerated()))) {
        await commitOutcomes(imp, items.map((item) => ({ item, status: "pending" as const })));
        return;
      }
      throw error;
    }
    authRefusals = 0;
    await deps.hooks?.afterQboResponse?.();
    const outcomes: Outcome[] = [];
    const reread: ImportItemRow[] = [];
    for (const item of items) {
      const result = results.get(item.seq.toString(36));
      if (!result) {
        outcomes.push({ item, status: "pending" });
        continue;
      }
      const outcome = outcomeOf(item, refs, result);
      if (outcome === "reread") reread.push(item);
      else outcomes.push(outcome);
    }
    await commitOutcomes(imp, outcomes);
    if (reread.length > 0) await commitOutcomes(imp, await resolveAgainstCurrent(reread, refs));
  }

  type SingleResult = { ok: true; entity?: Record<string, unknown> } | { ok: false; fault: QboFault } | "unknown" | "retry" | { error: QboFault };

  /** One activity operation as its own request (the item is already marked `sending`). */
  /**
   * A 401 that survived the client's refresh (a token refreshed by one request can expire while others are
   * in flight): the request was not processed, so it goes back to pending. Only a run of them in a row means
   * QuickBooks really refuses this connection, and ends the import.
   */
  let authRefusals = 0;
  function authRefusalTolerated(): boolean {
    authRefusals += 1;
    return authRefusals <= MAX_AUTH_REFUSALS_IN_A_ROW;
  }

  async function sendOne(item: ImportItemRow, refs: Map<TargetRef, string>): Promise<SingleResult> {
    const op = batchOperation(item, refs);
    try {
      if (!("entity" in op)) throw new Error("unreachable");
      if (op.operation === "delete") {
        await qbo.remove("TimeActivity", String(op.body.Id), String(op.body.SyncToken), item.requestId!);
        authRefusals = 0;
        return { ok: true };
      }
      const entity = op.operation === "create" ? await qbo.create("TimeActivity", op.body, item.requestId!) : await qbo.update("TimeActivity", op.body, item.requestId!);
      authRefusals = 0;
      return { ok: true, entity: entity as Record<string, unknown> };
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      if (error.outcomeUnknown) return "unknown"; // stays `sending`: reconciled once settled
      if (error.retryable) return "retry";
      if (error.kind === "auth" && authRefusalTolerated()) return "retry";
      if (error.kind === "auth" || error.kind === "forbidden") return { error };
      return { ok: false, fault: error };
    }
  }

  /**
   * A chunk as single requests, sent at once: marked `sending` together before they leave and their
   * outcomes committed together (two database round trips per chunk rather than two per item, which
   * had made the database the bottleneck of the single-request share of the throughput).
   */
  async function sendSingles(imp: ImportRow, items: ImportItemRow[], refs: Map<TargetRef, string>) {
    await markSending(items, (i) => deterministicRequestId([imp.id, i.seq, i.attempts + 1]));
    const answered = await Promise.all(items.map(async (item) => ({ item, result: await sendOne(item, refs) })));
    await deps.hooks?.afterQboResponse?.();
    const outcomes: Outcome[] = [];
    const reread: ImportItemRow[] = [];
    let stop: QboFault | undefined;
    for (const { item, result } of answered) {
      if (result === "unknown") continue;
      if (result === "retry") outcomes.push({ item, status: "pending" });
      else if ("error" in result) stop ??= result.error;
      else {
        const outcome = outcomeOf(item, refs, result);
        if (outcome === "reread") reread.push(item);
        else outcomes.push(outcome);
      }
    }
    await commitOutcomes(imp, outcomes);
    if (reread.length > 0) await commitOutcomes(imp, await resolveAgainstCurrent(reread, refs));
    if (stop) throw stop;
  }

  // ── the slice ────────────────────────────────────────────────────────────────────────────

  async function loadRefs(importId: string): Promise<Map<TargetRef, string>> {
    const rows = await db
      .select({ sourceKey: importItems.sourceKey, qboId: importItems.qboId })
      .from(importItems)
      .where(and(eq(importItems.importId, importId), sql`${importItems.entity} <> 'TimeActivity'`, eq(importItems.status, "created")));
    return new Map(rows.filter((r) => r.qboId).map((r) => [r.sourceKey as TargetRef, r.qboId!]));
  }

  /** Pending TimeActivity operations after `seq`, in order: what a slice has not queued yet. */
  function pendingAfter(importId: string, seq: number, limit: number) {
    return db
      .select()
      .from(importItems)
      .where(and(eq(importItems.importId, importId), eq(importItems.status, "pending"), eq(importItems.entity, "TimeActivity"), sql`${importItems.seq} > ${seq}`))
      .orderBy(asc(importItems.seq))
      .limit(limit);
  }

  async function itemsWithStatus(importId: string, status: ImportItemRow["status"], entity: "TimeActivity" | "entities", limit?: number) {
    const query = db
      .select()
      .from(importItems)
      .where(
        and(
          eq(importItems.importId, importId),
          eq(importItems.status, status),
          entity === "TimeActivity" ? eq(importItems.entity, "TimeActivity") : sql`${importItems.entity} <> 'TimeActivity'`,
        ),
      )
      .orderBy(asc(importItems.seq));
    return limit ? query.limit(limit) : query;
  }

  async function finish(imp: ImportRow, status: "completed" | "interrupted" | "error", errorMessage?: string) {
    await db.transaction(async (tx) => {
      if (status === "interrupted") {
        await tx
          .update(importItems)
          .set({ status: "cancelled", updatedAt: now() })
          .where(and(eq(importItems.importId, imp.id), eq(importItems.status, "pending")));
      }
      // Only a live import is finished, and only once (two drivers may race around an Inngest cancel).
      const [finished] = await tx
        .update(imports)
        .set({ status, errorMessage: errorMessage ?? null, finishedAt: now(), updatedAt: now(), runnerId: null })
        .where(and(eq(imports.id, imp.id), inArray(imports.status, ["running", "interrupting"])))
        .returning({ id: imports.id });
      if (finished && status === "completed") await saveRulesOfImport(tx as unknown as Db, imp, now());
    });
  }

  /** Nothing else to do but wait until the oldest unknown outcome may be looked up. */
  async function waitForSettling(items: ImportItemRow[]): Promise<SliceResult> {
    const oldest = Math.min(...items.map((i) => i.sentAt?.getTime() ?? 0));
    const wait = Math.min(SETTLE_WAIT_MAX_MS, Math.max(0, oldest + reconcileAfterMs - now().getTime()));
    await new Promise((resolve) => setTimeout(resolve, wait));
    return { done: false, status: "running" };
  }

  /** Runs one slice. Call again until `done`. */
  async function runSlice(importId: string): Promise<SliceResult> {
    const imp = await getImportById(db, importId);
    if (!imp) return { done: true, status: "error" };
    if (imp.status !== "running" && imp.status !== "interrupting") return { done: true, status: imp.status };
    try {
      // A sign of life for recovery and for the interrupt finisher, even before anything is committed.
      await db.update(imports).set({ heartbeatAt: now() }).where(eq(imports.id, imp.id));
      const refs = await loadRefs(imp.id);
      const sending = await itemsWithStatus(imp.id, "sending", "TimeActivity");
      const lost = sending.filter(settled);
      if (lost.length > 0) await reconcile(imp, lost, refs);
      const unsettled = sending.filter((item) => !settled(item));

      if (imp.status === "interrupting") {
        if (unsettled.length > 0) return await waitForSettling(unsettled);
        await finish(imp, "interrupted");
        return { done: true, status: "interrupted" };
      }

      const sendingEntities = await itemsWithStatus(imp.id, "sending", "entities");
      if (sendingEntities.some((item) => !settled(item))) return await waitForSettling(sendingEntities.filter((item) => !settled(item)));
      const lostEntities = sendingEntities;
      const pendingEntities = await itemsWithStatus(imp.id, "pending", "entities");
      await createEntities(imp, [...lostEntities, ...pendingEntities]);
      const [afterEntities] = await db.select({ status: imports.status }).from(imports).where(eq(imports.id, imp.id));
      if (afterEntities?.status !== "running") return { done: false, status: afterEntities?.status ?? "error" };
      const resolvedRefs = await loadRefs(imp.id);

      // Settled without a request: ledger-only deletes; and activities whose entity could not be created fail with the reason.
      const readyOf = async (pending: ImportItemRow[]) => {
        const blocked: Outcome[] = [];
        const ready: ImportItemRow[] = [];
        for (const item of pending) {
          const activity = payloadOf(item).activity;
          const refsUsed = activity ? [activity.employeeRef, activity.customerRef, activity.itemRef] : [];
          const missing = refsUsed.find((r) => r?.startsWith("new:") && !resolvedRefs.has(r));
          if (item.operation === "delete" && payloadOf(item).ledgerOnly) {
            // Already gone from QBO (deleted there): only our ledger row goes, no request is sent.
            blocked.push({ item, status: "deleted" });
          } else if (item.attempts >= MAX_SEND_ATTEMPTS) {
            blocked.push({ item, status: "failed", fault: new QboFault({ kind: "server", status: 0, message: `QuickBooks did not accept this activity after ${MAX_SEND_ATTEMPTS} attempts.` }) });
          } else if (missing) {
            blocked.push({ item, status: "failed", fault: new QboFault({ kind: "validation", status: 0, message: `Not imported: the QuickBooks entity for ${missing.split(":")[1]} ${missing.split(":")[2]} could not be created.` }) });
          } else ready.push(item);
        }
        await commitOutcomes(imp, blocked);
        return ready;
      };

      // The queue is refilled while the lanes work, so they never drain between fetches; a slice ends
      // when the work is done or its time is up (a bounded Inngest step).
      const deadline = Date.now() + SLICE_MAX_MS;
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
          queue.push(...(await readyOf(fetched)));
        })().finally(() => (refilling = null)));
      /** Items for a lane: refills when running low, waits for a refill only when empty. */
      const take = async (n: number, fromEnd = false): Promise<ImportItemRow[]> => {
        if (queue.length < QUEUE_REFILL_BELOW && !exhausted && Date.now() < deadline) {
          const pendingRefill = refill();
          if (queue.length === 0) await pendingRefill;
        }
        if (queue.length === 0 && refilling) await refilling;
        return fromEnd ? queue.splice(-Math.min(n, queue.length)) : queue.splice(0, n);
      };

      await refill();
      if (queue.length === 0 && exhausted && fetchedInSlice < sliceOps) {
        const stillSending = await itemsWithStatus(imp.id, "sending", "TimeActivity");
        if (stillSending.length > 0) return await waitForSettling(stillSending);
        const [anyPending] = await itemsWithStatus(imp.id, "pending", "TimeActivity", 1);
        if (anyPending) return { done: false, status: "running" };
        await finish(imp, "completed");
        return { done: true, status: "completed" };
      }

      // Two kinds of lanes share one queue. Batch lanes send up to 30 operations per request and wait for
      // the per-minute batch allowance; when QBO counts a batch as one request, single lanes use what is left
      // of the general allowance beyond what the batches still need, so both limits are used at once.
      let stopped = false;
      let checkedAt = 0;
      const stillRunning = async () => {
        if (Date.now() - checkedAt < STATUS_CHECK_INTERVAL_MS) return !stopped;
        checkedAt = Date.now();
        const [state] = await db.select({ status: imports.status }).from(imports).where(eq(imports.id, imp.id));
        if (state?.status !== "running") stopped = true;
        return !stopped;
      };
      // What to send (batch or single, how many) is the pacer's decision (lib/qbo/pace.ts `plan`).
      const lane = (kind: "batch" | "single") => async () => {
        await qbo.pacer.ready();
        while (await stillRunning()) {
          const plan = qbo.pacer.plan(kind, queue.length, !exhausted, kind === "batch" ? QBO_BATCH_MAX_OPS : SINGLES_PER_TURN);
          if (plan.waitMs !== undefined) {
            // Nothing to wait for when the queue is done: never idle just to find it empty.
            if (queue.length === 0) await take(0);
            if (queue.length === 0) return;
            await sleep(plan.waitMs);
            continue;
          }
          const items = plan.take > 0 ? await take(plan.take, kind === "single") : []; // singles from the end: batches keep the head
          if (items.length === 0) return;
          await (kind === "batch" ? sendBatch : sendSingles)(imp, items, resolvedRefs);
        }
      };
      await Promise.all([...Array.from({ length: concurrency }, lane("batch")), ...Array.from({ length: SINGLE_LANES }, lane("single"))]);
      return { done: false, status: "running" };
    } catch (error) {
      if (error instanceof ConnectionUnavailableError || (error instanceof QboFault && (error.kind === "auth" || error.kind === "forbidden"))) {
        await finish(imp, "error", error.message);
        return { done: true, status: "error" };
      }
      throw error;
    }
  }

  async function markError(importId: string, message: string) {
    const imp = await getImportById(db, importId);
    if (imp && (imp.status === "running" || imp.status === "interrupting")) await finish(imp, "error", message);
  }

  return { runSlice, markError };
}

/**
 * Rules from the mapping step become the connection's rules when the import completes (spec §4),
 * each change kept in the mapping history. Creates already point at their new entity.
 */
export async function saveRulesOfImport(db: Db, imp: ImportRow, at: Date) {
  const snapshot = (imp.mappingSnapshot ?? { rules: [] }) as { rules?: SnapshotRule[] };
  for (const rule of snapshot.rules ?? []) {
    const [existing] = await db
      .select()
      .from(mappingRules)
      .where(and(eq(mappingRules.connectionId, imp.connectionId), eq(mappingRules.category, rule.category), eq(mappingRules.sourceId, rule.sourceId)));
    const created =
      rule.kind === "create" && !rule.targetQboId
        ? (
            await db
              .select({ qboId: importItems.qboId })
              .from(importItems)
              .where(and(eq(importItems.importId, imp.id), eq(importItems.sourceKey, `new:${rule.category}:${rule.sourceId}`), eq(importItems.status, "created")))
          )[0]?.qboId
        : undefined;
    const next = {
      kind: rule.kind,
      targetQboId: rule.targetQboId ?? created ?? existing?.targetQboId ?? null,
      targetName: rule.targetName ?? null,
      createOptions: rule.createOptions ?? null,
    };
    const before = existing ? { kind: existing.kind, targetQboId: existing.targetQboId, targetName: existing.targetName, createOptions: existing.createOptions } : null;
    if (before && JSON.stringify(before) === JSON.stringify(next)) continue;
    const [saved] = existing
      ? await db.update(mappingRules).set({ ...next, sourceName: rule.sourceName, updatedByAdminId: imp.createdByAdminId, updatedAt: at }).where(eq(mappingRules.id, existing.id)).returning()
      : await db
          .insert(mappingRules)
          .values({ connectionId: imp.connectionId, category: rule.category, sourceId: rule.sourceId, sourceName: rule.sourceName, ...next, updatedByAdminId: imp.createdByAdminId })
          .returning();
    await db.insert(mappingHistory).values({
      connectionId: imp.connectionId,
      ruleId: saved!.id,
      category: rule.category,
      sourceId: rule.sourceId,
      sourceName: rule.sourceName,
      changedByAdminId: imp.createdByAdminId,
      importId: imp.id,
      before,
      after: next,
      changedAt: at,
    });
  }
}

/** One rule as stored in an import's mapping snapshot. */
export interface SnapshotRule {
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
  kind: "create" | "link" | "skip";
  targetQboId?: string | null;
  targetName?: string | null;
  createOptions?: Record<string, unknown> | null;
}

