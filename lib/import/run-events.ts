// What the runner asks of whoever drives imports (Inngest or this process): the two requests, their
// data and their ids. Plain data: inngest/events.ts declares the Inngest event types over these
// names, and inngest/deps.ts sends them (lib/ never imports inngest/).

export interface ImportEventData {
  importId: string;
  connectionId: string;
}

export const IMPORT_RUN_REQUESTED = "import/run.requested";
export const IMPORT_INTERRUPT_REQUESTED = "import/interrupt.requested";

/** A request for a run (start, resume) or an interrupt of one import. */
export interface ImportEvent {
  name: typeof IMPORT_RUN_REQUESTED | typeof IMPORT_INTERRUPT_REQUESTED;
  data: ImportEventData;
  /** Inngest drops an event whose id it has already received (24 h): see importRunEventId. */
  id?: string;
}

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
