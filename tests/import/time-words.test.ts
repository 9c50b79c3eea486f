// What the Preview says about a Time settings change, and how the diff counts it (issue 19 §3).
import { describe, expect, it } from "vitest";
import { diffImport, replacedByTimeSettings } from "@/lib/import/diff";
import { keyLayout } from "@/lib/import/plan/keys";
import { settingsLayout } from "@/lib/import/plan/time-settings";
import { replacementText, roundingWords, trackedAndRoundedText } from "@/lib/import/time-words";
import type { ActivitySources, LedgerEntry, WrittenActivity } from "@/lib/import/types";

const written = (txnDate: string, minutes: number): WrittenActivity => ({
  txnDate,
  employeeRef: "qbo:55",
  customerRef: "qbo:21",
  itemRef: "qbo:8",
  billableStatus: "Billable",
  hourlyRate: 120,
  hours: Math.floor(minutes / 60),
  minutes: minutes % 60,
  description: null,
});
const sources = (records: string[]): ActivitySources => ({ userIds: [1], projectIds: [10], leaveTypeIds: [], taskIds: [1000], typeOfWorkIds: [100], recordCount: records.length, records });
const row = (key: string, txnDate: string, minutes: number, qboId: string): LedgerEntry => ({ key, qboId, syncToken: "0", txnDate, written: written(txnDate, minutes), sources: sources([`tt|1|${txnDate}|1000`]) });
const SCOPE = { dateFrom: "2026-03-02", dateTo: "2026-03-08", userIds: null, projectIds: null, leaveTypeIds: null };

describe("key layouts", () => {
  it.each([
    ["c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00", "c"],
    ["w|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00|ru15", "w|ru15"],
    ["s|tt|1|2026-03-02|1000|rn6#2", "s|rn6"],
    ["s|lv|1|2026-03-02|7", "s"],
  ])("%s → %s", (key, layout) => expect(keyLayout(key)).toBe(layout));

  it("of settings: auto resolves like the planner", () => {
    expect(settingsLayout({ importTaskNames: false, importComments: false })).toBe("c");
    expect(settingsLayout({ importTaskNames: false, importComments: true })).toBe("s");
    expect(settingsLayout({ importTaskNames: true, importComments: false, combine: "week", rounding: "nearest", roundingMinutes: 30 })).toBe("w|rn30");
  });
});

describe("replacedByTimeSettings", () => {
  it("counts deletes of rows under other settings as replaced and billed ones as kept, not deletes under the same settings", () => {
    const old1 = row("c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00", "2026-03-02", 60, "1");
    const old2 = row("c|qbo:55|2026-03-03|qbo:21|qbo:8|B|120.00", "2026-03-03", 30, "2");
    const billed = row("c|qbo:55|2026-03-04|qbo:21|qbo:8|B|120.00", "2026-03-04", 45, "3");
    const sameLayoutGone = row("w|qbo:56|2026-03-02|qbo:21|qbo:8|B|120.00|ru15", "2026-03-02", 15, "4");
    const desired = { key: "w|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00|ru15", ...written("2026-03-02", 90), sources: sources(["tt|1|2026-03-02|1000", "tt|1|2026-03-03|1000"]) };
    const qboState = new Map([["3", { qboId: "3", syncToken: "0", hasBeenBilled: true, hours: 0, minutes: 45 }]]);
    const diff = diffImport({ desired: [desired], ledger: [old1, old2, billed, sameLayoutGone], scope: SCOPE, qboState });
    expect(diff.totals.counts).toMatchObject({ create: 1, delete: 3 });
    expect(replacedByTimeSettings(diff.operations, "w|ru15")).toEqual({ replaced: 2, billed: 1 });
    // Under the old settings nothing is "replaced because the settings changed".
    expect(replacedByTimeSettings(diff.operations, "c")).toEqual({ replaced: 1, billed: 0 });
  });
});

describe("Preview wording", () => {
  const time = { combine: "week" as const, rounding: { mode: "up" as const, minutes: 15 as const }, trackedHours: 12.25, replaced: 0, billedKept: 0 };

  it("says how many activities are replaced because the Time settings changed, and which billed ones stay", () => {
    expect(replacementText(time)).toBeNull();
    expect(replacementText({ ...time, replaced: 1 })).toBe("1 activity will be replaced because the Time settings changed: each is deleted in QuickBooks and its time written again as the current settings combine and round it.");
    expect(replacementText({ ...time, replaced: 1200, billedKept: 2 })).toBe(
      "1,200 activities will be replaced because the Time settings changed: each is deleted in QuickBooks and its time written again as the current settings combine and round it. 2 billed activities were written under other Time settings and are left alone; their records stay with them.",
    );
  });

  it("shows tracked and rounded hours only when rounding is on", () => {
    const h = (n: number) => `${n} h`;
    expect(trackedAndRoundedText(time, 13, h)).toBe("Tracked 12.25 h, written 13 h (rounded up to 15 minutes, each activity after combining).");
    expect(trackedAndRoundedText({ ...time, rounding: { mode: "none", minutes: 15 } }, 13, h)).toBeNull();
    expect(trackedAndRoundedText(undefined, 13, h)).toBeNull();
    expect(roundingWords({ mode: "nearest", minutes: 6 })).toBe("rounded to the nearest 6 minutes");
  });
});
