import { describe, expect, it } from "vitest";
import {
  makeUniqueName,
  QBO_DISPLAY_NAME_MAX_CHARS,
  QBO_ITEM_NAME_MAX_CHARS,
  qboItemFullNameKey,
  qboNameKey,
  sanitizeQboName,
  truncateAtWordBoundary,
  validateQboName,
} from "@/lib/mapping/names";

const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(" ");

describe("validateQboName", () => {
  it.each([
    ["Consulting", "item"],
    ["Globex:Website Redesign".replace(":", " - "), "display"],
    ["x".repeat(QBO_ITEM_NAME_MAX_CHARS), "item"],
    ["x".repeat(QBO_DISPLAY_NAME_MAX_CHARS), "display"],
    ["José Müller", "display"],
  ] as const)("accepts %j as %s", (name, kind) => {
    expect(validateQboName(name, kind)).toBeNull();
  });

  it.each([
    ["", "item", "Enter a name"],
    ["   ", "display", "Enter a name"],
    ["Acme:Web", "display", "colon"],
    ["Acme\tWeb", "item", "tabs or line breaks"],
    ["Acme\nWeb", "display", "tabs or line breaks"],
    ["Acme\r\nWeb", "display", "tabs or line breaks"],
    [" Acme", "display", "start or end"],
    ["Acme ", "item", "start or end"],
    ["x".repeat(QBO_ITEM_NAME_MAX_CHARS + 1), "item", "at most 100 characters long; this one has 101"],
    ["x".repeat(QBO_DISPLAY_NAME_MAX_CHARS + 1), "display", "at most 500 characters"],
  ] as const)("rejects %j as %s", (name, kind, message) => {
    expect(validateQboName(name, kind)).toContain(message);
  });
});

describe("sanitizeQboName", () => {
  it.each([
    ["Acme:Web", "item", "Acme - Web"],
    ["Acme: Web", "item", "Acme - Web"],
    ["Acme::Web", "item", "Acme - Web"],
    [":Leading colon", "item", "Leading colon"],
    ["Tabs\there\nand\r\nlines", "display", "Tabs here and lines"],
    ["  many    spaces  ", "display", "many spaces"],
    ["Cafe\u0301", "item", "Café"],
    ["\t\n", "item", ""],
  ] as const)("%j (%s) → %j", (raw, kind, cleaned) => {
    expect(sanitizeQboName(raw, kind)).toBe(cleaned);
  });

  it("cuts a 120-character item name at a word boundary within 100 characters", () => {
    const raw = words(20); // "word0 word1 … word19", 129 chars
    const cleaned = sanitizeQboName(raw, "item");
    expect(cleaned.length).toBeLessThanOrEqual(QBO_ITEM_NAME_MAX_CHARS);
    expect(raw.startsWith(cleaned)).toBe(true);
    expect(raw[cleaned.length]).toBe(" ");
    expect(validateQboName(cleaned, "item")).toBeNull();
  });

  it("cuts a long word hard when no word boundary is near the limit", () => {
    const cleaned = sanitizeQboName(`a ${"x".repeat(150)}`, "item");
    expect(cleaned).toHaveLength(QBO_ITEM_NAME_MAX_CHARS);
  });

  it("keeps the same name as a display name, whose limit is 500", () => {
    expect(sanitizeQboName(words(20), "display")).toBe(words(20));
  });

  it("never splits an emoji in two when cutting", () => {
    const cleaned = truncateAtWordBoundary(`${"x".repeat(99)}😀`, 100);
    expect(cleaned).toBe("x".repeat(99));
  });

  it("leaves no dangling separator after a cut", () => {
    const raw = `${"Consulting ".repeat(8)}- and more words here`;
    expect(truncateAtWordBoundary(raw.replace(/ +/g, " "), 90)).not.toMatch(/[\s-]$/);
  });
});

describe("qboNameKey", () => {
  it("compares case-insensitively, trimmed and with collapsed spaces", () => {
    expect(qboNameKey("  Globex   Corp ")).toBe(qboNameKey("globex corp"));
    expect(qboNameKey("Globex Corp")).not.toBe(qboNameKey("Globex Corp."));
  });

  it("keys items by full name", () => {
    expect(qboItemFullNameKey("Design", "Consulting")).toBe("consulting:design");
    expect(qboItemFullNameKey("Design")).toBe("design");
  });
});

describe("makeUniqueName", () => {
  it.each([
    ["Globex", [], "Globex"],
    ["Globex", ["globex"], "Globex (2)"],
    ["Globex", ["globex", "globex (2)"], "Globex (3)"],
    ["GLOBEX ", ["globex"], "GLOBEX (2)"],
    ["Acme:Web", ["acme - web"], "Acme - Web (2)"],
  ] as const)("%j with %j taken → %j", (name, taken, unique) => {
    expect(makeUniqueName(name, new Set(taken), "display")).toBe(unique);
  });

  it("shortens the stem so the suffix fits in 100 characters", () => {
    const base = sanitizeQboName(words(20), "item");
    const unique = makeUniqueName(words(20), new Set([qboNameKey(base)]), "item");
    expect(unique.endsWith(" (2)")).toBe(true);
    expect(unique.length).toBeLessThanOrEqual(QBO_ITEM_NAME_MAX_CHARS);
    expect(validateQboName(unique, "item")).toBeNull();
  });

  it("checks sub-items by their full name", () => {
    const taken = new Set([qboItemFullNameKey("Design", "Consulting")]);
    expect(makeUniqueName("Design", taken, "item", { parentFullName: "Consulting" })).toBe("Design (2)");
    expect(makeUniqueName("Design", taken, "item", { parentFullName: "Training" })).toBe("Design");
    expect(makeUniqueName("Design", taken, "item")).toBe("Design");
  });

  it("does not add the name to the taken set", () => {
    const taken = new Set<string>();
    makeUniqueName("Globex", taken, "display");
    expect(taken.size).toBe(0);
  });
});
