import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, admins } from "@/db/schema";
import { actitimeAccountKey } from "@/lib/actitime/account-key";
import { seal } from "@/lib/crypto";

export const adminPasswordContext = (adminId: string) => `admin:${adminId}`;

export interface AdminProfile {
  actitimeUserId: number;
  username: string;
  fullName: string;
  email: string | null;
}

/** Of two addresses of one actiTIME, the one to call: https over http, else the one already stored. */
function preferredBaseUrl(stored: string, typed: string): string {
  return stored.startsWith("http://") && typed.startsWith("https://") ? typed : stored;
}

/**
 * The address sign-in should verify credentials against: the account's stored address when the typed
 * one names the same actiTIME (so an http:// spelling of an https account is never what is trusted),
 * else the typed one. `typed` is a normalised base URL.
 */
export async function accountBaseUrlFor(db: Db, typed: string): Promise<string> {
  const [row] = await db.select({ baseUrl: accounts.baseUrl }).from(accounts).where(eq(accounts.accountKey, actitimeAccountKey(typed)));
  return row ? preferredBaseUrl(row.baseUrl, typed) : typed;
}

/**
 * Creates or updates the account and the admin who signed in. The account is found by its key
 * (lib/actitime/account-key), so every spelling of one actiTIME's address is one account.
 */
export async function upsertAccountAndAdmin(db: Db, baseUrl: string, profile: AdminProfile, password: string) {
  const key = actitimeAccountKey(baseUrl);
  return db.transaction(async (tx) => {
    await tx.insert(accounts).values({ baseUrl }).onConflictDoNothing({ target: accounts.accountKey });
    const [found] = await tx.select().from(accounts).where(eq(accounts.accountKey, key)).for("update");
    if (!found) throw new Error("The account could not be stored (its address key did not match).");
    const [account] = await tx
      .update(accounts)
      .set({ baseUrl: preferredBaseUrl(found.baseUrl, baseUrl), updatedAt: new Date() })
      .where(eq(accounts.id, found.id))
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

/** Whether any account of this deployment lives at this origin (the origin itself, or a path under it). */
export async function accountExistsAtOrigin(db: Db, origin: string): Promise<boolean> {
  const escaped = origin.replace(/[\\%_]/g, (c) => `\\${c}`);
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(sql`${accounts.baseUrl} = ${origin} or ${accounts.baseUrl} like ${`${escaped}/%`}`)
    .limit(1);
  return row !== undefined;
}

/** Claims the admin's rights check (a conditional update): false when it was checked after `cutoff` (another request is checking). */
export async function claimRightsCheck(db: Db, adminId: string, now: Date, cutoff: Date): Promise<boolean> {
  const claimed = await db
    .update(admins)
    .set({ rightsCheckedAt: now })
    .where(and(eq(admins.id, adminId), or(isNull(admins.rightsCheckedAt), lt(admins.rightsCheckedAt, cutoff))))
    .returning({ id: admins.id });
  return claimed.length > 0;
}

/** Records when the admin's rights were last checked (moved back so the next check comes sooner). */
export async function setRightsCheckedAt(db: Db, adminId: string, at: Date): Promise<void> {
  await db.update(admins).set({ rightsCheckedAt: at }).where(eq(admins.id, adminId));
}

/** An admin by id alone (background work that holds the id from a scoped row): id and account. */
export async function getAdminById(db: Db, adminId: string): Promise<{ id: string; accountId: string } | undefined> {
  const [row] = await db.select({ id: admins.id, accountId: admins.accountId }).from(admins).where(eq(admins.id, adminId));
  return row;
}
