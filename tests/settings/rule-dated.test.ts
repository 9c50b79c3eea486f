// Settings: "Apply from" a date or all dates (issue 19 §2) — the rule's periods, its history, and
// refusal of a date that is not one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mappingRulePeriods, mappingRules } from "@/db/schema";
import { getRule, listHistory, listRulePeriods } from "@/db/queries/mappings";
import { APPLY_FROM_DATE_MESSAGE, applyRuleEdit, type SessionScope } from "@/lib/mapping/edit";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { createWorld, directory, seedRules, snapshotTables, type RuleKey, type World } from "./fixtures";

let t: TestDb;
let world: World;
let ids: Record<RuleKey, string>;
let session: SessionScope;

beforeAll(async () => {
  t = await createTestDb();
  world = await createWorld(t.db);
  session = { accountId: world.accountA, adminId: world.adminA };
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  ids = await seedRules(t.db, world);
});

const loadDirectory = async () => directory;
/** The website project is linked to Acme:Web (22) for all dates at the start of each test. */
const editWebsite = (values: Record<string, string>) => applyRuleEdit(t.db, session, { connectionId: world.connA, ruleId: ids.website, ...values }, loadDirectory);

async function periodsOfWebsite() {
  const rule = (await getRule(t.db, world.connA, ids.website))!;
  return ((await listRulePeriods(t.db, world.connA, [rule])).get(rule.id) ?? []).map((p) => [p.validFrom, p.rule.kind, p.rule.targetQboId]);
}

async function periodRows() {
  return t.db.select().from(mappingRulePeriods).where(eq(mappingRulePeriods.connectionId, world.connA));
}

describe("Apply from a date", () => {
  it("keeps the earlier rule for earlier dates and the new one from the date on; one history row says from when", async () => {
    const result = await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "date", applyFromDate: "2026-11-15" });
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(await periodsOfWebsite()).toEqual([
      [null, "link", "22"],
      ["2026-11-15", "link", "23"],
    ]);
    const [row] = await t.db.select().from(mappingRules).where(eq(mappingRules.id, ids.website));
    expect(row).toMatchObject({ kind: "link", targetQboId: "23", targetName: "Globex", validFrom: "2026-11-15" });
    const history = await listHistory(t.db, world.connA, { ruleId: ids.website });
    expect(history).toHaveLength(1);
    expect(history[0]!.before).toMatchObject({ targetQboId: "22", validFrom: null });
    expect(history[0]!.after).toMatchObject({ targetQboId: "23", validFrom: "2026-11-15" });
  });

  it("a later date adds a period; an earlier one replaces every period from that date on", async () => {
    await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "date", applyFromDate: "2026-11-15" });
    await editWebsite({ kind: "link", targetQboId: "21", applyFrom: "date", applyFromDate: "2026-12-01" });
    expect(await periodsOfWebsite()).toEqual([
      [null, "link", "22"],
      ["2026-11-15", "link", "23"],
      ["2026-12-01", "link", "21"],
    ]);
    await editWebsite({ kind: "skip", applyFrom: "date", applyFromDate: "2026-11-20" });
    expect(await periodsOfWebsite()).toEqual([
      [null, "link", "22"],
      ["2026-11-15", "link", "23"],
      ["2026-11-20", "skip", null],
    ]);
    expect(await listHistory(t.db, world.connA, { ruleId: ids.website })).toHaveLength(3);
  });

  it("the rule already in force the day before adds no period and writes nothing", async () => {
    const before = await snapshotTables(t.db);
    const result = await editWebsite({ kind: "link", targetQboId: "22", applyFrom: "date", applyFromDate: "2026-11-15" });
    expect(result).toMatchObject({ ok: true, changed: false });
    expect(await snapshotTables(t.db)).toEqual(before);
    expect(await periodRows()).toEqual([]);
  });

  it("all dates replaces every period (today's behaviour)", async () => {
    await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "date", applyFromDate: "2026-11-15" });
    const result = await editWebsite({ kind: "link", targetQboId: "21", applyFrom: "all" });
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(await periodsOfWebsite()).toEqual([[null, "link", "21"]]);
    expect(await periodRows()).toEqual([]);
    const [latest] = await listHistory(t.db, world.connA, { ruleId: ids.website });
    expect(latest!.after).toMatchObject({ targetQboId: "21", validFrom: null });
  });

  it("all dates with the same rule still collapses the periods (it is a change)", async () => {
    await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "date", applyFromDate: "2026-11-15" });
    const result = await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "all" });
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(await periodsOfWebsite()).toEqual([[null, "link", "23"]]);
  });

  it("a form without Apply from changes the rule for all dates, as before", async () => {
    const result = await editWebsite({ kind: "link", targetQboId: "23" });
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(await periodsOfWebsite()).toEqual([[null, "link", "23"]]);
  });
});

describe("Apply from: a date that is not one is refused and nothing changes", () => {
  const cases: [string, Record<string, string>][] = [
    ["no date given", { applyFrom: "date", applyFromDate: "" }],
    ["30 February", { applyFrom: "date", applyFromDate: "2026-02-30" }],
    ["day/month/year", { applyFrom: "date", applyFromDate: "15/11/2026" }],
    ["words", { applyFrom: "date", applyFromDate: "next monday" }],
    ["an unknown choice", { applyFrom: "sometimes" }],
  ];
  for (const [name, values] of cases) {
    it(name, async () => {
      await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "date", applyFromDate: "2026-11-15" });
      const before = await snapshotTables(t.db);
      const periods = await periodRows();
      const result = await editWebsite({ kind: "link", targetQboId: "21", ...values });
      expect(result).toMatchObject({ ok: false, reason: "invalid", field: "applyFrom", message: APPLY_FROM_DATE_MESSAGE });
      expect(await snapshotTables(t.db)).toEqual(before);
      expect(await periodRows()).toEqual(periods);
    });
  }
});

describe("periods stay with their connection", () => {
  it("deleting the rule deletes its periods; another connection's rules have none", async () => {
    await editWebsite({ kind: "link", targetQboId: "23", applyFrom: "date", applyFromDate: "2026-11-15" });
    const other = (await getRule(t.db, world.connB, ids.otherProject))!;
    expect((await listRulePeriods(t.db, world.connB, [other])).get(other.id)).toEqual([{ validFrom: null, rule: expect.objectContaining({ kind: "skip" }) }]);
    await t.db.delete(mappingRules).where(eq(mappingRules.id, ids.website));
    expect(await periodRows()).toEqual([]);
  });
});
