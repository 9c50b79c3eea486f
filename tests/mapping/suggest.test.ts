import { describe, expect, it } from "vitest";
import type { QboDirectory } from "@/lib/mapping/directory";
import { QBO_ITEM_NAME_MAX_CHARS, validateQboName } from "@/lib/mapping/names";
import type { RuleForEntity } from "@/lib/mapping/rules";
import {
  defaultIncomeAccountId,
  rateToUnitPrice,
  suggestRules,
  type Suggestion,
  type SuggestRulesInput,
} from "@/lib/mapping/suggest";
import { validateMapping } from "@/lib/mapping/validate";
import { buildBenchInput } from "@/tests/bench/suggest";

const directory: QboDirectory = {
  employees: [
    { id: "1", name: "Wei Chen", active: true },
    { id: "2", name: "Jose Muller", active: true },
    { id: "3", name: "Sam Taylor", email: "sam@acme.test", active: true },
    { id: "4", name: "Alex Kim", active: true },
    { id: "5", name: "Retired Person", active: false },
  ],
  customers: [
    { id: "10", name: "ACME Corporation", fullyQualifiedName: "ACME Corporation", active: true },
    { id: "11", name: "Globex", fullyQualifiedName: "Globex", active: true },
    { id: "12", name: "Website Redesign", fullyQualifiedName: "Globex:Website Redesign", parentId: "11", active: true },
    { id: "13", name: "Initech", fullyQualifiedName: "Initech", active: true },
    { id: "14", name: "Phase 1", fullyQualifiedName: "Initech:Phase 1", parentId: "13", active: true },
  ],
  vendors: [{ id: "30", name: "Audit" }],
  items: [
    { id: "40", name: "Consulting", fullyQualifiedName: "Consulting", type: "Service", active: true },
    { id: "41", name: "Design", fullyQualifiedName: "Consulting:Design", parentId: "40", type: "Service", active: true },
    { id: "42", name: "Vacation", fullyQualifiedName: "Vacation", type: "Service", active: true },
    { id: "43", name: "Development", fullyQualifiedName: "Development", type: "Service", active: true },
    { id: "44", name: "Widgets", fullyQualifiedName: "Widgets", type: "Inventory", active: true },
    { id: "45", name: "Old Service", fullyQualifiedName: "Old Service", type: "Service", active: false },
  ],
  incomeAccounts: [
    { id: "79", name: "Sales of Product Income" },
    { id: "80", name: "Services" },
  ],
  payrollEnabled: false,
};

function suggest(partial: Partial<SuggestRulesInput>, dir: QboDirectory = directory): Suggestion[] {
  return suggestRules({ users: [], projects: [], typesOfWork: [], leaveTypes: [], directory: dir, ...partial });
}

function only(partial: Partial<SuggestRulesInput>, dir: QboDirectory = directory): Suggestion {
  const suggestions = suggest(partial, dir);
  expect(suggestions).toHaveLength(1);
  return suggestions[0]!;
}

describe("users → employees", () => {
  it.each([
    ["Wei Chen", undefined, "1", "same name"],
    ["Chen Wei", undefined, "1", "same name, written differently"],
    ["José Müller", undefined, "2", "same name, written differently"],
    ["jose muller", undefined, "2", "same name"],
    ["Samuel T.", " SAM@Acme.test ", "3", "same e-mail"],
  ])("%j (%s) links to employee %s: %s", (fullName, email, employeeId, reason) => {
    const suggestion = only({ users: [{ id: 7, fullName, email }] });
    expect(suggestion).toMatchObject({
      category: "user",
      sourceId: 7,
      sourceName: fullName,
      rule: { kind: "link", targetQboId: employeeId },
      reason,
      score: 1,
    });
  });

  it("creates an employee when no name is close enough", () => {
    expect(only({ users: [{ id: 7, fullName: "Jon Smith" }] })).toMatchObject({
      rule: { kind: "create", name: "Jon Smith" },
      reason: "no similar QuickBooks employee",
    });
  });

  it("does not link to an inactive employee, nor reuse its name", () => {
    expect(only({ users: [{ id: 7, fullName: "Retired Person" }] }).rule).toEqual({ kind: "create", name: "Retired Person (2)" });
  });

  it("suggests Do not import instead of create when Payroll is on", () => {
    const suggestion = only({ users: [{ id: 7, fullName: "Jon Smith" }] }, { ...directory, payrollEnabled: true });
    expect(suggestion.rule).toEqual({ kind: "skip" });
    expect(suggestion.reason).toBe("no similar QuickBooks employee; QuickBooks Payroll is on, so new employees must be created in QuickBooks");
  });

  it("still links with Payroll on", () => {
    expect(only({ users: [{ id: 7, fullName: "Wei Chen" }] }, { ...directory, payrollEnabled: true }).rule.kind).toBe("link");
  });

  it("never links two users to one employee: the better match wins, the other is told why", () => {
    const suggestions = suggest({
      users: [
        { id: 3, fullName: "Alex Kimm" }, // 94% similar, lower id
        { id: 5, fullName: "Alex Kim" }, // exact
      ],
    });
    expect(suggestions.map((s) => [s.sourceId, s.rule])).toEqual([
      [3, { kind: "create", name: "Alex Kimm" }],
      [5, { kind: "link", targetQboId: "4", targetName: "Alex Kim" }],
    ]);
    expect(suggestions[0]!.reason).toBe("Alex Kim is suggested for Alex Kim");
  });

  it("prefers an e-mail match over an equally good name match, and keeps the loser's new name unique", () => {
    const suggestions = suggest({
      users: [
        { id: 1, fullName: "Sam Taylor" },
        { id: 2, fullName: "S. Taylor", email: "sam@acme.test" },
      ],
    });
    expect(suggestions[1]!.rule).toMatchObject({ kind: "link", targetQboId: "3" });
    expect(suggestions[0]!.rule).toEqual({ kind: "create", name: "Sam Taylor (2)" });
  });

  it("breaks a tie between equal matches by the lower actiTIME id", () => {
    const suggestions = suggest({ users: [{ id: 9, fullName: "Wei Chen" }, { id: 4, fullName: "Chen Wei" }] });
    expect(suggestions.find((s) => s.rule.kind === "link")?.sourceId).toBe(4);
  });

  it("does not offer an employee already linked by a saved rule", () => {
    const existingRules: RuleForEntity[] = [
      { category: "user", sourceId: 99, sourceName: "W. Chen", rule: { kind: "link", targetQboId: "1", targetName: "Wei Chen" } },
    ];
    const suggestion = only({ users: [{ id: 7, fullName: "Wei Chen" }], existingRules });
    expect(suggestion.rule).toEqual({ kind: "create", name: "Wei Chen (2)" });
    expect(suggestion.reason).toBe("Wei Chen is already linked to W. Chen");
  });
});

describe("projects → customers", () => {
  const project = (id: number, name: string, customerName: string, customerId = id * 10) => ({ id, name, customerId, customerName });

  it("links to the sub-customer whose full name is customer:project", () => {
    expect(only({ projects: [project(1, "Website Redesign", "Globex")] })).toMatchObject({
      rule: { kind: "link", targetQboId: "12", targetName: "Globex:Website Redesign" },
      reason: "matches Globex:Website Redesign",
      score: 1,
    });
  });

  it("links across company endings: Acme Corp ↔ ACME Corporation", () => {
    expect(only({ projects: [project(1, "Acme Corp", "Acme Corp")] })).toMatchObject({
      rule: { kind: "link", targetQboId: "10", targetName: "ACME Corporation" },
    });
  });

  it("suggests a new sub-customer under the matching QBO customer", () => {
    expect(only({ projects: [project(1, "Mobile App", "Acme Corp")] })).toMatchObject({
      rule: { kind: "create", name: "Mobile App", parentQboId: "10" },
      reason: "new sub-customer under ACME Corporation",
    });
  });

  it("does not link to a sub-customer of another client, and prefixes the client when the name is taken", () => {
    expect(only({ projects: [project(1, "Phase 1", "Globex")] })).toMatchObject({
      rule: { kind: "create", name: "Globex - Phase 1", parentQboId: "11" },
    });
  });

  it("creates a cleaned top-level customer when neither project nor client matches", () => {
    expect(only({ projects: [project(1, "Roadmap: Q3", "Umbrella")] })).toMatchObject({
      rule: { kind: "create", name: "Umbrella - Roadmap - Q3" },
      reason: "no similar QuickBooks customer",
    });
  });

  it("keeps new customer names unique against vendors and other suggestions", () => {
    const suggestions = suggest({ projects: [project(1, "Audit", ""), project(2, "audit", "")] });
    expect(suggestions.map((s) => s.rule)).toEqual([
      { kind: "create", name: "Audit (2)" },
      { kind: "create", name: "audit (3)" },
    ]);
  });

  it("keeps one namespace for new employees and new customers", () => {
    const suggestions = suggest({ users: [{ id: 1, fullName: "Pat Doe" }], projects: [project(1, "Pat Doe", "")] });
    expect(suggestions.map((s) => s.rule)).toEqual([
      { kind: "create", name: "Pat Doe" },
      { kind: "create", name: "Pat Doe (2)" },
    ]);
  });
});

describe("types of work and leave types → service items", () => {
  it.each([
    ["consulting", "40", "same name"],
    ["Design", "41", "same name as Consulting:Design"],
    ["Consulting Design", "41", "matches Consulting:Design"],
    ["Developement", "43", "name 88% similar"],
    ["Consult-ing", "40", "name 95% similar"],
  ])("%j links to item %s: %s", (name, itemId, reason) => {
    expect(only({ typesOfWork: [{ id: 1, name, rate: 80, billable: true }] })).toMatchObject({
      category: "type_of_work",
      rule: { kind: "link", targetQboId: itemId },
      reason,
    });
  });

  it("does not link to stock or inactive items", () => {
    const suggestions = suggest({
      typesOfWork: [
        { id: 1, name: "Widgets", rate: 10, billable: true },
        { id: 2, name: "Old Service", rate: 10, billable: true },
      ],
    });
    expect(suggestions.map((s) => s.rule.kind)).toEqual(["create", "create"]);
    expect(suggestions.map((s) => s.rule.kind === "create" && s.rule.name)).toEqual(["Widgets (2)", "Old Service (2)"]);
  });

  it("creates a service item with the actiTIME rate, in cents, and the Services income account", () => {
    expect(only({ typesOfWork: [{ id: 1, name: "Strategy: Phase A", rate: 87.456, billable: true }] })).toEqual({
      category: "type_of_work",
      sourceId: 1,
      sourceName: "Strategy: Phase A",
      rule: { kind: "create", name: "Strategy - Phase A", unitPrice: 87.46, incomeAccountId: "80" },
      reason: "no similar QuickBooks service item",
    });
  });

  it("cuts a 120-character name to a valid item name", () => {
    const longName = "Implementation and configuration of the customer reporting platform including data migration, testing and user training!";
    expect(longName).toHaveLength(120);
    const { rule } = only({ typesOfWork: [{ id: 1, name: longName, rate: null, billable: false }] });
    if (rule.kind !== "create") throw new Error("expected a create");
    expect(rule.name.length).toBeLessThanOrEqual(QBO_ITEM_NAME_MAX_CHARS);
    expect(validateQboName(rule.name, "item")).toBeNull();
    expect(longName.startsWith(rule.name)).toBe(true);
    expect(rule.unitPrice).toBe(0);
  });

  it("links leave types and creates the rest at rate 0, unique across both categories", () => {
    const suggestions = suggest({
      typesOfWork: [{ id: 1, name: "Sick Leave", rate: 20, billable: false }],
      leaveTypes: [
        { id: 1, name: "vacation" },
        { id: 2, name: "Sick leave" },
      ],
    });
    expect(suggestions.map((s) => [s.category, s.rule])).toEqual([
      ["type_of_work", { kind: "create", name: "Sick Leave", unitPrice: 20, incomeAccountId: "80" }],
      ["leave_type", { kind: "link", targetQboId: "42", targetName: "Vacation" }],
      ["leave_type", { kind: "create", name: "Sick leave (2)", unitPrice: 0, incomeAccountId: "80" }],
    ]);
  });

  it("omits the income account when QBO has none, so validation asks for one", () => {
    const { rule } = only({ leaveTypes: [{ id: 1, name: "Jury Duty" }] }, { ...directory, incomeAccounts: [] });
    expect(rule).toEqual({ kind: "create", name: "Jury Duty", unitPrice: 0 });
  });

  it.each([
    [[{ id: "1", name: "Sales" }, { id: "2", name: "services " }], "2"],
    [[{ id: "1", name: "Sales" }, { id: "2", name: "Other" }], "1"],
    [[], undefined],
  ])("default income account of %j is %s", (accounts, id) => {
    expect(defaultIncomeAccountId(accounts)).toBe(id);
  });

  it.each([
    [12.345, 12.35],
    [null, 0],
    [undefined, 0],
    [-5, 0],
    [Number.NaN, 0],
    [100, 100],
  ])("rate %s becomes unit price %s", (rate, unitPrice) => {
    expect(rateToUnitPrice(rate)).toBe(unitPrice);
  });
});

describe("suggestRules as a whole", () => {
  const mixedInput: Omit<SuggestRulesInput, "directory"> = {
    users: [
      { id: 3, fullName: "Chen Wei" },
      { id: 1, fullName: "New Hire" },
      { id: 2, fullName: "Sam T", email: "sam@acme.test" },
    ],
    projects: [
      { id: 2, name: "Phase 1", customerId: 1, customerName: "Globex" },
      { id: 1, name: "Website Redesign", customerId: 1, customerName: "Globex" },
      { id: 3, name: "Roadmap: Q3", customerId: 2, customerName: "Umbrella" },
    ],
    typesOfWork: [
      { id: 2, name: "Design", rate: 90, billable: true },
      { id: 1, name: "Audit", rate: 120, billable: true },
    ],
    leaveTypes: [{ id: 1, name: "Vacation" }, { id: 2, name: "Audit" }],
  };

  it("orders suggestions by category, then actiTIME id", () => {
    const suggestions = suggest(mixedInput);
    expect(suggestions.map((s) => `${s.category}:${s.sourceId}`)).toEqual([
      "user:1", "user:2", "user:3", "project:1", "project:2", "project:3",
      "type_of_work:1", "type_of_work:2", "leave_type:1", "leave_type:2",
    ]);
  });

  it("gives the same suggestions whatever the order of its input", () => {
    const reversed: SuggestRulesInput = {
      users: [...mixedInput.users].reverse(),
      projects: [...mixedInput.projects].reverse(),
      typesOfWork: [...mixedInput.typesOfWork].reverse(),
      leaveTypes: [...mixedInput.leaveTypes].reverse(),
      directory: {
        ...directory,
        employees: [...directory.employees].reverse(),
        customers: [...directory.customers].reverse(),
        items: [...directory.items].reverse(),
      },
    };
    expect(suggestRules(reversed)).toEqual(suggest(mixedInput));
  });

  it("breaks ties between equally good QBO entities by the lower QBO id", () => {
    const twoDesigns: QboDirectory = {
      ...directory,
      items: [
        { id: "47", name: "Design", fullyQualifiedName: "Training:Design", parentId: "46", type: "Service", active: true },
        ...directory.items,
      ],
    };
    expect(only({ typesOfWork: [{ id: 1, name: "Design", rate: 1, billable: true }] }, twoDesigns).rule).toMatchObject({
      targetQboId: "41",
    });
  });

  it("skips entities that already have a rule", () => {
    const suggestions = suggest({
      ...mixedInput,
      existingRuleSourceIds: { user: [1, 2], project: new Set([3]) },
      existingRules: [{ category: "leave_type", sourceId: 2, sourceName: "Audit", rule: { kind: "skip" } }],
    });
    expect(suggestions.map((s) => `${s.category}:${s.sourceId}`)).toEqual([
      "user:3", "project:1", "project:2", "type_of_work:1", "type_of_work:2", "leave_type:1",
    ]);
  });

  it("does not suggest a name a saved rule will create", () => {
    const existingRules: RuleForEntity[] = [
      { category: "project", sourceId: 50, sourceName: "Other", rule: { kind: "create", name: "Umbrella - Roadmap - Q3" } },
    ];
    const suggestion = suggest({ projects: [mixedInput.projects[2]!], existingRules })[0]!;
    expect(suggestion.rule).toEqual({ kind: "create", name: "Umbrella - Roadmap - Q3 (2)" });
  });

  it("produces rules that pass validation, with Payroll off and on", () => {
    for (const payrollEnabled of [false, true]) {
      const dir = { ...directory, payrollEnabled };
      const rules = suggest(mixedInput, dir).map(({ category, sourceId, sourceName, rule }) => ({ category, sourceId, sourceName, rule }));
      expect(validateMapping({ rules, directory: dir })).toEqual({ ok: true });
    }
  });

  it("produces valid rules at scale: 1,000 entities against 5,000 QBO entities", () => {
    const input = buildBenchInput();
    const suggestions = suggestRules(input);
    expect(suggestions).toHaveLength(1_000);
    const rules = suggestions.map(({ category, sourceId, sourceName, rule }) => ({ category, sourceId, sourceName, rule }));
    expect(validateMapping({ rules, directory: input.directory })).toEqual({ ok: true });
    expect(suggestions.filter((s) => s.rule.kind === "link").length).toBeGreaterThan(300);
  });
});

describe("users held by saved create rules", () => {
  it("treats an employee created by a saved rule as taken", () => {
    const existingRules: RuleForEntity[] = [
      { category: "user", sourceId: 98, sourceName: "Alex K.", rule: { kind: "create", name: "Alex Kim", targetQboId: "4" } },
    ];
    const suggestion = suggestRules({
      users: [{ id: 1, fullName: "Alex Kim" }],
      projects: [],
      typesOfWork: [],
      leaveTypes: [],
      existingRules,
      directory,
    })[0]!;
    expect(suggestion.rule).toEqual({ kind: "create", name: "Alex Kim (2)" });
    expect(suggestion.reason).toBe("Alex Kim is already linked to Alex K.");
  });
});
