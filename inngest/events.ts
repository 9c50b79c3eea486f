// The events that drive an import under Inngest. Both carry the connection so a run can be keyed on
// the company (one active run per company) and the import so cancellation matches the right run.
import { eventType } from "inngest";
import { z } from "zod";

export const importEventDataSchema = z.object({
  importId: z.uuid(),
  connectionId: z.uuid(),
});

export type ImportEventData = z.infer<typeof importEventDataSchema>;

/** Start (or, after a crash, resume) executing an import that is `running`. */
export const importRunRequested = eventType("import/run.requested", { schema: importEventDataSchema });

/** The import was set to `interrupting` in the database: stop its run and finish it as interrupted. */
export const importInterruptRequested = eventType("import/interrupt.requested", { schema: importEventDataSchema });
