// Token refresh across processes: one exchange for many callers, no transaction (and so no row lock)
// held while Intuit is called, a refresh that does not answer times out, a stale lease is taken over.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, admins, qboConnections } from "@/db/schema";
import { tokenContext, upsertConnection } from "@/db/queries/connections";
import { open } from "@/lib/crypto";
import { refreshTokens, revokeToken, type TokenSet } from "@/lib/qbo/oauth";
import { getEnv } from "@/lib/env";
import { refreshConnectionTokens } from "@/lib/qbo/tokens";
import { createTestDb, type TestDb } from "@/tests/helpers/db";

let t: TestDb;
let connectionId: string;
let accountId: string;
let adminId: string;

const HOUR_MS = 3_600_000;
const tokens = (n: number, expiresInMs = HOUR_MS): TokenSet => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  accessTokenExpiresAt: new Date(Date.now() + expiresInMs),
  refreshTokenExpiresAt: new Date(Date.now() + 100 * 24 * HOUR_MS),
});
const facts = { companyName: "Lease Co", payrollEnabled: false, timeTrackingEnabled: true, booksClosedDate: null };

beforeAll(async () => {
  t = await createTestDb();
  const [account] = await t.db.insert(accounts).values({ baseUrl: "https://actitime.test/lease" }).returning();
  const [admin] = await t.db.insert(admins).values({ accountId: account!.id, actitimeUserId: 1, username: "admin", fullName: "Admin" }).returning();
  accountId = account!.id;
  adminId = admin!.id;
});
afterAll(async () => t?.dispose());

beforeEach(async () => {
  // An access token that has just expired: every caller wants a refresh.
  const row = await upsertConnection(t.db, { accountId, realmId: "4242", adminId, tokens: tokens(0, -1), facts });
  await t.db.update(qboConnections).set({ refreshLeaseId: null, refreshLeaseUntil: null }).where(eq(qboConnections.id, row.id));
  connectionId = row.id;
});

async function stored() {
  const [row] = await t.db.select().from(qboConnections).where(eq(qboConnections.id, connectionId));
  return {
    row: row!,
    access: row!.sealedAccessToken ? open(row!.sealedAccessToken, tokenContext(connectionId, "access")) : null,
    refresh: row!.sealedRefreshToken ? open(row!.sealedRefreshToken, tokenContext(connectionId, "refresh")) : null,
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves with how long `work` took, or rejects when it takes longer than `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<number> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`blocked for over ${ms} ms`)), ms)))]);
  clearTimeout(timer);
  return Date.now() - started;
}

describe("refreshConnectionTokens (the cross-process part, without the in-process single flight)", () => {
  it("many concurrent callers make one token exchange and all get the stored token", async () => {
    const used: string[] = [];
    const refresh = async (token: string) => {
      used.push(token);
      await new Promise((r) => setTimeout(r, 150));
      return tokens(1);
    };
    const callers = Array.from({ length: 25 }, () => refreshConnectionTokens(t.db, connectionId, null, { refresh }));
    const results = await Promise.all(callers);
    expect(used).toEqual(["refresh-0"]);
    expect(new Set(results)).toEqual(new Set(["access-1"]));
    const after = await stored();
    expect(after).toMatchObject({ access: "access-1", refresh: "refresh-1" });
    expect(after.row.tokenVersion).toBe(1);
    expect(after.row.refreshLeaseId).toBeNull();
  });

  it("holds no transaction while Intuit is called: other writes to the connection row go through at once", async () => {
    const gate = deferred<void>();
    const called = deferred<void>();
    const refreshing = refreshConnectionTokens(t.db, connectionId, null, {
      refresh: async () => {
        called.resolve();
        await gate.promise; // a token endpoint that takes its time
        return tokens(2);
      },
    });
    await called.promise;
    // The row a FOR UPDATE transaction would hold: an update and a read of it must not wait for Intuit.
    // (`within` fails the test when the statement is still blocked after 2 s.)
    await within(
      2_000,
      t.db.update(qboConnections).set({ companyName: "Renamed while refreshing" }).where(eq(qboConnections.id, connectionId)),
    );
    await within(2_000, t.db.select().from(qboConnections).where(eq(qboConnections.id, connectionId)));
    gate.resolve();
    expect(await refreshing).toBe("access-2");
    expect((await stored()).row.companyName).toBe("Renamed while refreshing");
  });

  it("a token endpoint that never answers times out, releases the lease and keeps the old tokens", async () => {
    await expect(
      refreshConnectionTokens(t.db, connectionId, null, { refresh: () => new Promise<TokenSet>(() => {}), timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: "unreachable" });
    const after = await stored();
    expect(after).toMatchObject({ refresh: "refresh-0" });
    expect(after.row.refreshLeaseId).toBeNull();
    // The next caller is not kept waiting by a lease nobody holds.
    expect(await refreshConnectionTokens(t.db, connectionId, null, { refresh: async () => tokens(3) })).toBe("access-3");
  });

  it("waits for another holder's lease, then uses the token it stored", async () => {
    await t.db
      .update(qboConnections)
      .set({ refreshLeaseId: "other-process", refreshLeaseUntil: new Date(Date.now() + 60_000) })
      .where(eq(qboConnections.id, connectionId));
    let exchanges = 0;
    const waiting = refreshConnectionTokens(t.db, connectionId, null, { refresh: async () => (exchanges++, tokens(9)) });
    await new Promise((r) => setTimeout(r, 200));
    // The other process stores its tokens (and bumps the version) as refreshHoldingLease does.
    await upsertConnection(t.db, { accountId, realmId: "4242", adminId, tokens: tokens(4), facts });
    await t.db
      .update(qboConnections)
      .set({ tokenVersion: 7, refreshLeaseId: null, refreshLeaseUntil: null })
      .where(eq(qboConnections.id, connectionId));
    expect(await waiting).toBe("access-4");
    expect(exchanges).toBe(0);
  });

  it("takes over a lease whose holder died (expired on the database clock)", async () => {
    await t.db
      .update(qboConnections)
      .set({ refreshLeaseId: "dead-process", refreshLeaseUntil: new Date(Date.now() - 1_000) })
      .where(eq(qboConnections.id, connectionId));
    expect(await refreshConnectionTokens(t.db, connectionId, null, { refresh: async () => tokens(5) })).toBe("access-5");
  });

  it("never stores tokens over a Disconnect that happened during the call", async () => {
    const gate = deferred<void>();
    const called = deferred<void>();
    const refreshing = refreshConnectionTokens(t.db, connectionId, null, {
      refresh: async () => {
        called.resolve();
        await gate.promise;
        return tokens(6);
      },
    });
    await called.promise;
    await t.db
      .update(qboConnections)
      .set({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null })
      .where(eq(qboConnections.id, connectionId));
    gate.resolve();
    await expect(refreshing).rejects.toMatchObject({ code: "disconnected" });
    expect(await stored()).toMatchObject({ access: null, refresh: null });
  });
});

describe("token endpoint calls have a timeout", () => {
  const hanging: typeof fetch = (_url, init) =>
    new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "TimeoutError" }))));

  it("refresh gives up with 'unreachable' when Intuit does not answer", async () => {
    await expect(refreshTokens("refresh-x", getEnv().intuit, { fetch: hanging, timeoutMs: 200 })).rejects.toMatchObject({ code: "unreachable" });
  });

  it("revoke gives up (false) when Intuit does not answer", async () => {
    expect(await revokeToken("refresh-x", getEnv().intuit, { fetch: hanging, timeoutMs: 200 })).toBe(false);
  });
});

describe("reconnecting during a refresh", () => {
  it("keeps the new grant's tokens: the refresh from the old ones does not store over them", async () => {
    const gate = deferred<void>();
    const called = deferred<void>();
    const refreshing = refreshConnectionTokens(t.db, connectionId, null, {
      refresh: async () => {
        called.resolve();
        await gate.promise;
        return tokens(8);
      },
    });
    await called.promise;
    await upsertConnection(t.db, { accountId, realmId: "4242", adminId, tokens: tokens(20), facts });
    gate.resolve();
    expect(await refreshing).toBe("access-20");
    expect(await stored()).toMatchObject({ access: "access-20", refresh: "refresh-20" });
  });
});
