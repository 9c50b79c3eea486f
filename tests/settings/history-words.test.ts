import { describe, expect, it } from "vitest";
import { describeRuleStateText, nameLookupFromDirectory } from "@/lib/mapping/history";
import {
  parseStoredRule as parseStoredRuleState,
  ruleFromStored as ruleFromStoredState,
  sameStoredRule as sameRuleState,
  snapshotFromRule,
  storedFromRule as storedStateFromRule,
  type MappingCategory,
  type MappingRule,
  type StoredRule as StoredRuleState,
} from "@/lib/mapping/rules";
import { directory } from "./fixtures";

const lookup = nameLookupFromDirectory(directory);

describe("a stored rule in plain words (Settings table and history)", () => {
  const cases: { category: MappingCategory; state: StoredRuleState | null; text: string }[] = [
    { category: "user", state: null, text: "No rule" },
    { category: "user", state: { kind: "skip", targetQboId: null, targetName: null, createOptions: null }, text: "Do not import" },
    { category: "user", state: { kind: "link", targetQboId: "11", targetName: "Alice Smith", createOptions: null }, text: 'Link to QB Employee "Alice Smith"' },
    { category: "user", state: { kind: "create", targetQboId: null, targetName: "Dana", createOptions: {} }, text: 'Create new QB Employee "Dana"' },
    { category: "project", state: { kind: "link", targetQboId: "22", targetName: "Acme:Web", createOptions: null }, text: 'Link to QB Sub-customer "Acme:Web"' },
    { category: "project", state: { kind: "link", targetQboId: "23", targetName: "Globex", createOptions: null }, text: 'Link to QB Customer "Globex"' },
    {
      category: "project",
      state: { kind: "create", targetQboId: null, targetName: "Redesign", createOptions: { parentQboId: "21" } },
      text: 'Create new QB Sub-customer "Redesign" (under "Acme")',
    },
    {
      category: "project",
      state: { kind: "create", targetQboId: null, targetName: "Redesign", createOptions: { parentQboId: "999" } },
      text: 'Create new QB Sub-customer "Redesign" (under a parent customer no longer in QuickBooks)',
    },
    {
      category: "project",
      state: { kind: "create", targetQboId: null, targetName: "Redesign", createOptions: { parentQboId: "999" }, names: { parent: "Old Parent" } },
      text: 'Create new QB Sub-customer "Redesign" (under "Old Parent")',
    },
    {
      category: "type_of_work",
      state: { kind: "create", targetQboId: "77", targetName: "Dev", createOptions: { incomeAccountId: "51", unitPrice: 45 } },
      text: 'Create new QB Service Item "Dev" (income account "Services Income", rate 45.00, already created in QuickBooks)',
    },
    {
      category: "leave_type",
      state: { kind: "create", targetQboId: null, targetName: "Leave", createOptions: { parentQboId: "44", incomeAccountId: "52", unitPrice: 0 } },
      text: 'Create new QB Sub-service "Leave" (under "Services", income account "Consulting Income", rate 0.00)',
    },
  ];
  it.each(cases)("$text", ({ category, state, text }) => {
    expect(describeRuleStateText(category, state, lookup)).toBe(text);
  });

  it("never shows a raw id when the name is unknown", () => {
    const text = describeRuleStateText(
      "type_of_work",
      { kind: "create", targetQboId: null, targetName: "X", createOptions: { parentQboId: "12345", incomeAccountId: "67890" } },
      nameLookupFromDirectory(null),
    );
    expect(text).not.toMatch(/12345|67890/);
  });
});

describe("stored shape", () => {
  const rules: MappingRule[] = [
    { kind: "skip" },
    { kind: "link", targetQboId: "22", targetName: "Acme:Web" },
    { kind: "create", name: "New", parentQboId: "21", targetQboId: null },
    { kind: "create", name: "Item", parentQboId: null, incomeAccountId: "51", unitPrice: 10, targetQboId: "5" },
  ];
  it.each(rules)("round-trips %o and matches the import's snapshot columns", (rule) => {
    const state = storedStateFromRule(rule);
    const snapshot = snapshotFromRule({ category: "type_of_work", sourceId: 1, sourceName: "S", rule });
    expect(state).toEqual({ kind: snapshot.kind, targetQboId: snapshot.targetQboId, targetName: snapshot.targetName, createOptions: snapshot.createOptions });
    expect(sameRuleState(storedStateFromRule(ruleFromStoredState(state, "S")), state)).toBe(true);
    expect(parseStoredRuleState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it("reads unknown history JSON as nothing rather than failing", () => {
    expect(parseStoredRuleState(null)).toBeNull();
    expect(parseStoredRuleState({ kind: "explode" })).toBeNull();
  });

  it("compares createOptions regardless of key order and ignores the names labels", () => {
    const a: StoredRuleState = { kind: "create", targetQboId: null, targetName: "N", createOptions: { incomeAccountId: "1", unitPrice: 2 } };
    const b: StoredRuleState = { ...a, createOptions: { unitPrice: 2, incomeAccountId: "1" }, names: { incomeAccount: "Sales" } };
    expect(sameRuleState(a, b)).toBe(true);
    expect(sameRuleState(a, { ...a, targetName: "M" })).toBe(false);
  });
});
