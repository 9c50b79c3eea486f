/**
 * QBO datetimes are local with an offset, `YYYY-MM-DDTHH:MM:SS±HH:MM` (reference §2.0).
 * Sandbox companies live in US Pacific; a fixed offset keeps output deterministic.
 */
export const COMPANY_UTC_OFFSET_MINUTES = -8 * 60;
const MS_PER_MINUTE = 60_000;

function offsetSuffix(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, "0");
  const minutes = String(abs % 60).padStart(2, "0");
  return `${sign}${hours}:${minutes}`;
}

export function formatQboDateTime(epochMs: number, offsetMinutes = COMPANY_UTC_OFFSET_MINUTES): string {
  const local = new Date(epochMs + offsetMinutes * MS_PER_MINUTE).toISOString().slice(0, 19);
  return `${local}${offsetSuffix(offsetMinutes)}`;
}

/** The company's calendar date: the default `TxnDate` when a client omits it (reference §2.1). */
export function formatQboDate(epochMs: number, offsetMinutes = COMPANY_UTC_OFFSET_MINUTES): string {
  return new Date(epochMs + offsetMinutes * MS_PER_MINUTE).toISOString().slice(0, 10);
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in `YYYY-MM-DD` form (rejects 2026-02-30). */
export function isValidQboDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Epoch ms of a QBO date or datetime; a bare date counts as company-local midnight. */
export function parseQboInstant(value: string, offsetMinutes = COMPANY_UTC_OFFSET_MINUTES): number | undefined {
  if (DATE_PATTERN.test(value)) {
    const utcMidnight = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(utcMidnight) ? undefined : utcMidnight - offsetMinutes * MS_PER_MINUTE;
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
