// The progress panel's words for an import row (phase + time left) and what its bar and counts show.
import type { imports } from "@/db/schema";
import type { ImportRow } from "@/db/queries/imports";
import { phaseText, secondsLeft, timeLeftText } from "./progress";

export function progressWords(imp: typeof imports.$inferSelect, at: Date): { phase: string | null; timeLeft: string | null } {
  const active = imp.status === "running" || imp.status === "interrupting";
  if (!active) return { phase: null, timeLeft: null };
  return { phase: phaseText(imp.progressPhase, imp.progressPhaseUntil, imp.status), timeLeft: imp.status === "running" ? timeLeftText(secondsLeft(imp, at)) : null };
}

/** What the progress bar and its counts show, for the page and for polling. */
export function importProgress(imp: ImportRow) {
  return {
    status: imp.status,
    done: imp.progressDone,
    total: imp.progressTotal,
    created: imp.createdCount,
    updated: imp.updatedCount,
    deleted: imp.deletedCount,
    failed: imp.failedCount,
    skippedBilled: imp.skippedBilledCount,
    errorMessage: imp.errorMessage,
    ...progressWords(imp, new Date()),
  };
}
