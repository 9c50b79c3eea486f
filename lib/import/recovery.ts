// An import left `running` or `interrupting` by a process that died is never left hanging: at start
// (and, in-process, on a periodic sweep) every active import with no sign of life for
// IMPORT_HEARTBEAT_STALE_MS is picked up. In-process it is resumed here, where the first slice
// reconciles the items the dead process left `sending`; with Inngest its run (or interrupt) is
// requested again, and the function's singleton drops the request if a run is in fact still alive.
import { listActiveImports } from "@/db/queries/imports";
import { IMPORT_INTERRUPT_REQUESTED, IMPORT_RUN_REQUESTED } from "./run-events";
import { defaultImportDriverDeps, isRunningInline, isStale, leaseStaleMs, runImportInline, sendImportEvent, usesInngest, type ImportDriverDeps } from "./runner";

/** How often a live process looks for imports a dead one left behind (in-process mode). */
export const IMPORT_RECOVERY_SWEEP_INTERVAL_MS = 60_000;

/** The sweep's interval in effect: at most half the stale-lease time (shortened by the test knob). */
export function recoverySweepIntervalMs(): number {
  return Math.max(1_000, Math.min(IMPORT_RECOVERY_SWEEP_INTERVAL_MS, Math.floor(leaseStaleMs() / 2)));
}

export interface RecoveryReport {
  /** Resumed in this process (in-process mode). */
  resumed: string[];
  /** Run or interrupt re-requested from Inngest. */
  requested: string[];
  /** Active with a live runner (or just started by one): left to it. */
  leftAlone: string[];
}

/** One pass over the active imports. */
export async function recoverStaleImports(deps: ImportDriverDeps = defaultImportDriverDeps, now: Date = new Date()): Promise<RecoveryReport> {
  const db = await deps.getDb();
  const active = await listActiveImports(db);
  const report: RecoveryReport = { resumed: [], requested: [], leftAlone: [] };
  const viaInngest = usesInngest(deps);

  for (const imp of active) {
    if (isRunningInline(imp.id) || !isStale(imp, now)) {
      report.leftAlone.push(imp.id);
      continue;
    }
    const data = { importId: imp.id, connectionId: imp.connectionId };
    if (viaInngest) {
      await sendImportEvent(deps, { name: imp.status === "interrupting" ? IMPORT_INTERRUPT_REQUESTED : IMPORT_RUN_REQUESTED, data });
      report.requested.push(imp.id);
    } else {
      // Not awaited: the run goes on in the background. Taking the lease is a compare-and-set on the
      // stale heartbeat that bumps the generation: if another process got there first this one steps
      // back, and the stale holder, should it wake up, can neither claim, commit nor renew.
      void runImportInline(imp.id, deps);
      report.resumed.push(imp.id);
    }
  }
  return report;
}

const globalForSweep = globalThis as unknown as { __importRecoverySweep?: NodeJS.Timeout };

/**
 * Called once when the server starts, after migrations. In-process mode also keeps sweeping: an
 * import whose runner died moments ago still looks alive at start, and with several processes on one
 * PostgreSQL another may die later.
 */
export async function recoverImportsOnStart(
  deps: ImportDriverDeps = defaultImportDriverDeps,
  options: { sweep?: boolean; now?: Date } = {},
): Promise<RecoveryReport> {
  const report = await recoverStaleImports(deps, options.now);
  if ((options.sweep ?? true) && !usesInngest(deps) && !globalForSweep.__importRecoverySweep) {
    const sweep = setInterval(() => {
      recoverStaleImports(deps).catch((error: unknown) => {
        console.error(`[imports] recovery sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, recoverySweepIntervalMs());
    sweep.unref(); // the sweep never keeps a shutting-down process alive
    globalForSweep.__importRecoverySweep = sweep;
  }
  return report;
}
