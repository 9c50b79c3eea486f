// The progress panel's words for an import row (phase + time left), used by db/queries importProgress.
import type { imports } from "@/db/schema";
import { phaseText, secondsLeft, timeLeftText } from "./progress";

export function progressWords(imp: typeof imports.$inferSelect, at: Date): { phase: string | null; timeLeft: string | null } {
  const active = imp.status === "running" || imp.status === "interrupting";
  if (!active) return { phase: null, timeLeft: null };
  return { phase: phaseText(imp.progressPhase, imp.progressPhaseUntil, imp.status), timeLeft: imp.status === "running" ? timeLeftText(secondsLeft(imp, at)) : null };
}
