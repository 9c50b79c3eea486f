// The import drivers' dependencies with Inngest wired in: the runner (lib/import/runner) sends its
// run and interrupt requests through `sendEvent`, which this module gives it. Callers that may run
// under Inngest (server actions, start-up recovery, the Inngest functions) pass these.
import { defaultImportDriverDeps, type ImportDriverDeps } from "@/lib/import/runner";
import type { ImportEvent } from "@/lib/import/run-events";
import { inngest } from "./client";
import { importInterruptRequested, importRunRequested } from "./events";

/** The runner's plain request, as the typed (and validated) Inngest event. */
export function toInngestEvent(event: ImportEvent) {
  const type = event.name === importRunRequested.name ? importRunRequested : importInterruptRequested;
  return type.create(event.data, event.id === undefined ? undefined : { id: event.id });
}

export const sendImportEventToInngest = (event: ImportEvent) => inngest.send(toInngestEvent(event));

export const importDriverDeps: ImportDriverDeps = { ...defaultImportDriverDeps, sendEvent: sendImportEventToInngest };
