// Issue 19's rule fields: nameOf "Vendor" (Link to / Create new QB Vendor) and Class / Location
// rules: their stored form, resolution into targets, validation, form parsing and suggestions.
import { describe, expect, it } from "vitest";
import { resolveTargets } from "@/lib/import/prepare";
import { ruleFormFields, rulesFromForm } from "@/lib/import/wizard";
import type { QboDirectory } from "@/lib/mapping/directory";
import {
  keepCreatedEntity,
  linkOnceCreated,
  mappingRuleSchema,
  ruleFromSnapshot,
  ruleFromStored,
  ruleKindLabel,
  sameStoredRule,
  snapshotFromRule,
  storedFromRule,
  storedRuleSchema,
  type MappingRule,
  type RuleForEntity,
  type SnapshotRule,
} from "@/lib/mapping/rules";
import { suggestRules } from "@/lib/mapping/suggest";
import { withVendorAndDimensionSuggestions } from "@/lib/mapping/suggest-vendors-dimensions";
import { parseRuleFromForm, validateMapping } from "@/lib/mapping/validate";

const directory: QboDirectory = {
  employees: [{ id: "1", name: "Wei Chen", active: true }],
  customers: [{ id: "20", name: "Acme", fullyQualifiedName: "Acme", parentId: null, active: true }],
  vendors: [
    { id: "1", name: "Same Id Vendor", active: true },
    { id: "30", name: "Jane Contractor", email: "jane@freelance.test", active: true },
    { id: "33", name: "Gone Vendor", active: false },
  ],
  items: [{ id: "40", name: "Consulting", fullyQualifiedName: "Consulting", parentId: null, type: "Service", active: true, unitPrice: 90 }],
  incomeAccounts: [{ id: "79", name: "Services" }],
  payrollEnabled: false,
  classes: [
    { id: "50", name: "Website Redesign", fullyQualifiedName: "Web:Website Redesign", parentId: "49", active: true },
    { id: "53", name: "Retired", fullyQualifiedName: "Retired", active: false },
  ],
  departments: [{ id: "60", name: "Boston", fullyQualifiedName: "Boston", active: true }],
};
const untracked: QboDirectory = { ...directory, classes: null, departments: null };

const vendorLink: MappingRule = { kind: "link", targetQboId: "30", targetName: "Jane Contractor", nameOf: "Vendor", dimensions: { location: { qboId: "60", name: "Boston" } } };
const projectRule: MappingRule = { kind: "link", targetQboId: "20", targetName: "Acme", dimensions: { class: { qboId: "50", name: "Web:Website Redesign" }, location: null } };

describe("stored form of vendor and Class / Location rules", () => {
  it.each([
    ["a vendor link with a location", vendorLink],
    ["a vendor create", { kind: "create", name: "Priya Contracting", parentQboId: null, incomeAccountId: undefined, unitPrice: undefined, targetQboId: null, nameOf: "Vendor" } as MappingRule],
    ["a project link with a class and an explicit empty location", projectRule],
    ["a skip with a class (kept, though unused)", { kind: "skip", dimensions: { class: null } } as MappingRule],
  ])("%s survives the converter pair and the snapshot", (_name, rule) => {
    expect(mappingRuleSchema.safeParse(rule).success).toBe(true);
    const stored = storedFromRule(rule);
    expect(storedRuleSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    expect(ruleFromStored(stored, "x")).toEqual(rule);
    const entry: RuleForEntity = { category: "user", sourceId: 7, sourceName: "Jane", rule };
    expect(ruleFromSnapshot(snapshotFromRule(entry))).toEqual(entry);
  });

  it("a skip never carries nameOf, and an employee rule stores no nameOf at all", () => {
    expect(storedFromRule({ kind: "link", targetQboId: "1", targetName: "Wei Chen" })).not.toHaveProperty("nameOf");
    expect(ruleFromStored({ kind: "skip", targetQboId: null, targetName: null, createOptions: null, nameOf: "Vendor" }, "x")).toEqual({ kind: "skip" });
  });

  it("unreadable stored extras read as absent rather than failing the rule", () => {
    expect(storedRuleSchema.parse({ kind: "link", targetQboId: "1", targetName: "x", nameOf: "Customer", dimensions: "east" })).toEqual({ kind: "link", targetQboId: "1", targetName: "x", createOptions: null });
  });

  it("sameStoredRule tells a vendor from an employee and a changed class from the same one", () => {
    const employee = storedFromRule({ kind: "link", targetQboId: "1", targetName: "x" });
    const vendor = storedFromRule({ kind: "link", targetQboId: "1", targetName: "x", nameOf: "Vendor" });
    expect(sameStoredRule(employee, vendor)).toBe(false);
    const a = storedFromRule(projectRule);
    expect(sameStoredRule(a, storedFromRule({ ...projectRule }))).toBe(true);
    expect(sameStoredRule(a, storedFromRule({ ...projectRule, dimensions: { class: { qboId: "53", name: "Retired" }, location: null } }))).toBe(false);
    expect(sameStoredRule(a, storedFromRule({ ...projectRule, dimensions: { class: { qboId: "50", name: "Web:Website Redesign" } } }))).toBe(false);
  });

  it("a created vendor stays a vendor as a link; an employee created under the name is not kept for a vendor create", () => {
    const created = storedFromRule({ kind: "create", name: "Priya", targetQboId: "77", nameOf: "Vendor" });
    expect(linkOnceCreated(created)).toMatchObject({ kind: "link", targetQboId: "77", nameOf: "Vendor" });
    const employeeBefore = storedFromRule({ kind: "create", name: "Priya", targetQboId: "5" });
    expect(keepCreatedEntity({ kind: "create", name: "Priya", nameOf: "Vendor" }, employeeBefore)).toEqual({ kind: "create", name: "Priya", nameOf: "Vendor" });
    expect(keepCreatedEntity({ kind: "create", name: "Priya", nameOf: "Vendor" }, created)).toMatchObject({ targetQboId: "77" });
  });

  it("labels: Link to QB Vendor, Create new QB Vendor", () => {
    expect(ruleKindLabel("user", "link", false, "Vendor")).toBe("Link to QB Vendor");
    expect(ruleKindLabel("user", "create", false, "Vendor")).toBe("Create new QB Vendor");
  });
});

const snap = (category: SnapshotRule["category"], sourceId: number, rule: MappingRule): SnapshotRule => snapshotFromRule({ category, sourceId, sourceName: `e${sourceId}`, rule });

describe("resolveTargets with vendor and Class / Location rules", () => {
  const rules = [
    snap("user", 1, vendorLink),
    snap("user", 2, { kind: "create", name: "Priya", nameOf: "Vendor", dimensions: { class: { qboId: "50", name: "" } } }),
    snap("user", 3, { kind: "link", targetQboId: "1", targetName: "Wei Chen" }),
    snap("project", 10, projectRule),
    snap("project", 11, { kind: "link", targetQboId: "20", targetName: "Acme" }),
    snap("type_of_work", 20, { kind: "link", targetQboId: "40", targetName: "Consulting", dimensions: { class: { qboId: "50", name: "" } } }),
  ];

  it("vendor rules become nameOf Vendor targets (existing and new); employee rules stay Employee", () => {
    const targets = resolveTargets(rules, directory);
    expect(targets.users.get(1)).toEqual({ kind: "qbo", ref: "qbo:30", name: "Jane Contractor", unitPrice: null, nameOf: "Vendor" });
    expect(targets.users.get(2)).toMatchObject({ kind: "qbo", ref: "new:user:2", nameOf: "Vendor" });
    expect(targets.users.get(3)).not.toHaveProperty("nameOf");
  });

  it("Class / Location rules of projects and users, null for leave it empty, none for other categories", () => {
    const targets = resolveTargets(rules, directory);
    expect(targets.classes).toEqual({ projects: new Map([[10, "qbo:50"]]), users: new Map([[2, "qbo:50"]]) });
    expect(targets.departments).toEqual({ projects: new Map([[10, null]]), users: new Map([[1, "qbo:60"]]) });
  });

  it("nothing for a company that tracks neither (or without a directory)", () => {
    expect(resolveTargets(rules, untracked)).not.toHaveProperty("classes");
    expect(resolveTargets(rules, untracked)).not.toHaveProperty("departments");
    expect(resolveTargets(rules, null)).not.toHaveProperty("classes");
  });
});

describe("validateMapping of vendor and Class / Location rules", () => {
  const entry = (category: RuleForEntity["category"], sourceId: number, rule: MappingRule, sourceName = `e${sourceId}`): RuleForEntity => ({ category, sourceId, sourceName, rule });

  it("accepts a vendor link whose Id is also an employee's another user links", () => {
    expect(validateMapping({ rules: [entry("user", 1, { kind: "link", targetQboId: "1", targetName: "", nameOf: "Vendor" }), entry("user", 2, { kind: "link", targetQboId: "1", targetName: "" })], directory })).toEqual({ ok: true });
  });

  it("refuses two users on one vendor, both told", () => {
    const result = validateMapping({ rules: [entry("user", 1, vendorLink, "Jane"), entry("user", 2, vendorLink, "J. Doe")], directory });
    expect(result).toEqual({
      ok: false,
      errors: [
        { category: "user", sourceId: 1, field: "target", message: 'Each QuickBooks vendor can be linked to one actiTIME user only: "Jane Contractor" is also chosen for "J. Doe"' },
        { category: "user", sourceId: 2, field: "target", message: 'Each QuickBooks vendor can be linked to one actiTIME user only: "Jane Contractor" is also chosen for "Jane"' },
      ],
    });
  });

  it("refuses a vendor name another create or QuickBooks already has, and nameOf outside users", () => {
    const result = validateMapping({
      rules: [
        entry("user", 1, { kind: "create", name: "Priya", nameOf: "Vendor" }),
        entry("user", 2, { kind: "create", name: "priya", nameOf: "Vendor" }),
        entry("user", 3, { kind: "create", name: "Wei Chen", nameOf: "Vendor" }),
        entry("project", 10, { kind: "link", targetQboId: "20", targetName: "Acme", nameOf: "Vendor" }),
      ],
      directory,
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => [e.sourceId, e.field])).toEqual([[2, "name"], [3, "name"], [10, "kind"]]);
    expect(errors[1]!.message).toMatch(/already has an employee named "Wei Chen"/);
  });

  it("checks a tracked class / location exists and is active; ignores untracked ones", () => {
    const rules = [entry("project", 10, { kind: "link", targetQboId: "20", targetName: "Acme", dimensions: { class: { qboId: "53", name: "Retired" }, location: { qboId: "99", name: "Mars" } } })];
    const result = validateMapping({ rules, directory });
    expect(result.ok ? [] : result.errors.map((e) => [e.field, e.message])).toEqual([
      ["class", 'The QuickBooks class "Retired" is inactive. Make it active in QuickBooks or choose another'],
      ["location", 'The QuickBooks location "Mars" is no longer in QuickBooks. Refresh the list and choose again'],
    ]);
    expect(validateMapping({ rules, directory: untracked })).toEqual({ ok: true });
  });
});

describe("the forms: Settings' and the Map step's fields", () => {
  it("parseRuleFromForm reads vendor kinds and Class / Location choices", () => {
    expect(parseRuleFromForm({ kind: "vendor_link", targetQboId: "30", classQboId: "50", locationQboId: "none" })).toEqual({
      ok: true,
      rule: { kind: "link", targetQboId: "30", targetName: "", nameOf: "Vendor", dimensions: { class: { qboId: "50", name: "" }, location: null } },
    });
    expect(parseRuleFromForm({ kind: "vendor_create", name: "Priya", classQboId: "" })).toMatchObject({ ok: true, rule: { kind: "create", name: "Priya", nameOf: "Vendor" } });
    expect(parseRuleFromForm({ kind: "vendor_create", name: "Priya" })).not.toHaveProperty("rule.dimensions");
  });

  it("the Map step's fields of a rule read back as the same rule, named from QuickBooks", () => {
    const rules: RuleForEntity[] = [
      { category: "user", sourceId: 1, sourceName: "Jane", rule: vendorLink },
      { category: "project", sourceId: 10, sourceName: "Web", rule: projectRule },
    ];
    const form = Object.assign({}, ...rules.map(ruleFormFields)) as Record<string, string>;
    expect(form).toMatchObject({ "r:user:1:kind": "vendor_link", "r:user:1:locationQboId": "60", "r:project:10:classQboId": "50", "r:project:10:locationQboId": "none" });
    const names = new Map([["user:1", "Jane"], ["project:10", "Web"]]);
    expect(rulesFromForm(form, names, directory)).toEqual({ rules, errors: [] });
  });

  it("the Map step keeps saved Class / Location rules the company no longer tracks", () => {
    const saved = [snap("project", 10, projectRule)];
    const { rules } = rulesFromForm({ "r:project:10:kind": "link", "r:project:10:targetQboId": "20" }, new Map([["project:10", "Web"]]), untracked, saved);
    expect(rules[0]!.rule.dimensions).toEqual(projectRule.dimensions);
  });
});

describe("suggestions with vendors and classes (the Map step's)", () => {
  const users = [
    { id: 1, fullName: "Jane Contractor", email: null },
    { id: 2, fullName: "Wei Chen", email: null },
  ];
  const projects = [{ id: 10, name: "Website Redesign", customerId: 1, customerName: "Web" }];

  it("a user matching a vendor and no employee is suggested as Link to QB Vendor; a project gets its class", () => {
    const base = suggestRules({ users, projects, typesOfWork: [], leaveTypes: [], directory });
    const out = withVendorAndDimensionSuggestions(base, { users, projects, directory });
    expect(out.find((s) => s.sourceId === 1)).toMatchObject({ category: "user", rule: { kind: "link", targetQboId: "30", targetName: "Jane Contractor", nameOf: "Vendor" }, reason: "same name (QuickBooks vendor)" });
    expect(out.find((s) => s.sourceId === 2)).toMatchObject({ rule: { kind: "link", targetQboId: "1" } });
    expect(out.find((s) => s.sourceId === 2)!.rule).not.toHaveProperty("nameOf");
    expect(out.find((s) => s.category === "project")).toMatchObject({ rule: { dimensions: { class: { qboId: "50", name: "Web:Website Redesign" } } }, reason: expect.stringContaining('class "Web:Website Redesign"') });
  });

  it("no class or location suggestions for a company that does not track them", () => {
    const base = suggestRules({ users, projects, typesOfWork: [], leaveTypes: [], directory: untracked });
    const out = withVendorAndDimensionSuggestions(base, { users, projects, directory: untracked });
    expect(out.find((s) => s.category === "project")!.rule).not.toHaveProperty("dimensions");
  });

  it("a vendor a saved vendor rule links is not suggested again", () => {
    const existingRules: RuleForEntity[] = [{ category: "user", sourceId: 9, sourceName: "Other", rule: vendorLink }];
    const base = suggestRules({ users, projects, typesOfWork: [], leaveTypes: [], directory, existingRules });
    const out = withVendorAndDimensionSuggestions(base, { users, projects, directory, existingRules });
    expect(out.find((s) => s.sourceId === 1)!.rule).not.toHaveProperty("nameOf");
  });
});
