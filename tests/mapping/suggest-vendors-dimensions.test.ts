import { describe, expect, it } from "vitest";
import type { QboDirectory } from "@/lib/mapping/directory";
import type { RuleForEntity } from "@/lib/mapping/rules";
import { suggestDimensions, suggestVendors } from "@/lib/mapping/suggest-vendors-dimensions";

const directory: QboDirectory = {
  employees: [
    { id: "1", name: "Wei Chen", active: true },
    { id: "2", name: "Sam Taylor", email: "sam@acme.test", active: true },
    { id: "3", name: "Old Timer", active: false },
  ],
  customers: [],
  vendors: [
    { id: "30", name: "Jane Contractor", email: "jane@freelance.test", active: true },
    { id: "31", name: "Wei Chen", active: true },
    { id: "32", name: "Old Timer", active: true },
    { id: "33", name: "Gone Vendor", active: false },
    { id: "34", name: "Ivy Stone LLC", email: "ivy@stone.test" },
  ],
  items: [],
  incomeAccounts: [],
  payrollEnabled: false,
  classes: [
    { id: "50", name: "Consulting", fullyQualifiedName: "Consulting", active: true },
    { id: "51", name: "Mobile", fullyQualifiedName: "Development:Mobile", parentId: "52", active: true },
    { id: "52", name: "Development", fullyQualifiedName: "Development", active: true },
    { id: "53", name: "Retired", fullyQualifiedName: "Retired", active: false },
  ],
  departments: null,
};

const user = (id: number, fullName: string, email: string | null = null) => ({ id, fullName, email });
const project = (id: number, name: string) => ({ id, name, customerId: 1, customerName: "Acme" });

describe("suggestVendors", () => {
  it("suggests a user matching a vendor and no employee as that vendor (by name or e-mail)", () => {
    const got = suggestVendors([user(1, "Jane Contractor"), user(2, "Ivy S.", "IVY@stone.test"), user(3, "Nobody Known")], directory);
    expect(got).toEqual([
      { sourceId: 1, sourceName: "Jane Contractor", targetQboId: "30", targetName: "Jane Contractor", score: 1, reason: "same name (QuickBooks vendor)" },
      expect.objectContaining({ sourceId: 2, targetQboId: "34", reason: "same e-mail (QuickBooks vendor)" }),
    ]);
  });

  it("never when an active employee matches (name or e-mail); an inactive employee or vendor does not count", () => {
    expect(suggestVendors([user(1, "Wei Chen"), user(2, "Someone", "sam@acme.test")], directory)).toEqual([]);
    expect(suggestVendors([user(3, "Old Timer")], directory).map((s) => s.targetQboId)).toEqual(["32"]);
    expect(suggestVendors([user(4, "Gone Vendor")], directory)).toEqual([]);
  });

  it("one user per vendor, the lower id on a tie; users with a rule and vendors a rule links are left out", () => {
    expect(suggestVendors([user(8, "Jane Contractor"), user(7, "Jane Contractor")], directory).map((s) => s.sourceId)).toEqual([7]);
    const rules: RuleForEntity[] = [
      { category: "user", sourceId: 7, sourceName: "Jane Contractor", rule: { kind: "skip" } },
      { category: "user", sourceId: 9, sourceName: "Other", rule: { kind: "link", targetQboId: "32", targetName: "Old Timer", nameOf: "Vendor" } },
      // An employee link of the same Id holds an employee (another QBO list), not this vendor.
      { category: "user", sourceId: 11, sourceName: "Someone Else", rule: { kind: "link", targetQboId: "30", targetName: "An employee" } },
    ];
    expect(suggestVendors([user(7, "Jane Contractor"), user(8, "Jane Contractor"), user(10, "Old Timer")], directory, rules).map((s) => [s.sourceId, s.targetQboId])).toEqual([[8, "30"]]);
  });
});

describe("suggestDimensions", () => {
  it("suggests projects to the active class of the same name or full name, many projects to one class", () => {
    const got = suggestDimensions([project(2, "Development: Mobile"), project(1, "Consulting"), project(3, "consulting"), project(4, "Retired"), project(5, "Website")], directory.classes);
    expect(got.map((s) => [s.sourceId, s.targetQboId, s.targetName])).toEqual([
      [1, "50", "Consulting"],
      [2, "51", "Development:Mobile"],
      [3, "50", "Consulting"],
    ]);
  });

  it("suggests nothing when the company does not track them", () => {
    expect(suggestDimensions([project(1, "Consulting")], directory.departments)).toEqual([]);
    expect(suggestDimensions([project(1, "Consulting")], undefined)).toEqual([]);
  });
});
