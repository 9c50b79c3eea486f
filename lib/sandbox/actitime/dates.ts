// Calendar dates as actiTIME sends them: `YYYY-MM-DD`, never shifted through a time zone.
// Arithmetic is done on whole UTC days so no local clock or DST can move a date.

const MS_PER_DAY = 86_400_000;
const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Days since 1970-01-01 for a `YYYY-MM-DD` string, or null when it is not a real date. */
export function parseIsoDate(value: string): number | null {
  if (!ISO_DATE_PATTERN.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms)) return null;
  const day = Math.floor(ms / MS_PER_DAY);
  // Date.parse rolls 2024-02-30 over to March; a round trip catches that.
  return formatDay(day) === value ? day : null;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const day = parseIsoDate(date);
  if (day === null) throw new Error(`Not a date: ${date}`);
  return formatDay(day + days);
}

/** 0 = Sunday … 6 = Saturday, like Date#getUTCDay. */
export function weekdayOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

export function isWeekend(day: number): boolean {
  const weekday = weekdayOf(day);
  return weekday === 0 || weekday === 6;
}

export function dayToEpochMs(day: number): number {
  return day * MS_PER_DAY;
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The three full calendar months before the month of `today`: [first day, last day]. */
export function threeMonthsBefore(today: string): { firstDay: number; lastDay: number } {
  const year = Number(today.slice(0, 4));
  const monthIndex = Number(today.slice(5, 7)) - 1;
  const firstMs = Date.UTC(year, monthIndex - 3, 1);
  const lastMs = Date.UTC(year, monthIndex, 1) - MS_PER_DAY;
  return { firstDay: Math.floor(firstMs / MS_PER_DAY), lastDay: Math.floor(lastMs / MS_PER_DAY) };
}
