// Connecting a QuickBooks company end to end against the emulator: the app's authorize URL, the
// emulator's consent redirect, then completeConnection (state check, code exchange through intuit-oauth,
// CompanyInfo + Preferences, upsert with sealed tokens).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mappingRules, qboConnections } from "@/db/schema";
import { getConnection, listConnections, markDisconnected } from "@/db/queries/connections";
import { completeConnection, ConnectError, newOAuthState } from "@/lib/qbo/connect";
import { resetRealmPacers } from "@/lib/qbo/pace";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import {
  clientFor,
  connectCompany,
  consentCallbackUrl,
  CONSULTING,
  createAccount,
  newestRefreshToken,
  PAYROLL,
  rejection,
  startAppEmulator,
  storedTokens,
} from "./helpers";

let t: TestDb;
let emu: QboEmulator;
let owner: { accountId: string; adminId: string };

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());

beforeEach(async () => {
  resetRealmPacers();
  emu = startAppEmulator();
  owner = await createAccount(t.db);
});

async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

const connectionsOf = (accountId: string) => t.db.select().from(qboConnections).where(eq(qboConnections.accountId, accountId));

describe("completeConnection", () => {
  it("refuses a state another admin started (issue 13 §6: the OAuth state is bound to the admin), storing nothing", async () => {
    const other = await createAccount(t.db);
    const state = newOAuthState(other);
    const callbackUrl = await consentCallbackUrl(state, { realmId: CONSULTING });
    // Same browser, same cookie: only the admin who started the connect may finish it.
    const error = await connectError(completeConnection(t.db, { ...owner, callbackUrl, expectedState: state }));
    expect(error.code).toBe("state_mismatch");
    expect(await connectionsOf(owner.accountId)).toEqual([]);
    // A state without its binding (or with one edited) is refused as well.
    const bare = state.split(".")[0]!;
    const unbound = await consentCallbackUrl(bare, { realmId: CONSULTING });
    expect((await connectError(completeConnection(t.db, { ...owner, callbackUrl: unbound, expectedState: bare }))).code).toBe("state_mismatch");
  });

  it("stores the company with its name, payroll and time-tracking facts and sealed tokens after the full OAuth flow", async () => {
    const state = newOAuthState(owner);
    const callbackUrl = await consentCallbackUrl(state, { realmId: CONSULTING });
    const callback = new URL(callbackUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe("http://localhost:3000/api/quickbooks/callback");
    expect(callback.searchParams.get("state")).toBe(state);

    const connection = await completeConnection(t.db, { ...owner, callbackUrl, expectedState: state });
    expect(connection).toMatchObject({
      accountId: owner.accountId,
      realmId: CONSULTING,
      companyName: "Sandbox Consulting LLC",
      status: "connected",
      payrollEnabled: false,
      timeTrackingEnabled: true,
      booksClosedDate: null,
      connectedByAdminId: owner.adminId,
    });
    // One code exchange, then CompanyInfo and Preferences read with the new token.
    expect(emu.stats(CONSULTING)).toMatchObject({ token: 1, read: 2 });

    const tokens = await storedTokens(t.db, connection.id);
    expect(connection.sealedAccessToken).not.toContain(tokens.access!);
    expect(connection.sealedRefreshToken).not.toContain(tokens.refresh!);
    expect(tokens.refresh).toBe(newestRefreshToken(emu, tokens.refresh!));
    expect(connection.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(connection.refreshTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 100 * 24 * 3_600_000);
    // The stored token works for this company.
    expect((await clientFor(t.db, connection).companyInfo()).CompanyName).toBe("Sandbox Consulting LLC");
  });

  it("refuses a callback whose state does not match the cookie, before exchanging the code, and stores nothing", async () => {
    const callbackUrl = await consentCallbackUrl(newOAuthState(owner), { realmId: CONSULTING });
    const error = await connectError(completeConnection(t.db, { ...owner, callbackUrl, expectedState: newOAuthState(owner) }));
    expect(error.code).toBe("state_mismatch");
    expect(await connectionsOf(owner.accountId)).toHaveLength(0);
    expect(emu.stats(CONSULTING).token).toBe(0);
  });

  it("refuses a replayed callback once the state cookie is gone, and a reused code even with the cookie", async () => {
    const state = newOAuthState(owner);
    const callbackUrl = await consentCallbackUrl(state, { realmId: CONSULTING });
    const first = await completeConnection(t.db, { ...owner, callbackUrl, expectedState: state });

    const replay = await connectError(completeConnection(t.db, { ...owner, callbackUrl, expectedState: undefined }));
    expect(replay.code).toBe("state_mismatch");
    // With the cookie still there, Intuit refuses the used code: nothing changes either.
    const reused = await connectError(completeConnection(t.db, { ...owner, callbackUrl, expectedState: state }));
    expect(reused.code).toBe("exchange_failed");
    const rows = await connectionsOf(owner.accountId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, tokenVersion: first.tokenVersion, sealedRefreshToken: first.sealedRefreshToken });
  });

  it("refuses a callback with no state at all even when no cookie is expected", async () => {
    const callbackUrl = new URL(await consentCallbackUrl(newOAuthState(owner), { realmId: CONSULTING }));
    callbackUrl.searchParams.delete("state");
    const error = await connectError(completeConnection(t.db, { ...owner, callbackUrl: callbackUrl.toString(), expectedState: undefined }));
    expect(error.code).toBe("state_mismatch");
  });

  it("refuses error=access_denied (the admin cancelled at Intuit) and stores nothing", async () => {
    const state = newOAuthState(owner);
    const callbackUrl = await consentCallbackUrl(state, { deny: true });
    expect(new URL(callbackUrl).searchParams.get("error")).toBe("access_denied");
    const error = await connectError(completeConnection(t.db, { ...owner, callbackUrl, expectedState: state }));
    expect(error.code).toBe("access_denied");
    expect(await connectionsOf(owner.accountId)).toHaveLength(0);
  });

  it("connects a second company (payroll on, books closed) for the same account as a second connection", async () => {
    const first = await connectCompany(t.db, CONSULTING, owner);
    const second = await connectCompany(t.db, PAYROLL, owner);
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ realmId: PAYROLL, companyName: "Northwind Payroll Co", payrollEnabled: true, timeTrackingEnabled: true, booksClosedDate: "2025-12-31" });
    const listed = await listConnections(t.db, owner.accountId);
    expect(listed.map((c) => [c.companyName, c.payrollEnabled])).toEqual([
      ["Northwind Payroll Co", true],
      ["Sandbox Consulting LLC", false],
    ]);
  });

  it("revives the same connection row when a disconnected company is connected again, with its mapping rules", async () => {
    const first = await connectCompany(t.db, CONSULTING, owner);
    const [rule] = await t.db
      .insert(mappingRules)
      .values({ connectionId: first.id, category: "user", sourceId: 7, sourceName: "Siobhán O'Brien", kind: "link", targetQboId: "42", targetName: "Siobhan OBrien" })
      .returning();
    const disconnected = await markDisconnected(t.db, owner.accountId, first.id);
    expect(disconnected).toMatchObject({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null });

    const again = await connectCompany(t.db, CONSULTING, owner);
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ status: "connected", disconnectedAt: null, companyName: "Sandbox Consulting LLC" });
    expect((await storedTokens(t.db, again.id)).refresh).not.toBeNull();
    expect(await connectionsOf(owner.accountId)).toHaveLength(1);
    const rules = await t.db.select().from(mappingRules).where(eq(mappingRules.connectionId, again.id));
    expect(rules.map((r) => r.id)).toEqual([rule!.id]);
  });

  it("records time tracking off when the company has it switched off", async () => {
    emu.setTimeTracking(CONSULTING, false);
    const connection = await connectCompany(t.db, CONSULTING, owner);
    expect(connection.timeTrackingEnabled).toBe(false);
  });

  it("does not let another account read a connection by its id", async () => {
    const connection = await connectCompany(t.db, CONSULTING, owner);
    const other = await createAccount(t.db);
    expect(await getConnection(t.db, other.accountId, connection.id)).toBeUndefined();
    expect(await listConnections(t.db, other.accountId)).toHaveLength(0);
    expect((await getConnection(t.db, owner.accountId, connection.id))?.id).toBe(connection.id);
    expect(await getConnection(t.db, owner.accountId, "not-a-uuid")).toBeUndefined();
    // Disconnecting through the wrong account changes nothing either.
    expect(await markDisconnected(t.db, other.accountId, connection.id)).toBeUndefined();
    expect((await storedTokens(t.db, connection.id)).status).toBe("connected");
  });

  it("keeps two accounts' connections to the same company apart", async () => {
    const mine = await connectCompany(t.db, CONSULTING, owner);
    const other = await createAccount(t.db);
    const theirs = await connectCompany(t.db, CONSULTING, other);
    expect(theirs.id).not.toBe(mine.id);
    expect((await storedTokens(t.db, mine.id)).refresh).not.toBe((await storedTokens(t.db, theirs.id)).refresh);
  });
});
