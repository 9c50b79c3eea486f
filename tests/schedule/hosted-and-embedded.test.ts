// Issue 18 §1: the hosted cron (`scheduled-imports`, with @inngest/test) fans out one event per due
// company with an id made of company and slot; the per-company function runs the slot once; the
// embedded scheduler does the same with a controllable clock.
import { afterEach, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { imports, importSchedules } from "@/db/schema";
import { createScheduledImportRunFunction, createScheduledImportsFunction } from "@/inngest/functions/scheduled-imports";
import { functions } from "@/inngest/functions";
import { qboClientFor } from "@/lib/qbo/connect";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { schedulerTick } from "@/lib/schedule/in-process";
import type { ScheduledRunDeps } from "@/lib/schedule/run";
import { createWorld, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

const SLOT = new Date("2025-04-30T06:00:00Z");

async function scheduledWorld() {
  const w = await createWorld();
  worlds.push(w);
  await w.run((await w.preview({ dateFrom: "2025-04-17", dateTo: "2025-04-30" })).importId);
  // 08:00 in Berlin (CEST, UTC+2) is 06:00Z.
  await w.db.insert(importSchedules).values({ connectionId: w.connection.id, frequency: "daily", timeOfDay: "08:00", timeZone: "Europe/Berlin", setByAdminId: w.actor.adminId, updatedAt: new Date("2025-04-01T00:00:00Z") });
  const requested: string[] = [];
  const runDeps = (db: typeof w.db): ScheduledRunDeps => ({
    db,
    qboFor: (c) => qboClientFor(db, c),
    actitimeFor: (a, m) => actitimeClientForAdmin(db, a, m),
    requestRun: async ({ importId }) => {
      requested.push(importId);
    },
    waitMs: 0,
  });
  return { w, requested, runDeps };
}

describe("scheduled-imports (Inngest)", () => {
  it("is registered, fans out one event per due company with a slot id, and a repeated tick sends the same id", async () => {
    expect(functions.map((f) => f.id())).toEqual(expect.arrayContaining(["scheduled-imports", "scheduled-import-run"]));
    const { w } = await scheduledWorld();
    const cron = createScheduledImportsFunction({ getDb: async () => w.db, now: () => new Date(SLOT.getTime() + 2 * 60_000) });
    const timer = { name: "inngest/scheduled.timer", data: { cron: "*/5 * * * *" } } as never;
    // The fan-out step is answered here (nothing leaves the process); its arguments are what Inngest would get.
    const steps = [{ id: "fan out due companies", handler: () => ({ ids: ["x"] }) }];
    const first = await new InngestTestEngine({ function: cron, steps }).execute({ events: [timer] });
    expect(first.result).toEqual({ due: 1 });
    const sent = first.ctx.step.sendEvent.mock.calls[0]![1] as { id: string; name: string; data: unknown }[];
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ name: "import/scheduled.due", id: `scheduled-import:${w.connection.id}:${SLOT.toISOString()}`, data: { connectionId: w.connection.id, slotAt: SLOT.toISOString() } });
    const again = await new InngestTestEngine({ function: cron, steps }).execute({ events: [timer] });
    expect((again.ctx.step.sendEvent.mock.calls[0]![1] as { id: string }[])[0]!.id).toBe(sent[0]!.id);
    // Before 08:00 Berlin time nothing is due.
    const early = await new InngestTestEngine({ function: createScheduledImportsFunction({ getDb: async () => w.db, now: () => new Date(SLOT.getTime() - 60_000) }) }).execute({ events: [timer] });
    expect(early.result).toEqual({ due: 0 });
  });

  it("the per-company function runs the slot once, even when the event comes twice", async () => {
    const { w, requested, runDeps } = await scheduledWorld();
    const fn = createScheduledImportRunFunction({ getDb: async () => w.db, runDeps });
    const event = { name: "import/scheduled.due", data: { connectionId: w.connection.id, slotAt: SLOT.toISOString() } } as never;
    expect((await new InngestTestEngine({ function: fn }).execute({ events: [event] })).result).toEqual({ outcome: "started" });
    expect((await new InngestTestEngine({ function: fn }).execute({ events: [event] })).result).toEqual({ outcome: "not_due" });
    expect(requested).toHaveLength(1);
    expect((await w.db.select().from(imports).where(eq(imports.connectionId, w.connection.id))).length).toBe(2);
  });
});

describe("embedded scheduler", () => {
  it("runs a due slot once with a controllable clock", async () => {
    const { w, requested, runDeps } = await scheduledWorld();
    let now = new Date(SLOT.getTime() - 60_000);
    const deps = { ...runDeps(w.db), now: () => now };
    expect(await schedulerTick(deps)).toEqual([]);
    now = new Date(SLOT.getTime() + 30_000);
    expect((await schedulerTick(deps)).map((r) => r.outcome)).toEqual(["started"]);
    now = new Date(SLOT.getTime() + 90_000);
    expect(await schedulerTick(deps)).toEqual([]);
    expect(requested).toHaveLength(1);
  });
});
