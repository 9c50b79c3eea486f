// The durable driver: one Inngest step per slice of lib/import/execute (a bounded amount of work,
// never one step per record), looped until the import is done. A crashed or timed-out step is retried
// by Inngest; the slice itself reconciles whatever the dead attempt left in flight.
import { getImportById } from "@/db/queries/imports";
import { inngest } from "@/inngest/client";
import { importEventDataSchema, importInterruptRequested, importRunRequested } from "@/inngest/events";
import {
  failImport,
  IMPORT_MAX_SLICES,
  runImportSlice,
  takeImportLease,
  unexpectedErrorMessage,
  type ImportDriverDeps,
} from "@/lib/import/runner";
import { importDriverDeps } from "@/inngest/deps";

export const RUN_IMPORT_FUNCTION_ID = "run-import";
/** Retries per step: a slice is safe to repeat (it reconciles), and QBO outages are usually short. */
export const RUN_IMPORT_STEP_RETRIES = 5;

/** The id written to `imports.runner_id` while an Inngest run drives the import. */
export function inngestRunnerId(runId: string): string {
  return `inngest:${runId}`;
}

export function createRunImportFunction(deps: ImportDriverDeps = importDriverDeps) {
  return inngest.createFunction(
    {
      id: RUN_IMPORT_FUNCTION_ID,
      name: "Run import",
      triggers: [importRunRequested],
      // One active run per company. A second request while one runs (a repeated click, a start-up
      // recovery re-request for a run that is merely slow) is skipped rather than run beside it.
      singleton: { key: "event.data.connectionId", mode: "skip" },
      // Interrupt stops the next step; inngest/functions/finish-interrupt ends the import once the
      // step in flight has finished.
      cancelOn: [{ event: importInterruptRequested, if: "async.data.importId == event.data.importId" }],
      retries: RUN_IMPORT_STEP_RETRIES,
      onFailure: async ({ event, error }) => {
        // The SDK types the failed run's event loosely: parse it like any other input.
        const { importId } = importEventDataSchema.parse(event.data.event.data);
        await failImport(deps, importId, unexpectedErrorMessage(error));
      },
    },
    async ({ event, step, runId }) => {
      const { importId } = event.data;
      // The same lease as the in-process runner: taking it bumps the generation, so a run (or a
      // process) that held it before can neither claim, nor commit, nor renew any more. Memoized by
      // Inngest: every slice of this run, retries included, works under it.
      const lease = await step.run("claim", async () => {
        const db = await deps.getDb();
        const taken = await takeImportLease(db, importId, inngestRunnerId(runId));
        if (taken) return { held: true as const, ...taken };
        const imp = await getImportById(db, importId);
        return { held: false as const, status: imp?.status ?? ("error" as const) };
      });
      // Another live runner holds it (it will finish it), or it has ended.
      if (!lease.held) return { done: lease.status !== "running" && lease.status !== "interrupting", status: lease.status };
      const held = { importId: lease.importId, runnerId: lease.runnerId, generation: lease.generation };
      for (let slice = 1; slice <= IMPORT_MAX_SLICES; slice++) {
        const result = await step.run(`slice-${slice}`, () => runImportSlice(deps, importId, held));
        if (result.done) return result;
      }
      await step.run("give-up", () =>
        failImport(deps, importId, `The import did not finish within ${IMPORT_MAX_SLICES} rounds of work. Run the same import again to import the rest.`),
      );
      return { done: true, status: "error" as const };
    },
  );
}
