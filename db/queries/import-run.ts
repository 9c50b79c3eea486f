// The statements that fence an import's execution (issue 12). Everything a run writes goes through
// here, each statement conditional on the run still owning the import:
//   lease    runner id + a generation bumped at every takeover; renewing, claiming and committing
//            all require both, so an executor that stalled (SIGSTOP, a frozen serverless instance, an
//            Inngest step retried while the old one still runs) and wakes up can do none of them;
//   claim    one UPDATE … WHERE status='pending' AND <lease still held> RETURNING: only returned rows
//            are sent;
//   commit   an outcome lands only where the item is still `sending` under the same lease
//            generation and attempt; it is THE ledger write (commitOutcomes), and bumps the company's
//            ledger version so a plan computed before it is refused.
import { and, asc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importItems, imports, ledger, ledgerHistory, qboConnections } from "@/db/schema";
import { ACTIVE_IMPORT_STATUSES, type ImportItemRow, type ImportRow } from "./imports";
import { fromExcluded } from "./upsert";
import { COUNTED_STATUSES, deterministicRequestId, parseActivityItemPayload, type DesiredActivity } from "@/db/types";

/**
 * What the commit needs of a decided outcome (lib/import/outcomes.ts decides them; its
 * `CommittableOutcome` is this shape with QBO's own types for `ta` and `fault`).
 */
export type CommittableOutcome =
  | { item: ImportItemRow; status: "created" | "updated"; activity: DesiredActivity; ta: { Id: string; SyncToken: string } }
  | { item: ImportItemRow; status: "deleted" }
  | { item: ImportItemRow; status: "skipped_billed"; note: string }
  | { item: ImportItemRow; status: "failed"; fault: CommittedFault }
  | { item: ImportItemRow; status: "pending"; syncToken?: string; recreate?: boolean; keepRequestId?: boolean; notSent?: boolean }
  | { item: ImportItemRow; status: "cancelled" };

/** The fields of a QBO fault an item row records. */
export interface CommittedFault {
  kind: string;
  code?: string | null;
  message: string;
  detail?: string | null;
  intuitTid?: string | null;
}

/** Who runs an import now. */
export interface Lease {
  importId: string;
  runnerId: string;
  generation: number;
}

/** The executor no longer owns the import: another runner took it over (or it ended). Stop, send nothing. */
export class LeaseLostError extends Error {
  constructor(readonly lease: Lease) {
    super(`Import ${lease.importId}: lease ${lease.runnerId}#${lease.generation} was lost (another runner took the import over)`);
    this.name = "LeaseLostError";
  }
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Queryable = Db | Tx;

function ownedBy(lease: Lease): SQL {
  return and(eq(imports.id, lease.importId), eq(imports.runnerId, lease.runnerId), eq(imports.leaseGeneration, lease.generation))!;
}

// ── the lease ──────────────────────────────────────────────────────────────────────────────

/**
 * Takes an active import for `runnerId`, bumping the generation: allowed when nobody holds it, the
 * same runner held it, or its holder's heartbeat is older than `staleMs` (or `force`: a test or an
 * operator that knows the holder is gone). Undefined when another live runner holds it.
 */
export async function acquireLease(
  db: Queryable,
  importId: string,
  runnerId: string,
  options: { staleMs: number; now?: Date; force?: boolean },
): Promise<Lease | undefined> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.staleMs);
  const free = options.force
    ? sql`true`
    : or(
        isNull(imports.runnerId),
        eq(imports.runnerId, runnerId),
        lt(imports.heartbeatAt, cutoff),
        and(isNull(imports.heartbeatAt), or(isNull(imports.startedAt), lt(imports.startedAt, cutoff))),
      );
  const [row] = await db
    .update(imports)
    .set({ runnerId, leaseGeneration: sql`${imports.leaseGeneration} + 1`, heartbeatAt: now })
    .where(and(eq(imports.id, importId), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES]), free))
    .returning({ generation: imports.leaseGeneration });
  return row ? { importId, runnerId, generation: row.generation } : undefined;
}

/** Heartbeat: renews only while the generation still matches. False = the lease is lost (or the import ended). */
export async function renewLease(db: Queryable, lease: Lease, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(imports)
    .set({ heartbeatAt: now })
    .where(and(ownedBy(lease), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES])))
    .returning({ id: imports.id });
  return rows.length > 0;
}

/** The import as its lease holder sees it; undefined when the lease is lost. */
export async function importUnderLease(db: Queryable, lease: Lease): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(imports).where(ownedBy(lease));
  return row;
}

// ── claims ───────────────────────────────────────────────────────────────────────────────────

/**
 * Claims items for sending, in ONE statement: pending → sending (attempt + 1, this lease's generation,
 * `sentAt`), only while the import is `running` under this lease. A request id is kept when the item
 * has one (the previous send's outcome was unknown: a re-send must carry the same `requestid`), else
 * a new deterministic one. Only the returned rows may be sent.
 */
export async function claimItems(db: Queryable, lease: Lease, items: Pick<ImportItemRow, "id" | "seq" | "attempts">[], now = new Date()): Promise<ImportItemRow[]> {
  if (items.length === 0) return [];
  const fresh = sql`case ${importItems.id} ${sql.join(
    items.map((i) => sql`when ${i.id} then ${deterministicRequestId([lease.importId, i.seq, i.attempts + 1])}`),
    sql` `,
  )} end`;
  const claimed = await db
    .update(importItems)
    .set({
      status: "sending",
      attempts: sql`${importItems.attempts} + 1`,
      leaseGeneration: lease.generation,
      requestId: sql`coalesce(${importItems.requestId}, ${fresh})`,
      sentAt: now,
      updatedAt: now,
    })
    .where(
      and(
        inArray(importItems.id, items.map((i) => i.id)),
        eq(importItems.importId, lease.importId),
        eq(importItems.status, "pending"),
        sql`exists (select 1 from ${imports} where ${imports.id} = ${lease.importId} and ${imports.runnerId} = ${lease.runnerId} and ${imports.leaseGeneration} = ${lease.generation} and ${imports.status} = 'running')`,
      ),
    )
    .returning();
  const order = new Map(items.map((item, index) => [item.id, index]));
  return claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** Whether a claim that returned nothing did so because the lease is lost (or the import no longer runs). */
export async function stillRunningUnderLease(db: Queryable, lease: Lease): Promise<ImportRow["status"] | undefined> {
  const row = await importUnderLease(db, lease);
  return row?.status;
}

// ── commits: THE ledger write ───────────────────────────────────────────────────────────────

/**
 * Who may commit: the lease holder (its items must still be `sending` under its generation and
 * attempt), or, for an import that already ended with items left `sending` (an Error during which
 * QuickBooks could not be asked), the reconciliation of leftovers (item still `sending`, same attempt).
 */
export type CommitAuthority = { lease: Lease } | { leftoverOf: Pick<ImportRow, "id" | "connectionId"> };

export interface CommitResult {
  /** Items whose outcome landed. The rest had moved on (another attempt, another lease): nothing written for them. */
  committed: number[];
  ledgerWrites: number;
}

/**
 * Outcomes and their ledger rows, committed together, fenced. The frequent outcomes (created,
 * updated, deleted) are written with one statement per kind for the chunk, not one per item.
 * Throws LeaseLostError (nothing written) when a lease holder lost its lease.
 *
 * Other areas re-wire here: what a ledger row holds (lineage) is built in `ledgerRowOf`.
 */
export async function commitOutcomes(db: Db, authority: CommitAuthority, imp: Pick<ImportRow, "id" | "connectionId">, outcomes: CommittableOutcome[], now = new Date()): Promise<CommitResult> {
  if (outcomes.length === 0) return { committed: [], ledgerWrites: 0 };
  return db.transaction(async (tx) => {
    const fence = (list: CommittableOutcome[]) =>
      and(
        // Still `sending` under the claim it was read with: same attempt, same lease generation.
        sql`(${importItems.id}, ${importItems.attempts}, coalesce(${importItems.leaseGeneration}, -1)) in (${sql.join(
          list.map((o) => sql`(${o.item.id}::bigint, ${o.item.attempts}::integer, ${o.item.leaseGeneration ?? -1}::integer)`),
          sql`, `,
        )})`,
        eq(importItems.importId, imp.id),
        eq(importItems.status, "sending"),
        "lease" in authority
          ? undefined
          : sql`not exists (select 1 from ${imports} where ${imports.id} = ${imp.id} and ${imports.status} in ('running', 'interrupting'))`,
      );
    const committed = new Set<number>();
    let ledgerWrites = 0;

    const written = outcomes.filter((o): o is Extract<CommittableOutcome, { status: "created" | "updated" }> => o.status === "created" || o.status === "updated");
    if (written.length > 0) {
      const byId = (value: (o: (typeof written)[number]) => unknown, cast: string) =>
        sql`case ${importItems.id} ${sql.join(
          written.map((o) => sql`when ${o.item.id} then ${value(o)}::${sql.raw(cast)}`),
          sql` `,
        )} end`;
      const landed = await tx
        .update(importItems)
        .set({
          status: sql`${byId((o) => o.status, "import_item_status")}`,
          qboId: sql`${byId((o) => o.ta.Id, "text")}`,
          sourceKey: sql`${byId((o) => o.activity.key, "text")}`,
          errorCode: null,
          errorMessage: null,
          errorDetail: null,
          updatedAt: now,
        })
        .where(fence(written))
        .returning({ id: importItems.id });
      const ids = new Set(landed.map((r) => r.id));
      const rows = written.filter((o) => ids.has(o.item.id)).map((o) => ledgerRowOf(imp, o));
      if (rows.length > 0) {
        await recordLedgerHistory(tx, imp, rows.map((r) => ({ sourceKey: r.sourceKey, qboIdAfter: r.qboId, operation: written.find((o) => o.activity.key === r.sourceKey)!.status, ledgerOnly: false })), now);
        await tx
          .insert(ledger)
          .values(rows)
          .onConflictDoUpdate({
            target: [ledger.connectionId, ledger.sourceKey],
            set: { ...fromExcluded(ledger, ["qboId", "syncToken", "txnDate", "written", "sources", "lastImportId"]), updatedAt: now },
          });
        ledgerWrites += rows.length;
      }
      for (const id of ids) committed.add(id);
    }

    const deleted = outcomes.filter((o) => o.status === "deleted");
    if (deleted.length > 0) {
      const landed = await tx.update(importItems).set({ status: "deleted", updatedAt: now }).where(fence(deleted)).returning({ id: importItems.id, sourceKey: importItems.sourceKey });
      if (landed.length > 0) {
        const ledgerOnly = new Set(deleted.filter((o) => parseActivityItemPayload(o.item.desired).ledgerOnly).map((o) => o.item.id));
        await recordLedgerHistory(tx, imp, landed.map((r) => ({ sourceKey: r.sourceKey, qboIdAfter: null, operation: "deleted", ledgerOnly: ledgerOnly.has(r.id) })), now);
        await tx.delete(ledger).where(and(eq(ledger.connectionId, imp.connectionId), inArray(ledger.sourceKey, landed.map((r) => r.sourceKey))));
        ledgerWrites += landed.length;
      }
      for (const r of landed) committed.add(r.id);
    }

    for (const outcome of outcomes) {
      const { item } = outcome;
      let landed: { id: number }[] = [];
      if (outcome.status === "skipped_billed") {
        landed = await tx.update(importItems).set({ status: "skipped_billed", errorMessage: outcome.note, updatedAt: now }).where(fence([outcome])).returning({ id: importItems.id });
      } else if (outcome.status === "failed") {
        const f = outcome.fault;
        landed = await tx
          .update(importItems)
          .set({ status: "failed", errorCode: f.code ?? f.kind, errorMessage: f.message, errorDetail: f.detail ?? null, intuitTid: f.intuitTid ?? null, updatedAt: now })
          .where(fence([outcome]))
          .returning({ id: importItems.id });
      } else if (outcome.status === "pending" || outcome.status === "cancelled") {
        const payload = parseActivityItemPayload(item.desired);
        const desired = outcome.status === "pending" && outcome.syncToken ? { ...payload, syncToken: outcome.syncToken } : payload;
        landed = await tx
          .update(importItems)
          .set({
            status: outcome.status,
            desired,
            operation: outcome.status === "pending" && outcome.recreate ? "create" : item.operation,
            // A request QBO did not process gets a new requestid; one whose outcome was unknown keeps its own.
            requestId: outcome.status === "pending" && outcome.keepRequestId ? item.requestId : null,
            ...(outcome.status === "pending" && outcome.notSent ? { attempts: sql`greatest(${importItems.attempts} - 1, 0)` } : {}),
            updatedAt: now,
          })
          .where(fence([outcome]))
          .returning({ id: importItems.id });
      } else continue;
      for (const r of landed) committed.add(r.id);
    }

    const counts: Partial<Record<(typeof COUNTED_STATUSES)[number], number>> = {};
    for (const o of outcomes) {
      if (!committed.has(o.item.id)) continue;
      if ((COUNTED_STATUSES as readonly string[]).includes(o.status)) {
        const k = o.status as (typeof COUNTED_STATUSES)[number];
        counts[k] = (counts[k] ?? 0) + 1;
      }
    }
    const done = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    if (ledgerWrites > 0) await bumpLedgerVersion(tx, imp.connectionId);
    // The lease is checked last, by the UPDATE that takes the import row's lock: a takeover committed
    // before it makes this commit roll back; one after it waits for this commit. Taking the lock only
    // here means an instance frozen mid-commit does not block a takeover (PostgreSQL ends its session).
    const held = await tx
      .update(imports)
      .set({
        ...("lease" in authority ? { heartbeatAt: now } : {}),
        createdCount: sql`${imports.createdCount} + ${counts.created ?? 0}`,
        updatedCount: sql`${imports.updatedCount} + ${counts.updated ?? 0}`,
        deletedCount: sql`${imports.deletedCount} + ${counts.deleted ?? 0}`,
        failedCount: sql`${imports.failedCount} + ${counts.failed ?? 0}`,
        skippedBilledCount: sql`${imports.skippedBilledCount} + ${counts.skipped_billed ?? 0}`,
        progressDone: sql`${imports.progressDone} + ${done}`,
        // The import's own writes move the version it planned against along with the company's.
        ...("lease" in authority && ledgerWrites > 0 ? { ledgerVersionSeen: sql`${imports.ledgerVersionSeen} + 1` } : {}),
        updatedAt: now,
      })
      .where("lease" in authority ? ownedBy(authority.lease) : eq(imports.id, imp.id))
      .returning({ id: imports.id });
    if ("lease" in authority && held.length === 0) throw new LeaseLostError(authority.lease);
    return { committed: [...committed], ledgerWrites };
  });
}

/**
 * Ledger history (issue 17 §3): the rows about to change, as they are now, kept with the import that
 * changes them — in the commit's own transaction, so history and ledger never disagree.
 */
async function recordLedgerHistory(
  tx: Tx,
  imp: Pick<ImportRow, "id" | "connectionId">,
  changes: { sourceKey: string; qboIdAfter: string | null; operation: "created" | "updated" | "deleted"; ledgerOnly: boolean }[],
  now: Date,
): Promise<void> {
  if (changes.length === 0) return;
  const current = await tx
    .select()
    .from(ledger)
    .where(and(eq(ledger.connectionId, imp.connectionId), inArray(ledger.sourceKey, changes.map((c) => c.sourceKey))));
  const byKey = new Map(current.map((r) => [r.sourceKey, r]));
  await tx.insert(ledgerHistory).values(
    changes.map((c) => {
      const row = byKey.get(c.sourceKey);
      return {
        connectionId: imp.connectionId,
        importId: imp.id,
        sourceKey: c.sourceKey,
        operation: c.operation,
        qboIdAfter: c.qboIdAfter,
        before: row ? { qboId: row.qboId, syncToken: row.syncToken, txnDate: row.txnDate, written: row.written, sources: row.sources } : null,
        ledgerOnly: c.ledgerOnly,
        createdAt: now,
      };
    }),
  );
}

/** The ledger row of a written activity (one place, so what a row holds can change here alone). */
function ledgerRowOf(imp: Pick<ImportRow, "id" | "connectionId">, outcome: Extract<CommittableOutcome, { status: "created" | "updated" }>) {
  const { key, sources, ...fields } = outcome.activity;
  return { connectionId: imp.connectionId, sourceKey: key, qboId: outcome.ta.Id, syncToken: outcome.ta.SyncToken, txnDate: fields.txnDate, written: fields, sources, lastImportId: imp.id };
}

/** An entity item's outcome (created with its QBO id, or failed), fenced like every commit. */
export async function commitEntityOutcome(
  db: Db,
  lease: Lease,
  imp: Pick<ImportRow, "id" | "connectionId">,
  item: ImportItemRow,
  outcome: { qboId: string } | { fault: { code?: string; kind: string; message: string; detail?: string; intuitTid?: string } },
  extra: (tx: Tx) => Promise<void>,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const set =
      "qboId" in outcome
        ? { status: "created" as const, qboId: outcome.qboId, updatedAt: now }
        : { status: "failed" as const, errorCode: outcome.fault.code ?? outcome.fault.kind, errorMessage: outcome.fault.message, errorDetail: outcome.fault.detail ?? null, intuitTid: outcome.fault.intuitTid ?? null, updatedAt: now };
    const landed = await tx
      .update(importItems)
      .set(set)
      .where(and(eq(importItems.id, item.id), eq(importItems.status, "sending"), eq(importItems.attempts, item.attempts), sql`coalesce(${importItems.leaseGeneration}, -1) = ${item.leaseGeneration ?? -1}`))
      .returning({ id: importItems.id });
    if (landed.length === 0) {
      if (!(await renewLease(tx, lease, now))) throw new LeaseLostError(lease);
      return false;
    }
    if ("qboId" in outcome) await extra(tx);
    // The lease, checked last (see commitOutcomes).
    const held = await tx
      .update(imports)
      .set({ heartbeatAt: now, progressDone: sql`${imports.progressDone} + 1`, failedCount: sql`${imports.failedCount} + ${"qboId" in outcome ? 0 : 1}` })
      .where(ownedBy(lease))
      .returning({ id: imports.id });
    if (held.length === 0) throw new LeaseLostError(lease);
    return true;
  });
}

// ── the ledger version ──────────────────────────────────────────────────────────────────────

async function bumpLedgerVersion(db: Queryable, connectionId: string): Promise<void> {
  await db.update(qboConnections).set({ ledgerVersion: sql`${qboConnections.ledgerVersion} + 1` }).where(eq(qboConnections.id, connectionId));
}

/** The company's ledger version now (read before the ledger when a preview is computed). */
export async function ledgerVersionOf(db: Queryable, connectionId: string): Promise<number> {
  const [row] = await db.select({ v: qboConnections.ledgerVersion }).from(qboConnections).where(eq(qboConnections.id, connectionId));
  return row?.v ?? 0;
}

/** True when the company's ledger moved since the import's plan was computed (or the plan never recorded it). */
export async function ledgerMovedSincePlan(db: Queryable, imp: Pick<ImportRow, "connectionId" | "ledgerVersionSeen">): Promise<boolean> {
  if (imp.ledgerVersionSeen === null || imp.ledgerVersionSeen === undefined) return true;
  return (await ledgerVersionOf(db, imp.connectionId)) !== imp.ledgerVersionSeen;
}

export const LEDGER_MOVED_MESSAGE = "QuickBooks changed since this preview; review it again";

/**
 * Whether Start must refuse a draft's preview: the company's ledger moved since it was computed, or an
 * ended import left writes whose outcome is unknown (the preview reconciles them first).
 */
export async function previewIsStale(db: Queryable, imp: Pick<ImportRow, "id" | "connectionId" | "ledgerVersionSeen">): Promise<boolean> {
  if (await ledgerMovedSincePlan(db, imp)) return true;
  return (await leftoverSendingItems(db, imp.connectionId, imp.id)).length > 0;
}

/** The same check inside Start's own UPDATE, so a ledger write between the check and the start is seen too. */
export function ledgerUnchangedCondition(imp: Pick<ImportRow, "connectionId">): SQL {
  return sql`${imports.ledgerVersionSeen} = (select ${qboConnections.ledgerVersion} from ${qboConnections} where ${qboConnections.id} = ${imp.connectionId})`;
}

// ── ending ────────────────────────────────────────────────────────────────────────────────────

/**
 * Ends an import, once, fenced by its lease (or, without a lease, only an import nobody holds any
 * more: `interrupting` found quiet by the Inngest finisher). Interrupted and Completed only when no
 * item is `sending` (every request sent has its outcome recorded); Error may leave unknown outcomes,
 * which the next preview or run reconciles before anything is planned. False when not ended.
 */
export async function finishImport(
  db: Db,
  authority: { lease: Lease } | { unheld: true },
  importId: string,
  status: "completed" | "interrupted" | "error",
  options: { errorMessage?: string; now?: Date; onFinished?: (tx: Tx) => Promise<void> } = {},
): Promise<boolean> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const owner = "lease" in authority ? ownedBy(authority.lease) : eq(imports.id, importId);
    const noneSending = sql`not exists (select 1 from ${importItems} where ${importItems.importId} = ${importId} and ${importItems.status} = 'sending')`;
    const nonePending = sql`not exists (select 1 from ${importItems} where ${importItems.importId} = ${importId} and ${importItems.status} = 'pending')`;
    const [finished] = await tx
      .update(imports)
      .set({ status, errorMessage: options.errorMessage ?? null, finishedAt: now, updatedAt: now, runnerId: null })
      .where(
        and(
          owner,
          status === "interrupted" ? eq(imports.status, "interrupting") : inArray(imports.status, [...ACTIVE_IMPORT_STATUSES]),
          status === "error" ? undefined : noneSending,
          status === "completed" ? nonePending : undefined,
        ),
      )
      .returning({ id: imports.id });
    if (!finished) return false;
    if (status === "interrupted") {
      await tx.update(importItems).set({ status: "cancelled", updatedAt: now }).where(and(eq(importItems.importId, importId), eq(importItems.status, "pending")));
    }
    await options.onFinished?.(tx);
    return true;
  });
}

/** Items an ended import left `sending` on this company (their outcome still unknown). */
export async function leftoverSendingItems(db: Queryable, connectionId: string, excludeImportId?: string): Promise<(ImportItemRow & { connectionId: string })[]> {
  const rows = await db
    .select({ item: importItems, connectionId: imports.connectionId })
    .from(importItems)
    .innerJoin(imports, eq(imports.id, importItems.importId))
    .where(
      and(
        eq(imports.connectionId, connectionId),
        inArray(imports.status, ["completed", "interrupted", "error"]),
        eq(importItems.status, "sending"),
        excludeImportId ? ne(imports.id, excludeImportId) : undefined,
      ),
    );
  return rows.map((r) => ({ ...r.item, connectionId: r.connectionId }));
}

export type StartRefusal = "not_connected" | "draft_changed" | "ledger_moved" | "already_started";

/**
 * Sets a previewed draft `running`, in one transaction: under a share lock on its connection row
 * (serialised with Disconnect), only while it is the revision shown and the company's ledger is the
 * one its preview read. Otherwise nothing is written and the refusal says why.
 */
export async function startDraftRun(
  db: Db,
  imp: ImportRow,
  at: { realmId: string; revision: number; now: Date },
): Promise<{ row: ImportRow } | { refused: StartRefusal }> {
  return db.transaction(async (tx) => {
    const [company] = await tx.select({ status: qboConnections.status }).from(qboConnections).where(eq(qboConnections.id, imp.connectionId)).for("share");
    if (company?.status !== "connected") return { refused: "not_connected" as const };
    const [row] = await tx
      .update(imports)
      .set({ status: "running", realmId: at.realmId, startedAt: at.now, heartbeatAt: at.now, updatedAt: at.now })
      .where(and(eq(imports.id, imp.id), eq(imports.status, "draft"), eq(imports.draftRevision, at.revision), ledgerUnchangedCondition(imp)))
      .returning();
    if (row) return { row };
    const [current] = await tx.select({ status: imports.status, draftRevision: imports.draftRevision }).from(imports).where(eq(imports.id, imp.id));
    if (current?.status === "draft" && current.draftRevision !== at.revision) return { refused: "draft_changed" as const };
    if (current?.status === "draft") return { refused: "ledger_moved" as const };
    return { refused: "already_started" as const };
  });
}

/** Interrupt: a running import becomes `interrupting` (undefined when it is no longer running). */
export async function markInterrupting(db: Db, importId: string): Promise<ImportRow | undefined> {
  const [row] = await db
    .update(imports)
    .set({ status: "interrupting", updatedAt: sql`now()` })
    .where(and(eq(imports.id, importId), eq(imports.status, "running")))
    .returning();
  return row;
}

/** Whether an import is active on this QuickBooks company (from any account). */
export async function activeImportOnRealm(db: Db, realmId: string): Promise<boolean> {
  const [onRealm] = await db.select({ id: imports.id }).from(imports).where(and(eq(imports.realmId, realmId), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES]))).limit(1);
  return onRealm !== undefined;
}

/** Who runs the import now: its status, runner and lease generation. */
export async function importRunState(db: Db, importId: string): Promise<{ status: ImportRow["status"]; runnerId: string | null; generation: number } | undefined> {
  const [row] = await db.select({ status: imports.status, runnerId: imports.runnerId, generation: imports.leaseGeneration }).from(imports).where(eq(imports.id, importId));
  return row;
}

/** Pending TimeActivity operations after `seq`, in order: what a slice has not queued yet. */
export function pendingActivityItemsAfter(db: Db, importId: string, seq: number, limit: number): Promise<ImportItemRow[]> {
  return db
    .select()
    .from(importItems)
    .where(and(eq(importItems.importId, importId), eq(importItems.status, "pending"), eq(importItems.entity, "TimeActivity"), sql`${importItems.seq} > ${seq}`))
    .orderBy(asc(importItems.seq))
    .limit(limit);
}

/** The import's items in a status, in order: its TimeActivity operations, or its entities. */
export async function importItemsWithStatus(db: Db, importId: string, status: ImportItemRow["status"], entity: "TimeActivity" | "entities", limit?: number): Promise<ImportItemRow[]> {
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
