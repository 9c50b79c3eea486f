// What a running import is doing, in words, and how long it has left. The executor names its phase
// (creating entities, writing activities, re-checking uncertain writes); while QuickBooks' rate
// limit holds every request back, the phase says so with the time it frees up. Written to the
// import row at most once a second (or on a change of phase), so the page can poll it from any process.
import type { Db } from "@/db/client";
import { setImportPhase } from "@/db/queries/imports";
import type { ImportRow } from "@/db/queries/imports";
import type { Pacer } from "@/lib/qbo/pace";

export type ImportPhase = "entities" | "writing" | "rate_limit" | "rechecking" | "finishing";

const WRITE_EVERY_MS = 1_000;
/** A rate-limit wait shorter than this is not worth a word. */
const RATE_WAIT_WORTH_SAYING_MS = 1_500;
/** Below this much work done or time spent, a rate would be a guess. */
const ESTIMATE_MIN_DONE = 20;
const ESTIMATE_MIN_ELAPSED_MS = 5_000;

export interface PhaseReporter {
  /** The executor's phase; a rate-limit wait the pacer reports takes precedence while it lasts. */
  set(phase: ImportPhase): Promise<void>;
  /** Says "waiting for the rate limit" with its end while every kind of request would wait long enough to notice. */
  waiting(): Promise<void>;
  /** Checks `waiting` every second until the returned function is called (around the lanes' work). */
  watch(): () => void;
}

export function phaseReporter(db: Db, importId: string, pacer: Pick<Pacer, "waitMs">, now: () => Date = () => new Date()): PhaseReporter {
  let last: { phase: ImportPhase; at: number; until: number | null } | null = null;
  let current: ImportPhase = "writing";
  const write = async (phase: ImportPhase, until: Date | null) => {
    const at = now().getTime();
    const untilMs = until?.getTime() ?? null;
    // Unchanged (a wait's end moving by under a second counts as unchanged): nothing to write.
    if (last && last.phase === phase && (untilMs === null) === (last.until === null) && Math.abs((untilMs ?? 0) - (last.until ?? 0)) < WRITE_EVERY_MS) return;
    if (last && last.phase === phase && at - last.at < WRITE_EVERY_MS) return;
    last = { phase, at, until: until?.getTime() ?? null };
    await setImportPhase(db, importId, phase, until);
  };
  return {
    async set(phase) {
      current = phase;
      await write(phase, null);
    },
    async waiting() {
      const wait = Math.min(pacer.waitMs({}), pacer.waitMs({ batch: true, items: 1 }));
      if (wait >= RATE_WAIT_WORTH_SAYING_MS) await write("rate_limit", new Date(now().getTime() + wait));
      else await write(current, null);
    },
    watch() {
      const timer = setInterval(() => {
        this.waiting().catch(() => {}); // progress wording only: a failed write is retried next tick
      }, WRITE_EVERY_MS);
      timer.unref?.();
      return () => clearInterval(timer);
    },
  };
}

const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "UTC" });

/** The phase in words for the progress panel. */
export function phaseText(phase: string | null, until: Date | null, status: string): string {
  if (status === "interrupting") return "Interrupting: finishing the requests already sent…";
  switch (phase) {
    case "entities":
      return "Creating employees, customers and service items in QuickBooks…";
    case "rate_limit":
      return until ? `Waiting for QuickBooks' rate limit until ${TIME.format(until)} UTC…` : "Waiting for QuickBooks' rate limit…";
    case "rechecking":
      return "Re-checking writes whose answer was lost, before anything is sent again…";
    case "finishing":
      return "Finishing: saving the rules and the summary…";
    default:
      return "Writing activities to QuickBooks…";
  }
}

/** Seconds left at the pace so far, or null while too little is done to tell. */
export function secondsLeft(imp: Pick<ImportRow, "startedAt" | "progressDone" | "progressTotal">, at: Date): number | null {
  if (!imp.startedAt) return null;
  const elapsed = at.getTime() - imp.startedAt.getTime();
  const left = imp.progressTotal - imp.progressDone;
  if (left <= 0) return 0;
  if (imp.progressDone < ESTIMATE_MIN_DONE || elapsed < ESTIMATE_MIN_ELAPSED_MS) return null;
  return Math.ceil((elapsed / imp.progressDone) * left / 1000);
}

/** "about 2 min 10 s left", "less than 10 s left", or "estimating the time left…". */
export function timeLeftText(seconds: number | null): string {
  if (seconds === null) return "Estimating the time left…";
  if (seconds < 10) return "Less than 10 s left";
  const m = Math.floor(seconds / 60);
  const s = Math.round((seconds % 60) / 5) * 5;
  if (m === 0) return `About ${s} s left`;
  if (m >= 60) return `About ${Math.floor(m / 60)} h ${m % 60} min left`;
  return `About ${m} min${s ? ` ${s} s` : ""} left`;
}
