/**
 * One import size, end to end through the app against the emulators (msw in-process, PGlite in memory):
 * a first import (all creates) and, optionally, a re-run after ~10% of the records were edited or
 * deleted in actiTIME. Counts every actiTIME and QBO request, times preview (read → plan → diff →
 * store) and execution, and, for the smallest size, runs a naive importer (one request per activity
 * operation) against a second, identical world to compare.
 *
 * Run alone: `npx tsx tests/bench/import-size.ts <records> <users> [--rerun] [--naive] [--render]`.
 * Prints a JSON result after RESULT_MARKER (tests/bench/run.ts runs it as a child process so that
 * each size has its own peak RSS).
 */
import { performance } from "node:perf_hooks";
import { and, asc, eq } from "drizzle-orm";
import { importItems, imports } from "@/db/schema";
import { listLedgerInRange } from "@/db/queries/ledger";
import { diffImport } from "@/lib/import/diff";
import { createDraft } from "@/lib/import/lifecycle";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { proposedRules } from "@/tests/helpers/proposed-rules";
import { planImport } from "@/lib/import/plan";
import { activityInScope, compileScope } from "@/lib/import/plan/scope";
import { resolveNewRefs } from "@/lib/import/plan/keys";
import { preparePreview, resolveTargets, scopeOf, type ImportSelection, type PreviewSummary } from "@/lib/import/prepare";
import { activityStateFromQbo, timeActivityBody } from "@/lib/import/qbo-activity";
import { snapshotFromRule } from "@/lib/mapping/rules";
import { readSource } from "@/lib/import/source";
import type { QboActivityState, TargetRef, TimeDescriptionSettings } from "@/lib/import/types";
import type { ActivityItemPayload, EntityItemPayload, SnapshotRule } from "@/lib/import/execute";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { deterministicRequestId } from "@/lib/qbo/client";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import type { QboRealmStats } from "@/lib/sandbox/qbo";
import { emitResult, isMain, peakRssMb, startMsw } from "./harness";
import { benchPreviewRender, type RenderResult } from "./preview-render";

const COMBINED: TimeDescriptionSettings = { importTaskNames: false, importComments: false };
/** Share of records edited for the re-run: half get +15 minutes, half are deleted. */
const EDIT_SHARE = 0.1;
const READ_IDS_PER_QUERY = 500;
const BATCH_OPS = 30;

export interface QboCounts {
  total: number;
  query: number;
  read: number;
  /** Single POSTs: entity creates + TimeActivity creates/updates/deletes sent alone. */
  singleWrites: number;
  entityCreates: number;
  activitySingleWrites: number;
  batch: number;
  batchItems: number;
  throttled: number;
  token: number;
}

export interface PhaseResult {
  /** actiTIME records read for the range (time-track + leave). */
  records: number;
  activities: number;
  counts: PreviewSummary["counts"];
  entities: number;
  /** Activity operations executed: creates + updates + deletes. */
  ops: number;
  /** Ledger activities in scope, re-read from QBO in bulk by the preview. */
  ledgerInScope: number;
  actitimeRequests: number;
  qbo: QboCounts;
  qboPer1000Ops: number;
  expected: { batchWrites: number; bulkReads: number };
  /** Requests beyond ⌈N/30⌉ batch writes + ⌈M/500⌉ bulk reads + one create per new entity. */
  constant: number;
  naive: { requests: number; measured: boolean; ratio: number };
  ms: { read: number; directory: number; preparePreview: number; plan: number; diff: number; execute: number; total: number };
  failed: number;
}

export interface SizeResult {
  recordsTarget: number;
  users: number;
  dateFrom: string;
  dateTo: string;
  first: PhaseResult;
  rerun?: PhaseResult;
  render?: RenderResult;
  peakRssMb: number;
  worldMs: number;
}

function qboCounts(s: QboRealmStats, entityCreates: number): QboCounts {
  const singleWrites = s.create + s.update + s.delete;
  return {
    total: s.requests,
    query: s.query,
    read: s.read,
    singleWrites,
    entityCreates,
    activitySingleWrites: singleWrites - entityCreates,
    batch: s.batch,
    batchItems: s.batchItems,
    throttled: s.throttled,
    token: s.token,
  };
}

type World = Awaited<ReturnType<typeof import("@/tests/helpers/world").createWorld>>;

/** New Import as a bookkeeper does it (every suggestion accepted), with each stage timed. */
async function previewTimed(w: World, range: { dateFrom: string; dateTo: string }) {
  const draft = await createDraft(w.db, w.actor, w.connection.id);
  const selection: ImportSelection = { userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false };
  const scope = { ...range, ...selection };
  let t = performance.now();
  const source = await readSource(w.actitimeClient, scope);
  const readMs = performance.now() - t;
  t = performance.now();
  const directory = await fetchQboDirectory(w.client, w.connection.payrollEnabled === true);
  const directoryMs = performance.now() - t;
  const saved = await listSavedRules(w.db, w.connection.id);
  const rules: SnapshotRule[] = proposedRules(mapStepEntities(source, saved, directory)).map(snapshotFromRule);
  const [withScope] = await w.db
    .update(imports)
    .set({ dateFrom: range.dateFrom, dateTo: range.dateTo, selection, mappingSnapshot: { rules }, step: "map" })
    .where(and(eq(imports.id, draft.id)))
    .returning();
  t = performance.now();
  const summary = await preparePreview({ db: w.db, qbo: w.client, actitime: w.actitimeClient, directory, source }, withScope!, COMBINED);
  const prepareMs = performance.now() - t;
  return { importId: draft.id, summary, source, directory, rules, imp: withScope!, ms: { read: readMs, directory: directoryMs, preparePreview: prepareMs } };
}

/**
 * Plan + diff alone, on the same inputs preparePreview had (records, rules, ledger, QBO's current
 * state, taken from the emulator's memory so no request is counted): the pure core's share of a preview.
 */
async function timePlanDiff(w: World, p: Awaited<ReturnType<typeof previewTimed>>) {
  const scope = scopeOf(p.imp);
  const ledgerRows = await listLedgerInRange(w.db, w.connection.id, scope.dateFrom, scope.dateTo);
  const inQbo = new Map((w.qbo.list(w.connection.realmId, "TimeActivity") as unknown as QboTimeActivity[]).map((ta) => [ta.Id, ta]));
  const qboState = new Map<string, QboActivityState>();
  for (const row of ledgerRows) {
    const ta = inQbo.get(row.qboId);
    if (ta) qboState.set(row.qboId, activityStateFromQbo(ta));
  }
  const targets = resolveTargets(p.rules, p.directory);
  let t = performance.now();
  const plan = planImport({ ...p.source, targets, description: COMBINED, scope, approvedOnly: scope.approvedOnly });
  const planMs = performance.now() - t;
  const compiled = compileScope(scope);
  t = performance.now();
  const desiredKeys = new Set(plan.activities.map((a) => a.key));
  ledgerRows.filter((row) => desiredKeys.has(row.key) || activityInScope(row.txnDate, row.sources, compiled));
  diffImport({ desired: plan.activities, ledger: ledgerRows, scope, qboState });
  const diffMs = performance.now() - t;
  return { planMs, diffMs, ledgerInScope: ledgerRows.length };
}

/**
 * The naive importer: no batches, no bulk reads. Every entity and every TimeActivity operation is its
 * own request, and before an update or delete the activity is read on its own (one GET per ledger
 * activity in scope, to learn its SyncToken and whether it was billed).
 */
async function runNaive(w: World, importId: string) {
  const items = await w.db.select().from(importItems).where(eq(importItems.importId, importId)).orderBy(asc(importItems.seq));
  const refs = new Map<TargetRef, string>();
  for (const item of items) {
    if (item.status !== "pending") continue;
    if (item.entity !== "TimeActivity") {
      const payload = item.desired as EntityItemPayload;
      const created = await w.client.create(item.entity, payload.body, deterministicRequestId(["naive", importId, item.seq]));
      refs.set(payload.ref, created.Id);
      continue;
    }
    const payload = item.desired as ActivityItemPayload;
    const requestId = deterministicRequestId(["naive", importId, item.seq]);
    if (item.operation === "create") {
      await w.client.create("TimeActivity", timeActivityBody(resolveNewRefs(payload.activity!, refs)), requestId);
    } else {
      const current = await w.client.read("TimeActivity", item.qboId!);
      if (item.operation === "delete") await w.client.remove("TimeActivity", current.Id, current.SyncToken, requestId);
      else await w.client.update("TimeActivity", { ...timeActivityBody(resolveNewRefs(payload.activity!, refs)), Id: current.Id, SyncToken: current.SyncToken, sparse: false }, requestId);
    }
  }
}

async function phase(
  w: World,
  range: { dateFrom: string; dateTo: string },
): Promise<{ result: PhaseResult; importId: string; summary: PreviewSummary }> {
  w.qbo.resetStats();
  w.actitime.resetStats();
  const started = performance.now();
  const p = await previewTimed(w, range);
  const previewEnd = performance.now();
  const t = performance.now();
  const outcome = await w.run(p.importId);
  const executeMs = performance.now() - t;
  const totalMs = previewEnd - started + executeMs;
  if (outcome.status !== "completed") throw new Error(`import ended ${outcome.status}`);
  const row = await w.importRow(p.importId);
  const actitimeRequests = w.actitime.stats.total;
  const stats = w.qbo.stats(w.connection.realmId);
  // Timed after the counts are taken: it reads the emulator's memory, not the API.
  const pd = await timePlanDiff(w, p);
  const c = p.summary.counts;
  const ops = c.create + c.update + c.delete;
  const entities = p.summary.entitiesToCreate.length;
  const qbo = qboCounts(stats, entities);
  // M: ledger activities in scope before this run (timePlanDiff runs after it, so count from the summary).
  const ledgerInScope = c.update + c.delete + c.unchanged + c.skipped_billed;
  const expected = { batchWrites: Math.ceil(ops / BATCH_OPS), bulkReads: Math.ceil(ledgerInScope / READ_IDS_PER_QUERY) };
  const constant = qbo.total - expected.batchWrites - expected.bulkReads - entities;

  // Computed naive count (replaced by the measured one where the naive importer really ran): the same
  // directory reads, one create per entity, one GET per ledger activity in scope, one write per operation.
  const naiveRequests = qbo.query - expected.bulkReads + entities + ledgerInScope + ops;
  const measured = false;

  return {
    importId: p.importId,
    summary: p.summary,
    result: {
      records: p.summary.records.in,
      activities: p.summary.activities,
      counts: c,
      entities,
      ops,
      ledgerInScope,
      actitimeRequests,
      qbo,
      qboPer1000Ops: ops === 0 ? 0 : (qbo.total / ops) * 1000,
      expected,
      constant,
      naive: { requests: naiveRequests, measured, ratio: naiveRequests / Math.max(1, qbo.total) },
      ms: { ...p.ms, plan: pd.planMs, diff: pd.diffMs, execute: executeMs, total: totalMs },
      failed: row.failedCount,
    },
  };
}

/** ~10% of the records in range: every 20th gets 15 more minutes, every 20th (offset 10) is deleted. */
function editRecords(w: World, range: { dateFrom: string; dateTo: string }): { edited: number; deleted: number } {
  const records = w.actitime.listTimeTrack().filter((r) => r.date >= range.dateFrom && r.date <= range.dateTo);
  const every = Math.round(2 / EDIT_SHARE);
  let edited = 0;
  let deleted = 0;
  records.forEach((r, i) => {
    if (i % every === 0) {
      w.actitime.upsertTimeTrack({ ...r, timeMinutes: r.timeMinutes + 15 });
      edited++;
    } else if (i % every === every / 2) {
      w.actitime.deleteTimeTrack(r.userId, r.date, r.taskId);
      deleted++;
    }
  });
  return { edited, deleted };
}

export async function benchImportSize(opts: { records: number; users: number; rerun: boolean; naive: boolean; render: boolean }): Promise<SizeResult> {
  const server = await startMsw();
  const { createWorld } = await import("@/tests/helpers/world");
  const worldOptions = { actitime: { scale: { users: opts.users, records: opts.records } } };
  const rangeOf = (w: World) => {
    const dates = w.actitime.listTimeTrack().map((r) => r.date);
    return { dateFrom: dates.reduce((a, b) => (a < b ? a : b)), dateTo: dates.reduce((a, b) => (a > b ? a : b)) };
  };

  // The naive importer first, in a world of its own (same seed, so the same data and the same
  // preview); msw answers with the most recently registered handlers, so worlds run one at a time.
  let naiveFirst: number | undefined;
  if (opts.naive) {
    const nw = await createWorld(worldOptions);
    nw.qbo.resetStats();
    const np = await previewTimed(nw, rangeOf(nw));
    await runNaive(nw, np.importId);
    naiveFirst = nw.qbo.stats(nw.connection.realmId).requests;
    await nw.dispose();
    server.resetHandlers();
  }

  const worldStart = performance.now();
  const w = await createWorld(worldOptions);
  const worldMs = performance.now() - worldStart;
  const range = rangeOf(w);

  const first = await phase(w, range);
  if (naiveFirst !== undefined) first.result.naive = { requests: naiveFirst, measured: true, ratio: naiveFirst / Math.max(1, first.result.qbo.total) };

  let render: RenderResult | undefined;
  if (opts.render) render = await benchPreviewRender(w.db, first.importId, first.summary);

  let rerun: PhaseResult | undefined;
  if (opts.rerun) {
    editRecords(w, range);
    rerun = (await phase(w, range)).result;
  }
  const result: SizeResult = { recordsTarget: opts.records, users: opts.users, ...range, first: first.result, rerun, render, peakRssMb: peakRssMb(), worldMs };
  await w.dispose();
  return result;
}

if (isMain(import.meta.url)) {
  const [records, users] = [Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 20)];
  const flags = new Set(process.argv.slice(4));
  const result = await benchImportSize({ records, users, rerun: flags.has("--rerun"), naive: flags.has("--naive"), render: flags.has("--render") });
  emitResult(result);
  const { server } = await import("@/tests/setup/server");
  server.close();
  process.exit(0);
}
