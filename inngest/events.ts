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

/**
 * Event ids. Inngest ignores an event whose id it has already received (for 24 h), so a send that is
 * repeated (a request retried after an unclear answer, a double submit reaching two instances) starts
 * nothing twice. Start and Interrupt each happen once per import (draft → running → interrupting), so
 * the import is the key. A later re-request that must start a new run (start-up recovery after the
 * runner died) passes what distinguishes it, e.g. the lease generation it takes over from.
 */
export function importRunEventId(importId: string, takeover?: string | number): string {
  return takeover === undefined ? `import-run:${importId}` : `import-run:${importId}:${takeover}`;
}

export function importInterruptEventId(importId: string): string {
  return `import-interrupt:${importId}`;
}
