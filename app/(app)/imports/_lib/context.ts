import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getConnection } from "@/db/queries/connections";
import { getImport } from "@/db/queries/imports";
import { requireSession } from "@/lib/auth/session";
import { qboClientFor } from "@/lib/qbo/connect";

/** An import of the signed-in account (drafts only for their author), with its company. */
export async function loadImport(importId: string) {
  const session = await requireSession();
  const db = await getDb();
  const imp = await getImport(db, session.accountId, importId, session.adminId);
  if (!imp) notFound();
  const connection = await getConnection(db, session.accountId, imp.connectionId);
  if (!connection) notFound();
  return { session, db, imp, connection, actor: { accountId: session.accountId, adminId: session.adminId } };
}

/** A draft of the signed-in admin; once started, the wizard's URLs lead to the import's page. */
export async function loadDraft(importId: string) {
  const ctx = await loadImport(importId);
  if (ctx.imp.status !== "draft") redirect(`/imports/${ctx.imp.id}`);
  return { ...ctx, qbo: qboClientFor(ctx.db, ctx.connection) };
}
