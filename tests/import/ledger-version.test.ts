// Issue 12 item 6: a plan runs only against the ledger it was computed from. Every ledger write bumps
// the company's ledger version; Start and the executor (before each slice) compare it with the version
// the preview was computed from. Also: what an ended import left `sending` is reconciled by the next
// preview before anything is planned, and Start refuses while it is not.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { LEDGER_MOVED_MESSAGE } from "@/db/queries/import-run";
import { importItems, imports, qboConnections } from "@/db/schema";
import { createExecutor } from "@/lib/import/execute";
import { ImportRuleError, startImport } from "@/lib/import/lifecycle";
import { createWorld, SANDBOX_REALM, WORLD_RECONCILE_AFTER_MS, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

const version = async (w: World) => (await w.db.select({ v: qboConnections.ledgerVersion }).from(qboConnections).where(eq(qboConnections.id, w.connection.id)))[0]!.v;

describe("ledger version per company", () => {
  it("Start refuses a preview computed before another import wrote the ledger, with the exact message", async () => {
    const w = await createWorld();
    worlds.push(w);
    const range = { dateFrom: "2025-03-01", dateTo: "2025-03-15" };
    const stale = await w.preview(range);
    const first = await w.preview(range);
    const before = await version(w);
    expect((await w.run(first.importId)).status).toBe("completed");
    expect(await version(w), "every commit with ledger writes bumps the version").toBeGreaterThan(before);

    const refused = await startImport(w.db, w.actor, stale.importId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRuleError);
    expect((refused as ImportRuleError).code).toBe("stale_preview");
    expect((refused as ImportRuleError).message).toBe("QuickBooks changed since this preview; review it again");
    const [row] = await w.db.select().from(imports).where(eq(imports.id, stale.importId));
    expect(row!.status, "nothing started").toBe("draft");

    // Reviewed again (recomputed): it starts, and finds nothing left to do.
    const again = await w.preview(range);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    await expect(startImport(w.db, w.actor, again.importId)).resolves.toMatchObject({ status: "running" });
  });

  it("the executor ends a running import when the ledger moved under it, before sending anything", async () => {
    const w = await createWorld();
    worlds.push(w);
    const { importId } = await w.preview({ dateFrom: "2025-03-01", dateTo: "2025-03-15" });
    await startImport(w.db, w.actor, importId);
    // Someone else wrote the company's ledger after Start (e.g. a late commit of an ended import).
    await w.db.update(qboConnections).set({ ledgerVersion: (await version(w)) + 1 }).where(eq(qboConnections.id, w.connection.id));
    const writesBefore = w.qbo.stats(SANDBOX_REALM).batch + w.qbo.stats(SANDBOX_REALM).create;
    const result = await createExecutor({ db: w.db, qbo: w.client, reconcileAfterMs: WORLD_RECONCILE_AFTER_MS }).runSlice(importId);
    expect(result).toEqual({ done: true, status: "error" });
    const [row] = await w.db.select().from(imports).where(eq(imports.id, importId));
    expect(row!.errorMessage).toBe(LEDGER_MOVED_MESSAGE);
    expect(w.qbo.stats(SANDBOX_REALM).batch + w.qbo.stats(SANDBOX_REALM).create, "nothing was sent").toBe(writesBefore);
  });

  it("an ended import's unknown outcomes are reconciled by the next preview (adopted when written), and Start refuses until then", async () => {
    const w = await createWorld({ qbo: { replayRequestId: false } });
    worlds.push(w);
    const range = { dateFrom: "2025-03-01", dateTo: "2025-03-15" };
    const { importId, summary } = await w.preview(range);
    expect((await w.run(importId)).status).toBe("completed");
    const earlier = await w.preview(range);
    // Rewind one activity to "its request timed out and the import then ended as Error": the write is
    // in QuickBooks, the ledger row is not.
    const [activityItem] = (await w.db.select().from(importItems).where(eq(importItems.importId, importId))).filter((i) => i.entity === "TimeActivity" && i.operation === "create");
    const { ledger } = await import("@/db/schema");
    await w.db.delete(ledger).where(eq(ledger.sourceKey, activityItem!.sourceKey));
    await w.db.update(importItems).set({ status: "sending", sentAt: new Date(Date.now() - 200_000) }).where(eq(importItems.id, activityItem!.id));
    await w.db.update(imports).set({ status: "error" }).where(eq(imports.id, importId));
    const qboCount = w.qbo.list(SANDBOX_REALM, "TimeActivity").length;

    const refused = await startImport(w.db, w.actor, earlier.importId).catch((e: unknown) => e);
    expect((refused as ImportRuleError).message, "Start refuses while an ended import's outcome is unknown").toBe(LEDGER_MOVED_MESSAGE);

    const draft = await w.preview(range);
    // The preview adopted the written activity (reconciled before planning): nothing to create again.
    expect(draft.summary.counts.create).toBe(0);
    const [reconciled] = await w.db.select().from(importItems).where(eq(importItems.id, activityItem!.id));
    expect(reconciled!.status).toBe("created");
    expect(summary.activities).toBeGreaterThan(0);
    expect((await w.run(draft.importId)).status).toBe("completed");
    expect(w.qbo.list(SANDBOX_REALM, "TimeActivity").length, "no duplicate").toBe(qboCount);
  });
});
