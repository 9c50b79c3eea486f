// Time settings (issue 19 §3): every combining × rounding pair, week boundaries, joined descriptions.
import { describe, expect, it } from "vitest";
import { mondayOf, newRef, planImport, qboRef, resolveNewRefs, roundMinutes, wholeWeeks, type PlanInput } from "@/lib/import/plan";
import { keyLayout } from "@/lib/import/plan/keys";
import { lineageOf } from "@/lib/import/plan/lineage";
import type { CombineMode, ResolvedTargets, RoundingIncrement, RoundingMode, Target, TimeSettings, TimeTrackRecord } from "@/lib/import/types";

const link = (id: string, name: string): Target => ({ kind: "qbo", ref: qboRef(id), name });
const ANN = 1;
const DESIGN = 1000; // Website (Acme), Design: billable at 120
const MOBILE = 1001; // Mobile (also Acme), Design: same activity as DESIGN when combined
const FRESH = 1002; // a project a create rule makes

function targets(): ResolvedTargets {
  return {
    users: new Map([[ANN, link("55", "Ann Lee")]]),
    projects: new Map<number, Target>([
      [10, link("21", "Acme")],
      [11, link("21", "Acme")],
      [12, { kind: "qbo", ref: newRef("project", 12), name: "Fresh" }],
    ]),
    typesOfWork: new Map([[100, link("8", "Design")]]),
    leaveTypes: new Map(),
  };
}

function input(timeTrack: TimeTrackRecord[], description: TimeSettings): PlanInput {
  return {
    timeTrack,
    leave: [],
    tasks: [
      { id: DESIGN, name: "Design review", projectId: 10, customerId: 1, typeOfWorkId: 100 },
      { id: MOBILE, name: "Mobile design", projectId: 11, customerId: 1, typeOfWorkId: 100 },
      { id: FRESH, name: "Fresh work", projectId: 12, customerId: 1, typeOfWorkId: 100 },
    ],
    projects: [
      { id: 10, name: "Website", customerId: 1 },
      { id: 11, name: "Mobile", customerId: 1 },
      { id: 12, name: "Fresh", customerId: 1 },
    ],
    typesOfWork: [{ id: 100, name: "Design", billable: true, rate: 120 }],
    leaveTypes: [],
    users: [{ id: ANN, fullName: "Ann Lee" }],
    targets: targets(),
    description,
  };
}

const tt = (date: string, taskId: number, minutes: number, comment: string | null = null): TimeTrackRecord => ({ userId: ANN, date, taskId, minutes, comment });

// Two weeks of Ann's time: Monday holds two tasks of one customer and item (one activity when combined),
// Sunday closes the first week, the next Monday opens the second.
const RECORDS = [tt("2026-03-02", DESIGN, 7), tt("2026-03-02", MOBILE, 13), tt("2026-03-04", DESIGN, 20), tt("2026-03-08", DESIGN, 5), tt("2026-03-09", DESIGN, 44)];

/** Tracked minutes per activity (txnDate → minutes) for each combining, written out by hand. */
const GROUPS: Record<CombineMode, [string, number][]> = {
  auto: [["2026-03-02", 20], ["2026-03-04", 20], ["2026-03-08", 5], ["2026-03-09", 44]],
  day: [["2026-03-02", 20], ["2026-03-04", 20], ["2026-03-08", 5], ["2026-03-09", 44]],
  week: [["2026-03-02", 45], ["2026-03-09", 44]],
  record: [["2026-03-02", 7], ["2026-03-02", 13], ["2026-03-04", 20], ["2026-03-08", 5], ["2026-03-09", 44]],
};

/** Rounded minutes of every tracked total above, by hand (ties to nearest go up). */
const ROUNDED: Record<string, Record<number, number>> = {
  "none:15": { 5: 5, 7: 7, 13: 13, 20: 20, 44: 44, 45: 45 },
  "up:6": { 5: 6, 7: 12, 13: 18, 20: 24, 44: 48, 45: 48 },
  "up:15": { 5: 15, 7: 15, 13: 15, 20: 30, 44: 45, 45: 45 },
  "up:30": { 5: 30, 7: 30, 13: 30, 20: 30, 44: 60, 45: 60 },
  "nearest:6": { 5: 6, 7: 6, 13: 12, 20: 18, 44: 42, 45: 48 },
  "nearest:15": { 5: 0, 7: 0, 13: 15, 20: 15, 44: 45, 45: 45 },
  "nearest:30": { 5: 0, 7: 0, 13: 0, 20: 30, 44: 30, 45: 60 },
};

const COMBINES: CombineMode[] = ["auto", "record", "day", "week"];
const ROUNDINGS: [RoundingMode, RoundingIncrement][] = [["none", 15], ["up", 6], ["up", 15], ["up", 30], ["nearest", 6], ["nearest", 15], ["nearest", 30]];
const PAIRS = COMBINES.flatMap((combine) => ROUNDINGS.map(([rounding, minutes]) => ({ combine, rounding, minutes })));

describe("planImport — every combining × rounding pair", () => {
  it.each(PAIRS)("combine $combine, rounding $rounding to $minutes minutes", ({ combine, rounding, minutes }) => {
    const plan = planImport(input(RECORDS, { importTaskNames: false, importComments: false, combine, rounding, roundingMinutes: minutes }));
    const table = ROUNDED[`${rounding}:${minutes}`]!;
    const expected = GROUPS[combine].map(([date, tracked]) => ({ date, tracked, written: table[tracked]! }));
    const kept = expected.filter((e) => e.written > 0);
    expect(plan.activities.map((a) => [a.txnDate, a.hours * 60 + a.minutes])).toEqual(kept.map((e) => [e.date, e.written]));
    expect(plan.totals.minutes).toBe(kept.reduce((s, e) => s + e.written, 0));
    expect(plan.totals.trackedMinutes).toBe(kept.reduce((s, e) => s + e.tracked, 0));
    // Activities that round to nothing are reported, with their tracked minutes, never written.
    const dropped = expected.filter((e) => e.written === 0);
    expect(plan.counts.skipped.rounded_to_zero?.minutes ?? 0).toBe(dropped.reduce((s, e) => s + e.tracked, 0));
    // The tracked minutes ride along only when rounding is on.
    for (const [i, a] of plan.activities.entries()) expect(a.sources.trackedMinutes).toBe(rounding === "none" ? undefined : kept[i]!.tracked);
    // The key says how it was made: combining letter first, rounding tag last.
    const letter = { auto: "c", day: "c", week: "w", record: "s" }[combine];
    const tag = rounding === "none" ? "" : `|r${rounding === "up" ? "u" : "n"}${minutes}`;
    for (const a of plan.activities) {
      expect(keyLayout(a.key)).toBe(letter + tag);
      expect(a.key.endsWith(tag)).toBe(true);
    }
    expect(plan.combine).toBe(combine === "auto" ? "day" : combine);
  });

  it("keeps today's keys exactly when the settings are left at auto and no rounding", () => {
    const combined = planImport(input(RECORDS.slice(0, 2), { importTaskNames: false, importComments: false }));
    expect(combined.activities.map((a) => a.key)).toEqual(["c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00"]);
    const separate = planImport(input(RECORDS.slice(0, 1), { importTaskNames: true, importComments: false }));
    expect(separate.activities.map((a) => [a.key, a.description])).toEqual([["s|tt|1|2026-03-02|1000", "Design review"]]);
    expect(separate.combine).toBe("record");
  });

  it("per record with descriptions off writes one activity per record and no description", () => {
    const plan = planImport(input(RECORDS.slice(0, 2), { importTaskNames: false, importComments: false, combine: "record" }));
    expect(plan.activities.map((a) => [a.key, a.description])).toEqual([
      ["s|tt|1|2026-03-02|1000", null],
      ["s|tt|1|2026-03-02|1001", null],
    ]);
  });

  it("rounds each activity after combining, not each record", () => {
    const plan = planImport(input([tt("2026-03-02", DESIGN, 4), tt("2026-03-02", MOBILE, 4)], { importTaskNames: false, importComments: false, combine: "day", rounding: "up", roundingMinutes: 15 }));
    // Per record this would be 15 + 15; combined it is 8 → 15.
    expect(plan.activities.map((a) => a.hours * 60 + a.minutes)).toEqual([15]);
  });
});

describe("weeks run Monday to Sunday, dated on the Monday", () => {
  const weekly: TimeSettings = { importTaskNames: false, importComments: false, combine: "week" };

  it.each([
    ["a Sunday belongs to the week before", "2026-03-08", "2026-03-02"],
    ["a Monday is its own week's date", "2026-03-09", "2026-03-09"],
    ["a week spanning two months", "2026-04-02", "2026-03-30"],
    ["a week spanning two years", "2026-01-01", "2025-12-29"],
    ["a leap day", "2024-02-29", "2024-02-26"],
  ])("%s (%s → %s)", (_, date, monday) => {
    expect(mondayOf(date)).toBe(monday);
  });

  it("combines the last days of December with the first of January into one activity on the Monday before", () => {
    const plan = planImport(input([tt("2025-12-31", DESIGN, 30), tt("2026-01-01", DESIGN, 45), tt("2026-01-04", MOBILE, 15), tt("2026-01-05", DESIGN, 60)], weekly));
    expect(plan.activities.map((a) => [a.key, a.txnDate, a.hours, a.minutes, a.sources.records])).toEqual([
      ["w|qbo:55|2025-12-29|qbo:21|qbo:8|B|120.00", "2025-12-29", 1, 30, ["tt|1|2025-12-31|1000", "tt|1|2026-01-01|1000", "tt|1|2026-01-04|1001"]],
      ["w|qbo:55|2026-01-05|qbo:21|qbo:8|B|120.00", "2026-01-05", 1, 0, ["tt|1|2026-01-05|1000"]],
    ]);
  });

  it("combines across a month end (Monday 30 March to Sunday 5 April)", () => {
    const plan = planImport(input([tt("2026-03-30", DESIGN, 10), tt("2026-04-05", DESIGN, 10)], weekly));
    expect(plan.activities.map((a) => [a.txnDate, a.minutes])).toEqual([["2026-03-30", 20]]);
  });

  it("grows a range to whole weeks", () => {
    expect(wholeWeeks({ dateFrom: "2026-01-01", dateTo: "2026-01-31" })).toEqual({ dateFrom: "2025-12-29", dateTo: "2026-02-01" });
    expect(wholeWeeks({ dateFrom: "2026-03-02", dateTo: "2026-03-08" })).toEqual({ dateFrom: "2026-03-02", dateTo: "2026-03-08" });
  });

  it("re-keys a weekly, rounded activity's new refs and keeps its date and rounding tag", () => {
    const plan = planImport(input([tt("2026-03-03", FRESH, 10)], { ...weekly, rounding: "up", roundingMinutes: 6 }));
    const [activity] = plan.activities;
    expect(activity!.key).toBe("w|qbo:55|2026-03-02|new:project:12|qbo:8|B|120.00|ru6");
    const resolved = resolveNewRefs({ ...activity!, key: `${activity!.key}#2` }, new Map([["new:project:12", "77"]]));
    expect(resolved.key).toBe("w|qbo:55|2026-03-02|qbo:77|qbo:8|B|120.00|ru6#2");
  });

  it("derives the lineage of a rounded per-record key written without recorded lineage", () => {
    expect(lineageOf({ key: "s|tt|1|2026-03-02|1000|rn15", txnDate: "2026-03-02", sources: { userIds: [1], projectIds: [10], leaveTypeIds: [], taskIds: [1000], typeOfWorkIds: [100], recordCount: 1 } })).toEqual(["tt|1|2026-03-02|1000"]);
  });
});

describe("descriptions of combined activities", () => {
  const records = [tt("2026-03-04", DESIGN, 10, "second day"), tt("2026-03-02", MOBILE, 10, " fixed nav "), tt("2026-03-02", DESIGN, 10, null), tt("2026-03-03", DESIGN, 10, "second day")];

  it.each<[string, TimeSettings, string | null]>([
    ["names per day", { importTaskNames: true, importComments: false, combine: "day" }, "Design review\nMobile design"],
    ["names and comments per day", { importTaskNames: true, importComments: true, combine: "day" }, "Design review\nMobile design — fixed nav"],
    ["names per week (each task once, by first date)", { importTaskNames: true, importComments: false, combine: "week" }, "Design review\nMobile design"],
    ["comments per week (each comment once, by first date)", { importTaskNames: false, importComments: true, combine: "week" }, "fixed nav\nsecond day"],
    ["both off per week", { importTaskNames: false, importComments: false, combine: "week" }, null],
  ])("%s", (_, settings, description) => {
    const plan = planImport(input(records, settings));
    const first = plan.activities[0]!;
    expect(first.description).toBe(description);
    // The order of the records actiTIME returned does not change the text.
    expect(planImport(input([...records].reverse(), settings)).activities[0]!.description).toBe(description);
  });

  it("cuts a joined description at 4,000 characters and marks the cut", () => {
    const long = Array.from({ length: 60 }, (_, i) => tt("2026-03-02", i % 2 ? MOBILE : DESIGN, 1, `${String(i).padStart(2, "0")} ${"x".repeat(97)}`));
    const plan = planImport(input(long, { importTaskNames: false, importComments: true, combine: "day" }));
    const text = plan.activities[0]!.description!;
    expect(text).toHaveLength(4000);
    expect(text.endsWith("…")).toBe(true);
    expect(text.startsWith(`00 ${"x".repeat(97)}\n01 `)).toBe(true);
    // 3,999 characters and fewer are left whole.
    const short = planImport(input(long.slice(0, 39), { importTaskNames: false, importComments: true, combine: "day" })).activities[0]!.description!;
    expect(short).toHaveLength(39 * 100 + 38);
    expect(short.endsWith("x")).toBe(true);
  });
});

describe("roundMinutes", () => {
  it.each([
    [0, "up", 15, 0],
    [60, "nearest", 30, 60],
    [61, "up", 30, 90],
    [74, "nearest", 15, 75],
    [67, "nearest", 15, 60],
    [68, "nearest", 15, 75],
  ] as const)("%i minutes %s to %i → %i", (total, mode, step, expected) => {
    expect(roundMinutes(total, { mode, minutes: step })).toBe(expected);
  });
});

describe("billed activities under rounding", () => {
  it("tallies what this import would write for a billed activity's records rounded too, so an unchanged billed activity shows no difference", () => {
    const key = "c|qbo:55|2026-03-02|qbo:21|qbo:8|B|120.00|ru15";
    const billed = { records: new Map([["tt|1|2026-03-02|1000", key], ["tt|1|2026-03-02|1001", key]]), keys: new Set([key]) };
    const plan = planImport({ ...input(RECORDS.slice(0, 2), { importTaskNames: false, importComments: false, combine: "day", rounding: "up", roundingMinutes: 15 }), billed });
    expect(plan.activities).toEqual([]);
    // 7 + 13 = 20 tracked minutes → 30 written, at 120 an hour: 60.00.
    expect(plan.frozen).toEqual([{ ledgerKey: key, records: 2, minutes: 30, amountCents: 6000, targets: ["qbo:55|qbo:21|qbo:8|B|120.00"] }]);
    expect(plan.counts.frozen).toEqual({ records: 2, minutes: 30 });
  });
});
