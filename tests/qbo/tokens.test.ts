import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, admins, qboConnections } from "@/db/schema";
import { tokenContext, upsertConnection } from "@/db/queries/connections";
import { open } from "@/lib/crypto";
import { OAuthExchangeError, type TokenSet } from "@/lib/qbo/oauth";
import { ConnectionUnavailableError, connectionTokenSource } from "@/lib/qbo/tokens";
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
const facts = { companyName: "Sandbox Co", payrollEnabled: false, timeTrackingEnabled: true, booksClosedDate: null };

beforeAll(async () => {
  t = await createTestDb();
  const [account] = await t.db.insert(accounts).values({ baseUrl: "https://actitime.test/tokens" }).returning();
  const [admin] = await t.db.insert(admins).values({ accountId: account!.id, actitimeUserId: 1, username: "admin", fullName: "Admin" }).returning();
  accountId = account!.id;
  adminId = admin!.id;
});
afterAll(async () => t?.dispose());

beforeEach(async () => {
  const row = await upsertConnection(t.db, { accountId, realmId: "123", adminId, tokens: tokens(0), facts });
  connectionId = row.id;
});

async function stored() {
  const [row] = await t.db.select().from(qboConnections).where(eq(qboConnections.id, connectionId));
  return {
    status: row!.status,
    version: row!.tokenVersion,
    access: row!.sealedAccessToken ? open(row!.sealedAccessToken, tokenContext(connectionId, "access")) : null,
    refresh: row!.sealedRefreshToken ? open(row!.sealedRefreshToken, tokenContext(connectionId, "refresh")) : null,
  };
}

describe("connectionTokenSource", () => {
  it("stores tokens sealed, never in plain text", async () => {
    const [row] = await t.db.select().from(qboConnections).where(eq(qboConnections.id, connectionId));
    expect(row!.sealedAccessToken).not.toContain("access-");
    expect(row!.sealedRefreshToken).not.toContain("refresh-");
  });

  it("uses a fresh access token without a token exchange", async () => {
    let exchanges = 0;
    const source = connectionTokenSource(t.db, connectionId, { refresh: async () => (exchanges++, tokens(9)) });
    expect(await source.getAccessToken()).toBe("access-0");
    expect(exchanges).toBe(0);
  });

  it("refreshes ahead of expiry and persists the rotated refresh token", async () => {
    await upsertConnection(t.db, { accountId, realmId: "123", adminId, tokens: tokens(0, 60_000), facts });
    const used: string[] = [];
    const source = connectionTokenSource(t.db, connectionId, { refresh: async (r) => (used.push(r), tokens(1)) });
    expect(await source.getAccessToken()).toBe("access-1");
    expect(used).toEqual(["refresh-0"]);
    expect(await stored()).toMatchObject({ access: "access-1", refresh: "refresh-1", status: "connected" });
  });

  it("refreshes once after a 401 even though the token looked fresh", async () => {
    const source = connectionTokenSource(t.db, connectionId, { refresh: async () => tokens(2) });
    expect(await source.refreshAfterUnauthorized("access-0")).toBe("access-2");
    expect((await stored()).refresh).toBe("refresh-2");
  });

  it("makes one token exchange for concurrent refreshes of one connection, in one process and across sources", async () => {
    let exchanges = 0;
    const slowRefresh = async () => {
      exchanges++;
      await new Promise((r) => setTimeout(r, 30));
      return tokens(3);
    };
    // Two token sources stand for two processes: the row lock serialises them, and the second sees the new token.
    const a = connectionTokenSource(t.db, connectionId, { refresh: slowRefresh });
    const b = connectionTokenSource(t.db, connectionId, { refresh: slowRefresh });
    const results = await Promise.all([a.refreshAfterUnauthorized("access-0"), a.refreshAfterUnauthorized("access-0"), b.refreshAfterUnauthorized("access-0")]);
    expect(results).toEqual(["access-3", "access-3", "access-3"]);
    expect(exchanges).toBe(1);
  });

  it("marks the connection needs-reconnect on invalid_grant and says so", async () => {
    const source = connectionTokenSource(t.db, connectionId, {
      refresh: async () => {
        throw new OAuthExchangeError("invalid_grant", "expired");
      },
    });
    await expect(source.refreshAfterUnauthorized("access-0")).rejects.toMatchObject({ code: "needs_reconnect" });
    expect((await stored()).status).toBe("needs_reconnect");
    await expect(source.getAccessToken()).rejects.toBeInstanceOf(ConnectionUnavailableError);
  });

  it("keeps the old tokens when the exchange fails for another reason", async () => {
    const source = connectionTokenSource(t.db, connectionId, {
      refresh: async () => {
        throw new OAuthExchangeError("unreachable", "down");
      },
    });
    await expect(source.refreshAfterUnauthorized("access-0")).rejects.toMatchObject({ code: "unreachable" });
    expect(await stored()).toMatchObject({ status: "connected", refresh: "refresh-0" });
  });
});
