// The Time settings of a preview in words, for the Preview and the import's history page (issue 19 §3).
import type { PreviewSummary } from "./prepare";

type TimeSummary = NonNullable<PreviewSummary["time"]>;

const COMBINE_WORDS: Record<TimeSummary["combine"], string> = {
  record: "one activity per actiTIME record",
  day: "one activity per day for each employee, customer and service item",
  week: "one activity per week (Monday to Sunday, dated on the Monday) for each employee, customer and service item",
};

export function roundingWords(rounding: TimeSummary["rounding"]): string {
  if (rounding.mode === "none") return "not rounded";
  return `${rounding.mode === "up" ? "rounded up to" : "rounded to the nearest"} ${rounding.minutes} minutes`;
}

export function isRounded(time: PreviewSummary["time"]): time is TimeSummary {
  return time !== undefined && time.rounding.mode !== "none";
}

/** "Combined: one activity per week …; rounded up to 15 minutes." */
export function timeSettingsLine(time: TimeSummary): string {
  return `Combined: ${COMBINE_WORDS[time.combine]}; ${roundingWords(time.rounding)}.`;
}

/** The sentence shown before Start when activities written under other Time settings are replaced; null when none are. */
export function replacementText(time: PreviewSummary["time"]): string | null {
  if (!time || (time.replaced === 0 && time.billedKept === 0)) return null;
  const n = (count: number, one: string, many: string) => `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
  const parts: string[] = [];
  if (time.replaced > 0) {
    parts.push(`${n(time.replaced, "activity", "activities")} will be replaced because the Time settings changed: each is deleted in QuickBooks and its time written again as the current settings combine and round it.`);
  }
  if (time.billedKept > 0) {
    parts.push(`${n(time.billedKept, "billed activity was", "billed activities were")} written under other Time settings and ${time.billedKept === 1 ? "is" : "are"} left alone; ${time.billedKept === 1 ? "its" : "their"} records stay with ${time.billedKept === 1 ? "it" : "them"}.`);
  }
  return parts.join(" ");
}

/** "Tracked 12.25 h, written 13 h (rounded up to 15 minutes, …)." for the import's history page. */
export function trackedAndRoundedText(time: PreviewSummary["time"], hours: number, format: (h: number) => string): string | null {
  if (!isRounded(time)) return null;
  return `Tracked ${format(time.trackedHours)}, written ${format(hours)} (${roundingWords(time.rounding)}, each activity after combining).`;
}
