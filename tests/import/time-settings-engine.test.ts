// Time settings end to end (issue 19 §3): changing combining or rounding replaces exactly the activities
// imported under the old settings; billed ones are left alone and reported.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ledger } from "@/db/schema";
import { qboActivityMatches } from "@/lib/import/qbo-activity";
import type { ActivitySources, TimeSettings, WrittenActivity } from "@/lib/import/types";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
/** March 2025 grown to whole weeks: Monday 24 February to Sunday 6 April. */
const MARCH_WEEKS = { dateFrom: "2025-02-24", dateTo: "2025-04-06" };
const DAY: TimeSettings = { importTaskNames: false, importComments: false };
const WEEK_UP_15: TimeSettings = { importTaskNames: false, importComments: false, combine: "week", rounding: "up", roundingMinutes: 15 };

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});
async function world() {
  const w = await createWorld();
  worlds.push(w);
  return w;
}

async function ledgerRows(w: World) {
  return w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
}

async function expectQboEqualsLedger(w: World) {
  const rows = await ledgerRows(w);
  const activities = w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[];
  const byId = new Map(activities.map((a) => [a.Id, a]));
  for (const row of rows) expect(qboActivityMatches(byId.get(row.qboId)!, row.written as WrittenActivity), row.sourceKey).toBe(true);
  expect(activities.length).toBe(rows.length);
}

const minutesOf = (w: WrittenActivity) => w.hours * 60 + w.minutes;

/** Every record id of the ledger appears once: no hour is in two activities. */
function expectEachRecordOnce(rows: { sources: unknown }[]) {
  const ids = rows.flatMap((r) => (r.sources as ActivitySources).records ?? []);
  expect(new Set(ids).size).toBe(ids.length);
}

// Three full imports of five to six weeks each: slower than one engine test on a shared 2-core machine.
describe("Time settings changes against the emulators", { timeout: 120_000 }, () => {
  it("per day → per week rounded up: the Preview counts the replacements, Start replaces every old activity exactly, a re-run writes nothing", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH, { settings: DAY })).importId);
    const daily = await ledgerRows(w);
    expect(daily.every((r) => r.sourceKey.startsWith("c|"))).toBe(true);

    const { importId, summary } = await w.preview(MARCH, { settings: WEEK_UP_15 });
    // Said before Start: every per-day activity is replaced, the range grows to whole weeks.
    expect(summary.time).toMatchObject({ combine: "week", rounding: { mode: "up", minutes: 15 }, replaced: daily.length, billedKept: 0, range: MARCH_WEEKS });
    expect(summary.counts.delete).toBe(daily.length);
    expect(summary.counts.update).toBe(0);
    expect(summary.counts.create).toBe(summary.activities);
    expect(summary.time!.trackedHours).toBeLessThanOrEqual(summary.hours);

    await w.run(importId);
    await expectQboEqualsLedger(w);
    const weekly = await ledgerRows(w);
    expect(weekly.length).toBe(summary.activities);
    for (const row of weekly) {
      expect(row.sourceKey).toMatch(/^w\|qbo:\d+\|\d{4}-\d{2}-\d{2}\|.*\|ru15$/);
      expect(new Date(`${row.txnDate}T00:00:00Z`).getUTCDay()).toBe(1);
      const written = minutesOf(row.written as WrittenActivity);
      const tracked = (row.sources as ActivitySources).trackedMinutes!;
      expect(written % 15).toBe(0);
      expect(written - tracked).toBeGreaterThanOrEqual(0);
      expect(written - tracked).toBeLessThan(15);
    }
    expectEachRecordOnce(weekly);
    // The tracked hours of March's days are all still there, inside the weeks.
    const dailyRecords = new Set(daily.flatMap((r) => (r.sources as ActivitySources).records ?? []));
    const weeklyRecords = new Set(weekly.flatMap((r) => (r.sources as ActivitySources).records ?? []));
    for (const id of dailyRecords) expect(weeklyRecords.has(id), id).toBe(true);

    const again = await w.preview(MARCH, { settings: WEEK_UP_15 });
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(again.summary.time).toMatchObject({ replaced: 0, billedKept: 0 });
  });

  it("per week → per day: weekly activities reaching past the range are replaced whole (the range grows to their weeks), no hour counted twice", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH, { settings: WEEK_UP_15 })).importId);
    const weekly = await ledgerRows(w);
    const trackedMinutes = weekly.reduce((s, r) => s + (r.sources as ActivitySources).trackedMinutes!, 0);

    const { importId, summary } = await w.preview(MARCH, { settings: DAY });
    expect(summary.time).toMatchObject({ combine: "day", replaced: weekly.length, range: MARCH_WEEKS });
    await w.run(importId);
    await expectQboEqualsLedger(w);
    const daily = await ledgerRows(w);
    expect(daily.every((r) => r.sourceKey.startsWith("c|"))).toBe(true);
    expectEachRecordOnce(daily);
    // Unrounded now: exactly the minutes the weekly activities had tracked.
    expect(daily.reduce((s, r) => s + minutesOf(r.written as WrittenActivity), 0)).toBe(trackedMinutes);
  });

  it("billed activities written under the old settings are left alone and reported; their records are not written again", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH, { settings: DAY })).importId);
    const daily = await ledgerRows(w);
    const billed = daily.slice(0, 2);
    w.qbo.markBilled(SANDBOX_REALM, billed.map((r) => r.qboId));

    const perRecord: TimeSettings = { importTaskNames: true, importComments: false, combine: "record", rounding: "nearest", roundingMinutes: 6 };
    const { importId, summary } = await w.preview(MARCH, { settings: perRecord });
    expect(summary.time).toMatchObject({ combine: "record", replaced: daily.length - 2, billedKept: 2 });
    expect(summary.time!.range).toBeUndefined();
    await w.run(importId);

    for (const row of billed) {
      const ta = w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity;
      expect(ta.BillableStatus).toBe("HasBeenBilled");
      expect(ta.Hours).toBe((row.written as WrittenActivity).hours);
      expect(ta.Minutes).toBe((row.written as WrittenActivity).minutes);
    }
    const after = await ledgerRows(w);
    // Only the billed rows keep the per-day keys; everything else is one rounded activity per record.
    expect(after.filter((r) => r.sourceKey.startsWith("c|")).map((r) => r.qboId).sort()).toEqual(billed.map((r) => r.qboId).sort());
    for (const row of after.filter((r) => !r.sourceKey.startsWith("c|"))) {
      expect(row.sourceKey).toMatch(/^s\|(tt|lv)\|.*\|rn6$/);
      expect(minutesOf(row.written as WrittenActivity) % 6).toBe(0);
    }
    expectEachRecordOnce(after);
    await expectQboEqualsLedger(w);
  });
});
