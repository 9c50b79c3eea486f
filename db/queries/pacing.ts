// The database side of pacing (lib/qbo/pace-store.ts): the reading learned per realm, and the realm's
// budget shared by every process through short claims (table qbo_realm_budget), granted under a row
// lock on the realm's qbo_realm_pacing row so two processes never both take the last of a window.
import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboRealmBudget, qboRealmPacing } from "@/db/schema";
import type { RealmReading } from "@/db/types";

export type RealmBudgetRow = typeof qboRealmBudget.$inferSelect;
/** What a holder publishes with its claim. */
export type RealmBudgetClaim = Omit<RealmBudgetRow, "realmId" | "holder">;

export async function loadRealmReading(db: Db, realmId: string): Promise<RealmReading | null> {
  const [row] = await db.select().from(qboRealmPacing).where(eq(qboRealmPacing.realmId, realmId));
  if (!row?.batchCounting || !row.learnedAt) return null;
  return { batchCounting: row.batchCounting, windowMs: row.windowMs ?? 60_000, evidence: row.evidence ?? "", learnedAt: row.learnedAt.getTime() };
}

export async function saveRealmReading(db: Db, realmId: string, reading: RealmReading): Promise<void> {
  const values = {
    batchCounting: reading.batchCounting,
    windowMs: Math.round(reading.windowMs),
    evidence: reading.evidence.slice(0, 200),
    learnedAt: new Date(reading.learnedAt),
    updatedAt: new Date(),
  };
  await db
    .insert(qboRealmPacing)
    .values({ realmId, ...values })
    .onConflictDoUpdate({ target: qboRealmPacing.realmId, set: values });
}

/**
 * One claim, under the realm's row lock: claims that stopped counting before `now` go, `decide` sees
 * every other holder's row and says what to grant and what this holder publishes.
 */
export async function claimRealmBudget<G>(
  db: Db,
  realmId: string,
  holder: string,
  now: number,
  decide: (others: RealmBudgetRow[]) => { grant: G; claim: RealmBudgetClaim },
): Promise<G> {
  return db.transaction(async (tx) => {
    await tx.insert(qboRealmPacing).values({ realmId }).onConflictDoNothing();
    // One claim at a time per realm, across processes.
    await tx.select({ realmId: qboRealmPacing.realmId }).from(qboRealmPacing).where(eq(qboRealmPacing.realmId, realmId)).for("update");
    await tx.delete(qboRealmBudget).where(and(eq(qboRealmBudget.realmId, realmId), lt(qboRealmBudget.countsUntil, Math.floor(now))));
    const others = await tx
      .select()
      .from(qboRealmBudget)
      .where(and(eq(qboRealmBudget.realmId, realmId), ne(qboRealmBudget.holder, holder)));
    const { grant, claim } = decide(others);
    await tx
      .insert(qboRealmBudget)
      .values({ realmId, holder, ...claim })
      .onConflictDoUpdate({ target: [qboRealmBudget.realmId, qboRealmBudget.holder], set: claim });
    return grant;
  });
}

export async function releaseRealmBudget(db: Db, realmId: string, holder: string): Promise<void> {
  await db.delete(qboRealmBudget).where(and(eq(qboRealmBudget.realmId, realmId), eq(qboRealmBudget.holder, holder)));
}

/** Forgets what was learned about a realm (tests and benchmarks: the next import probes again). */
export async function forgetRealmReading(db: Db, realmId: string): Promise<void> {
  await db.execute(sql`update qbo_realm_pacing set batch_counting = null, learned_at = null, evidence = null where realm_id = ${realmId}`);
}
