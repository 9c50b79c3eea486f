// The pacing store of lib/qbo/pace.ts on the database (db/queries/pacing.ts): the reading learned per
// realm, and the realm's budget shared by every process through short claims, granted under a row lock
// so two processes never both take the last of a window. What to grant is decided here (grantFor).
import type { Db } from "@/db/client";
import { claimRealmBudget, forgetRealmReading, loadRealmReading, releaseRealmBudget, saveRealmReading, type RealmBudgetRow } from "@/db/queries/pacing";
import { getRealmPacer, type ClaimGrant, type ClaimRequest, type Pacer, type PacingStore } from "./pace";

export function dbPacingStore(db: Db): PacingStore {
  return {
    load: (realmId) => loadRealmReading(db, realmId),
    save: (realmId, reading) => saveRealmReading(db, realmId, reading),
    claim: (realmId, holder, request: ClaimRequest): Promise<ClaimGrant> =>
      claimRealmBudget(db, realmId, holder, request.now, (others) => {
        const grant = grantFor(request, others);
        const { now } = request;
        const claim = {
          requests: request.used.requests + grant.requests,
          batches: request.used.batches + grant.batches,
          concurrent: Math.max(request.used.inFlight, grant.concurrent),
          wanted: request.want.requests,
          claimedAt: Math.floor(now),
          countsUntil: Math.ceil(now + request.ttlMs + request.windowMs + request.marginMs),
          slotsUntil: Math.ceil(now + request.ttlMs + request.marginMs),
        };
        return { grant, claim };
      }),
    release: (realmId, holder) => releaseRealmBudget(db, realmId, holder),
  };
}

/**
 * What a holder may spend next: the limits minus what every other holder published (their window
 * usage plus unspent claim, counted until it has surely left Intuit's window) minus its own usage.
 * While others are sending too, each holder keeps to a fair share, so none starves.
 */
export function grantFor(request: ClaimRequest, others: Pick<RealmBudgetRow, "requests" | "batches" | "concurrent" | "countsUntil" | "slotsUntil">[]): ClaimGrant {
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
  await forgetRealmReading(db, realmId);
}
