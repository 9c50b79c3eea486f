// The inline rule form renders labelled, named fields for each rule kind (server render, no browser).
import { describe, expect, it, vi } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

vi.mock("@/app/(app)/settings/actions", () => ({ updateRuleAction: async () => {} }));
const { RuleForm } = await import("@/app/(app)/settings/rule-form");

const base = {
  connectionId: "c0ffee00-0000-4000-8000-000000000001",
  ruleId: "c0ffee00-0000-4000-8000-000000000002",
  sourceName: "Website <img src=x onerror=alert(1)>",
  kinds: [
    { value: "create" as const, label: "Create new QB Customer" },
    { value: "link" as const, label: "Link to QB Customer" },
    { value: "skip" as const, label: "Do not import" },
  ],
  targets: [{ value: "22", label: "Acme:Web" }],
  targetNoun: "customer or sub-customer",
  parents: [{ value: "21", label: "Acme" }],
  parentNoun: "customer",
  incomeAccounts: null,
  nameHint: "Up to 500 characters",
  listsTruncated: false,
  error: null,
  cancelHref: "/settings/projects",
};
const initial = { kind: "link", name: "Website", targetQboId: "22", parentQboId: "", incomeAccountId: "", unitPrice: "" };

function labelsAreTied(html: string) {
  const fors = [...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]);
  expect(fors.length).toBeGreaterThan(0);
  for (const id of fors) expect(html).toContain(`id="${id}"`);
}

describe("RuleForm", () => {
  it("link: kind and target selects, labelled, target preselected", () => {
    const html = renderToStaticMarkup(createElement(RuleForm, { ...base, initial }));
    labelsAreTied(html);
    expect(html).toContain('name="targetQboId"');
    expect(html).toMatch(/<option value="22" selected="">Acme:Web<\/option>/);
    expect(html).not.toContain('name="name"');
    // Names are text, never markup.
    expect(html).not.toContain("<img");
    expect(html).toContain("Website &lt;img src=x onerror=alert(1)&gt;");
  });

  it("create with an error: name field marked invalid with the message tied to it", () => {
    const html = renderToStaticMarkup(
      createElement(RuleForm, {
        ...base,
        initial: { ...initial, kind: "create", name: "Acme: Web" },
        error: { field: "name" as const, message: "Names can't contain a colon (:)" },
      }),
    );
    labelsAreTied(html);
    expect(html).toContain('name="name"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/aria-describedby="rule-[^"]+-name-error"/);
    expect(html).toContain("Names can&#x27;t contain a colon (:)");
    expect(html).toContain('name="parentQboId"');
    expect(html).not.toContain('name="unitPrice"');
  });

  it("create for service items: income account and rate", () => {
    const html = renderToStaticMarkup(
      createElement(RuleForm, { ...base, initial: { ...initial, kind: "create" }, incomeAccounts: [{ value: "51", label: "Services Income" }] }),
    );
    labelsAreTied(html);
    expect(html).toContain('name="incomeAccountId"');
    expect(html).toContain('name="unitPrice"');
  });
});

describe("RuleForm — Apply from (issue 19 §2)", () => {
  it("offers All dates (checked by default) and From a date with a labelled date field", () => {
    const html = renderToStaticMarkup(createElement(RuleForm, { ...base, initial }));
    expect(html).toContain("<legend");
    expect(html).toContain('<input type="radio" name="applyFrom" checked="" value="all"/>');
    expect(html).toContain('<input type="radio" name="applyFrom" value="date"/>');
    expect(html).toContain('name="applyFromDate"');
    expect(html).toContain("First date it applies from");
  });

  it("a refused date comes back typed, From a date chosen, its message tied to the field", () => {
    const html = renderToStaticMarkup(
      createElement(RuleForm, { ...base, initial, applyFrom: { choice: "date", date: "2026-02-30" }, error: { field: "applyFrom" as const, message: "Enter a real date" } }),
    );
    expect(html).toContain('<input type="radio" name="applyFrom" checked="" value="date"/>');
    expect(html).toContain('value="2026-02-30"');
    const errorId = /id="([^"]+-applyFrom-error)"/.exec(html)?.[1];
    expect(errorId).toBeDefined();
    expect(html).toContain(`aria-describedby="${errorId}"`);
    expect(html).toContain('aria-invalid="true"');
  });
});
