import { getDb } from "@/db/client";
import { getImport } from "@/db/queries/imports";
import { importProgress } from "@/lib/import/progress-words";
import { getAppSession } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** Live progress for the Import page (polled): scoped to the signed-in account. */
export async function GET(_request: Request, context: { params: Promise<{ importId: string }> }) {
  const session = await getAppSession();
  if (!session) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { importId } = await context.params;
  const imp = await getImport(await getDb(), session.accountId, importId, session.adminId);
  if (!imp) return Response.json({ error: "Not found." }, { status: 404 });
  return Response.json(importProgress(imp), { headers: { "Cache-Control": "no-store" } });
}
