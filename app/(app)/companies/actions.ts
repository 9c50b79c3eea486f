"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getConnection, updateCompanyFacts } from "@/db/queries/connections";
import { parseForm } from "@/lib/forms";
import { CURRENT_COMPANY_COOKIE, currentCompanyCookie, requireSession } from "@/lib/auth/session";
import { readCompanyFacts } from "@/lib/qbo/connect";
import { disconnectConnection, DisconnectRefusedError } from "@/lib/qbo/disconnect";
import { connectionTokenSource } from "@/lib/qbo/tokens";

const connectionIdSchema = z.object({ connectionId: z.uuid() });

/** Reads the posted connection id and the connection, only if it belongs to the signed-in account. */
async function ownedConnection(formData: FormData) {
  const session = await requireSession();
  const parsed = parseForm(connectionIdSchema, formData);
  if (!parsed.ok) redirect("/companies?error=unknown_company");
  const db = await getDb();
  const connection = await getConnection(db, session.accountId, parsed.data.connectionId);
  if (!connection) redirect("/companies?error=unknown_company");
  return { db, session, connection };
}

export async function switchCompany(formData: FormData): Promise<never> {
  const { connection } = await ownedConnection(formData);
  if (connection.status === "disconnected") redirect("/companies?error=disconnected");
  (await cookies()).set(currentCompanyCookie(connection.id));
  revalidatePath("/", "layout");
  redirect("/imports");
}

/**
 * Forgets Intuit's tokens and revokes them; rules, settings and history stay for a later reconnect.
 * Refused while an import runs on the company (the page names it and who started it).
 */
export async function disconnectCompany(formData: FormData): Promise<never> {
  const { db, session, connection } = await ownedConnection(formData);
  try {
    await disconnectConnection(db, session.accountId, connection.id);
  } catch (error) {
    if (error instanceof DisconnectRefusedError) redirect(`/companies?error=import_running&company=${connection.id}`);
    throw error;
  }
  const jar = await cookies();
  if (jar.get(CURRENT_COMPANY_COOKIE)?.value === connection.id) jar.delete(CURRENT_COMPANY_COOKIE);
  revalidatePath("/", "layout");
  redirect("/companies?disconnected=1");
}

/** Re-reads time tracking, Payroll and closed-books date (an admin may change them in QuickBooks). */
export async function refreshCompany(formData: FormData): Promise<never> {
  const { db, connection } = await ownedConnection(formData);
  try {
    const facts = await readCompanyFacts(connectionTokenSource(db, connection.id), connection.realmId);
    await updateCompanyFacts(db, connection.id, facts);
  } catch {
    redirect("/companies?error=company_unreadable");
  }
  revalidatePath("/companies");
  redirect("/companies?refreshed=1");
}
