// Drives an import's execution: one bounded slice of lib/import/execute after another until the
// import is done. Two drivers run the same slices: Inngest (durable, when configured) and this
// process (the embedded default). This module is the entry point for both: callers flip the status
// in the database (lib/import/lifecycle) and then ask here for a run or an interrupt.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { getDb, type Db } from "@/db/client";
import { acquireLease, type Lease } from "@/db/queries/import-run";
import { ACTIVE_IMPORT_STATUSES, getImportById, importCompany, type ImportRow } from "@/db/queries/imports";
import type { QboConnection } from "@/db/queries/connections";
import { IMPORT_INTERRUPT_REQUESTED, IMPORT_RUN_REQUESTED, importInterruptEventId, importRunEventId, type ImportEvent, type ImportEventData } from "./run-events";
import { getEnv } from "@/lib/env";
import type { QboClient } from "@/lib/qbo/client";
import { qboClientFor } from "@/lib/qbo/connect";
import { createExecutor, IMPORT_LEASE_STALE_MS, RECONCILE_AFTER_MS, SEND_DEADLINE_MS, type ExecuteDeps } from "./execute";
import type { SliceResult } from "./types";
import { importErrorMessage } from "./error-message";

/**
 * An active import whose lease holder has not renewed it for this long has no live runner and may be
 * taken over (the generation bumps, so the old holder, should it wake up, can do nothing more). The
 * executor renews every LEASE_RENEW_INTERVAL_MS while a slice runs. Tests shorten it with
 * IMPORT_LEASE_STALE_MS (lib/env: refused in production without ALLOW_TEST_KNOBS=1).
 */
export const IMPORT_HEARTBEAT_STALE_MS = IMPORT_LEASE_STALE_MS;

/** The stale-lease time in effect (the test knob, or the production default). */
export function leaseStaleMs(): number {
  return safeTimings().leaseStaleMs ?? IMPORT_HEARTBEAT_STALE_MS;
}

function safeTimings(): { leaseStaleMs?: number; reconcileAfterMs?: number } {
  try {
    return getEnv().importTimings ?? {};
  } catch {
    return {};
  }
}

/** Executor timings in effect: the reconcile age and a send deadline well inside it. */
export function executorTimings(): Pick<ExecuteDeps, "reconcileAfterMs" | "sendDeadlineMs"> {
  const reconcileAfterMs = safeTimings().reconcileAfterMs;
  if (reconcileAfterMs === undefined) return {};
  return { reconcileAfterMs, sendDeadlineMs: Math.min(SEND_DEADLINE_MS, Math.floor(reconcileAfterMs / 4)) };
}
export { RECONCILE_AFTER_MS };
/**
 * Slices one run may take. Inngest allows 1,000 steps per run; 900 slices of EXECUTE_SLICE_OPS (3,000)
 * is well over two million operations, so a run that needs more is not big but stuck.
 */
export const IMPORT_MAX_SLICES = 900;

export type ImportExecutor = Pick<ReturnType<typeof createExecutor>, "runSlice" | "markError">;

/** What the drivers need from the outside, injectable so tests run them on a test database and a fake engine. */
export interface ImportDriverDeps {
  getDb: () => Promise<Db>;
  qboClientFor: (db: Db, connection: Pick<QboConnection, "id" | "realmId">) => QboClient;
  /** The engine that runs slices. Default: lib/import/execute. */
  createExecutor?: (deps: { db: Db; qbo: QboClient; lease?: Lease; reconcileAfterMs?: number; sendDeadlineMs?: number }) => ImportExecutor;
  /** Default: getEnv().inngest.enabled. */
  inngestEnabled?: boolean;
  /**
   * Sends a run or interrupt request when imports run under Inngest. lib/ never imports inngest/:
   * inngest/deps.ts `importDriverDeps` wires the app's Inngest client in here.
   */
  sendEvent?: (event: ImportEvent) => Promise<unknown>;
}

export const defaultImportDriverDeps: ImportDriverDeps = { getDb, qboClientFor };

/** Whether imports run under Inngest (else in this process). */
export function usesInngest(deps: ImportDriverDeps): boolean {
  return deps.inngestEnabled ?? getEnv().inngest.enabled;
}

export function sendImportEvent(deps: ImportDriverDeps, event: ImportEvent): Promise<unknown> {
  if (!deps.sendEvent) throw new Error("Imports run under Inngest but no sendEvent was given (pass importDriverDeps from inngest/deps)");
  return deps.sendEvent(event);
}

/**
 * The executor for an import, over its company's QBO client, working under `lease` (without one it
 * takes the import over itself: only for ending an import whose run is known to be gone). Undefined
 * when the import is gone.
 */
export async function executorForImport(deps: ImportDriverDeps, db: Db, importId: string, lease?: Lease): Promise<ImportExecutor | undefined> {
  const row = await importCompany(db, importId);
  if (!row) return undefined;
  return (deps.createExecutor ?? createExecutor)({ db, qbo: deps.qboClientFor(db, row), ...executorTimings(), ...(lease ? { lease } : {}) });
}

/** One slice of an import under `lease`, as an Inngest step runs it (each step may land on a different process). */
export async function runImportSlice(deps: ImportDriverDeps, importId: string, lease: Lease): Promise<SliceResult> {
  const db = await deps.getDb();
  const executor = await executorForImport(deps, db, importId, lease);
  if (!executor) return { done: true, status: "error" };
  return executor.runSlice(importId);
}

/** Ends an import as *Error* with a message people can read (no-op when it already finished). */
export async function failImport(deps: ImportDriverDeps, importId: string, message: string): Promise<void> {
  const db = await deps.getDb();
  const executor = await executorForImport(deps, db, importId);
  await executor?.markError(importId, message);
}

/** A readable reason for an import that stopped on an unexpected error. */
export function unexpectedErrorMessage(error: unknown): string {
  // A code plus a safe sentence: never SQL text or values (lib/import/error-message.ts, issue 13 §7).
  return importErrorMessage(error);
}

// ── liveness: which process runs an import, and whether it still lives ─────────────────────

export function isStale(imp: Pick<ImportRow, "heartbeatAt" | "startedAt">, now: Date): boolean {
  const lastSign = imp.heartbeatAt ?? imp.startedAt;
  return !lastSign || lastSign.getTime() < now.getTime() - leaseStaleMs();
}

/** Takes the import's lease for `runnerId` (unheld, already its own, or stale); undefined when a live runner holds it. */
export async function takeImportLease(db: Db, importId: string, runnerId: string, now = new Date()): Promise<Lease | undefined> {
  return acquireLease(db, importId, runnerId, { staleMs: leaseStaleMs(), now });
}

const globalForRuns = globalThis as unknown as {
  __importRunnerId?: string;
  __importInlineRuns?: Map<string, Promise<SliceResult>>;
};

/**
 * This process, as written to `imports.runner_id` by the inline runner. Kept on globalThis because
 * Next bundles instrumentation and routes separately (and dev reloads modules): one process, one id.
 */
export const PROCESS_RUNNER_ID = (globalForRuns.__importRunnerId ??= `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`);

/** Imports this process is running now, so one import runs once per process. */
const inlineRuns = (globalForRuns.__importInlineRuns ??= new Map<string, Promise<SliceResult>>());

async function driveInline(importId: string, deps: ImportDriverDeps): Promise<SliceResult> {
  let executor: ImportExecutor | undefined;
  try {
    const db = await deps.getDb();
    const lease = await takeImportLease(db, importId, PROCESS_RUNNER_ID);
    if (!lease) {
      // Finished already, or another live runner holds the lease (and will notice an interrupt itself).
      const imp = await getImportById(db, importId);
      const active = imp !== undefined && (ACTIVE_IMPORT_STATUSES as readonly string[]).includes(imp.status);
      return { done: !active, status: imp?.status ?? "error" };
    }
    executor = await executorForImport(deps, db, importId, lease);
    if (!executor) return { done: true, status: "error" };
  } catch (error) {
    // Nothing was claimed or nothing can run it: the start-up recovery or the sweep takes it later.
    console.error(`[import ${importId}] could not start the in-process run: ${error instanceof Error ? error.message : String(error)}`);
    return { done: false, status: "running" };
  }

  // The executor renews the lease while a slice runs; a slice whose lease was taken over ends `done`.
  try {
    for (let slice = 1; slice <= IMPORT_MAX_SLICES; slice++) {
      const result = await executor.runSlice(importId);
      if (result.done) return result;
    }
    await executor.markError(importId, `The import did not finish within ${IMPORT_MAX_SLICES} rounds of work. Run the same import again to import the rest.`);
    return { done: true, status: "error" };
  } catch (error) {
    console.error(`[import ${importId}] stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    try {
      await executor.markError(importId, unexpectedErrorMessage(error));
    } catch (markError) {
      console.error(`[import ${importId}] could not be marked as failed: ${markError instanceof Error ? markError.message : String(markError)}`);
      return { done: false, status: "running" };
    }
    return { done: true, status: "error" };
  }
}

/**
 * Runs an import in this process until it is done, and resolves with how it ended. A second call
 * while it runs joins the same run. `done: false` means this process could not take it (another
 * live process runs it) or could not start it; recovery retries those.
 */
export function runImportInline(importId: string, deps: ImportDriverDeps = defaultImportDriverDeps): Promise<SliceResult> {
  const running = inlineRuns.get(importId);
  if (running) return running;
  const run = driveInline(importId, deps).finally(() => inlineRuns.delete(importId));
  inlineRuns.set(importId, run);
  return run;
}

/** Whether this process is running the import now. */
export function isRunningInline(importId: string): boolean {
  return inlineRuns.has(importId);
}

// ── entry points for callers ──────────────────────────────────────────────────────────────

/**
 * Starts executing an import the caller has just set `running` (or resumes one). With Inngest the
 * event is sent (a send failure is thrown to the caller; the import stays `running` and start-up
 * recovery re-requests it); otherwise the run starts in this process and is not awaited.
 */
export async function requestImportRun(data: ImportEventData, deps: ImportDriverDeps = defaultImportDriverDeps): Promise<void> {
  if (usesInngest(deps)) {
    await sendImportEvent(deps, { name: IMPORT_RUN_REQUESTED, data, id: importRunEventId(data.importId) });
    return;
  }
  void runImportInline(data.importId, deps);
}

/**
 * Tells the run of an import the caller has just set `interrupting`. With Inngest: the event cancels
 * the run and starts inngest/functions/finish-interrupt, which finishes it as interrupted once the
 * in-flight slice has ended. In-process: the running loop sees the status before its next chunk and its
 * next slice finishes the import; when no loop runs it here, one is started so the import still ends.
 */
export async function requestImportInterrupt(data: ImportEventData, deps: ImportDriverDeps = defaultImportDriverDeps): Promise<void> {
  if (usesInngest(deps)) {
    await sendImportEvent(deps, { name: IMPORT_INTERRUPT_REQUESTED, data, id: importInterruptEventId(data.importId) });
    return;
  }
  void runImportInline(data.importId, deps);
}
