// The database side of pacing (lib/qbo/pace.ts): the reading learned per realm, and the realm's budget
// shared by every process through short claims (table qbo_realm_budget), granted under a row lock on the
// realm's qbo_realm_pacing row so two processes never both take the last of a window.
import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboRealmBudget, qboRealmPacing } from "@/db/schema";
import { getRealmPacer, type ClaimGrant, type ClaimRequest, type LearnedReading, type Pacer, type PacingStore } from "./pace";

export function dbPacingStore(db: Db): PacingStore {
  return {
    async load(realmId) {
      const [row] = await db.select().from(qboRealmPacing).where(eq(qboRealmPacing.realmId, realmId));
      if (!row?.batchCounting || !row.learnedAt) return null;
      return { batchCounting: row.batchCounting, windowMs: row.windowMs ?? 60_000, evidence: row.evidence ?? "", learnedAt: row.learnedAt.getTime() };
    },

    async save(realmId, reading: LearnedReading) {
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
    },

    async claim(realmId, holder, request: ClaimRequest): Promise<ClaimGrant> {
      return db.transaction(async (tx) => {
        await tx.insert(qboRealmPacing).values({ realmId }).onConflictDoNothing();
        // One claim at a time per realm, across processes.
        await tx.select({ realmId: qboRealmPacing.realmId }).from(qboRealmPacing).where(eq(qboRealmPacing.realmId, realmId)).for("update");
        const { now } = request;
        await tx.delete(qboRealmBudget).where(and(eq(qboRealmBudget.realmId, realmId), lt(qboRealmBudget.countsUntil, Math.floor(now))));
        const others = await tx
          .select()
          .from(qboRealmBudget)
          .where(and(eq(qboRealmBudget.realmId, realmId), ne(qboRealmBudget.holder, holder)));
        const grant = grantFor(request, others);
        const row = {
          requests: request.used.requests + grant.requests,
          batches: request.used.batches + grant.batches,
          concurrent: Math.max(request.used.inFlight, grant.concurrent),
          wanted: request.want.requests,
          claimedAt: Math.floor(now),
          countsUntil: Math.ceil(now + request.ttlMs + request.windowMs + request.marginMs),
          slotsUntil: Math.ceil(now + request.ttlMs + request.marginMs),
        };
        await tx
          .insert(qboRealmBudget)
          .values({ realmId, holder, ...row })
          .onConflictDoUpdate({ target: [qboRealmBudget.realmId, qboRealmBudget.holder], set: row });
        return grant;
      });
    },

    async release(realmId, holder) {
      await db.delete(qboRealmBudget).where(and(eq(qboRealmBudget.realmId, realmId), eq(qboRealmBudget.holder, holder)));
    },
  };
}

type BudgetRow = typeof qboRealmBudget.$inferSelect;

/**
 * What a holder may spend next: the limits minus what every other holder published (their window
 * usage plus unspent claim, counted until it has surely left Intuit's window) minus its own usage.
 * While others are sending too, each holder keeps to a fair share, so none starves.
 */
export function grantFor(request: ClaimRequest, others: Pick<BudgetRow, "requests" | "batches" | "concurrent" | "countsUntil" | "slotsUntil">[]): ClaimGrant {
  const { now, limits, used, want } = request;
  let requests = 0;
  let batches = 0;
  let concurrent = 0;
  let active = 0;
  for (const row of others) {
    if (row.countsUntil > now) {
      requests += row.requests;
      batches += row.batches;
    }
    if (row.slotsUntil > now) {
      concurrent += row.concurrent;
      active++;
    }
  }
  const holders = active + 1;
  const share = (limit: number) => (holders > 1 ? Math.floor(limit / holders) : limit);
  const room = (limit: number, othersUsed: number, ownUsed: number, wanted: number) => {
    let free = limit - othersUsed - ownUsed;
    if (holders > 1) free = Math.min(free, share(limit) - ownUsed);
    return Math.max(0, Math.min(wanted, free));
  };
  return {
    holders,
    requests: room(limits.requests, requests, used.requests, want.requests),
    batches: room(limits.batches, batches, used.batches, want.batches),
    concurrent: Math.max(0, Math.min(want.concurrent, limits.concurrent - concurrent, share(limits.concurrent))),
  };
}

/** The process's pacer for a realm, sharing its reading and budget through the database. */
export function realmPacerFor(db: Db, realmId: string): Pacer {
  return getRealmPacer(realmId, { store: dbPacingStore(db) });
}

/** Forgets what was learned about a realm (tests and benchmarks: the next import probes again). */
export async function forgetReading(db: Db, realmId: string) {
  await db.execute(sql`update qbo_realm_pacing set batch_counting = null, learned_at = null, evidence = null where realm_id = ${realmId}`);
}
