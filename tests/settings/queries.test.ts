import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mappingHistory, mappingRules } from "@/db/schema";
import {
  countRules,
  getRule,
  getTimeDescriptionSettings,
  listHistory,
  listRules,
  saveTimeDescriptionSettings,
} from "@/db/queries/mappings";
import { updateRule } from "@/lib/mapping/edit";
import type { MappingRule } from "@/lib/mapping/rules";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { createWorld, seedRules, snapshotTables, type RuleKey, type World } from "./fixtures";

let t: TestDb;
let world: World;
let ids: Record<RuleKey, string>;

beforeAll(async () => {
  t = await createTestDb();
  world = await createWorld(t.db);
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  ids = await seedRules(t.db, world);
});

async function ruleRow(id: string) {
  const [row] = await t.db.select().from(mappingRules).where(eq(mappingRules.id, id));
  return row!;
}

describe("updateRule records every change in the mapping history", () => {
  const cases: {
    name: string;
    key: RuleKey;
    rule: MappingRule;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[] = [
    {
      name: "link → create (new sub-customer)",
      key: "website",
      rule: { kind: "create", name: "Website Redesign", parentQboId: "21", targetQboId: null },
      before: { kind: "link", targetQboId: "22", targetName: "Acme:Web", createOptions: null },
      after: { kind: "create", targetQboId: null, targetName: "Website Redesign", createOptions: { parentQboId: "21" } },
    },
    {
      name: "link → Do not import",
      key: "alice",
      rule: { kind: "skip" },
      before: { kind: "link", targetQboId: "11", targetName: "Alice Smith", createOptions: null },
      after: { kind: "skip", targetQboId: null, targetName: null, createOptions: null },
    },
    {
      name: "create → link",
      key: "mobile",
      rule: { kind: "link", targetQboId: "23", targetName: "Globex" },
      before: { kind: "create", targetQboId: null, targetName: "Mobile App", createOptions: {} },
      after: { kind: "link", targetQboId: "23", targetName: "Globex", createOptions: null },
    },
    {
      name: "skip → create service item with income account and rate",
      key: "vacation",
      rule: { kind: "create", name: "Paid Leave", parentQboId: null, incomeAccountId: "51", unitPrice: 0, targetQboId: null },
      before: { kind: "skip", targetQboId: null, targetName: null, createOptions: null },
      after: { kind: "create", targetQboId: null, targetName: "Paid Leave", createOptions: { incomeAccountId: "51", unitPrice: 0 } },
    },
    {
      name: "link → link to another item",
      key: "development",
      rule: { kind: "link", targetQboId: "42", targetName: "Design" },
      before: { kind: "link", targetQboId: "41", targetName: "Consulting", createOptions: null },
      after: { kind: "link", targetQboId: "42", targetName: "Design", createOptions: null },
    },
  ];

  it.each(cases)("$name", async ({ key, rule, before, after }) => {
    const at = new Date("2026-02-01T12:00:00Z");
    const result = await updateRule(t.db, { connectionId: world.connA, ruleId: ids[key], adminId: world.adminA2, rule, at });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.changed).toBe(true);

    const row = await ruleRow(ids[key]);
    expect({ kind: row.kind, targetQboId: row.targetQboId, targetName: row.targetName, createOptions: row.createOptions }).toEqual(after);
    expect(row.updatedByAdminId).toBe(world.adminA2);
    expect(row.updatedAt.toISOString()).toBe(at.toISOString());

    const history = await t.db.select().from(mappingHistory).where(eq(mappingHistory.ruleId, ids[key]));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      connectionId: world.connA,
      changedByAdminId: world.adminA2,
      importId: null,
      before,
      after,
      sourceName: row.sourceName,
      category: row.category,
      sourceId: row.sourceId,
    });
    expect(history[0]!.changedAt.toISOString()).toBe(at.toISOString());

    const [listed] = await listHistory(t.db, world.connA, { ruleId: ids[key] });
    expect(listed).toMatchObject({ changedByName: "Grace Hopper", importId: null, before, after });
  });

  it("writes nothing when the edit changes nothing", async () => {
    const before = await snapshotTables(t.db);
    const result = await updateRule(t.db, {
      connectionId: world.connA,
      ruleId: ids.alice,
      adminId: world.adminA,
      rule: { kind: "link", targetQboId: "11", targetName: "Alice Smith" },
    });
    expect(result).toMatchObject({ ok: true, changed: false });
    expect(await snapshotTables(t.db)).toEqual(before);
  });

  it("keeps the QuickBooks entity a create rule already made when its name and parent stay the same", async () => {
    await t.db.update(mappingRules).set({ targetQboId: "77" }).where(eq(mappingRules.id, ids.mobile));
    const same = await updateRule(t.db, {
      connectionId: world.connA,
      ruleId: ids.mobile,
      adminId: world.adminA,
      rule: { kind: "create", name: "Mobile App", parentQboId: null, targetQboId: null },
    });
    expect(same).toMatchObject({ ok: true, changed: false });
    const renamed = await updateRule(t.db, {
      connectionId: world.connA,
      ruleId: ids.mobile,
      adminId: world.adminA,
      rule: { kind: "create", name: "Mobile Apps", parentQboId: null, targetQboId: null },
    });
    expect(renamed).toMatchObject({ ok: true, changed: true });
    expect((await ruleRow(ids.mobile)).targetQboId).toBeNull();
  });

  it("refuses a rule of another connection and changes nothing", async () => {
    const before = await snapshotTables(t.db);
    const result = await updateRule(t.db, { connectionId: world.connA, ruleId: ids.otherAlice, adminId: world.adminA, rule: { kind: "skip" } });
    expect(result).toEqual({ ok: false, reason: "not_found" });
    expect(await snapshotTables(t.db)).toEqual(before);
  });

  it("writes nothing when the check inside the transaction reports a problem", async () => {
    const before = await snapshotTables(t.db);
    let seenOthers = 0;
    const result = await updateRule(t.db, {
      connectionId: world.connA,
      ruleId: ids.alice,
      adminId: world.adminA,
      rule: { kind: "skip" },
      check: ({ existing, others }) => {
        seenOthers = others.length;
        expect(existing.id).toBe(ids.alice);
        return [{ field: "kind", message: "no" }];
      },
    });
    expect(result).toEqual({ ok: false, reason: "invalid", problems: [{ field: "kind", message: "no" }] });
    // The check sees every other rule of the connection, and none of another connection's.
    expect(seenOthers).toBe(5);
    expect(await snapshotTables(t.db)).toEqual(before);
  });
});

describe("listHistory", () => {
  beforeEach(async () => {
    const edit = (connectionId: string, ruleId: string, rule: MappingRule, at: string, adminId = world.adminA) =>
      updateRule(t.db, { connectionId, ruleId, adminId, rule, at: new Date(at) });
    await edit(world.connA, ids.alice, { kind: "skip" }, "2026-02-01T10:00:00Z");
    await edit(world.connA, ids.website, { kind: "link", targetQboId: "23", targetName: "Globex" }, "2026-02-02T10:00:00Z", world.adminA2);
    await edit(world.connA, ids.alice, { kind: "link", targetQboId: "11", targetName: "Alice Smith" }, "2026-02-03T10:00:00Z");
    await edit(world.connB, ids.otherAlice, { kind: "skip" }, "2026-02-04T10:00:00Z", world.adminB);
  });

  const cases: { name: string; filter: () => Parameters<typeof listHistory>[2]; expected: string[] }[] = [
    { name: "all of a connection, newest first", filter: () => ({}), expected: ["Alice@2026-02-03", "Website@2026-02-02", "Alice@2026-02-01"] },
    { name: "one category", filter: () => ({ category: "user" }), expected: ["Alice@2026-02-03", "Alice@2026-02-01"] },
    { name: "another category", filter: () => ({ category: "project" }), expected: ["Website@2026-02-02"] },
    { name: "a category without changes", filter: () => ({ category: "leave_type" }), expected: [] },
    { name: "one rule", filter: () => ({ ruleId: ids.website }), expected: ["Website@2026-02-02"] },
    { name: "a rule of another connection", filter: () => ({ ruleId: ids.otherAlice }), expected: [] },
    { name: "a malformed rule id", filter: () => ({ ruleId: "not-a-uuid" }), expected: [] },
  ];

  it.each(cases)("$name", async ({ filter, expected }) => {
    const entries = await listHistory(t.db, world.connA, filter());
    expect(entries.map((e) => `${e.sourceName}@${e.changedAt.toISOString().slice(0, 10)}`)).toEqual(expected);
  });

  it("names the admin who made each change and shows before → after", async () => {
    const entries = await listHistory(t.db, world.connA);
    expect(entries.map((e) => e.changedByName)).toEqual(["Ada Admin", "Grace Hopper", "Ada Admin"]);
    expect(entries[1]!.before).toMatchObject({ kind: "link", targetName: "Acme:Web" });
    expect(entries[1]!.after).toMatchObject({ kind: "link", targetName: "Globex" });
  });

  it("never returns another connection's history", async () => {
    const other = await listHistory(t.db, world.connB);
    expect(other).toHaveLength(1);
    expect(other[0]!.changedByName).toBe("Mallory Other");
    expect((await listHistory(t.db, world.connA)).every((e) => e.ruleId !== ids.otherAlice)).toBe(true);
  });
});

describe("rules are read per connection", () => {
  it("listRules returns the category's rules of that connection only, by actiTIME name", async () => {
    const users = await listRules(t.db, world.connA, "user");
    expect(users.map((r) => r.sourceName)).toEqual(["Alice", "Bob"]);
    expect(users.every((r) => r.connectionId === world.connA)).toBe(true);
    expect((await listRules(t.db, world.connB, "user")).map((r) => r.id)).toEqual([ids.otherAlice]);
    expect(await listRules(t.db, world.connB, "type_of_work")).toEqual([]);
  });

  it("listRules names the admin who changed a rule last", async () => {
    await updateRule(t.db, { connectionId: world.connA, ruleId: ids.bob, adminId: world.adminA2, rule: { kind: "skip" } });
    const users = await listRules(t.db, world.connA, "user");
    expect(users.find((r) => r.id === ids.bob)?.updatedByName).toBe("Grace Hopper");
    expect(users.find((r) => r.id === ids.alice)?.updatedByName).toBeNull();
  });

  it("getRule finds a rule only through its own connection", async () => {
    expect((await getRule(t.db, world.connA, ids.alice))?.id).toBe(ids.alice);
    expect(await getRule(t.db, world.connA, ids.otherAlice)).toBeUndefined();
    expect(await getRule(t.db, world.connB, ids.alice)).toBeUndefined();
    expect(await getRule(t.db, world.connA, "'; drop table mapping_rules; --")).toBeUndefined();
  });

  it("countRules counts per category for that connection only", async () => {
    expect(await countRules(t.db, world.connA)).toEqual({ user: 2, project: 2, type_of_work: 1, leave_type: 1 });
    expect(await countRules(t.db, world.connB)).toEqual({ user: 1, project: 1, type_of_work: 0, leave_type: 0 });
  });
});

describe("Time Description Settings", () => {
  it("are both off when never saved", async () => {
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toEqual({
      importTaskNames: false,
      importComments: false,
      combine: "auto",
      rounding: "none",
      roundingMinutes: 15,
      updatedAt: null,
      updatedByName: null,
    });
  });

  const cases = [
    { importTaskNames: true, importComments: false },
    { importTaskNames: false, importComments: true },
    { importTaskNames: true, importComments: true },
    { importTaskNames: false, importComments: false },
  ];

  it.each(cases)("save task names=$importTaskNames comments=$importComments", async (values) => {
    // Saved twice: the second save overwrites the first (one row per connection).
    await saveTimeDescriptionSettings(t.db, { connectionId: world.connA, adminId: world.adminA, importTaskNames: !values.importTaskNames, importComments: true });
    await saveTimeDescriptionSettings(t.db, { connectionId: world.connA, adminId: world.adminA2, ...values });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ ...values, updatedByName: "Grace Hopper" });
  });

  it("save combining and rounding, and a save without them keeps them (existing companies stay on auto, unrounded)", async () => {
    await saveTimeDescriptionSettings(t.db, { connectionId: world.connA, adminId: world.adminA, importTaskNames: true, importComments: false });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ combine: "auto", rounding: "none", roundingMinutes: 15 });
    await saveTimeDescriptionSettings(t.db, { connectionId: world.connA, adminId: world.adminA, importTaskNames: true, importComments: false, combine: "week", rounding: "nearest", roundingMinutes: 6 });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ combine: "week", rounding: "nearest", roundingMinutes: 6 });
    await saveTimeDescriptionSettings(t.db, { connectionId: world.connA, adminId: world.adminA, importTaskNames: false, importComments: false });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ importTaskNames: false, combine: "week", rounding: "nearest", roundingMinutes: 6 });
  });

  it("are kept per connection", async () => {
    await saveTimeDescriptionSettings(t.db, { connectionId: world.connA, adminId: world.adminA, importTaskNames: true, importComments: true });
    expect(await getTimeDescriptionSettings(t.db, world.connB)).toMatchObject({ importTaskNames: false, importComments: false, updatedAt: null });
    expect(await getTimeDescriptionSettings(t.db, world.connPayroll)).toMatchObject({ importTaskNames: false, importComments: false });
  });
});
