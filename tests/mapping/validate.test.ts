import { describe, expect, it } from "vitest";
import type { QboDirectory } from "@/lib/mapping/directory";
import type { MappingCategory, MappingRule, RuleForEntity } from "@/lib/mapping/rules";
import {
  parseRuleFromForm,
  PAYROLL_CREATE_EMPLOYEE_MESSAGE,
  RATE_INVALID_MESSAGE,
  validateMapping,
  type FieldError,
} from "@/lib/mapping/validate";

const directory: QboDirectory = {
  employees: [
    { id: "1", name: "Wei Chen", email: "wei@example.com", active: true },
    { id: "2", name: "Anna Berg", active: false },
  ],
  customers: [
    { id: "10", name: "Globex Corporation", fullyQualifiedName: "Globex Corporation", active: true },
    { id: "11", name: "Website Redesign", fullyQualifiedName: "Globex Corporation:Website Redesign", parentId: "10", active: true },
    { id: "12", name: "Dormant Ltd", fullyQualifiedName: "Dormant Ltd", active: false },
    { id: "20", name: "L0", fullyQualifiedName: "L0", active: true },
    { id: "23", name: "L3", fullyQualifiedName: "L0:L1:L2:L3", parentId: "22", active: true },
    { id: "24", name: "L4", fullyQualifiedName: "L0:L1:L2:L3:L4", parentId: "23", active: true },
  ],
  vendors: [{ id: "30", name: "Paper Supply Co" }],
  items: [
    { id: "40", name: "Consulting", fullyQualifiedName: "Consulting", type: "Service", active: true, unitPrice: 100 },
    { id: "41", name: "Design", fullyQualifiedName: "Consulting:Design", parentId: "40", type: "Service", active: true },
    { id: "42", name: "Hours", fullyQualifiedName: "Hours", type: "Service", active: false },
    { id: "43", name: "Widgets", fullyQualifiedName: "Widgets", type: "Inventory", active: true },
    { id: "44", name: "Labour", fullyQualifiedName: "Labour", type: "Category", active: true },
    { id: "45", name: "Training", fullyQualifiedName: "Training", type: "Service", active: true },
  ],
  incomeAccounts: [
    { id: "79", name: "Sales of Product Income" },
    { id: "80", name: "Services" },
  ],
  payrollEnabled: false,
};

let nextSourceId = 100;
function ruleFor(category: MappingCategory, rule: MappingRule, sourceName = `source ${nextSourceId}`): RuleForEntity {
  return { category, sourceId: nextSourceId++, sourceName, rule };
}
const link = (targetQboId: string, targetName = "") => ({ kind: "link" as const, targetQboId, targetName });
const newItem = (name: string, extra: Partial<Extract<MappingRule, { kind: "create" }>> = {}) => ({
  kind: "create" as const,
  name,
  incomeAccountId: "80",
  unitPrice: 50,
  ...extra,
});

function errorsOf(rules: RuleForEntity[], dir: QboDirectory = directory): FieldError[] {
  const result = validateMapping({ rules, directory: dir });
  return result.ok ? [] : result.errors;
}

describe("validateMapping accepts", () => {
  it.each<[string, RuleForEntity[]]>([
    ["no rules", []],
    ["Do not import for every category", [ruleFor("user", { kind: "skip" }), ruleFor("leave_type", { kind: "skip" })]],
    ["a link to an active employee", [ruleFor("user", link("1", "Wei Chen"))]],
    ["a link to a sub-customer", [ruleFor("project", link("11"))]],
    ["a link to a sub-service", [ruleFor("type_of_work", link("41"))]],
    ["many projects linked to one customer", [ruleFor("project", link("10")), ruleFor("project", link("10"))]],
    ["a new employee", [ruleFor("user", { kind: "create", name: "Jon Smith" })]],
    ["a new customer of 500 characters", [ruleFor("project", { kind: "create", name: "x".repeat(500) })]],
    ["a new sub-customer", [ruleFor("project", { kind: "create", name: "Phase 1", parentQboId: "10" })]],
    ["a sub-customer 4 levels down", [ruleFor("project", { kind: "create", name: "Deep", parentQboId: "23" })]],
    ["a new service item of 100 characters", [ruleFor("type_of_work", newItem("x".repeat(100)))]],
    ["a rate of 0", [ruleFor("leave_type", newItem("Vacation", { unitPrice: 0 }))]],
    ["a sub-service whose full name is new", [ruleFor("type_of_work", newItem("Design", { parentQboId: "45" }))]],
    ["a top-level item named like a sub-service", [ruleFor("type_of_work", newItem("Design"))]],
    ["a sub-service under a Category", [ruleFor("type_of_work", newItem("Wiring", { parentQboId: "44" }))]],
    ["a created rule whose name QBO now holds", [ruleFor("project", { kind: "create", name: "Globex Corporation", targetQboId: "10" })]],
    ["a customer and an item with one name", [ruleFor("project", { kind: "create", name: "Audit" }), ruleFor("type_of_work", newItem("Audit"))]],
  ])("%s", (_label, rules) => {
    expect(validateMapping({ rules, directory })).toEqual({ ok: true });
  });
});

describe("validateMapping rejects", () => {
  it.each<[string, RuleForEntity, FieldError["field"], string]>([
    ["a link without a target", ruleFor("user", link(" ")), "target", "Choose the QuickBooks employee"],
    ["a link to a missing employee", ruleFor("user", link("999", "Gone Person")), "target", `"Gone Person" is no longer in QuickBooks`],
    ["a link to an inactive employee", ruleFor("user", link("2")), "target", `"Anna Berg" is inactive`],
    ["a link to an inactive customer", ruleFor("project", link("12")), "target", "inactive"],
    ["a link to a customer id from the item list", ruleFor("project", link("40")), "target", "no longer in QuickBooks"],
    ["a link to an inactive item", ruleFor("type_of_work", link("42")), "target", `"Hours" is inactive`],
    ["a link to an inventory item", ruleFor("type_of_work", link("43")), "target", "only be recorded against a service item"],
    ["a link to a category", ruleFor("leave_type", link("44")), "target", "Category item"],
    ["an empty name", ruleFor("project", { kind: "create", name: "" }), "name", "Enter a name"],
    ["a name with a colon", ruleFor("project", { kind: "create", name: "Globex:Web" }), "name", "colon"],
    ["a name with a tab", ruleFor("user", { kind: "create", name: "Jon\tSmith" }), "name", "tabs or line breaks"],
    ["a name with outer spaces", ruleFor("user", { kind: "create", name: " Jon Smith" }), "name", "start or end"],
    ["a 501-character customer", ruleFor("project", { kind: "create", name: "x".repeat(501) }), "name", "at most 500"],
    ["a 101-character item", ruleFor("type_of_work", newItem("x".repeat(101))), "name", "at most 100"],
    ["a customer named like a vendor", ruleFor("project", { kind: "create", name: "paper supply co" }), "name", `already has a vendor named "Paper Supply Co"`],
    ["an employee named like an employee", ruleFor("user", { kind: "create", name: "WEI CHEN" }), "name", "or choose Link to QB Employee"],
    ["an employee named like a customer", ruleFor("user", { kind: "create", name: "Globex Corporation" }), "name", "already has a customer"],
    ["an employee named like an inactive employee", ruleFor("user", { kind: "create", name: "Anna Berg" }), "name", "already has an employee"],
    ["a sub-customer named like another's", ruleFor("project", { kind: "create", name: "Website Redesign", parentQboId: "20" }), "name", "must be unique"],
    ["an item named like an item", ruleFor("type_of_work", newItem("consulting")), "name", `service item named "Consulting"`],
    ["an item named like a stock item", ruleFor("type_of_work", newItem("Widgets")), "name", `an item named "Widgets"`],
    ["a sub-service with a taken full name", ruleFor("type_of_work", newItem("Design", { parentQboId: "40" })), "name", `"Consulting:Design"`],
    ["an employee with a parent", ruleFor("user", { kind: "create", name: "Jon", parentQboId: "10" }), "parent", "can't be placed under a parent"],
    ["a missing parent customer", ruleFor("project", { kind: "create", name: "P", parentQboId: "999" }), "parent", "parent customer is no longer"],
    ["an inactive parent customer", ruleFor("project", { kind: "create", name: "P", parentQboId: "12" }), "parent", "inactive"],
    ["a parent 4 levels down already", ruleFor("project", { kind: "create", name: "P", parentQboId: "24" }), "parent", "at most 4 levels"],
    ["an inventory parent item", ruleFor("type_of_work", newItem("P", { parentQboId: "43" })), "parent", "can't hold sub-services"],
    ["a missing parent item", ruleFor("type_of_work", newItem("P", { parentQboId: "999" })), "parent", "parent service item"],
    ["an item without income account", ruleFor("type_of_work", newItem("P", { incomeAccountId: undefined })), "incomeAccount", "Choose an income account"],
    ["an item with a non-income account", ruleFor("type_of_work", newItem("P", { incomeAccountId: "1" })), "incomeAccount", "not an Income account"],
    ["an item without rate", ruleFor("leave_type", newItem("P", { unitPrice: undefined })), "unitPrice", "Enter a rate"],
    ["a negative rate", ruleFor("leave_type", newItem("P", { unitPrice: -1 })), "unitPrice", RATE_INVALID_MESSAGE],
    ["a NaN rate", ruleFor("leave_type", newItem("P", { unitPrice: Number.NaN })), "unitPrice", RATE_INVALID_MESSAGE],
    ["an infinite rate", ruleFor("leave_type", newItem("P", { unitPrice: Number.POSITIVE_INFINITY })), "unitPrice", RATE_INVALID_MESSAGE],
    ["a rate that is text", ruleFor("leave_type", newItem("P", { unitPrice: "12" as unknown as number })), "unitPrice", RATE_INVALID_MESSAGE],
    ["a created rule whose entity is gone", ruleFor("project", { kind: "create", name: "Gone", targetQboId: "999" }), "target", "no longer in QuickBooks"],
  ])("%s", (_label, rule, field, message) => {
    const errors = errorsOf([rule]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ category: rule.category, sourceId: rule.sourceId, field });
    expect(errors[0]!.message).toContain(message);
  });

  it("refuses new employees when Payroll is on, on the rule kind", () => {
    const rule = ruleFor("user", { kind: "create", name: "Jon Smith" });
    expect(errorsOf([rule], { ...directory, payrollEnabled: true })).toEqual([
      { category: "user", sourceId: rule.sourceId, field: "kind", message: PAYROLL_CREATE_EMPLOYEE_MESSAGE },
    ]);
    expect(errorsOf([ruleFor("user", link("1"))], { ...directory, payrollEnabled: true })).toEqual([]);
  });

  it("reports every problem of one rule, each on its field", () => {
    const rule = ruleFor("type_of_work", { kind: "create", name: "A:B", parentQboId: "43", unitPrice: -5 });
    expect(errorsOf([rule]).map((error) => error.field).sort()).toEqual(["incomeAccount", "name", "parent", "unitPrice"]);
  });

  it("tells each user linked to the same employee (one-to-one)", () => {
    const first = ruleFor("user", link("1"), "Wei Chen");
    const second = ruleFor("user", link("1"), "Chen Wei (contractor)");
    const errors = errorsOf([first, ruleFor("user", link("2")), second]);
    const oneToOne = errors.filter((error) => error.message.includes("one actiTIME user only"));
    expect(oneToOne.map((error) => error.sourceId)).toEqual([first.sourceId, second.sourceId]);
    expect(oneToOne[0]!.message).toContain(`"Wei Chen" is also chosen for "Chen Wei (contractor)"`);
    expect(oneToOne[1]!.message).toContain(`is also chosen for "Wei Chen"`);
  });

  it("counts a created-and-linked employee towards one-to-one", () => {
    const created = ruleFor("user", { kind: "create", name: "Wei Chen", targetQboId: "1" });
    expect(errorsOf([created, ruleFor("user", link("1"))])).toHaveLength(2);
  });

  it("lets the first rule keep a name two rules would create, and tells the second which rule has it", () => {
    const first = ruleFor("project", { kind: "create", name: "New Client" }, "Project A");
    const second = ruleFor("user", { kind: "create", name: "new  client" }, "Someone");
    const errors = errorsOf([first, second]);
    expect(errors).toEqual([
      {
        category: "user",
        sourceId: second.sourceId,
        field: "name",
        message: `The actiTIME project "Project A" already creates "new  client" in QuickBooks, and names must be unique: choose another name`,
      },
    ]);
  });

  it("treats items of Types of Work and Leave Types as one namespace", () => {
    const errors = errorsOf([ruleFor("type_of_work", newItem("Training Day")), ruleFor("leave_type", newItem("training day"))]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.category).toBe("leave_type");
  });

  it("lists errors in the order of the rules", () => {
    const rules = [
      ruleFor("leave_type", link("42")),
      ruleFor("user", link("999")),
      ruleFor("project", { kind: "create", name: "" }),
    ];
    expect(errorsOf(rules).map((error) => error.sourceId)).toEqual(rules.map((rule) => rule.sourceId));
  });
});

describe("parseRuleFromForm", () => {
  it.each([
    [{ kind: "skip", extra: "ignored" }, { kind: "skip" }],
    [{ kind: "link", targetQboId: " 58 ", targetName: "Globex" }, { kind: "link", targetQboId: "58", targetName: "Globex" }],
    [{ kind: "link", targetQboId: "58" }, { kind: "link", targetQboId: "58", targetName: "" }],
    [
      { kind: "create", name: " Design ", parentQboId: "", incomeAccountId: "80", unitPrice: "120.50" },
      { kind: "create", name: "Design", parentQboId: null, incomeAccountId: "80", unitPrice: 120.5, targetQboId: null },
    ],
    [{ kind: "create", name: "Globex", unitPrice: "" }, { kind: "create", name: "Globex", parentQboId: null, targetQboId: null }],
    [{ kind: "create", name: "Design", unitPrice: 0 }, { kind: "create", name: "Design", unitPrice: 0, parentQboId: null, targetQboId: null }],
  ])("accepts %j", (input, rule) => {
    expect(parseRuleFromForm(input)).toEqual({ ok: true, rule });
  });

  it.each([
    [undefined, "kind", "Choose Create new, Link to or Do not import"],
    [{ kind: "merge" }, "kind", "Choose Create new, Link to or Do not import"],
    [{ kind: "link", targetQboId: "  " }, "target", "Choose the QuickBooks entry to link to"],
    [{ kind: "create", name: "   " }, "name", "Enter a name"],
    [{ kind: "create", name: "x", unitPrice: "-3" }, "unitPrice", RATE_INVALID_MESSAGE],
    [{ kind: "create", name: "x", unitPrice: "12,50" }, "unitPrice", RATE_INVALID_MESSAGE],
    [{ kind: "create", name: "x", unitPrice: "abc" }, "unitPrice", RATE_INVALID_MESSAGE],
    [{ kind: "create", name: "x", unitPrice: Number.NaN }, "unitPrice", RATE_INVALID_MESSAGE],
  ])("rejects %j on %s", (input, field, message) => {
    const result = parseRuleFromForm(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ field, message });
  });

  it("reads FormData", () => {
    const form = new FormData();
    form.set("kind", "create");
    form.set("name", "Design");
    form.set("incomeAccountId", "80");
    form.set("unitPrice", "75");
    expect(parseRuleFromForm(form)).toMatchObject({ ok: true, rule: { kind: "create", name: "Design", unitPrice: 75 } });
  });
});
