import { z } from "zod";

const schema = z.object({
  customer: z.string().max(100).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

const isoDate = z.iso.date();
const validDate = (value: string): boolean => isoDate.safeParse(value).success;

/** The worklist filter from a query string: customer (a QuickBooks ref or name), from / to (YYYY-MM-DD). */
export function parseBilledFilter(params: Record<string, string | string[] | undefined>): { customer: string | null; dateFrom: string | null; dateTo: string | null } | { error: string } {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = schema.safeParse(flat);
  if (!parsed.success) return { error: "The filter is not valid." };
  const { customer, from, to } = parsed.data;
  if (from && !validDate(from)) return { error: "From must be a date (YYYY-MM-DD)." };
  if (to && !validDate(to)) return { error: "To must be a date (YYYY-MM-DD)." };
  if (from && to && from > to) return { error: "From must not be after To." };
  return { customer: customer || null, dateFrom: from || null, dateTo: to || null };
}
