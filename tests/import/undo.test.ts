// Undo one import (issue 17 §3), end to end against the actiTIME and QuickBooks emulators: the undo
// runs on the same executor as an import, and QuickBooks ends as it was before the undone import
// (billed activities excepted), the ledger again describing exactly what QuickBooks holds.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { importItems, ledger, ledgerHistory } from "@/db/schema";
import { createExecutor } from "@/lib/import/execute";
import { ImportRuleError, interruptImport } from "@/lib/import/lifecycle";
import { qboActivityMatches } from "@/lib/import/qbo-activity";
import type { WrittenActivity } from "@/lib/import/types";
import { planUndo, startUndo } from "@/lib/import/undo";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { createWorld, SANDBOX_REALM, WORLD_RECONCILE_AFTER_MS, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const worlds: World[] = [];
async function world() {
  const w = await createWorld();
  worlds.push(w);
  return w;
}
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

const activities = (w: World) => w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[];

/** An activity's content as QuickBooks holds it (not its Id: a re-created activity has a new one). */
function contentOf(ta: QboTimeActivity): string {
  return JSON.stringify([ta.TxnDate, ta.EmployeeRef?.value, ta.CustomerRef?.value ?? null, ta.ItemRef?.value, ta.BillableStatus, ta.HourlyRate ?? null, ta.Hours ?? 0, ta.Minutes ?? 0, ta.Description ?? null]);
}
const contents = (list: QboTimeActivity[]) => list.map(contentOf).sort();

async function expectQboEqualsLedger(w: World) {
  const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
  const byId = new Map(activities(w).map((a) => [a.Id, a]));
  for (const row of rows) {
    const ta = byId.get(row.qboId);
    expect(ta, `ledger ${row.sourceKey} has its activity in QBO`).toBeDefined();
    expect(qboActivityMatches(ta!, row.written as WrittenActivity), `content of ${row.sourceKey}`).toBe(true);
    expect(ta!.SyncToken, `SyncToken of ${row.sourceKey}`).toBe(row.syncToken);
  }
  expect(activities(w).length).toBe(rows.length);
}

/** A first import of March, then a corrections import: one record's hours changed, another deleted. */
async function withCorrections(w: World) {
  await w.run((await w.preview(MARCH)).importId);
  const records = w.actitime.listTimeTrack().filter((r) => r.date >= MARCH.dateFrom && r.date <= MARCH.dateTo && r.timeMinutes > 0);
  const changed = records[0]!;
  const dropped = records.find((r) => r.date !== changed.date)!;
  w.actitime.upsertTimeTrack({ ...changed, timeMinutes: changed.timeMinutes + 90 });
  w.actitime.deleteTimeTrack(dropped.userId, dropped.date, dropped.taskId);
  const ledgerBefore = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
  return { before: activities(w).map((a) => ({ ...a })), ledgerBefore };
}

describe("Undo this import", () => {
  it("after a first import: QuickBooks ends as before it, the ledger empty; the entities it created stay", async () => {
    const w = await world();
    const before = activities(w).map((a) => a.Id);
    const employeesBefore = w.qbo.list(SANDBOX_REALM, "Employee").length;
    const { importId } = await w.preview(MARCH);
    expect((await w.run(importId)).status).toBe("completed");
    const created = (await w.importRow(importId)).createdCount;
    expect(await w.db.select().from(ledgerHistory).where(eq(ledgerHistory.importId, importId))).toHaveLength(created);

    const plan = (await planUndo(w.db, w.client, w.actor, importId))!;
    expect(plan.refusal).toBeUndefined();
    expect(plan.counts).toMatchObject({ delete: created, restore: 0, recreate: 0, billed: 0 });
    const undo = await startUndo(w.db, w.client, w.actor, importId, plan.ledgerVersion);
    expect(undo).toMatchObject({ kind: "undo", undoOfImportId: importId, status: "running" });
    expect((await w.runToEnd(undo.id)).status).toBe("completed");
    expect((await w.importRow(undo.id)).deletedCount).toBe(created);

    expect(activities(w).map((a) => a.Id)).toEqual(before);
    expect(await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id))).toEqual([]);
    expect(w.qbo.list(SANDBOX_REALM, "Employee").length).toBeGreaterThanOrEqual(employeesBefore);
    // Undone once: a second undo is refused in words.
    expect((await planUndo(w.db, w.client, w.actor, importId))!.refusal).toBe("This import has already been undone.");
  });

  it("after a corrections import: QuickBooks ends as before it, except the activity billed since, untouched", async () => {
    const w = await world();
    const { before, ledgerBefore } = await withCorrections(w);
    const second = await w.preview(MARCH);
    expect(second.summary.counts.update + second.summary.counts.delete).toBeGreaterThanOrEqual(2);
    expect((await w.run(second.importId)).status).toBe("completed");
    const items = await w.db.select().from(importItems).where(eq(importItems.importId, second.importId));
    const updated = items.find((i) => i.status === "updated")!;
    w.qbo.markBilled(SANDBOX_REALM, [updated.qboId!]);
    const billed = w.qbo.get(SANDBOX_REALM, "TimeActivity", updated.qboId!) as unknown as QboTimeActivity;

    const plan = (await planUndo(w.db, w.client, w.actor, second.importId))!;
    expect(plan.refusal).toBeUndefined();
    expect(plan.counts.billed).toBe(1);
    expect(plan.counts.recreate).toBeGreaterThanOrEqual(1);
    const undo = await startUndo(w.db, w.client, w.actor, second.importId, plan.ledgerVersion);
    expect((await w.runToEnd(undo.id)).status).toBe("completed");
    expect((await w.importRow(undo.id)).skippedBilledCount).toBe(1);

    const now = activities(w);
    const billedNow = now.find((a) => a.Id === billed.Id)!;
    expect(billedNow.SyncToken).toBe(billed.SyncToken);
    expect(contentOf(billedNow)).toBe(contentOf(billed));
    // Every other activity is as before the corrections import.
    const withoutOne = (list: string[], drop: string) => {
      const copy = [...list];
      expect(copy.indexOf(drop)).toBeGreaterThanOrEqual(0);
      copy.splice(copy.indexOf(drop), 1);
      return copy;
    };
    const billedBefore = before.find((a) => a.Id === billed.Id)!;
    expect(contentOf(billedBefore)).not.toBe(contentOf(billed)); // the corrections import had changed it
    expect(ledgerBefore.some((r) => r.qboId === billed.Id)).toBe(true);
    expect(withoutOne(contents(now), contentOf(billedNow))).toEqual(withoutOne(contents(before), contentOf(billedBefore)));
    await expectQboEqualsLedgerExceptBilled(w, billed.Id);
  });

  it("interrupted, then started again: finishes exactly", async () => {
    const w = await world();
    const before = activities(w).map((a) => a.Id);
    const { importId } = await w.preview(MARCH);
    await w.run(importId);
    const undo = await startUndo(w.db, w.client, w.actor, importId);
    const executor = createExecutor({ db: w.db, qbo: w.client, reconcileAfterMs: WORLD_RECONCILE_AFTER_MS, sliceOps: 10 });
    expect((await executor.runSlice(undo.id)).done).toBe(false);
    await interruptImport(w.db, w.actor, undo.id);
    expect((await w.runToEnd(undo.id)).status).toBe("interrupted");
    const first = await w.importRow(undo.id);
    expect(first.deletedCount).toBeGreaterThan(0);
    expect(first.deletedCount).toBeLessThan(first.progressTotal);

    const plan = (await planUndo(w.db, w.client, w.actor, importId))!;
    expect(plan.refusal).toBeUndefined();
    expect(plan.counts.delete).toBe(first.progressTotal - first.deletedCount);
    const again = await startUndo(w.db, w.client, w.actor, importId, plan.ledgerVersion);
    expect((await w.runToEnd(again.id)).status).toBe("completed");
    await expectQboEqualsLedger(w);
    expect(activities(w).map((a) => a.Id)).toEqual(before);
    expect(await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id))).toEqual([]);
  });

  it("refused, saying which, when a later import changed the same activities; and when the import is still running", async () => {
    const w = await world();
    const first = await w.preview(MARCH);
    await w.run(first.importId);
    const record = w.actitime.listTimeTrack().find((r) => r.date >= MARCH.dateFrom && r.date <= MARCH.dateTo && r.timeMinutes > 0)!;
    w.actitime.upsertTimeTrack({ ...record, timeMinutes: record.timeMinutes + 30 });
    const second = await w.preview(MARCH);
    await w.run(second.importId);
    const plan = (await planUndo(w.db, w.client, w.actor, first.importId))!;
    expect(plan.refusal).toContain("A later import changed activities this import wrote: the import of 2025-03-01 – 2025-03-31 (1 activity, dated " + record.date);
    await expect(startUndo(w.db, w.client, w.actor, first.importId)).rejects.toThrow(ImportRuleError);
    const writesBefore = w.qbo.stats(SANDBOX_REALM);
    expect(writesBefore.delete).toBe(0);
    // The later one can be undone; then the first one can.
    const u2 = await startUndo(w.db, w.client, w.actor, second.importId);
    expect((await w.runToEnd(u2.id)).status).toBe("completed");
    // The undo of the second import touched the same activity after the first import: still refused.
    expect((await planUndo(w.db, w.client, w.actor, first.importId))!.refusal).toMatch(/^A later import changed activities this import wrote: .*the undo started/);

    const third = await w.preview({ dateFrom: "2025-04-01", dateTo: "2025-04-30" });
    const { startImport } = await import("@/lib/import/lifecycle");
    await startImport(w.db, w.actor, third.importId);
    expect((await planUndo(w.db, w.client, w.actor, third.importId))!.refusal).toBe("This import is still running. Wait until it has ended (or interrupt it), then undo it.");
  });

  it("another account can neither see the undo preview nor start it", async () => {
    const w = await world();
    const { importId } = await w.preview(MARCH);
    await w.run(importId);
    const stranger = { accountId: "00000000-0000-4000-8000-000000000001", adminId: "00000000-0000-4000-8000-000000000002" };
    expect(await planUndo(w.db, w.client, stranger, importId)).toBeUndefined();
    await expect(startUndo(w.db, w.client, stranger, importId)).rejects.toMatchObject({ code: "not_found" });
    expect(w.qbo.stats(SANDBOX_REALM).delete).toBe(0);
  });
});

async function expectQboEqualsLedgerExceptBilled(w: World, billedId: string) {
  const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
  const byId = new Map(activities(w).map((a) => [a.Id, a]));
  for (const row of rows) {
    const ta = byId.get(row.qboId);
    expect(ta, `ledger ${row.sourceKey} has its activity in QBO`).toBeDefined();
    if (row.qboId === billedId) continue;
    expect(qboActivityMatches(ta!, row.written as WrittenActivity), `content of ${row.sourceKey}`).toBe(true);
    expect(ta!.SyncToken).toBe(row.syncToken);
  }
  expect(activities(w).length).toBe(rows.length);
}

