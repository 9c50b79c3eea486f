// Issue 18 §1: when a Schedule is due, across time zones and DST, with the clock as an argument.
import { describe, expect, it } from "vitest";
import { dueSlot, latestSlot, nextSlot, SLOT_GRACE_MS, windowFor, zonedWallTimeToInstant, type ScheduleTiming } from "@/lib/schedule/due";

const daily = (timeZone: string, timeOfDay = "06:00"): ScheduleTiming => ({ frequency: "daily", timeOfDay, weekday: 1, timeZone });
const at = (iso: string) => new Date(iso);

describe("wall time → instant", () => {
  it.each([
    ["America/New_York", 2026, 1, 15, 6, 0, "2026-01-15T11:00:00.000Z"], // EST
    ["America/New_York", 2026, 7, 15, 6, 0, "2026-07-15T10:00:00.000Z"], // EDT
    ["Europe/Berlin", 2026, 1, 15, 6, 0, "2026-01-15T05:00:00.000Z"],
    ["Asia/Kolkata", 2026, 1, 15, 6, 0, "2026-01-15T00:30:00.000Z"],
    ["Pacific/Auckland", 2026, 1, 15, 6, 0, "2026-01-14T17:00:00.000Z"], // NZDT, the day before in UTC
    ["UTC", 2026, 1, 15, 6, 0, "2026-01-15T06:00:00.000Z"],
    // Spring forward (New York, 8 Mar 2026: 02:00 → 03:00): 02:30 does not exist, runs at 03:30 EDT.
    ["America/New_York", 2026, 3, 8, 2, 30, "2026-03-08T07:30:00.000Z"],
    // Fall back (New York, 1 Nov 2026: 02:00 → 01:00): 01:30 happens twice, the first (EDT) is taken.
    ["America/New_York", 2026, 11, 1, 1, 30, "2026-11-01T05:30:00.000Z"],
    // Berlin's spring forward (29 Mar 2026, 02:00 → 03:00).
    ["Europe/Berlin", 2026, 3, 29, 2, 15, "2026-03-29T01:15:00.000Z"],
  ])("%s %i-%i-%i %i:%i → %s", (zone, y, m, d, h, mi, expected) => {
    expect(zonedWallTimeToInstant(zone, y, m, d, h, mi).toISOString()).toBe(expected);
  });
});

describe("slots", () => {
  it("daily: latest and next around the local time, in the zone, across a DST change", () => {
    const s = daily("America/New_York");
    expect(latestSlot(s, at("2026-03-07T12:00:00Z"))!.toISOString()).toBe("2026-03-07T11:00:00.000Z");
    // The next slot after the spring-forward night is at 06:00 EDT (10:00Z), not 11:00Z.
    expect(nextSlot(s, at("2026-03-07T12:00:00Z"))!.toISOString()).toBe("2026-03-08T10:00:00.000Z");
    expect(nextSlot(s, at("2026-10-31T12:00:00Z"))!.toISOString()).toBe("2026-11-01T11:00:00.000Z");
  });

  it("weekly: only on its weekday, in local terms (Monday in Auckland is Sunday in UTC)", () => {
    const s: ScheduleTiming = { frequency: "weekly", timeOfDay: "07:00", weekday: 1, timeZone: "Pacific/Auckland" };
    // Monday 2 Mar 2026 07:00 NZDT = Sunday 1 Mar 18:00Z.
    expect(nextSlot(s, at("2026-02-25T00:00:00Z"))!.toISOString()).toBe("2026-03-01T18:00:00.000Z");
    expect(latestSlot(s, at("2026-03-01T17:59:00Z"))!.toISOString()).toBe("2026-02-22T18:00:00.000Z");
  });

  it("Off, a bad time or a bad zone never runs", () => {
    expect(latestSlot({ ...daily("UTC"), frequency: "off" }, at("2026-01-01T12:00:00Z"))).toBeNull();
    expect(latestSlot(daily("UTC", "25:00"), at("2026-01-01T12:00:00Z"))).toBeNull();
    expect(latestSlot(daily("Mars/Olympus"), at("2026-01-01T12:00:00Z"))).toBeNull();
  });
});

describe("dueSlot with a controllable clock", () => {
  const s = { ...daily("Europe/Berlin"), lastSlotAt: null as Date | null, updatedAt: at("2026-01-01T00:00:00Z") };
  it("is due once the local time passes, then not again once claimed", () => {
    expect(dueSlot(s, at("2026-01-10T04:59:00Z"))).toBeNull(); // the 9th was missed by far more than the grace
    expect(dueSlot(s, at("2026-01-09T06:00:00Z"))?.toISOString()).toBe("2026-01-09T05:00:00.000Z");
    const slot = dueSlot(s, at("2026-01-10T05:00:30Z"))!;
    expect(slot.toISOString()).toBe("2026-01-10T05:00:00.000Z");
    expect(dueSlot({ ...s, lastSlotAt: slot }, at("2026-01-10T05:10:00Z"))).toBeNull();
    expect(dueSlot({ ...s, lastSlotAt: slot }, at("2026-01-11T05:00:00Z"))?.toISOString()).toBe("2026-01-11T05:00:00.000Z");
  });
  it("does not run a slot from before the schedule was saved, nor one missed beyond the grace", () => {
    expect(dueSlot({ ...s, updatedAt: at("2026-01-10T05:30:00Z") }, at("2026-01-10T06:00:00Z"))).toBeNull();
    expect(dueSlot(s, new Date(Date.parse("2026-01-10T05:00:00Z") + SLOT_GRACE_MS + 1))).toBeNull();
  });
});

describe("windows", () => {
  it("last N days ends on the run's local day", () => {
    // 23:30 on 31 Jan in Los Angeles is already 1 Feb in UTC.
    expect(windowFor({ window: "last_days", windowDays: 14, timeZone: "America/Los_Angeles" }, at("2026-02-01T07:30:00Z"))).toEqual({ dateFrom: "2026-01-18", dateTo: "2026-01-31" });
    expect(windowFor({ window: "last_days", windowDays: 1, timeZone: "UTC" }, at("2026-02-01T07:30:00Z"))).toEqual({ dateFrom: "2026-02-01", dateTo: "2026-02-01" });
  });
  it("this and last month, across a year end", () => {
    expect(windowFor({ window: "this_and_last_month", windowDays: 14, timeZone: "UTC" }, at("2026-01-05T06:00:00Z"))).toEqual({ dateFrom: "2025-12-01", dateTo: "2026-01-05" });
    expect(windowFor({ window: "this_and_last_month", windowDays: 14, timeZone: "UTC" }, at("2026-03-31T06:00:00Z"))).toEqual({ dateFrom: "2026-02-01", dateTo: "2026-03-31" });
  });
});
