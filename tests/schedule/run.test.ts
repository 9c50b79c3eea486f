// Issue 18 §1: a scheduled run end to end against the emulators — an ordinary import over the window
// with saved rules only; an entity without a rule is listed as Needs mapping; a running import makes
// it skip with a row saying why; a blocking check stops it; a slot runs once.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { imports, importSchedules, mappingRules, qboConnections, scheduledRuns } from "@/db/schema";
import { qboClientFor } from "@/lib/qbo/connect";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { dueSchedules, runScheduledImport, type ScheduledRunDeps } from "@/lib/schedule/run";
import { startImport } from "@/lib/import/lifecycle";
import { createWorld, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

// The emulator has time up to the end of April.
const SLOT = new Date("2025-04-30T06:00:00Z");
const WINDOW = { dateFrom: "2025-04-17", dateTo: "2025-04-30" };

async function scheduled(w: World) {
  await w.db.insert(importSchedules).values({ connectionId: w.connection.id, frequency: "daily", timeOfDay: "06:00", timeZone: "UTC", window: "last_days", windowDays: 14, setByAdminId: w.actor.adminId, updatedAt: new Date("2025-04-01T00:00:00Z") });
  const requested: string[] = [];
  const deps: ScheduledRunDeps = {
    db: w.db,
    qboFor: (c) => qboClientFor(w.db, c),
    actitimeFor: (accountId, adminId) => actitimeClientForAdmin(w.db, accountId, adminId),
    requestRun: async ({ importId }) => {
      requested.push(importId);
    },
    now: () => new Date(SLOT.getTime() + 60_000),
    waitMs: 0,
    pollMs: 1,
  };
  return { deps, requested };
}

describe("a scheduled run", () => {
  it("imports the window with saved rules, lists the entity without a rule as Needs mapping, and runs its slot once", async () => {
    const w = await createWorld();
    worlds.push(w);
    // Rules exist from an earlier manual import of the same window.
    await w.run((await w.preview(WINDOW)).importId);
    const [ruleless] = await w.db.select().from(mappingRules).where(and(eq(mappingRules.connectionId, w.connection.id), eq(mappingRules.category, "user")));
    await w.db.delete(mappingRules).where(eq(mappingRules.id, ruleless!.id));
    const record = w.actitime.listTimeTrack().find((r) => r.date >= WINDOW.dateFrom && r.date <= WINDOW.dateTo && r.userId !== ruleless!.sourceId)!;
    w.actitime.upsertTimeTrack({ ...record, timeMinutes: record.timeMinutes + 15 });

    const { deps, requested } = await scheduled(w);
    expect(await dueSchedules(w.db, deps.now!())).toEqual([{ connectionId: w.connection.id, slotAt: SLOT }]);
    const result = await runScheduledImport(deps, w.connection.id, SLOT);
    expect(result.outcome).toBe("started");
    if (result.outcome !== "started") return;
    expect(result.needsMapping).toEqual([expect.objectContaining({ category: "user", sourceId: ruleless!.sourceId })]);
    expect(requested).toEqual([result.importId]);
    const imp = await w.importRow(result.importId);
    expect(imp).toMatchObject({ status: "running", dateFrom: WINDOW.dateFrom, dateTo: WINDOW.dateTo, createdByAdminId: w.actor.adminId });
    const end = await w.runToEnd(result.importId);
    expect(end.status).toBe("completed");
    expect(await w.importRow(result.importId)).toMatchObject({ updatedCount: 1, deletedCount: 0, createdCount: 0 }); // the unmapped user's earlier time stays
    const [row] = await w.db.select().from(scheduledRuns).where(eq(scheduledRuns.connectionId, w.connection.id));
    expect(row).toMatchObject({ outcome: "started", importId: result.importId, setByAdminId: w.actor.adminId });
    expect(row!.needsMapping).toHaveLength(1);
    // The same slot again (a repeated tick, a second process) starts nothing, and it is no longer due.
    expect(await runScheduledImport(deps, w.connection.id, SLOT)).toEqual({ outcome: "not_due" });
    expect(await dueSchedules(w.db, deps.now!())).toEqual([]);
    expect((await w.db.select().from(imports).where(eq(imports.connectionId, w.connection.id))).length).toBe(2);
  });

  it("meets a running import: waits (bounded), then is skipped with a row saying why; nothing else starts", async () => {
    const w = await createWorld();
    worlds.push(w);
    const manual = await w.preview(WINDOW);
    await startImport(w.db, w.actor, manual.importId);
    const { deps, requested } = await scheduled(w);
    let polls = 0;
    let clock = SLOT.getTime() + 60_000;
    const result = await runScheduledImport({ ...deps, waitMs: 50, now: () => new Date((clock += 10) && (polls++, clock)) }, w.connection.id, SLOT);
    expect(result.outcome).toBe("skipped");
    expect(polls).toBeGreaterThan(2);
    expect(requested).toEqual([]);
    const [row] = await w.db.select().from(scheduledRuns).where(eq(scheduledRuns.connectionId, w.connection.id));
    expect(row).toMatchObject({ outcome: "skipped", importId: null });
    expect(row!.message).toMatch(/Another import was running on this company.*skipped/);
    expect((await w.db.select().from(imports).where(eq(imports.connectionId, w.connection.id))).length).toBe(1);
  });

  it("is stopped by a blocking pre-flight check, leaving no draft behind", async () => {
    const w = await createWorld();
    worlds.push(w);
    await w.run((await w.preview(WINDOW)).importId);
    const record = w.actitime.listTimeTrack().find((r) => r.date >= WINDOW.dateFrom && r.date <= "2025-04-20")!;
    w.actitime.upsertTimeTrack({ ...record, timeMinutes: record.timeMinutes + 15 });
    w.qbo.setBookCloseDate(w.connection.realmId, "2025-04-20");
    const { deps, requested } = await scheduled(w);
    const result = await runScheduledImport(deps, w.connection.id, SLOT);
    expect(result.outcome).toBe("blocked");
    expect(result.outcome === "blocked" && result.message).toMatch(/pre-flight check blocked.*closed through 2025-04-20/);
    expect(requested).toEqual([]);
    expect((await w.db.select().from(imports).where(and(eq(imports.connectionId, w.connection.id), eq(imports.status, "draft")))).length).toBe(0);
  });

  it("does not run for a company that needs reconnecting, and says so", async () => {
    const w = await createWorld();
    worlds.push(w);
    const { deps } = await scheduled(w);
    await w.db.update(qboConnections).set({ status: "needs_reconnect" }).where(eq(qboConnections.id, w.connection.id));
    const result = await runScheduledImport(deps, w.connection.id, SLOT);
    expect(result).toMatchObject({ outcome: "blocked", message: expect.stringMatching(/Reconnect/) });
  });
});
