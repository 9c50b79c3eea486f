import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { importItems, ledger } from "@/db/schema";
import { ImportRuleError, interruptImport, startImport } from "@/lib/import/lifecycle";
import { createExecutor } from "@/lib/import/execute";
import { qboActivityMatches } from "@/lib/import/qbo-activity";
import type { WrittenActivity } from "@/lib/import/types";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const worlds: World[] = [];
async function world(...args: Parameters<typeof createWorld>) {
  const w = await createWorld(...args);
  worlds.push(w);
  return w;
}
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

/** QBO holds exactly what the ledger says we wrote: one activity per ledger row, same content, nothing else. */
async function expectQboEqualsLedger(w: World) {
  const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
  const activities = w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[];
  const byId = new Map(activities.map((a) => [a.Id, a]));
  for (const row of rows) {
    const ta = byId.get(row.qboId);
    expect(ta, `ledger ${row.sourceKey} has its activity in QBO`).toBeDefined();
    expect(qboActivityMatches(ta!, row.written as WrittenActivity), `content of ${row.sourceKey}`).toBe(true);
  }
  expect(activities.length).toBe(rows.length);
  expect(new Set(rows.map((r) => r.qboId)).size).toBe(rows.length);
}

function writes(w: World) {
  const s = w.qbo.stats(SANDBOX_REALM);
  return { create: s.create, update: s.update, delete: s.delete, batch: s.batch, batchItems: s.batchItems };
}

describe("import engine against the emulators", () => {
  it("first import: creates the entities and every activity, and QBO holds exactly the ledger", async () => {
    const w = await world();
    const { importId, summary } = await w.preview(MARCH);
    expect(summary.activities).toBeGreaterThan(50);
    expect(summary.counts.create).toBe(summary.activities);
    const result = await w.run(importId);
    expect(result.status).toBe("completed");
    const row = await w.importRow(importId);
    expect(row.createdCount).toBe(summary.activities);
    expect(row.failedCount).toBe(0);
    expect(row.progressDone).toBe(row.progressTotal);
    await expectQboEqualsLedger(w);
    // Batches, not one request per activity.
    expect(w.qbo.stats(SANDBOX_REALM).batch).toBeLessThanOrEqual(Math.ceil(summary.activities / 30) + 1);
  });

  it("re-run with no changes writes nothing", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const before = writes(w);
    const again = await w.preview(MARCH);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(again.summary.entitiesToCreate).toEqual([]);
    await w.run(again.importId);
    expect(writes(w)).toEqual(before);
    await expectQboEqualsLedger(w);
  });

  it("re-run after edits in actiTIME applies exactly the corrections", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const records = w.actitime.listTimeTrack().filter((r) => r.date >= MARCH.dateFrom && r.date <= MARCH.dateTo);
    const [edited, removed] = [records[0]!, records[5]!];
    w.actitime.upsertTimeTrack({ ...edited, timeMinutes: edited.timeMinutes + 45 });
    w.actitime.deleteTimeTrack(removed.userId, removed.date, removed.taskId);
    const again = await w.preview(MARCH);
    expect(again.summary.counts.create + again.summary.counts.update + again.summary.counts.delete).toBeGreaterThanOrEqual(2);
    expect(again.summary.counts.update).toBeGreaterThanOrEqual(1);
    await w.run(again.importId);
    await expectQboEqualsLedger(w);
    // A third preview finds nothing left to do.
    const third = await w.preview(MARCH);
    expect(third.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
  });

  it("leaves billed activities untouched and reports them", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
    const billed = rows.slice(0, 3);
    w.qbo.markBilled(SANDBOX_REALM, billed.map((r) => r.qboId));
    // Delete in actiTIME every record behind the billed activities: the corrections would be deletes.
    for (const row of billed) {
      const sources = row.sources as { userIds: number[] };
      for (const r of w.actitime.listTimeTrack().filter((r) => r.date === row.txnDate && sources.userIds.includes(r.userId))) {
        w.actitime.deleteTimeTrack(r.userId, r.date, r.taskId);
      }
    }
    const again = await w.preview(MARCH);
    expect(again.summary.counts.skipped_billed).toBe(3);
    await w.run(again.importId);
    for (const row of billed) {
      const ta = w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity;
      expect(ta.BillableStatus).toBe("HasBeenBilled");
      expect(ta.Hours).toBe((row.written as WrittenActivity).hours);
    }
    const items = await w.db.select().from(importItems).where(eq(importItems.importId, again.importId));
    expect(items.filter((i) => i.status === "skipped_billed")).toHaveLength(3);
    // History and the progress counts report them too.
    expect((await w.importRow(again.importId)).skippedBilledCount).toBe(3);
    expect(items.find((i) => i.status === "skipped_billed")!.errorMessage).toContain("Billed in QuickBooks");
  });

  it("re-creates an activity deleted inside QBO since our import", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const [row] = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id)).limit(1);
    w.qbo.deleteTimeActivity(SANDBOX_REALM, row!.qboId);
    const again = await w.preview(MARCH);
    expect(again.summary.counts.create).toBe(1);
    await w.run(again.importId);
    await expectQboEqualsLedger(w);
  });

  for (const [replayRequestId, during] of [
    [true, "entity creation"],
    [true, "a TimeActivity batch"],
    [false, "entity creation"],
    [false, "a TimeActivity batch"],
  ] as const) {
    it(`a crash between the QBO write and the database commit (${during}) leaves no duplicate (requestid replay ${replayRequestId ? "on" : "off"})`, async () => {
      const w = await world({ qbo: { replayRequestId } });
      const { importId, summary } = await w.preview(MARCH);
      await startImport(w.db, w.actor, importId);
      let responses = 0;
      // Entities are created one request each before any batch: count past them to crash in a batch.
      const crashAt = during === "entity creation" ? 4 : summary.entitiesToCreate.length + 3;
      const crashing = createExecutor({
        db: w.db,
        qbo: w.client,
        concurrency: 1,
        hooks: {
          afterQboResponse: () => {
            if (++responses === crashAt) throw new Error("simulated crash after QBO answered");
          },
        },
      });
      await expect(async () => {
        for (;;) if ((await crashing.runSlice(importId)).done) break;
      }).rejects.toThrow("simulated crash");
      // The restarted process finds the items still `sending` and reconciles them against QBO.
      const result = await w.runToEnd(importId);
      expect(result.status).toBe("completed");
      await expectQboEqualsLedger(w);
      const row = await w.importRow(importId);
      expect(row.createdCount).toBe(summary.activities);
    });
  }

  it("an interrupted import ends Interrupted, and running the same range again imports the rest", async () => {
    const w = await world();
    const { importId, summary } = await w.preview(MARCH);
    await startImport(w.db, w.actor, importId);
    const executor = createExecutor({ db: w.db, qbo: w.client, sliceOps: 60 });
    await executor.runSlice(importId);
    await interruptImport(w.db, w.actor, importId);
    expect((await executor.runSlice(importId)).status).toBe("interrupted");
    const row = await w.importRow(importId);
    expect(row.status).toBe("interrupted");
    expect(row.createdCount).toBeLessThan(summary.activities);
    const rest = await w.preview(MARCH);
    expect(rest.summary.counts.create).toBe(summary.activities - row.createdCount);
    await w.run(rest.importId);
    await expectQboEqualsLedger(w);
  });

  it("refuses a second start for the same company while one runs, with the reason", async () => {
    const w = await world();
    const first = await w.preview(MARCH);
    const second = await w.preview({ dateFrom: "2025-04-01", dateTo: "2025-04-30" });
    const results = await Promise.allSettled([startImport(w.db, w.actor, first.importId), startImport(w.db, w.actor, second.importId)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ImportRuleError);
    expect((refused.reason as ImportRuleError).code).toBe("already_running");
    expect((refused.reason as Error).message).toContain("Only one import runs per company");
  });

  it("refuses Interrupt from an admin who did not start the import", async () => {
    const w = await world();
    const { importId } = await w.preview(MARCH);
    await startImport(w.db, w.actor, importId);
    await expect(interruptImport(w.db, { ...w.actor, adminId: crypto.randomUUID() }, importId)).rejects.toMatchObject({ code: "not_owner" });
  });
});
