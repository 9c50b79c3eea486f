// The periods of a dated rule in words (issue 19 §2), and the pure period helpers behind Apply from.
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { periodLabel, RulePeriods } from "@/app/(app)/settings/rule-periods";
import { nameLookupFromDirectory } from "@/lib/mapping/history";
import { isCalendarDate, periodOn, periodsAfterApply, periodsOverlapping, type RulePeriod, type StoredRule } from "@/lib/mapping/rules";

const linkTo = (id: string, name: string): StoredRule => ({ kind: "link", targetQboId: id, targetName: name, createOptions: null });
const periods: RulePeriod[] = [
  { validFrom: null, rule: linkTo("22", "Acme:Web") },
  { validFrom: "2026-11-15", rule: linkTo("23", "Globex") },
  { validFrom: "2026-12-01", rule: { kind: "skip", targetQboId: null, targetName: null, createOptions: null } },
];

describe("periodLabel / RulePeriods", () => {
  it("names each period by its dates", () => {
    expect(periods.map((_, i) => periodLabel(periods, i))).toEqual(["Until 2026-11-14", "2026-11-15 to 2026-11-30", "From 2026-12-01"]);
    expect(periodLabel([{ validFrom: null, rule: linkTo("22", "Acme:Web") }], 0)).toBe("All dates");
    expect(periodLabel([{ validFrom: null, rule: linkTo("1", "A") }, { validFrom: "2026-03-01", rule: linkTo("2", "B") }], 0)).toBe("Until 2026-02-28");
  });

  it("renders every period with its rule in words, as an ordered list", () => {
    const html = renderToStaticMarkup(createElement(RulePeriods, { category: "project", periods, lookup: nameLookupFromDirectory(null) }));
    expect(html).toContain("<ol");
    expect(html).toContain("Until 2026-11-14");
    expect(html).toContain("Acme:Web");
    expect(html).toContain("Globex");
    expect(html).toContain("Do not import");
  });
});

describe("period helpers", () => {
  it("isCalendarDate accepts real dates only", () => {
    expect(["2026-11-15", "2024-02-29"].map(isCalendarDate)).toEqual([true, true]);
    expect(["2026-02-29", "2026-13-01", "2026-1-5", "15/11/2026", "", "2026-11-15T00:00"].map(isCalendarDate)).toEqual([false, false, false, false, false, false]);
  });

  it("periodOn: the greatest start on or before the date", () => {
    expect(periodOn(periods, "2026-11-14")?.rule.targetQboId).toBe("22");
    expect(periodOn(periods, "2026-11-15")?.rule.targetQboId).toBe("23");
    expect(periodOn(periods, "2026-11-16")?.rule.targetQboId).toBe("23");
    expect(periodOn(periods, "2027-01-01")?.rule.kind).toBe("skip");
    expect(periodOn(periods.slice(1), "2026-11-14")).toBeUndefined();
  });

  it("periodsOverlapping: the periods in force on some day of the range", () => {
    const starts = (from: string, to: string) => periodsOverlapping(periods, from, to).map((p) => p.validFrom);
    expect(starts("2026-11-01", "2026-11-30")).toEqual([null, "2026-11-15"]);
    expect(starts("2026-11-15", "2026-11-30")).toEqual(["2026-11-15"]);
    expect(starts("2026-11-01", "2026-11-14")).toEqual([null]);
    expect(starts("2026-11-30", "2026-12-01")).toEqual(["2026-11-15", "2026-12-01"]);
  });

  it("periodsAfterApply: all dates replaces everything; a date replaces the periods from it on", () => {
    const rule = linkTo("21", "Acme");
    expect(periodsAfterApply(periods, rule, null)).toEqual([{ validFrom: null, rule }]);
    expect(periodsAfterApply(periods, rule, "2026-11-20").map((p) => [p.validFrom, p.rule.targetQboId])).toEqual([
      [null, "22"],
      ["2026-11-15", "23"],
      ["2026-11-20", "21"],
    ]);
    expect(periodsAfterApply(periods, rule, "2026-11-15").map((p) => p.validFrom)).toEqual([null, "2026-11-15"]);
    // The rule in force the day before continues: no new period.
    expect(periodsAfterApply(periods, linkTo("23", "Globex"), "2026-11-20").map((p) => p.validFrom)).toEqual([null, "2026-11-15"]);
  });
});
