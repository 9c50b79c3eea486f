import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mappingHistory, mappingRules } from "@/db/schema";
import { getTimeDescriptionSettings, listHistory } from "@/db/queries/mappings";
import { applyRuleEdit, applyTimeDescriptionSave, type SessionScope } from "@/lib/mapping/edit";
import { PAYROLL_CREATE_EMPLOYEE_MESSAGE } from "@/lib/mapping/validate";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { createWorld, directory, seedRules, snapshotTables, type RuleKey, type World } from "./fixtures";

let t: TestDb;
let world: World;
let ids: Record<RuleKey, string>;
let sessionA: SessionScope;
let sessionB: SessionScope;

beforeAll(async () => {
  t = await createTestDb();
  world = await createWorld(t.db);
  sessionA = { accountId: world.accountA, adminId: world.adminA };
  sessionB = { accountId: world.accountB, adminId: world.adminB };
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  ids = await seedRules(t.db, world);
});

const loadDirectory = async () => directory;

function form(key: RuleKey, values: Record<string, string>, connection: "connA" | "connPayroll" | "connB" = "connA") {
  return { connectionId: world[connection], ruleId: ids[key], ...values };
}

describe("applyRuleEdit refuses invalid rules and saves nothing", () => {
  const cases: {
    name: string;
    key: RuleKey;
    values: Record<string, string>;
    connection?: "connA" | "connPayroll";
    field: string;
    message: RegExp;
  }[] = [
    {
      name: "a name with a colon",
      key: "website",
      values: { kind: "create", name: "Acme: Website" },
      field: "name",
      message: /can't contain a colon/,
    },
    {
      name: "a name with a tab",
      key: "website",
      values: { kind: "create", name: "Web\tsite" },
      field: "name",
      message: /tabs or line breaks/,
    },
    {
      name: "an item name over 100 characters",
      key: "development",
      values: { kind: "create", name: "x".repeat(101), incomeAccountId: "51", unitPrice: "10" },
      field: "name",
      message: /at most 100 characters/,
    },
    {
      name: "a user linked to an employee another user already has",
      key: "bob",
      values: { kind: "link", targetQboId: "11" },
      field: "target",
      message: /one actiTIME user only: "Alice Smith" is also chosen for "Alice"/,
    },
    {
      name: "Create new QB Employee while Payroll is on",
      key: "payrollUser",
      connection: "connPayroll",
      values: { kind: "create", name: "Alice Newhire" },
      field: "kind",
      message: new RegExp(PAYROLL_CREATE_EMPLOYEE_MESSAGE.slice(0, 30)),
    },
    {
      name: "a display name a QuickBooks vendor already has",
      key: "website",
      values: { kind: "create", name: "paper supplies" },
      field: "name",
      message: /already has a vendor named "Paper Supplies"/,
    },
    {
      name: "a name another rule of the company already creates",
      key: "website",
      values: { kind: "create", name: "Mobile App" },
      field: "name",
      message: /"Mobile" already creates "Mobile App"/,
    },
    {
      name: "a link without a target",
      key: "website",
      values: { kind: "link", targetQboId: "" },
      field: "target",
      message: /Choose/,
    },
    {
      name: "a link to an inactive customer",
      key: "website",
      values: { kind: "link", targetQboId: "24" },
      field: "target",
      message: /inactive/,
    },
    {
      name: "a link to an entry that is not in QuickBooks",
      key: "website",
      values: { kind: "link", targetQboId: "999", targetName: "Made Up" },
      field: "target",
      message: /no longer in QuickBooks/,
    },
    {
      name: "a link to an inventory item",
      key: "development",
      values: { kind: "link", targetQboId: "43" },
      field: "target",
      message: /Inventory item/,
    },
    {
      name: "a new service item without an income account",
      key: "development",
      values: { kind: "create", name: "Development", unitPrice: "50" },
      field: "incomeAccount",
      message: /income account/,
    },
    {
      name: "a new service item without a rate",
      key: "vacation",
      values: { kind: "create", name: "Leave", incomeAccountId: "51" },
      field: "unitPrice",
      message: /Enter a rate/,
    },
    {
      name: "a new service item with a negative rate",
      key: "vacation",
      values: { kind: "create", name: "Leave", incomeAccountId: "51", unitPrice: "-5" },
      field: "unitPrice",
      message: /0 or more/,
    },
    {
      name: "a sub-customer under an inactive parent",
      key: "website",
      values: { kind: "create", name: "Website 2", parentQboId: "24" },
      field: "parent",
      message: /inactive/,
    },
    {
      name: "an unknown rule kind",
      key: "website",
      values: { kind: "delete" },
      field: "kind",
      message: /Create new, Link to or Do not import/,
    },
  ];

  it.each(cases)("$name", async ({ key, values, connection, field, message }) => {
    const before = await snapshotTables(t.db);
    const result = await applyRuleEdit(t.db, sessionA, form(key, values, connection), loadDirectory);
    expect(result.ok).toBe(false);
    if (result.ok || result.reason !== "invalid") throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
    expect(result.field).toBe(field);
    expect(result.message).toMatch(message);
    expect(result.rule.id).toBe(ids[key]);
    expect(await snapshotTables(t.db)).toEqual(before);
  });

  it("does not let the edit be blocked by problems of other rules", async () => {
    // Bob's stored rule points at an employee that is now inactive; Alice's edit is still fine.
    await t.db.update(mappingRules).set({ targetQboId: "13", targetName: "Old Timer" }).where(eq(mappingRules.id, ids.bob));
    const result = await applyRuleEdit(t.db, sessionA, form("alice", { kind: "skip" }), loadDirectory);
    expect(result).toMatchObject({ ok: true, changed: true });
  });
});

describe("applyRuleEdit saves valid edits with their history", () => {
  it("link → create a new sub-customer, recorded with the parent's name", async () => {
    const result = await applyRuleEdit(
      t.db,
      sessionA,
      form("website", { kind: "create", name: "  Website Redesign ", parentQboId: "21", incomeAccountId: "51", unitPrice: "9" }),
      loadDirectory,
    );
    expect(result).toMatchObject({ ok: true, changed: true });
    const [row] = await t.db.select().from(mappingRules).where(eq(mappingRules.id, ids.website));
    // Income account and rate are for service items only: not kept on a customer.
    expect(row).toMatchObject({ kind: "create", targetName: "Website Redesign", targetQboId: null, createOptions: { parentQboId: "21" }, updatedByAdminId: world.adminA });
    const [entry] = await listHistory(t.db, world.connA, { ruleId: ids.website });
    expect(entry).toMatchObject({
      changedByName: "Ada Admin",
      importId: null,
      before: { kind: "link", targetQboId: "22", targetName: "Acme:Web" },
      after: { kind: "create", targetName: "Website Redesign", names: { parent: "Acme" } },
    });
  });

  it("takes a link's name from QuickBooks, not from the form", async () => {
    const result = await applyRuleEdit(t.db, sessionA, form("mobile", { kind: "link", targetQboId: "22", targetName: "<b>Forged</b>" }), loadDirectory);
    expect(result).toMatchObject({ ok: true, changed: true });
    const [row] = await t.db.select().from(mappingRules).where(eq(mappingRules.id, ids.mobile));
    expect(row).toMatchObject({ kind: "link", targetQboId: "22", targetName: "Acme:Web" });
  });

  it("creates a service item with income account and rate, from FormData", async () => {
    const data = new FormData();
    for (const [key, value] of Object.entries(form("vacation", { kind: "create", name: "Paid Leave", incomeAccountId: "52", unitPrice: "12.50", parentQboId: "44" }))) {
      data.set(key, value);
    }
    const result = await applyRuleEdit(t.db, sessionA, data, loadDirectory);
    expect(result).toMatchObject({ ok: true, changed: true });
    const [history] = await t.db.select().from(mappingHistory).where(eq(mappingHistory.ruleId, ids.vacation));
    expect(history).toMatchObject({
      before: { kind: "skip" },
      after: {
        kind: "create",
        targetName: "Paid Leave",
        createOptions: { parentQboId: "44", incomeAccountId: "52", unitPrice: 12.5 },
        names: { parent: "Services", incomeAccount: "Consulting Income" },
      },
    });
  });

  it("lets two users be relinked in turn once the employee is free", async () => {
    expect(await applyRuleEdit(t.db, sessionA, form("alice", { kind: "skip" }), loadDirectory)).toMatchObject({ ok: true });
    expect(await applyRuleEdit(t.db, sessionA, form("bob", { kind: "link", targetQboId: "11" }), loadDirectory)).toMatchObject({ ok: true });
    const [row] = await t.db.select().from(mappingRules).where(eq(mappingRules.id, ids.bob));
    expect(row).toMatchObject({ targetQboId: "11", targetName: "Alice Smith" });
  });

  it("with Payroll on, a user may still be linked or skipped", async () => {
    const result = await applyRuleEdit(t.db, sessionA, form("payrollUser", { kind: "link", targetQboId: "12" }, "connPayroll"), loadDirectory);
    expect(result).toMatchObject({ ok: true, changed: true });
  });
});

describe("applyRuleEdit only touches the signed-in account's rules", () => {
  const cases: { name: string; session: () => SessionScope; input: () => Record<string, string> }[] = [
    { name: "another account's session on this account's rule", session: () => sessionB, input: () => form("alice", { kind: "skip" }) },
    { name: "this account's connection with another account's rule id", session: () => sessionA, input: () => ({ connectionId: world.connA, ruleId: ids.otherAlice, kind: "skip" }) },
    { name: "another account's connection and rule", session: () => sessionA, input: () => ({ connectionId: world.connB, ruleId: ids.otherAlice, kind: "skip" }) },
    { name: "a rule of the account's other company posted with the wrong connection", session: () => sessionA, input: () => ({ connectionId: world.connA, ruleId: ids.payrollUser, kind: "skip" }) },
    { name: "a malformed rule id", session: () => sessionA, input: () => ({ connectionId: world.connA, ruleId: "1 or 1=1", kind: "skip" }) },
    { name: "no connection id", session: () => sessionA, input: () => ({ ruleId: ids.alice, kind: "skip" }) },
  ];

  it.each(cases)("$name → refused, nothing changes", async ({ session, input }) => {
    const before = await snapshotTables(t.db);
    let directoryReads = 0;
    const result = await applyRuleEdit(t.db, session(), input(), async () => (directoryReads++, directory));
    expect(result).toEqual({ ok: false, reason: "not_found" });
    expect(directoryReads).toBe(0);
    expect(await snapshotTables(t.db)).toEqual(before);
  });

  it("QuickBooks lists that can't be read → refused, nothing changes", async () => {
    const before = await snapshotTables(t.db);
    const result = await applyRuleEdit(t.db, sessionA, form("alice", { kind: "skip" }), async () => {
      throw new Error("QuickBooks is down");
    });
    expect(result).toMatchObject({ ok: false, reason: "directory_unavailable" });
    expect(await snapshotTables(t.db)).toEqual(before);
  });
});

describe("applyTimeDescriptionSave", () => {
  it("saves checkboxes as posted by a form (checked = 'on', unchecked = absent)", async () => {
    expect(await applyTimeDescriptionSave(t.db, sessionA, { connectionId: world.connA, importTaskNames: "on" })).toEqual({ ok: true });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ importTaskNames: true, importComments: false, updatedByName: "Ada Admin" });
    expect(await applyTimeDescriptionSave(t.db, sessionA, { connectionId: world.connA, importComments: "on" })).toEqual({ ok: true });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ importTaskNames: false, importComments: true });
  });

  it("saves Combine and Rounding as posted by the radio groups and the Round to select", async () => {
    expect(await applyTimeDescriptionSave(t.db, sessionA, { connectionId: world.connA, importComments: "on", combine: "week", rounding: "up", roundingMinutes: "30" })).toEqual({ ok: true });
    expect(await getTimeDescriptionSettings(t.db, world.connA)).toMatchObject({ importTaskNames: false, importComments: true, combine: "week", rounding: "up", roundingMinutes: 30 });
  });

  it.each([
    ["an unknown combining", { combine: "month" }],
    ["an unknown rounding", { rounding: "down" }],
    ["a step not offered", { rounding: "up", roundingMinutes: "10" }],
  ])("refuses %s and changes nothing", async (_, extra) => {
    const before = await snapshotTables(t.db);
    expect(await applyTimeDescriptionSave(t.db, sessionA, { connectionId: world.connA, ...extra })).toEqual({ ok: false, reason: "invalid" });
    expect(await snapshotTables(t.db)).toEqual(before);
  });

  it("refuses another account's connection and changes nothing", async () => {
    const before = await snapshotTables(t.db);
    expect(await applyTimeDescriptionSave(t.db, sessionB, { connectionId: world.connA, importTaskNames: "on" })).toEqual({ ok: false, reason: "not_found" });
    expect(await applyTimeDescriptionSave(t.db, sessionA, { connectionId: "nope", importTaskNames: "on" })).toEqual({ ok: false, reason: "not_found" });
    expect(await snapshotTables(t.db)).toEqual(before);
  });
});
