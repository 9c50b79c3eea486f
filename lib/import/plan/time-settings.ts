import type { Grouping, Rounding } from "@/db/types";
import type { RoundingIncrement, TimeSettings } from "@/lib/import/types";

export type { Grouping, Rounding };

/**
 * Time settings (issue 19 §3): how records are combined into activities and how each activity's
 * minutes are rounded. Pure; dates are YYYY-MM-DD calendar dates (no time zone).
 */

/** "auto" is the behaviour from before the setting: one per record with descriptions on, else one per day. */
export function effectiveCombine(settings: TimeSettings): Grouping {
  const combine = settings.combine ?? "auto";
  if (combine !== "auto") return combine;
  return settings.importTaskNames || settings.importComments ? "record" : "day";
}

export const DEFAULT_ROUNDING_MINUTES: RoundingIncrement = 15;

export function roundingOf(settings: TimeSettings): Rounding {
  return { mode: settings.rounding ?? "none", minutes: settings.roundingMinutes ?? DEFAULT_ROUNDING_MINUTES };
}

/**
 * Rounds one activity's minutes: "up" to the next multiple, "nearest" to the closest one (a tie,
 * e.g. 3 of 6 minutes, goes up). Whole minutes in, whole minutes out.
 */
export function roundMinutes(total: number, rounding: Rounding): number {
  if (rounding.mode === "none") return total;
  const step = rounding.minutes;
  const rest = total % step;
  if (rest === 0) return total;
  if (rounding.mode === "up") return total - rest + step;
  return rest * 2 >= step ? total - rest + step : total - rest;
}

/**
 * The key tail that records the rounding an activity was written under: "" without rounding
 * (so keys of companies that never round are what they always were), `|ru15` / `|rn6` with it.
 * Changing rounding therefore changes every key, and the next import replaces the old activities.
 */
export function roundingKeyTag(rounding: Rounding): string {
  if (rounding.mode === "none") return "";
  return `|r${rounding.mode === "up" ? "u" : "n"}${rounding.minutes}`;
}

const ROUNDING_TAG = /\|r[un][0-9]+$/;

/** Splits a base key (no `#n` overflow tail) into the key without its rounding tag and the tag. */
export function splitRoundingTag(baseKey: string): { key: string; tag: string } {
  const match = ROUNDING_TAG.exec(baseKey);
  if (!match) return { key: baseKey, tag: "" };
  return { key: baseKey.slice(0, match.index), tag: match[0] };
}

// ── Weeks ───────────────────────────────────────────────────────────────────────────────────

const DAY_MS = 86_400_000;

function utcMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Monday of the (Monday to Sunday) week holding `date`. */
export function mondayOf(date: string): string {
  const ms = utcMs(date);
  const daysSinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return isoOf(ms - daysSinceMonday * DAY_MS);
}

export function addDays(date: string, days: number): string {
  return isoOf(utcMs(date) + days * DAY_MS);
}

/** The range grown to whole weeks: Monday of the first day to Sunday of the last. */
export function wholeWeeks(range: { dateFrom: string; dateTo: string }): { dateFrom: string; dateTo: string } {
  return { dateFrom: mondayOf(range.dateFrom), dateTo: addDays(mondayOf(range.dateTo), 6) };
}

/** The key layout (see keys.ts keyLayout) activities planned under these settings have. */
export function settingsLayout(settings: TimeSettings): string {
  const letter = { record: "s", day: "c", week: "w" }[effectiveCombine(settings)];
  return letter + roundingKeyTag(roundingOf(settings));
}
