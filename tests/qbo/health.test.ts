// Issue 18 §3: expiry warnings and the keep-alive refresh of idle companies, with a controllable clock.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { qboConnections } from "@/db/schema";
import { connectionHealth, EXPIRY_WARNING_DAYS, keepAliveTick } from "@/lib/qbo/health";
import { evaluateChecks } from "@/lib/import/checks";
import { createWorld, type World } from "@/tests/helpers/world";

const NOW = new Date("2026-06-01T12:00:00Z");
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);
const company = (status: "connected" | "needs_reconnect" | "disconnected", refreshTokenExpiresAt: Date | null) => ({ status, refreshTokenExpiresAt, companyName: "Acme" });

describe("connectionHealth", () => {
  it.each([
    ["ok with 60 days left", company("connected", days(60)), "ok", null],
    ["expiring within 14 days", company("connected", days(EXPIRY_WARNING_DAYS - 1)), "expiring", /expires in 13 days .*Reconnect/],
    ["expired", company("connected", days(-1)), "expired", /expired on 2026-05-31/],
    ["invalid_grant (needs reconnect)", company("needs_reconnect", days(50)), "needs_reconnect", /Reconnect .*rules, settings and history are kept/],
    ["disconnected: no banner", company("disconnected", null), "disconnected", null],
  ] as const)("%s", (_name, c, state, message) => {
    const h = connectionHealth(c, NOW);
    expect(h.state).toBe(state);
    if (message) expect(h.message).toMatch(message);
    else expect(h.message).toBeNull();
  });
});

describe("keep-alive", () => {
  const worlds: World[] = [];
  afterEach(async () => {
    while (worlds.length) await worlds.pop()!.dispose();
  });

  it("refreshes an idle company well before expiry and moves the expiry forward; a healthy one is left alone", async () => {
    const w = await createWorld();
    worlds.push(w);
    const [before] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    const realNow = new Date();
    // Far from expiry: nothing to do.
    expect(await keepAliveTick(w.db, realNow)).toEqual([]);
    // Idle for long: 20 days left.
    await w.db.update(qboConnections).set({ refreshTokenExpiresAt: new Date(realNow.getTime() + 20 * 86_400_000) }).where(eq(qboConnections.id, w.connection.id));
    expect(connectionHealth({ ...before!, refreshTokenExpiresAt: new Date(realNow.getTime() + 20 * 86_400_000) }, realNow).state).toBe("ok");
    expect(await keepAliveTick(w.db, realNow)).toEqual([{ connectionId: w.connection.id, ok: true }]);
    const [after] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    expect(after!.tokenVersion).toBe(before!.tokenVersion + 1);
    expect(after!.refreshTokenExpiresAt!.getTime()).toBeGreaterThan(realNow.getTime() + 90 * 86_400_000);
    expect(after!.status).toBe("connected");
    // The company still works with the refreshed token.
    await expect(w.client.companyInfo()).resolves.toBeTruthy();
  });

  it("a revoked grant marks the company needs reconnect, and the Checks block on it", async () => {
    const w = await createWorld();
    worlds.push(w);
    await w.db.update(qboConnections).set({ refreshTokenExpiresAt: new Date(Date.now() + 86_400_000) }).where(eq(qboConnections.id, w.connection.id));
    const [result] = await keepAliveTick(w.db, new Date(), { refresh: async () => {
      const { OAuthExchangeError } = await import("@/lib/qbo/oauth");
      throw new OAuthExchangeError("invalid_grant", "revoked");
    } });
    expect(result).toMatchObject({ ok: false });
    const [row] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    expect(row!.status).toBe("needs_reconnect");
    expect(connectionHealth(row!, new Date()).state).toBe("needs_reconnect");
    const checks = evaluateChecks({ now: new Date(), connectionId: row!.id, importId: null, company: { timeTrackingEnabled: true, payrollEnabled: false, booksClosedDate: null }, connection: { status: row!.status, refreshTokenExpiresAt: row!.refreshTokenExpiresAt }, rules: [], directory: null, closedPeriod: { rows: [], total: 0 }, billableWithoutRate: [] });
    expect(checks.find((c) => c.id === "token_health")!.status).toBe("blocking");
  });
});
