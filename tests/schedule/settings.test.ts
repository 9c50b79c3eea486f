// Settings → Schedule: saved with who set it, scoped to the account; bad input changes nothing.
import { afterEach, describe, expect, it } from "vitest";
import { importSchedules } from "@/db/schema";
import { getSchedule, saveSchedule } from "@/lib/schedule/settings";
import { createWorld, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe("saveSchedule", () => {
  it("saves with who set it and when it next runs; bad input gets a clear message and changes nothing", async () => {
    const w = await createWorld();
    worlds.push(w);
    const good = { connectionId: w.connection.id, frequency: "weekly", weekday: "1", timeOfDay: "07:30", timeZone: "America/New_York", window: "last_days", windowDays: "14", approvedOnly: "on" };
    const now = new Date("2026-03-04T12:00:00Z"); // a Wednesday
    expect(await saveSchedule(w.db, w.actor, form(good), now)).toEqual({ ok: true });
    const saved = (await getSchedule(w.db, w.connection.id, now))!;
    expect(saved).toMatchObject({ frequency: "weekly", weekday: 1, timeOfDay: "07:30", timeZone: "America/New_York", approvedOnly: true, setByAdminId: w.actor.adminId });
    // Monday 9 March 2026, 07:30 EDT (DST began on the 8th) = 11:30Z.
    expect(saved.nextRunAt?.toISOString()).toBe("2026-03-09T11:30:00.000Z");

    const bad: [Record<string, string>, string, RegExp][] = [
      [{ timeOfDay: "7pm" }, "timeOfDay", /HH:MM/],
      [{ timeZone: "Mars/Olympus" }, "timeZone", /time zone/],
      [{ windowDays: "400" }, "windowDays", /1 to 90/],
      [{ frequency: "hourly" }, "frequency", /Off, Daily or Weekly/],
      [{ connectionId: crypto.randomUUID() }, "connectionId", /not connected to your account/],
    ];
    for (const [change, field, message] of bad) {
      const result = await saveSchedule(w.db, w.actor, form({ ...good, ...change, frequency: change.frequency ?? "daily" }));
      expect(result).toMatchObject({ ok: false, field, message: expect.stringMatching(message) });
    }
    // Another account's admin cannot set this company's schedule.
    expect(await saveSchedule(w.db, { accountId: crypto.randomUUID(), adminId: w.actor.adminId }, form(good))).toMatchObject({ ok: false, field: "connectionId" });
    const rows = await w.db.select().from(importSchedules);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ frequency: "weekly", timeOfDay: "07:30" });
  });
});
