// Server-side session state of an admin (issue 13 §6): a version that every session carries (Log out
// bumps it, ending them all) and the time actiTIME last confirmed the admin's rights.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins } from "@/db/schema";

/** Log out (or lost rights): every session of this admin ends, and the saved actiTIME password is wiped. */
export async function endAdminSessions(db: Db, accountId: string, adminId: string): Promise<void> {
  await db
    .update(admins)
    .set({ sessionVersion: sql`${admins.sessionVersion} + 1`, sealedPassword: null, rightsCheckedAt: null, updatedAt: new Date() })
    .where(and(eq(admins.id, adminId), eq(admins.accountId, accountId)));
}

export async function markRightsChecked(db: Db, adminId: string, at = new Date()): Promise<void> {
  await db.update(admins).set({ rightsCheckedAt: at }).where(eq(admins.id, adminId));
}
