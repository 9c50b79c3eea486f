import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, admins } from "@/db/schema";
import { seal } from "@/lib/crypto";

export const adminPasswordContext = (adminId: string) => `admin:${adminId}`;

export interface AdminProfile {
  actitimeUserId: number;
  username: string;
  fullName: string;
  email: string | null;
}

/** Creates or updates the account (by normalised base URL) and the admin who signed in. */
export async function upsertAccountAndAdmin(db: Db, baseUrl: string, profile: AdminProfile, password: string) {
  return db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({ baseUrl })
      .onConflictDoUpdate({ target: accounts.baseUrl, set: { updatedAt: new Date() } })
      .returning();
    const [existing] = await tx
      .select({ id: admins.id })
      .from(admins)
      .where(and(eq(admins.accountId, account!.id), eq(admins.actitimeUserId, profile.actitimeUserId)));
    const id = existing?.id ?? crypto.randomUUID();
    const values = {
      username: profile.username,
      fullName: profile.fullName,
      email: profile.email,
      sealedPassword: seal(password, adminPasswordContext(id)),
      lastLoginAt: new Date(),
      rightsCheckedAt: new Date(),
      updatedAt: new Date(),
    };
    const [admin] = existing
      ? await tx.update(admins).set(values).where(eq(admins.id, id)).returning()
      : await tx.insert(admins).values({ id, accountId: account!.id, actitimeUserId: profile.actitimeUserId, ...values }).returning();
    return { account: account!, admin: admin! };
  });
}

/** The admin of a session, only while it still belongs to that account. */
export async function getAdmin(db: Db, accountId: string, adminId: string) {
  const [row] = await db
    .select({ admin: admins, account: accounts })
    .from(admins)
    .innerJoin(accounts, eq(accounts.id, admins.accountId))
    .where(and(eq(admins.id, adminId), eq(admins.accountId, accountId)));
  return row;
}
