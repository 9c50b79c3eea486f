import { getDb } from "@/db/client";
import { getAppSession, getCurrentCompany } from "@/lib/auth/session";
import { csvResponse } from "@/lib/csv";
import { billedDifferencesCsv, listBilledDifferences } from "@/lib/review/billed";
import { parseBilledFilter } from "@/lib/review/filter";

export const dynamic = "force-dynamic";

/** Download CSV of the billed differences of the current company, under the page's filter. */
export async function GET(request: Request) {
  const session = await getAppSession();
  if (!session) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { current } = await getCurrentCompany(session);
  if (!current) return Response.json({ error: "Connect a QuickBooks company first." }, { status: 404 });
  const filter = parseBilledFilter(Object.fromEntries(new URL(request.url).searchParams));
  if ("error" in filter) return Response.json({ error: filter.error }, { status: 400 });
  const rows = await listBilledDifferences(await getDb(), session.accountId, current.id, filter);
  return csvResponse(`billed-differences-${current.companyName}-${filter.dateFrom ?? "all"}-${filter.dateTo ?? "all"}.csv`, billedDifferencesCsv(rows));
}
