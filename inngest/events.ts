// The events that drive an import under Inngest. Both carry the connection so a run can be keyed on
// the company (one active run per company) and the import so cancellation matches the right run.
// Names, data and ids are plain data in lib/import/run-events.ts (the runner builds requests from them).
import { eventType } from "inngest";
import { z } from "zod";
import { IMPORT_INTERRUPT_REQUESTED, IMPORT_RUN_REQUESTED, type ImportEventData } from "@/lib/import/run-events";

export { importInterruptEventId, importRunEventId, type ImportEventData } from "@/lib/import/run-events";

export const importEventDataSchema = z.object({
  importId: z.uuid(),
  connectionId: z.uuid(),
}) satisfies z.ZodType<ImportEventData>;

/** Start (or, after a crash, resume) executing an import that is `running`. */
export const importRunRequested = eventType(IMPORT_RUN_REQUESTED, { schema: importEventDataSchema });

/** The import was set to `interrupting` in the database: stop its run and finish it as interrupted. */
export const importInterruptRequested = eventType(IMPORT_INTERRUPT_REQUESTED, { schema: importEventDataSchema });
