// Drafts, starts and disconnects are serialised by the database (issue 12 items 5, 7, 10): a refresh
// racing Start never rewrites a running import's items, Disconnect is refused while an import runs,
// and one QuickBooks company connected from two accounts never has two imports writing at once.
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { accounts, admins, importItems, imports, qboConnections } from "@/db/schema";
import { tokenContext, upsertConnection } from "@/db/queries/connections";
import { verifyLogin } from "@/lib/auth/login";
import { open } from "@/lib/crypto";
import { createDraft, ImportRuleError, startImport } from "@/lib/import/lifecycle";
import { preparePreview, type PreviewSummary } from "@/lib/import/prepare";
import { DraftChangedError, saveMapping, saveSelection } from "@/lib/import/wizard";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { disconnectConnection, DisconnectRefusedError } from "@/lib/qbo/disconnect";
import { createWorld, SANDBOX_REALM, WORLD_ACTITIME_URL, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

const RANGE = { dateFrom: "2025-03-03", dateTo: "2025-03-09" };
const SETTINGS = { importTaskNames: false, importComments: false };

/** A previewed draft's summary with nothing planned (what Start needs of another account's draft). */
function emptyPreviewSummary(): PreviewSummary {
  const rows = { byUser: [], byCustomer: [], byItem: [], byBillable: [] };
  return {
    previewedAt: new Date().toISOString(),
    mode: "combined",
    activities: 0,
    hours: 0,
    counts: { create: 0, update: 0, delete: 0, unchanged: 0, skipped_billed: 0 },
    hoursBefore: 0,
    hoursAfter: 0,
    hoursBlockedByBilling: 0,
    records: { in: 0, imported: 0, skipped: {}, billableWithoutRate: 0 },
    unmapped: [],
    entitiesToCreate: [],
    breakdown: rows,
    ratesVisible: true,
    names: {},
  };
}
const RACES = 12;

async function world() {
  const w = await createWorld();
  worlds.push(w);
  return w;
}

async function itemsOf(w: World, importId: string) {
  return w.db.select({ id: importItems.id, seq: importItems.seq, status: importItems.status }).from(importItems).where(eq(importItems.importId, importId)).orderBy(asc(importItems.seq));
}

/** The same actiTIME client, each call answered `ms` later. */
function slowed<T extends object>(client: T, ms: number): T {
  return new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, ms));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Ends a running import as if it had been interrupted, so the company is free again. */
async function endImport(w: World, importId: string) {
  await w.db.update(imports).set({ status: "interrupted", finishedAt: new Date() }).where(eq(imports.id, importId));
}

describe("Refresh preview racing Start", () => {
  it(`never changes the items of the import that started (${RACES} races, both orders)`, async () => {
    const w = await world();
    const directory = await fetchQboDirectory(w.client, false);
    const outcomes = { started: 0, refreshed: 0 };
    for (let race = 0; race < RACES; race++) {
      const { importId } = await w.preview(RANGE);
      const shown = await w.importRow(importId);
      const shownItems = await itemsOf(w, importId);
      const refreshStamp = new Date(Date.now() + 60_000 + race).toISOString();
      // actiTIME answers the refresh after a varying delay, and Start comes after another: Start lands
      // before, during and after the refresh's write.
      const actitime = slowed(w.actitimeClient, (race % 4) * 15);
      const delayMs = (race % 3) * 10;
      const [refresh, start] = await Promise.allSettled([
        preparePreview({ db: w.db, qbo: w.client, actitime, directory, now: () => new Date(refreshStamp) }, shown, SETTINGS),
        new Promise((r) => setTimeout(r, delayMs)).then(() => startImport(w.db, w.actor, importId, new Date(), shown.draftRevision)),
      ]);
      const after = await w.importRow(importId);
      const afterItems = await itemsOf(w, importId);
      // Exactly one of the two goes through, whichever came first.
      expect([refresh.status, start.status].sort(), `race ${race}`).toEqual(["fulfilled", "rejected"]);
      if (start.status === "fulfilled") {
        outcomes.started++;
        expect(refresh.status === "rejected" && refresh.reason).toBeInstanceOf(DraftChangedError);
        expect(after.status).toBe("running");
        // What runs is exactly what was shown when Start was pressed: same summary, same item rows.
        expect((after.summary as PreviewSummary).previewedAt).toBe((shown.summary as PreviewSummary).previewedAt);
        expect(afterItems).toEqual(shownItems);
        expect(after.progressTotal).toBe(shown.progressTotal);
        await endImport(w, importId);
      } else {
        outcomes.refreshed++;
        expect(start.reason).toBeInstanceOf(ImportRuleError);
        expect((start.reason as ImportRuleError).code).toBe("stale_preview");
        expect(after.status).toBe("draft");
        expect((after.summary as PreviewSummary).previewedAt).toBe(refreshStamp);
      }
    }
    expect(outcomes.started + outcomes.refreshed).toBe(RACES);
    // Both orders happened (else the test did not race).
    expect(outcomes.started).toBeGreaterThan(0);
    expect(outcomes.refreshed).toBeGreaterThan(0);
    console.info(`[serialise] refresh vs Start: Start won ${outcomes.started}, refresh won ${outcomes.refreshed} of ${RACES}`);
  });

  it(`Select data and Confirm Mapping racing Start never touch the started import (${RACES} races)`, async () => {
    const w = await world();
    const selection = { ...RANGE, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false };
    for (let race = 0; race < RACES; race++) {
      const { importId } = await w.preview(RANGE);
      const shown = await w.importRow(importId);
      const shownItems = await itemsOf(w, importId);
      const change = race % 2 === 0 ? () => saveSelection(w.db, w.actor, importId, selection) : () => saveMapping(w.db, w.actor, importId, [], []);
      const [edit, start] = await Promise.allSettled([change(), new Promise((r) => setTimeout(r, race % 3)).then(() => startImport(w.db, w.actor, importId, new Date(), shown.draftRevision))]);
      const after = await w.importRow(importId);
      expect([edit.status, start.status].sort(), `race ${race}`).toEqual(["fulfilled", "rejected"]);
      if (after.status === "running") {
        expect(await itemsOf(w, importId)).toEqual(shownItems);
        expect(after.mappingSnapshot).toEqual(shown.mappingSnapshot);
        expect(after.summary).toEqual(shown.summary);
        await endImport(w, importId);
      } else {
        expect(start.status === "rejected" && start.reason).toMatchObject({ code: expect.stringMatching(/^(stale_preview|not_ready)$/) });
      }
    }
  });

  it("select, map and preview refuse a draft that has started, and change nothing", async () => {
    const w = await world();
    const { importId } = await w.preview(RANGE);
    const started = await startImport(w.db, w.actor, importId);
    const items = await itemsOf(w, importId);
    const selection = { ...RANGE, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false };
    await expect(saveSelection(w.db, w.actor, importId, selection)).rejects.toThrow("already been started");
    await expect(saveMapping(w.db, w.actor, importId, [], [])).rejects.toThrow("already been started");
    // A preview whose computation began while the import was still a draft.
    await expect(preparePreview({ db: w.db, qbo: w.client, actitime: w.actitimeClient, directory: null }, { ...started, status: "draft" }, SETTINGS)).rejects.toBeInstanceOf(
      DraftChangedError,
    );
    expect(await itemsOf(w, importId)).toEqual(items);
    expect((await w.importRow(importId)).status).toBe("running");
  });

  it("a preview computed from an older revision of the draft is refused (the mapping changed meanwhile)", async () => {
    const w = await world();
    const { importId } = await w.preview(RANGE);
    const old = await w.importRow(importId);
    await saveMapping(w.db, w.actor, importId, [], []);
    await expect(preparePreview({ db: w.db, qbo: w.client, actitime: w.actitimeClient, directory: null }, old, SETTINGS)).rejects.toMatchObject({ reason: "changed" });
    await expect(startImport(w.db, w.actor, importId, new Date(), old.draftRevision)).rejects.toMatchObject({ code: "stale_preview" });
  });
});

describe("Disconnect during an import", () => {
  it("is refused with a message naming the running import and who started it; after it ends, it works", async () => {
    const w = await world();
    const { importId } = await w.preview(RANGE);
    await startImport(w.db, w.actor, importId);
    const revoked: string[] = [];
    const revoke = async (token: string) => (revoked.push(token), true);

    const refusal = await disconnectConnection(w.db, w.actor.accountId, w.connection.id, { revoke }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DisconnectRefusedError);
    const message = (refusal as Error).message;
    expect(message).toContain(w.admin.name);
    expect(message).toContain(`${RANGE.dateFrom} – ${RANGE.dateTo}`);
    expect(message).toContain(`Only ${w.admin.name} can interrupt it`);
    expect((refusal as DisconnectRefusedError).notice.importId).toBe(importId);
    // Nothing changed: still connected, tokens kept, nothing revoked.
    const [kept] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    expect(kept!.status).toBe("connected");
    expect(kept!.sealedRefreshToken).not.toBeNull();
    expect(revoked).toEqual([]);

    await w.runToEnd(importId);
    expect((await w.importRow(importId)).status).toBe("completed");
    const refreshToken = open(
      (await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id)))[0]!.sealedRefreshToken!,
      tokenContext(w.connection.id, "refresh"),
    );
    const done = await disconnectConnection(w.db, w.actor.accountId, w.connection.id, { revoke });
    expect(done).toMatchObject({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null });
    expect(revoked).toEqual([refreshToken]);
  });

  it(`racing Start: never a running import on a disconnected company (${RACES} races)`, async () => {
    const w = await world();
    for (let race = 0; race < RACES; race++) {
      const { importId } = await w.preview(RANGE);
      const [start, disconnect] = await Promise.allSettled([
        startImport(w.db, w.actor, importId),
        new Promise((r) => setTimeout(r, race % 3)).then(() => disconnectConnection(w.db, w.actor.accountId, w.connection.id, { revoke: async () => true })),
      ]);
      const [company] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
      const imp = await w.importRow(importId);
      expect(start.status === "fulfilled" && disconnect.status === "fulfilled", `race ${race}`).toBe(false);
      expect(imp.status === "running" && company!.status === "disconnected", `race ${race}`).toBe(false);
      if (imp.status === "running") await endImport(w, importId);
      if (company!.status === "disconnected") await w.connect(SANDBOX_REALM);
    }
  });
});

describe("One active import per QuickBooks company, across accounts", () => {
  it("the same realm connected from a second account cannot start while the first account's import runs", async () => {
    const w = await world();
    // A second actiTIME account that connected the same QuickBooks company (its own grant).
    const [otherAccount] = await w.db.insert(accounts).values({ baseUrl: "https://other-actitime.test/beta" }).returning();
    const [otherAdmin] = await w.db.insert(admins).values({ accountId: otherAccount!.id, actitimeUserId: 7, username: "bea", fullName: "Bea Other" }).returning();
    const [mine] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    const other = await upsertConnection(w.db, {
      accountId: otherAccount!.id,
      realmId: w.connection.realmId,
      adminId: otherAdmin!.id,
      tokens: {
        accessToken: open(mine!.sealedAccessToken!, tokenContext(mine!.id, "access")),
        refreshToken: open(mine!.sealedRefreshToken!, tokenContext(mine!.id, "refresh")),
        accessTokenExpiresAt: mine!.accessTokenExpiresAt!,
        refreshTokenExpiresAt: mine!.refreshTokenExpiresAt,
      },
      facts: { companyName: mine!.companyName, payrollEnabled: false, timeTrackingEnabled: true, booksClosedDate: null },
    });
    const otherActor = { accountId: otherAccount!.id, adminId: otherAdmin!.id };
    const otherDraft = await createDraft(w.db, otherActor, other.id);
    await w.db
      .update(imports)
      .set({ ...RANGE, step: "preview", ledgerVersionSeen: 0, summary: emptyPreviewSummary() })
      .where(eq(imports.id, otherDraft.id));

    const { importId } = await w.preview(RANGE);
    await startImport(w.db, w.actor, importId);
    const refusal = await startImport(w.db, otherActor, otherDraft.id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ImportRuleError);
    expect(refusal).toMatchObject({ code: "already_running" });
    // Names nobody from the other account.
    expect((refusal as Error).message).toBe(
      "Another actiTIME account is importing into this QuickBooks company right now. Only one import writes to a company at a time; try again when it has finished.",
    );
    expect((refusal as Error).message).not.toContain(w.admin.name);
    expect((await w.importRow(otherDraft.id)).status).toBe("draft");

    // Both at once, many times: never two running on the realm.
    await endImport(w, importId);
    for (let race = 0; race < RACES; race++) {
      const mineNow = await w.preview(RANGE);
      const theirs = await createDraft(w.db, otherActor, other.id);
      await w.db.update(imports).set({ ...RANGE, step: "preview", ledgerVersionSeen: 0, summary: emptyPreviewSummary() }).where(eq(imports.id, theirs.id));
      const results = await Promise.allSettled([startImport(w.db, w.actor, mineNow.importId), startImport(w.db, otherActor, theirs.id)]);
      expect(results.filter((r) => r.status === "fulfilled"), `race ${race}`).toHaveLength(1);
      const running = await w.db.select({ id: imports.id }).from(imports).where(and(eq(imports.realmId, w.connection.realmId), eq(imports.status, "running")));
      expect(running).toHaveLength(1);
      await endImport(w, running[0]!.id);
    }
  });

  it("signing in under another spelling of the same actiTIME address is the same account, verified at the trusted address", async () => {
    const w = await world();
    const url = new URL(WORLD_ACTITIME_URL);
    for (const spelling of [
      `http://${url.host.toUpperCase()}.${url.pathname.toUpperCase()}/api/v1/`,
      `${WORLD_ACTITIME_URL}/`,
      `https://${url.host}:443${url.pathname}`,
    ]) {
      const admin = await verifyLogin(w.db, { actitimeUrl: spelling, username: "admin", password: "demo" });
      expect(admin.accountId, spelling).toBe(w.admin.accountId);
      // The account keeps the https address it already had: an http spelling never replaces it.
      expect(admin.accountUrl).toBe(WORLD_ACTITIME_URL);
    }
    expect(await w.db.select().from(accounts)).toHaveLength(1);
  });
});
