// The sign-in throttle's records (lib/auth/throttle.ts decides; these statements count).
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginFailures } from "@/db/schema";

/** Forgets failures older than `since`. */
export async function pruneLoginFailures(db: Db, since: Date): Promise<void> {
  await db.delete(loginFailures).where(lt(loginFailures.failedAt, since));
}

/** One failure record per key at `at`; their ids. */
export async function recordLoginFailures(db: Db, keys: readonly string[], at: Date): Promise<string[]> {
  const inserted = await db
    .insert(loginFailures)
    .values(keys.map((key) => ({ key, failedAt: at })))
    .returning({ id: loginFailures.id });
  return inserted.map((row) => row.id);
}

/** A key's failures since `since`, oldest first. */
export async function loginFailuresSince(db: Db, key: string, since: Date): Promise<{ id: string; failedAt: Date }[]> {
  return db
    .select({ id: loginFailures.id, failedAt: loginFailures.failedAt })
    .from(loginFailures)
    .where(and(eq(loginFailures.key, key), gte(loginFailures.failedAt, since)))
    .orderBy(asc(loginFailures.failedAt), asc(loginFailures.id));
}

export async function deleteLoginFailures(db: Db, ids: readonly string[]): Promise<void> {
  await db.delete(loginFailures).where(inArray(loginFailures.id, [...ids]));
}

export async function deleteLoginFailuresOfKey(db: Db, key: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, key));
}
