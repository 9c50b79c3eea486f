import { describe, expect, it } from "vitest";
import { STRONG_MATCH_MIN_SCORE } from "@/lib/mapping/suggest";
import { matchTokens, NameIndex, NameMatcher, nameSimilarity, normaliseForMatch } from "@/lib/mapping/similarity";
import { buildBenchInput } from "@/tests/bench/suggest";

describe("normaliseForMatch / matchTokens", () => {
  it.each([
    ["José Müller", ["jose", "muller"]],
    ["Straße Øresund", ["strasse", "oresund"]],
    ["O'Brien, Pat", ["obrien", "pat"]],
    ["J. P. Morgan", ["jp", "morgan"]],
    ["Smith & Sons", ["smith", "sons"]],
    ["Website Re-design", ["website", "re", "design"]],
  ])("%j → %j", (name, tokens) => {
    expect(matchTokens(name)).toEqual(tokens);
  });

  it("drops company suffixes only when asked, and never all words", () => {
    expect(matchTokens("Acme Corp.", { dropCompanySuffixes: true })).toEqual(["acme"]);
    expect(matchTokens("Acme Corp.")).toEqual(["acme", "corp"]);
    expect(matchTokens("Company Ltd", { dropCompanySuffixes: true })).toEqual(["company", "ltd"]);
  });

  it("lowercases and strips accents", () => {
    expect(normaliseForMatch("ÉCOLE Français")).toBe("ecole francais");
  });
});

describe("nameSimilarity", () => {
  it.each([
    ["Wei Chen", "Chen Wei", 1],
    ["José Müller", "Jose Muller", 1],
    ["Website Re-design", "Website Redesign", 0.95],
    ["Globex Website Redesign", "Globex:Website Redesign", 1],
    ["", "Anything", 0],
    ["Completely", "Different", 0],
  ])("%j ~ %j = %d", (a, b, score) => {
    expect(nameSimilarity(a, b)).toBe(score);
  });

  it("treats company endings as noise for customers", () => {
    expect(nameSimilarity("Acme Corp", "ACME Corporation", { dropCompanySuffixes: true })).toBe(1);
    expect(nameSimilarity("Acme Corp", "ACME Corporation")).toBeLessThan(STRONG_MATCH_MIN_SCORE);
  });

  // The threshold's reasoning (suggest.ts) depends on these sitting on the right side of it.
  it.each([
    ["Developement", "Development", true],
    ["Software Developement", "Software Development", true],
    ["Jon Smith", "John Smith", false],
    ["Acme Consulting", "Acme Consulting Services", false],
    ["Design", "Design Services", false],
  ])("%j ~ %j strong: %s", (a, b, strong) => {
    expect(nameSimilarity(a, b) >= STRONG_MATCH_MIN_SCORE).toBe(strong);
  });

  it("is symmetric", () => {
    for (const [a, b] of [["Jon Smith", "John Smith"], ["Acme Consulting", "Acme Consulting Services"]] as const) {
      expect(nameSimilarity(a, b)).toBeCloseTo(nameSimilarity(b, a), 10);
    }
  });
});

describe("NameIndex", () => {
  it("finds typos and reordered words, best first", () => {
    const matcher = new NameMatcher();
    const index = new NameIndex<string>(matcher);
    for (const name of ["Development", "Design", "Chen Wei", "Deployment"]) index.add(name, matcher.key(name));
    expect(index.search(matcher.key("Developement"), STRONG_MATCH_MIN_SCORE).map((hit) => hit.value)).toEqual(["Development"]);
    expect(index.search(matcher.key("wei chen"), STRONG_MATCH_MIN_SCORE)).toEqual([{ value: "Chen Wei", score: 1 }]);
    expect(index.search(matcher.key("Nothing alike"), STRONG_MATCH_MIN_SCORE)).toEqual([]);
  });

  it("returns exactly what comparing against every entry returns, for strong matches", () => {
    const { users, projects, typesOfWork, directory } = buildBenchInput();
    const matcher = new NameMatcher();
    const names = [
      ...directory.employees.map((e) => e.name),
      ...directory.customers.map((c) => c.fullyQualifiedName),
      ...directory.items.map((i) => i.fullyQualifiedName),
    ];
    const keys = names.map((name) => matcher.key(name));
    const index = new NameIndex<number>(matcher);
    keys.forEach((key, position) => index.add(position, key));
    const queries = [
      ...users.slice(0, 60).map((u) => u.fullName),
      ...projects.slice(0, 60).map((p) => `${p.customerName} ${p.name}`),
      ...typesOfWork.slice(0, 60).map((t) => t.name),
    ];
    let strongFound = 0;
    for (const query of queries) {
      const queryKey = matcher.key(query);
      const bruteForce = keys
        .map((key, position) => ({ value: position, score: matcher.similarity(queryKey, key) }))
        .filter((hit) => hit.score >= STRONG_MATCH_MIN_SCORE)
        .sort((a, b) => b.score - a.score || a.value - b.value);
      expect(index.search(queryKey, STRONG_MATCH_MIN_SCORE)).toEqual(bruteForce);
      strongFound += bruteForce.length;
    }
    expect(strongFound).toBeGreaterThan(30);
  });
});
