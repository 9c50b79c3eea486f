// Every page and action below the login goes through here: no session (or an admin that no longer
// belongs to its account) → the login page. Queries then scope everything to `accountId`.
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getAdmin } from "@/db/queries/accounts";
import { adminRightsStillHeld } from "./rights";
import { getConnection, listConnections, type QboConnection } from "@/db/queries/connections";
import { getEnv } from "@/lib/env";
import { authOptions } from "./options";

export const CURRENT_COMPANY_COOKIE = "qbo_company";

/** The company switcher's choice: a connection id, re-checked against the account on every request. */
export function currentCompanyCookie(connectionId: string) {
  return { name: CURRENT_COMPANY_COOKIE, value: connectionId, httpOnly: true, sameSite: "lax" as const, path: "/", secure: getEnv().secureCookies };
}

export interface AppSession {
  adminId: string;
  accountId: string;
  adminName: string;
  accountUrl: string;
}

export async function getAppSession(): Promise<AppSession | null> {
  const session = await getServerSession(authOptions());
  if (!session?.adminId || !session.accountId) return null;
  const db = await getDb();
  const row = await getAdmin(db, session.accountId, session.adminId);
  if (!row) return null;
  // Logged out (here or in another browser): the session's version is no longer the admin's.
  if ((session.sessionVersion ?? 0) !== row.admin.sessionVersion) return null;
  if (!(await adminRightsStillHeld(db, row))) return null;
  return { adminId: row.admin.id, accountId: row.account.id, adminName: row.admin.fullName, accountUrl: row.account.baseUrl };
}

export async function requireSession(): Promise<AppSession> {
  const session = await getAppSession();
  if (!session) redirect("/login");
  return session;
}

/**
 * The company the admin is working in: the one chosen in the switcher (a cookie holding a
 * connection id, checked against the account on every request), else the first connected one.
 */
export async function getCurrentCompany(session: AppSession): Promise<{ current: QboConnection | null; all: QboConnection[] }> {
  const db = await getDb();
  const all = await listConnections(db, session.accountId);
  const chosenId = (await cookies()).get(CURRENT_COMPANY_COOKIE)?.value;
  const chosen = chosenId ? await getConnection(db, session.accountId, chosenId) : undefined;
  const current = chosen && chosen.status !== "disconnected" ? chosen : (all.find((c) => c.status !== "disconnected") ?? null);
  return { current, all };
}
