// Finishes an interrupted import under Inngest. Cancelling the run (cancelOn in run-import) only stops
// its *next* step; the step in flight sees the interrupt within STATUS_CHECK_INTERVAL_MS itself (no
// claim succeeds once the import is `interrupting`, every wait is aborted) and commits what its
// requests in flight answer. So this checks every INTERRUPT_CHECK_INTERVAL_MS: as soon as no item is
// `sending` the import is finished as interrupted (one conditional statement: nothing can be claimed
// any more, and nothing is out). Items left `sending` by a run that went silent are reconciled by a
// slice under a lease taken over from it.
import type { Db } from "@/db/client";
import { acquireLease, finishImport } from "@/db/queries/import-run";
import { getImportById } from "@/db/queries/imports";
import { inngest } from "@/inngest/client";
import { importEventDataSchema, importInterruptRequested } from "@/inngest/events";
import type { SliceResult } from "@/lib/import/types";
import { failImport, isStale, leaseStaleMs, runImportSlice, unexpectedErrorMessage, type ImportDriverDeps } from "@/lib/import/runner";
import { importDriverDeps } from "@/inngest/deps";

export const FINISH_INTERRUPT_FUNCTION_ID = "finish-interrupted-import";
export const INTERRUPT_CHECK_INTERVAL_MS = 2_000;
/**
 * Past any host's request limit (Vercel's longest is 800 s), so the cancelled run's last step has
 * certainly ended; after this the import is finished whatever the signs say.
 */
export const INTERRUPT_MAX_WAIT_MS = 15 * 60_000;
export const INTERRUPT_MAX_CHECKS = Math.ceil(INTERRUPT_MAX_WAIT_MS / INTERRUPT_CHECK_INTERVAL_MS);

/** The runner id the finisher takes a silent run's lease with. */
export function finisherRunnerId(importId: string): string {
  return `inngest-finish:${importId}`;
}

/** One check: finishes the import when nothing is out (or reconciles a silent run's leftovers, or `force`), else says to wait. */
export async function finishInterruptedImport(deps: ImportDriverDeps, importId: string, options: { force: boolean; now?: Date }): Promise<SliceResult> {
  const db: Db = await deps.getDb();
  const now = options.now ?? new Date();
  const imp = await getImportById(db, importId);
  if (!imp) return { done: true, status: "error" };
  // Already finished: the run's own next slice got there first, or it ended some other way.
  if (imp.status !== "interrupting") return { done: true, status: imp.status };
  if (await finishImport(db, { unheld: true }, importId, "interrupted", { now })) return { done: true, status: "interrupted" };
  // Items are still `sending`. A live run commits them itself; a silent one's are reconciled here.
  if (!options.force && !isStale(imp, now)) return { done: false, status: imp.status };
  const lease = await acquireLease(db, importId, finisherRunnerId(importId), { staleMs: leaseStaleMs(), now, force: options.force });
  if (!lease) return { done: false, status: imp.status };
  return runImportSlice(deps, importId, lease);
}

export function createFinishInterruptFunction(deps: ImportDriverDeps = importDriverDeps) {
  return inngest.createFunction(
    {
      id: FINISH_INTERRUPT_FUNCTION_ID,
      name: "Finish interrupted import",
      triggers: [importInterruptRequested],
      retries: 5,
      onFailure: async ({ event, error }) => {
        // The SDK types the failed run's event loosely: parse it like any other input.
        const { importId } = importEventDataSchema.parse(event.data.event.data);
        await failImport(deps, importId, unexpectedErrorMessage(error));
      },
    },
    async ({ event, step }) => {
      const { importId } = event.data;
      for (let check = 1; check <= INTERRUPT_MAX_CHECKS; check++) {
        if (check > 1) await step.sleep(`wait-${check - 1}`, INTERRUPT_CHECK_INTERVAL_MS);
        const result = await step.run(`check-${check}`, () => finishInterruptedImport(deps, importId, { force: check === INTERRUPT_MAX_CHECKS }));
        if (result.done) return result;
      }
      return { done: false, status: "interrupting" as const };
    },
  );
}
