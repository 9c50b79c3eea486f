// When a company's Schedule is due, in its own time zone (issue 18 §1). Pure: the clock is an
// argument. Wall times are turned into instants with Intl (no library): a time that does not exist on
// a spring-forward day runs just after the gap (02:30 → 03:30); one that happens twice on a fall-back
// day runs at its first occurrence.
import { SCHEDULE_FREQUENCIES, SCHEDULE_WINDOWS } from "@/db/types";

export { SCHEDULE_FREQUENCIES, SCHEDULE_WINDOWS };
export type Frequency = (typeof SCHEDULE_FREQUENCIES)[number];
export type WindowKind = (typeof SCHEDULE_WINDOWS)[number];

export interface ScheduleTiming {
  frequency: Frequency;
  /** "HH:MM", 24 h. */
  timeOfDay: string;
  /** 0 = Sunday … 6 = Saturday (weekly only). */
  weekday: number;
  timeZone: string;
}

export interface ScheduleWindow {
  window: WindowKind;
  windowDays: number;
}

export const MAX_WINDOW_DAYS = 90;
export const DEFAULT_WINDOW_DAYS = 14;
/** A slot missed by more than this (the server was down) is not run late; the next one is. */
export const SLOT_GRACE_MS = 6 * 3_600_000;
const DAY_MS = 86_400_000;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0 && zone.length <= 64;
  } catch {
    return false;
  }
}

export function parseTimeOfDay(value: string): { hour: number; minute: number } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(zone: string, instant: number) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short" });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(p.weekday!) };
}

/** The zone's offset from UTC at `instant`, in ms (local = UTC + offset). */
export function zoneOffsetMs(zone: string, instant: number): number {
  const p = partsIn(zone, instant);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/** The instant of a local wall time in `zone` (see the file's note for DST gaps and overlaps). */
export function zonedWallTimeToInstant(zone: string, year: number, month: number, day: number, hour: number, minute: number): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = zoneOffsetMs(zone, wall - DAY_MS / 2);
  const after = zoneOffsetMs(zone, wall + DAY_MS / 2);
  const candidates = [...new Set([wall - before, wall - after])].filter((c) => c + zoneOffsetMs(zone, c) === wall).sort((a, b) => a - b);
  return new Date(candidates[0] ?? wall - before);
}

/** The local calendar date of `instant` in `zone`, YYYY-MM-DD. */
export function localDate(zone: string, instant: Date): string {
  const p = partsIn(zone, instant.getTime());
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

function addDays(isoDate: string, days: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/**
 * Day offsets from today to look at, nearest first: a week at most, plus one day each way for zones
 * ahead of or behind the clock.
 */
const DAYS_BACK = Array.from({ length: 10 }, (_, i) => 1 - i);
const DAYS_AHEAD = Array.from({ length: 10 }, (_, i) => i - 1);

/** The first slot, on the days `dayOffsets` from today in that order, that `accept`s (null when Off). */
function firstSlot(s: ScheduleTiming, now: Date, dayOffsets: readonly number[], accept: (at: Date) => boolean): Date | null {
  if (s.frequency === "off") return null;
  const t = parseTimeOfDay(s.timeOfDay);
  if (!t || !isValidTimeZone(s.timeZone)) return null;
  const today = localDate(s.timeZone, now);
  for (const offset of dayOffsets) {
    const d = addDays(today, offset);
    if (s.frequency === "weekly" && d.weekday !== s.weekday) continue;
    const at = zonedWallTimeToInstant(s.timeZone, d.year, d.month, d.day, t.hour, t.minute);
    if (accept(at)) return at;
  }
  return null;
}

/** The latest slot at or before `now` (null when Off). */
export function latestSlot(s: ScheduleTiming, now: Date): Date | null {
  return firstSlot(s, now, DAYS_BACK, (at) => at.getTime() <= now.getTime());
}

/** The next slot strictly after `now` (null when Off). */
export function nextSlot(s: ScheduleTiming, now: Date): Date | null {
  return firstSlot(s, now, DAYS_AHEAD, (at) => at.getTime() > now.getTime());
}

/**
 * The slot to run now, if any: the latest one, not yet claimed (`lastSlotAt`), not before the
 * schedule was saved (saving at 09:05 a daily 09:00 does not run at once), and not missed by more than
 * SLOT_GRACE_MS.
 */
export function dueSlot(s: ScheduleTiming & { lastSlotAt: Date | null; updatedAt: Date }, now: Date): Date | null {
  const slot = latestSlot(s, now);
  if (!slot) return null;
  if (s.lastSlotAt && slot.getTime() <= s.lastSlotAt.getTime()) return null;
  if (slot.getTime() < s.updatedAt.getTime()) return null;
  if (now.getTime() - slot.getTime() > SLOT_GRACE_MS) return null;
  return slot;
}

/** The date range a run at `slot` imports, in the company's calendar. */
export function windowFor(s: ScheduleWindow & { timeZone: string }, slot: Date): { dateFrom: string; dateTo: string } {
  const dateTo = localDate(s.timeZone, slot);
  if (s.window === "this_and_last_month") {
    const [y, m] = dateTo.split("-").map(Number) as [number, number];
    const py = m === 1 ? y - 1 : y;
    const pm = m === 1 ? 12 : m - 1;
    return { dateFrom: `${py}-${String(pm).padStart(2, "0")}-01`, dateTo };
  }
  const days = Math.min(MAX_WINDOW_DAYS, Math.max(1, Math.trunc(s.windowDays)));
  const from = addDays(dateTo, -(days - 1));
  return { dateFrom: `${from.year}-${String(from.month).padStart(2, "0")}-${String(from.day).padStart(2, "0")}`, dateTo };
}
