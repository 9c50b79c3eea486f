import { getDb } from "@/db/client";
import { getAppSession } from "@/lib/auth/session";
import { csvResponse } from "@/lib/csv";
import { importAuditCsv } from "@/lib/review/audit";

export const dynamic = "force-dynamic";

/** Download CSV of an import's items (audit export): the signed-in account's imports only. */
export async function GET(_request: Request, context: { params: Promise<{ importId: string }> }) {
  const session = await getAppSession();
  if (!session) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { importId } = await context.params;
  if (!/^[0-9a-f-]{36}$/i.test(importId)) return Response.json({ error: "Not found." }, { status: 404 });
  const out = await importAuditCsv(await getDb(), session.accountId, session.adminId, importId);
  if (!out) return Response.json({ error: "Not found." }, { status: 404 });
  return csvResponse(out.filename, out.csv);
}
