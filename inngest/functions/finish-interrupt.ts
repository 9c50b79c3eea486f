// Finishes an interrupted import under Inngest. Cancelling the run (cancelOn in run-import) only stops
// its *next* step: the slice in flight keeps going until its QBO requests have answered. Finishing
// before that would cancel items whose requests are still out, so this waits for the import to go
// quiet, then runs one slice, which sees `interrupting`, reconciles anything left in flight, cancels
// the rest and ends the import as interrupted.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { getImportById, type ImportRow } from "@/db/queries/imports";
import { importItems } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { importEventDataSchema, importInterruptRequested } from "@/inngest/events";
import type { SliceResult } from "@/lib/import/execute";
import {
  defaultImportDriverDeps,
  failImport,
  IMPORT_HEARTBEAT_STALE_MS,
  runImportSlice,
  unexpectedErrorMessage,
  type ImportDriverDeps,
} from "@/lib/import/runner";

export const FINISH_INTERRUPT_FUNCTION_ID = "finish-interrupted-import";
/** No commit for this long and nothing `sending`: the slice in flight has ended. */
export const INTERRUPT_QUIET_MS = 20_000;
export const INTERRUPT_CHECK_INTERVAL_MS = 15_000;
/**
 * Past any host's request limit (Vercel's longest is 800 s), so the cancelled run's last step has
 * certainly ended; after this the import is finished whatever the signs say.
 */
export const INTERRUPT_MAX_WAIT_MS = 15 * 60_000;
export const INTERRUPT_MAX_CHECKS = Math.ceil(INTERRUPT_MAX_WAIT_MS / INTERRUPT_CHECK_INTERVAL_MS);

/** Whether the run's in-flight work has ended: no recent commit and no request out (or the runner is long dead). */
async function isQuiet(db: Db, imp: ImportRow, now: Date): Promise<boolean> {
  const lastSign = (imp.heartbeatAt ?? imp.startedAt)?.getTime() ?? 0;
  const silentMs = now.getTime() - lastSign;
  if (silentMs >= IMPORT_HEARTBEAT_STALE_MS) return true; // a runner that died mid-request: the slice reconciles its items
  if (silentMs < INTERRUPT_QUIET_MS) return false;
  const [inFlight] = await db
    .select({ id: importItems.id })
    .from(importItems)
    .where(and(eq(importItems.importId, imp.id), eq(importItems.status, "sending")))
    .limit(1);
  return !inFlight;
}

/** One check: finishes the import when it has gone quiet (or when `force`), else says to wait. */
export async function finishInterruptedImport(deps: ImportDriverDeps, importId: string, options: { force: boolean; now?: Date }): Promise<SliceResult> {
  const db = await deps.getDb();
  const imp = await getImportById(db, importId);
  if (!imp) return { done: true, status: "error" };
  // Already finished: the run's own next slice got there first, or it ended some other way.
  if (imp.status !== "interrupting") return { done: true, status: imp.status };
  if (!options.force && !(await isQuiet(db, imp, options.now ?? new Date()))) return { done: false, status: imp.status };
  return runImportSlice(deps, importId);
}

export function createFinishInterruptFunction(deps: ImportDriverDeps = defaultImportDriverDeps) {
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
