// 401 handling end to end: the client refreshes once through connectionTokenSource, which exchanges the
// stored refresh token at the emulator's token endpoint (intuit-oauth, real HTTP through msw) and
// persists the rotated one in the database.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConnectionUnavailableError, connectionTokenSource } from "@/lib/qbo/tokens";
import { QboFault } from "@/lib/qbo/faults";
import { OAuthExchangeError, refreshTokens, revokeToken } from "@/lib/qbo/oauth";
import { Pacer, resetRealmPacers } from "@/lib/qbo/pace";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { fakeClock } from "@/tests/sandbox/qbo/helpers";
import { clientFor, connectCompany, CONSULTING, newestRefreshToken, rejection, seedTimeActivities, startAppEmulator, storedTokens } from "./helpers";

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());
afterEach(() => resetRealmPacers());

const pacer = () => new Pacer({ minuteMs: 60_000, requestsPerMinute: 100_000, batchRequestsPerMinute: 10_000 });
const DAY_MS = 24 * 3_600_000;

describe("401 → one refresh through the token source and the database", () => {
  it("refreshes exactly once with a real token exchange, persists the rotated refresh token, and the old one dies after the grace period", async () => {
    const clock = fakeClock(new Date().toISOString());
    const emu = startAppEmulator({ now: clock.now, refreshTokenGraceMs: 60_000 });
    const connection = await connectCompany(t.db);
    const before = await storedTokens(t.db, connection.id);
    expect(before.refresh).toBe(newestRefreshToken(emu, before.refresh!));
    const [id] = seedTimeActivities(emu, 1);
    emu.resetStats();

    emu.expireAccessTokens(CONSULTING);
    const row = await clientFor(t.db, connection, { pacer: pacer() }).read("TimeActivity", id!);
    expect(row.Id).toBe(id);

    expect(emu.stats(CONSULTING)).toMatchObject({ unauthorized: 1, token: 1, read: 1 });
    const after = await storedTokens(t.db, connection.id);
    expect(after.status).toBe("connected");
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).not.toBe(before.refresh);
    // The database holds the emulator's newest refresh token of this connection's family.
    expect(after.refresh).toBe(newestRefreshToken(emu, before.refresh!));

    // The superseded refresh token still works inside the grace period (answering with the newest one)…
    clock.advance(30_000);
    expect((await refreshTokens(before.refresh!)).refreshToken).toBe(after.refresh);
    // …and not after it.
    clock.advance(31_000);
    const expired = await rejection(refreshTokens(before.refresh!));
    expect(expired).toBeInstanceOf(OAuthExchangeError);
    expect(expired).toMatchObject({ code: "invalid_grant" });
  });

  it("refreshes once for many concurrent requests that all hit the 401", async () => {
    const emu = startAppEmulator();
    const connection = await connectCompany(t.db);
    const ids = seedTimeActivities(emu, 10);
    emu.resetStats();
    emu.expireAccessTokens(CONSULTING);
    const qbo = clientFor(t.db, connection, { pacer: pacer() });
    const rows = await Promise.all(ids.map((id) => qbo.read("TimeActivity", id)));
    expect(rows.map((r) => r.Id)).toEqual(ids);
    const stats = emu.stats(CONSULTING);
    expect(stats.unauthorized).toBeGreaterThanOrEqual(1);
    expect(stats.token).toBe(1);
    expect(stats.read).toBe(10);
  });

  it("keeps working when access tokens die after a few calls: one refresh per 401", async () => {
    const emu = startAppEmulator();
    const connection = await connectCompany(t.db);
    const ids = seedTimeActivities(emu, 12);
    emu.resetStats();
    emu.faults = { expireAccessTokenAfterCalls: 4 };
    const qbo = clientFor(t.db, connection, { pacer: pacer() });
    for (const id of ids) expect((await qbo.read("TimeActivity", id)).Id).toBe(id);
    const stats = emu.stats(CONSULTING);
    expect(stats.unauthorized).toBeGreaterThanOrEqual(2);
    expect(stats.token).toBe(stats.unauthorized);
    expect(stats.read).toBe(12);
  });

  it("surfaces the second 401 in a row instead of refreshing again", async () => {
    const emu = startAppEmulator();
    const connection = await connectCompany(t.db);
    const [id] = seedTimeActivities(emu, 1);
    emu.resetStats();
    emu.faults = { expireAccessTokenAfterCalls: 0 };
    const fault = await rejection(clientFor(t.db, connection, { pacer: pacer() }).read("TimeActivity", id!));
    expect(fault).toBeInstanceOf(QboFault);
    expect(fault).toMatchObject({ kind: "auth", status: 401, code: "3200" });
    expect(emu.stats(CONSULTING)).toMatchObject({ unauthorized: 2, token: 1 });
  });
});

describe("concurrent refreshes of one connection", () => {
  it("two processes (two token sources, separate module state) refreshing at once make one token exchange", async () => {
    const emu = startAppEmulator();
    const connection = await connectCompany(t.db);
    const before = await storedTokens(t.db, connection.id);
    emu.resetStats();

    // A second copy of lib/qbo/tokens has its own single-flight map, as another process would:
    // only the database row lock can keep the two from exchanging the same refresh token twice.
    vi.resetModules();
    const otherProcess = (await import("@/lib/qbo/tokens")) as typeof import("@/lib/qbo/tokens");
    expect(otherProcess.connectionTokenSource).not.toBe(connectionTokenSource);
    const a = connectionTokenSource(t.db, connection.id);
    const b = otherProcess.connectionTokenSource(t.db, connection.id);
    const mine = connectionTokenSource(t.db, connection.id);

    const results = await Promise.all([a.refreshAfterUnauthorized(before.access!), b.refreshAfterUnauthorized(before.access!), mine.refreshAfterUnauthorized(before.access!)]);
    const after = await storedTokens(t.db, connection.id);
    expect(new Set(results)).toEqual(new Set([after.access]));
    expect(emu.stats(CONSULTING).token).toBe(1);
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    expect(after.refresh).toBe(newestRefreshToken(emu, before.refresh!));
  });

  it("two token sources in one process share one in-flight refresh", async () => {
    const emu = startAppEmulator();
    const connection = await connectCompany(t.db);
    const before = await storedTokens(t.db, connection.id);
    emu.resetStats();
    const a = connectionTokenSource(t.db, connection.id);
    const b = connectionTokenSource(t.db, connection.id);
    const results = await Promise.all([a.refreshAfterUnauthorized(before.access!), b.refreshAfterUnauthorized(before.access!)]);
    expect(results[0]).toBe(results[1]);
    expect(emu.stats(CONSULTING).token).toBe(1);
  });
});

describe("invalid_grant → needs reconnect", () => {
  it("marks the connection needs_reconnect when the token family was revoked at Intuit", async () => {
    const emu = startAppEmulator();
    const connection = await connectCompany(t.db);
    const [id] = seedTimeActivities(emu, 1);
    const before = await storedTokens(t.db, connection.id);
    await revokeToken(before.refresh!);
    expect(emu.stats(CONSULTING).revoke).toBe(1);

    const qbo = clientFor(t.db, connection, { pacer: pacer() });
    const error = await rejection(qbo.read("TimeActivity", id!));
    expect(error).toBeInstanceOf(ConnectionUnavailableError);
    expect(error).toMatchObject({ code: "needs_reconnect" });
    expect((await storedTokens(t.db, connection.id)).status).toBe("needs_reconnect");
    // Later calls stop before reaching QuickBooks.
    emu.resetStats();
    await expect(qbo.read("TimeActivity", id!)).rejects.toMatchObject({ code: "needs_reconnect" });
    expect(emu.stats(CONSULTING).requests + emu.stats(CONSULTING).unauthorized).toBe(0);
  });

  it("marks the connection needs_reconnect when the refresh token expired (101 days unused)", async () => {
    const clock = fakeClock(new Date().toISOString());
    const emu = startAppEmulator({ now: clock.now });
    const connection = await connectCompany(t.db);
    const [id] = seedTimeActivities(emu, 1);
    clock.advance(102 * DAY_MS);
    const error = await rejection(clientFor(t.db, connection, { pacer: pacer() }).read("TimeActivity", id!));
    expect(error).toMatchObject({ name: "ConnectionUnavailableError", code: "needs_reconnect" });
    expect((await storedTokens(t.db, connection.id)).status).toBe("needs_reconnect");
  });
});
