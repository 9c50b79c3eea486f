// CSV downloads through csv-stringify (quoting of commas, quotes and newlines), with protection
// against formula injection: a text cell starting with = + - @ (or tab / carriage return, which
// spreadsheets also read as a formula start) gets a leading apostrophe. Numbers are written as
// numbers: a number cannot be a formula, and a negative amount must stay a number.
import { stringify } from "csv-stringify/sync";

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(value: CsvCell): string | number {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A whole CSV document: header row, then rows, CRLF line ends (RFC 4180), every cell made safe. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header.map(safeCell), ...rows.map((row) => row.map(safeCell))], { record_delimiter: "windows", quoted_match: /[\s,"]/ });
}

/** A download response; the filename is reduced to safe characters. */
export function csvResponse(filename: string, body: string): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, "-");
  return new Response(`\uFEFF${body}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${safe}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
