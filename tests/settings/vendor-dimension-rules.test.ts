// Settings' use case (lib/mapping/edit.ts applyRuleEdit) for the issue-19 rules: Link to / Create new
// QB Vendor on users, and Class / Location rules on projects and users when the company tracks them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { mappingHistory, mappingRules } from "@/db/schema";
import { getRule } from "@/db/queries/mappings";
import { applyRuleEdit, type SessionScope } from "@/lib/mapping/edit";
import type { QboDirectory } from "@/lib/mapping/directory";
import { PAYROLL_CREATE_EMPLOYEE_MESSAGE } from "@/lib/mapping/validate";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { createWorld, directory as baseDirectory, seedRules, type RuleKey, type World } from "./fixtures";

let t: TestDb;
let world: World;
let ids: Record<RuleKey, string>;
let session: SessionScope;

const tracked: QboDirectory = {
  ...baseDirectory,
  vendors: [...baseDirectory.vendors, { id: "32", name: "Jane Contractor", active: true }, { id: "33", name: "Gone Vendor", active: false }, { id: "11", name: "Same Id Services", active: true }],
  classes: [
    { id: "61", name: "East", fullyQualifiedName: "Regions:East", parentId: "60", active: true },
    { id: "62", name: "Old", fullyQualifiedName: "Old", parentId: null, active: false },
  ],
  departments: [{ id: "71", name: "Boston", fullyQualifiedName: "Boston", parentId: null, active: true }],
};
const untracked: QboDirectory = { ...tracked, classes: null, departments: undefined };

beforeAll(async () => {
  t = await createTestDb();
  world = await createWorld(t.db);
  session = { accountId: world.accountA, adminId: world.adminA };
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  ids = await seedRules(t.db, world);
});

const edit = (key: RuleKey, values: Record<string, string>, directory: QboDirectory = tracked, connection: "connA" | "connPayroll" = "connA") =>
  applyRuleEdit(t.db, session, { connectionId: world[connection], ruleId: ids[key], ...values }, async () => directory);

describe("Settings: users as QuickBooks vendors", () => {
  it("Link to QB Vendor saves a vendor link with QuickBooks' name, and its history row", async () => {
    const result = await edit("bob", { kind: "vendor_link", targetQboId: "32" });
    expect(result).toMatchObject({ ok: true, changed: true });
    const row = await getRule(t.db, world.connA, ids.bob);
    expect(row).toMatchObject({ kind: "link", targetQboId: "32", targetName: "Jane Contractor", nameOf: "Vendor" });
    const [history] = await t.db.select().from(mappingHistory).where(and(eq(mappingHistory.ruleId, ids.bob), eq(mappingHistory.connectionId, world.connA)));
    expect(history!.before).toMatchObject({ kind: "link", targetQboId: "12" });
    expect(history!.before).not.toHaveProperty("nameOf");
    expect(history!.after).toMatchObject({ kind: "link", targetQboId: "32", nameOf: "Vendor" });
  });

  it("a vendor link is one-to-one: a second user linking the same vendor is refused", async () => {
    expect(await edit("bob", { kind: "vendor_link", targetQboId: "32" })).toMatchObject({ ok: true });
    const second = await edit("alice", { kind: "vendor_link", targetQboId: "32" });
    expect(second).toMatchObject({ ok: false, reason: "invalid", field: "target", message: expect.stringMatching(/Each QuickBooks vendor can be linked to one actiTIME user only: "Jane Contractor" is also chosen for "Bob"/) });
    expect(await getRule(t.db, world.connA, ids.alice)).toMatchObject({ kind: "link", targetQboId: "11" });
  });

  it("a vendor link and an employee link of the same Id do not clash (QuickBooks numbers Ids per list)", async () => {
    // Alice links employee 11; Bob takes vendor 11.
    expect(await edit("bob", { kind: "vendor_link", targetQboId: "11" })).toMatchObject({ ok: true, changed: true });
    expect(await getRule(t.db, world.connA, ids.bob)).toMatchObject({ targetQboId: "11", targetName: "Same Id Services", nameOf: "Vendor" });
    expect(await edit("alice", { kind: "link", targetQboId: "11", locationQboId: "71" })).toMatchObject({ ok: true, changed: true });
  });

  it("an inactive or unknown vendor is refused", async () => {
    expect(await edit("bob", { kind: "vendor_link", targetQboId: "33" })).toMatchObject({ ok: false, field: "target", message: expect.stringMatching(/vendor "Gone Vendor" is inactive/) });
    expect(await edit("bob", { kind: "vendor_link", targetQboId: "12" })).toMatchObject({ ok: false, field: "target", message: expect.stringMatching(/vendor is no longer in QuickBooks/) });
  });

  it("Create new QB Vendor stays available under Payroll; Create new QB Employee does not", async () => {
    const payroll = { ...tracked, payrollEnabled: true };
    expect(await edit("payrollUser", { kind: "create", name: "Alice Newhire" }, payroll, "connPayroll")).toMatchObject({ ok: false, field: "kind", message: PAYROLL_CREATE_EMPLOYEE_MESSAGE });
    const vendor = await edit("payrollUser", { kind: "vendor_create", name: "Alice Newhire" }, payroll, "connPayroll");
    expect(vendor).toMatchObject({ ok: true, changed: true });
    expect(await getRule(t.db, world.connPayroll, ids.payrollUser)).toMatchObject({ kind: "create", targetName: "Alice Newhire", nameOf: "Vendor" });
  });

  it("Create new QB Vendor with a vendor's name is told to link to the vendor", async () => {
    expect(await edit("bob", { kind: "vendor_create", name: "Jane Contractor" })).toMatchObject({ ok: false, field: "name", message: expect.stringMatching(/already has a vendor named "Jane Contractor".*or choose Link to QB Vendor/) });
  });
});

describe("Settings: Class and Location rules", () => {
  it("a project's class and an explicit 'leave it empty' location are saved with QuickBooks' full names", async () => {
    expect(await edit("website", { kind: "link", targetQboId: "22", classQboId: "61", locationQboId: "none" })).toMatchObject({ ok: true, changed: true });
    expect(await getRule(t.db, world.connA, ids.website)).toMatchObject({ kind: "link", targetQboId: "22", dimensions: { class: { qboId: "61", name: "Regions:East" }, location: null } });
    // Saving the same again changes nothing.
    expect(await edit("website", { kind: "link", targetQboId: "22", classQboId: "61", locationQboId: "none" })).toMatchObject({ ok: true, changed: false });
  });

  it("a user's location rule is saved too", async () => {
    expect(await edit("alice", { kind: "link", targetQboId: "11", locationQboId: "71" })).toMatchObject({ ok: true });
    expect(await getRule(t.db, world.connA, ids.alice)).toMatchObject({ dimensions: { location: { qboId: "71", name: "Boston" } } });
  });

  it("an inactive or unknown class is refused on the class field", async () => {
    expect(await edit("website", { kind: "link", targetQboId: "22", classQboId: "62" })).toMatchObject({ ok: false, field: "class", message: expect.stringMatching(/class "Old" is inactive/) });
    expect(await edit("website", { kind: "link", targetQboId: "22", classQboId: "99" })).toMatchObject({ ok: false, field: "class" });
  });

  it("for a company that does not track them, posted choices are ignored and saved ones stay as they are", async () => {
    await t.db.update(mappingRules).set({ dimensions: { class: { qboId: "61", name: "Regions:East" } } }).where(eq(mappingRules.id, ids.website));
    expect(await edit("website", { kind: "link", targetQboId: "22", locationQboId: "71" }, untracked)).toMatchObject({ ok: true });
    const row = await getRule(t.db, world.connA, ids.website);
    expect(row?.dimensions).toEqual({ class: { qboId: "61", name: "Regions:East" } });
  });
});
