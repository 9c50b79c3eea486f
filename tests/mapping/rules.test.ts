import { describe, expect, it } from "vitest";
import { mappingCategory, mappingRuleKind } from "@/db/schema/mappings";
import {
  MAPPING_CATEGORIES,
  MAPPING_CATEGORY_META,
  MAPPING_RULE_KINDS,
  mappingRuleSchema,
  ruleKindLabel,
} from "@/lib/mapping/rules";

describe("mapping categories and kinds", () => {
  it("use exactly the strings of the database enums", () => {
    expect([...MAPPING_CATEGORIES]).toEqual(mappingCategory.enumValues);
    expect([...MAPPING_RULE_KINDS].sort()).toEqual([...mappingRuleKind.enumValues].sort());
  });

  it.each([
    ["user", "Users", "Employee", "one-to-one", "display"],
    ["project", "Projects", "Customer", "many-to-one", "display"],
    ["type_of_work", "Types of Work", "Item", "many-to-one", "item"],
    ["leave_type", "Leave Types", "Item", "many-to-one", "item"],
  ] as const)("%s → %s, QBO %s, %s, %s names", (category, label, entity, cardinality, nameKind) => {
    const meta = MAPPING_CATEGORY_META[category];
    expect(meta).toMatchObject({ category, label, qboEntity: entity, cardinality, nameKind });
  });
});

describe("ruleKindLabel", () => {
  it.each([
    ["user", "create", false, "Create new QB Employee"],
    ["user", "link", false, "Link to QB Employee"],
    ["user", "create", true, "Create new QB Employee"],
    ["project", "create", false, "Create new QB Customer"],
    ["project", "create", true, "Create new QB Sub-customer"],
    ["project", "link", true, "Link to QB Sub-customer"],
    ["type_of_work", "create", false, "Create new QB Service Item"],
    ["leave_type", "create", true, "Create new QB Sub-service"],
    ["leave_type", "skip", false, "Do not import"],
  ] as const)("%s %s nested=%s → %s", (category, kind, nested, label) => {
    expect(ruleKindLabel(category, kind, nested)).toBe(label);
  });
});

describe("mappingRuleSchema", () => {
  it.each([
    [{ kind: "skip" }],
    [{ kind: "link", targetQboId: "58", targetName: "Globex:Website Redesign" }],
    [{ kind: "create", name: "Globex" }],
    [{ kind: "create", name: "Design", parentQboId: "40", incomeAccountId: "79", unitPrice: 120.5, targetQboId: null }],
  ])("accepts %j", (rule) => {
    expect(mappingRuleSchema.safeParse(rule).success).toBe(true);
  });

  it.each([
    [{ kind: "delete" }],
    [{ kind: "link", targetName: "no id" }],
    [{ kind: "link", targetQboId: "  ", targetName: "blank id" }],
    [{ kind: "create" }],
    [{ kind: "create", name: "x", unitPrice: -1 }],
    [{ kind: "create", name: "x", unitPrice: Number.NaN }],
    [{ kind: "create", name: "x", unitPrice: "12" }],
  ])("rejects %j", (rule) => {
    expect(mappingRuleSchema.safeParse(rule).success).toBe(false);
  });
});
