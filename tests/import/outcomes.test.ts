// Issue 14: how an import ends and what it leaves for the next one. Failed items end an import as
// Error with QuickBooks' own reason; a created entity's rule is a link at once, so an interrupted
// run's configuration runs again without a duplicate; history lists imports by start time.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { importItems, imports, ledger, mappingHistory, mappingRules } from "@/db/schema";
import { listDrafts, listImports } from "@/db/queries/imports";
import { createExecutor, type SnapshotRule } from "@/lib/import/execute";
import { createDraft, interruptImport, startImport } from "@/lib/import/lifecycle";
import { upToDateDraftRules, deliberateCreates, savedRuleRows } from "@/lib/import/created-rules";
import { bringDraftUpToDate } from "@/lib/import/draft-refresh";
import { listSavedRules } from "@/lib/import/mapping-step";
import { endingFor } from "@/lib/import/outcome";
import { preparePreview } from "@/lib/import/prepare";
import { ruleFromSnapshot } from "@/lib/mapping/rules";
import { discardDraft, DraftError } from "@/lib/import/drafts";
import { adviceForFault } from "@/lib/qbo/advice";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { validateMapping } from "@/lib/mapping/validate";
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

const entityItemsOf = (w: World, importId: string) =>
  w.db.select().from(importItems).where(and(eq(importItems.importId, importId), eq(importItems.entity, "Employee")));

/** A fresh preview of a draft whose rules are already stored (what Refresh preview does). */
async function rebuildPreview(w: World, importId: string) {
  const [row] = await w.db.select().from(imports).where(eq(imports.id, importId));
  const current = await bringDraftUpToDate(w.db, row!);
  const directory = await fetchQboDirectory(w.client, w.connection.payrollEnabled === true);
  return preparePreview({ db: w.db, qbo: w.client, actitime: w.actitimeClient, directory }, current, { importTaskNames: false, importComments: false });
}

describe("an import with failed items", () => {
  it("ends as Error with QuickBooks' Message, Detail, code and intuit_tid on the failed item; the rest is written", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    // Books closed through mid-March; one correction inside the closed period, one after it.
    w.qbo.setBookCloseDate(SANDBOX_REALM, "2025-03-15");
    const records = w.actitime.listTimeTrack().filter((r) => r.date >= MARCH.dateFrom && r.date <= MARCH.dateTo);
    const closed = records.find((r) => r.date <= "2025-03-10")!;
    const open = records.find((r) => r.date >= "2025-03-20")!;
    w.actitime.upsertTimeTrack({ ...closed, timeMinutes: closed.timeMinutes + 30 });
    w.actitime.upsertTimeTrack({ ...open, timeMinutes: open.timeMinutes + 30 });
    const again = await w.preview(MARCH);
    expect(again.summary.counts.update).toBe(2);
    const result = await w.run(again.importId);
    expect(result.status).toBe("error");
    const row = await w.importRow(again.importId);
    expect(row.status).toBe("error");
    expect(row.failedCount).toBe(1);
    expect(row.updatedCount).toBe(1);
    expect(row.errorMessage).toMatch(/1 item failed/);
    const [failed] = await w.db.select().from(importItems).where(and(eq(importItems.importId, again.importId), eq(importItems.status, "failed")));
    expect(failed!.errorCode).toBe("6210");
    expect(failed!.errorMessage).toBe("Account Period Closed");
    expect(failed!.errorDetail).toContain("books are closed as of 2025-03-15");
    expect(failed!.intuitTid).toMatch(/^[0-9a-f-]{36}$/);
    expect(adviceForFault(failed!.errorCode)).toMatch(/re-open the period/);
    // Rules are still the company's after an Error that ran to its end.
    expect((await listSavedRules(w.db, w.connection.id)).length).toBeGreaterThan(0);
  });

  it("ends Completed when every item succeeded or was left alone for billing", () => {
    expect(endingFor(0)).toEqual({ status: "completed" });
    expect(endingFor(3).status).toBe("error");
    expect(endingFor(3).message).toMatch(/^3 items failed/);
  });
});

describe("rules of created entities", () => {
  it("an interrupt right after an entity was created leaves its rule a link; the same configuration then completes with no duplicate", async () => {
    const w = await world();
    // A draft made before anything ran, with its create rules (an "older draft").
    const older = await w.preview(MARCH);
    const first = await w.preview(MARCH);
    const planned = await entityItemsOf(w, first.importId);
    expect(planned.length).toBeGreaterThan(0);

    await startImport(w.db, w.actor, first.importId);
    let interrupted = false;
    const executor = createExecutor({
      db: w.db,
      qbo: w.client,
      reconcileAfterMs: WORLD_RECONCILE_AFTER_MS,
      hooks: {
        afterQboResponse: async () => {
          if (interrupted) return;
          interrupted = true;
          await interruptImport(w.db, w.actor, first.importId); // the first entity's answer is in; its commit follows
        },
      },
    });
    let result;
    for (let i = 0; i < 20 && !result?.done; i++) result = await executor.runSlice(first.importId);
    expect(result!.status).toBe("interrupted");
    const created = (await entityItemsOf(w, first.importId)).filter((i) => i.status === "created");
    expect(created).toHaveLength(1);
    const qboId = created[0]!.qboId!;
    const employeeName = (created[0]!.desired as { name: string }).name;

    // The rule was saved as a link to the entity the moment it existed, with a history row naming the import.
    const userRule = (await w.db.select().from(mappingRules).where(eq(mappingRules.connectionId, w.connection.id))).find((r) => r.category === "user" && r.targetQboId === qboId)!;
    expect(userRule).toMatchObject({ kind: "link", targetQboId: qboId, targetName: employeeName });
    const history = await w.db.select().from(mappingHistory).where(eq(mappingHistory.ruleId, userRule.id));
    expect(history.map((h) => h.importId)).toContain(first.importId);

    // Re-run the same configuration: the Map step proposes the link, nothing refuses it, it completes.
    const again = await w.preview(MARCH);
    expect(again.summary.entitiesToCreate.map((e) => e.name)).not.toContain(employeeName);
    expect((await w.run(again.importId)).status).toBe("completed");
    const named = (w.qbo.list(SANDBOX_REALM, "Employee") as { DisplayName: string }[]).filter((e) => e.DisplayName === employeeName);
    expect(named).toHaveLength(1);

    // The older draft is brought up to date instead of failing validation on the taken name.
    const [olderRow] = await w.db.select().from(imports).where(eq(imports.id, older.importId));
    const olderRules = ((olderRow!.mappingSnapshot ?? {}) as { rules: SnapshotRule[] }).rules;
    const directory = await fetchQboDirectory(w.client, false);
    expect(validateMapping({ rules: olderRules.map(ruleFromSnapshot), directory }).ok).toBe(false);
    const { rules, changes } = upToDateDraftRules(olderRules, await savedRuleRows(w.db, w.connection.id), olderRow!.updatedAt);
    expect(changes.length).toBeGreaterThan(0);
    expect(validateMapping({ rules: rules.map(ruleFromSnapshot), directory }).ok).toBe(true);
    await rebuildPreview(w, older.importId);
    await startImport(w.db, w.actor, older.importId);
    expect((await w.runToEnd(older.importId)).status).toBe("completed");
    expect((w.qbo.list(SANDBOX_REALM, "Employee") as { DisplayName: string }[]).filter((e) => e.DisplayName === employeeName)).toHaveLength(1);
    const activities = w.qbo.list(SANDBOX_REALM, "TimeActivity");
    const ledgerRows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
    expect(activities.length).toBe(ledgerRows.length);
  });

  it("a completed import's create rules are saved as links; choosing Create again is stated as a second entity", async () => {
    const w = await world();
    const first = await w.preview(MARCH);
    await w.run(first.importId);
    const saved = await listSavedRules(w.db, w.connection.id);
    const createdNames = new Set(first.summary.entitiesToCreate.map((e) => e.name));
    const forCreated = saved.filter((r) => r.targetName && createdNames.has(r.targetName));
    expect(forCreated.length).toBe(createdNames.size);
    expect(forCreated.every((r) => r.kind === "link" && r.targetQboId)).toBe(true);
    // The next import links; a deliberate Create new names both entities.
    const link = forCreated.find((r) => r.category === "user")!;
    const second = await w.preview(MARCH, {
      override: (rules) => rules.map((r) => (r.category === "user" && r.sourceId === link.sourceId ? { ...r, rule: { kind: "create", name: `${link.targetName} (2)`, parentQboId: null, targetQboId: null } } : r)),
    });
    const [row] = await w.db.select().from(imports).where(eq(imports.id, second.importId));
    const stated = deliberateCreates(((row!.mappingSnapshot ?? {}) as { rules: SnapshotRule[] }).rules, saved);
    expect(stated).toEqual([{ category: "user", sourceName: link.sourceName, newName: `${link.targetName} (2)`, currentName: link.targetName }]);
  });
});

describe("Import History", () => {
  it("lists started imports by start time, newest first, and equal start times stably; drafts by last change, only their author's", async () => {
    const w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createDraft(w.db, w.actor, w.connection.id)).id);
    // Created in order 0..3 but started 8:26, 8:29, 8:23, 8:29 (ids[1] and ids[3] at the same instant).
    const started = ["2026-11-20T08:26:00Z", "2026-11-20T08:29:00Z", "2026-11-20T08:23:00Z", "2026-11-20T08:29:00Z"];
    for (const [i, at] of started.entries()) {
      await w.db.update(imports).set({ status: "completed", startedAt: new Date(at), finishedAt: new Date(at), createdAt: new Date(Date.parse("2026-11-20T09:00:00Z") - i * 60_000) }).where(eq(imports.id, ids[i]!));
    }
    const order = (await listImports(w.db, w.actor.accountId, w.connection.id)).map((r) => r.import.id);
    const sameInstant = [ids[1]!, ids[3]!].sort().reverse();
    expect(order).toEqual([...sameInstant, ids[0], ids[2]]);
    // Stable: the same order every time.
    expect((await listImports(w.db, w.actor.accountId, w.connection.id)).map((r) => r.import.id)).toEqual(order);

    const a = await createDraft(w.db, w.actor, w.connection.id);
    const b = await createDraft(w.db, w.actor, w.connection.id);
    await w.db.update(imports).set({ updatedAt: new Date("2026-11-21T10:00:00Z") }).where(eq(imports.id, a.id));
    await w.db.update(imports).set({ updatedAt: new Date("2026-11-21T09:00:00Z") }).where(eq(imports.id, b.id));
    expect((await listDrafts(w.db, w.actor.accountId, w.connection.id, w.actor.adminId)).map((d) => d.id)).toEqual([a.id, b.id]);
    // Another admin sees none of them and cannot discard them.
    const other = { ...w.actor, adminId: crypto.randomUUID() };
    expect(await listDrafts(w.db, w.actor.accountId, w.connection.id, other.adminId)).toEqual([]);
    await expect(discardDraft(w.db, other, a.id)).rejects.toBeInstanceOf(DraftError);
    // A started import is never discarded; the author's draft is.
    await expect(discardDraft(w.db, w.actor, ids[0]!)).rejects.toBeInstanceOf(DraftError);
    await discardDraft(w.db, w.actor, a.id);
    expect((await listDrafts(w.db, w.actor.accountId, w.connection.id, w.actor.adminId)).map((d) => d.id)).toEqual([b.id]);
  });
});

describe("company facts before Start", () => {
  it("are re-read at the start of a preview, and what QuickBooks would refuse is said before Start", async () => {
    const { refreshFactsForPreview, refusalsBeforeStart } = await import("@/lib/import/company-check");
    const { getConnection } = await import("@/db/queries/connections");
    const w = await world();
    const first = await w.preview(MARCH);
    // Turned off in QuickBooks after connecting: the stored facts still say On until re-read.
    w.qbo.setTimeTracking(SANDBOX_REALM, false);
    w.qbo.setBookCloseDate(SANDBOX_REALM, "2025-03-10");
    expect((await getConnection(w.db, w.actor.accountId, w.connection.id))!.timeTrackingEnabled).toBe(true);
    const facts = await refreshFactsForPreview(w.db, w.connection.id, w.client);
    expect(facts).toMatchObject({ timeTrackingEnabled: false, booksClosedDate: "2025-03-10" });
    const stored = (await getConnection(w.db, w.actor.accountId, w.connection.id))!;
    expect(stored.timeTrackingEnabled).toBe(false);
    const refusals = await refusalsBeforeStart(w.db, first.importId, stored);
    expect(refusals.find((r) => r.blocking)?.message).toMatch(/Time tracking is off/);
    expect(refusals.find((r) => !r.blocking)?.title).toMatch(/^QuickBooks would refuse \d+ changes in the closed period/);
    await expect(startImport(w.db, w.actor, first.importId)).rejects.toMatchObject({ code: "time_tracking_off" });
  });
});
