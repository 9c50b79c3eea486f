// Suggestions beyond employees, customers and items (issue 19): a user whose name (or e-mail) matches
// a QBO vendor and no employee is suggested as that vendor (a contractor), and projects are suggested
// to the Class / Department (Location) of the same name. Pure and deterministic, like suggest.ts;
// withVendorAndDimensionSuggestions folds them into suggestRules' suggestions (the Map step's).
import { compareQboIds, type QboDimensionEntry, type QboDirectory, type QboVendorEntry } from "./directory";
import { RULE_DIMENSION_META, RULE_DIMENSIONS, workerOf, type RuleDimensions, type RuleForEntity } from "./rules";
import { NameIndex, NameMatcher } from "./similarity";
import { STRONG_MATCH_MIN_SCORE, type ActitimeProjectForMapping, type ActitimeUserForMapping, type Suggestion } from "./suggest";

export interface LinkSuggestion {
  sourceId: number;
  sourceName: string;
  targetQboId: string;
  /** DisplayName (vendor) or `Parent:Child` full name (class, department). */
  targetName: string;
  score: number;
  reason: string;
}

interface Hit<T> {
  entry: T;
  score: number;
  byEmail: boolean;
}

const compareHits = <T extends { id: string }>(a: Hit<T>, b: Hit<T>) =>
  Number(b.byEmail) - Number(a.byEmail) || b.score - a.score || compareQboIds(a.entry.id, b.entry.id);

const reasonOf = (hit: Hit<unknown>) => (hit.byEmail ? "same e-mail" : hit.score === 1 ? "same name" : `name ${Math.floor(hit.score * 100)}% similar`);

function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase() ?? "";
  return trimmed === "" ? null : trimmed;
}

/**
 * Users matching an active vendor (e-mail, else name ≥ STRONG_MATCH_MIN_SCORE) and no active employee:
 * suggested as that vendor, one user per vendor (best pair first, ties to the lower actiTIME id).
 * Users with a rule already (`existingRules`), and vendors a saved rule links, are left out.
 */
export function suggestVendors(users: readonly ActitimeUserForMapping[], directory: QboDirectory, existingRules: readonly RuleForEntity[] = []): LinkSuggestion[] {
  const matcher = new NameMatcher();
  const ruled = new Set(existingRules.filter((r) => r.category === "user").map((r) => r.sourceId));
  const employeesByName = new NameIndex<string>(matcher);
  const employeeEmails = new Set<string>();
  for (const e of directory.employees.filter((e) => e.active)) {
    employeesByName.add(e.id, matcher.key(e.name));
    const email = normaliseEmail(e.email);
    if (email) employeeEmails.add(email);
  }
  const vendors = [...directory.vendors.filter((v) => v.active !== false)].sort((a, b) => compareQboIds(a.id, b.id));
  const vendorsByName = new NameIndex<QboVendorEntry>(matcher);
  for (const v of vendors) vendorsByName.add(v, matcher.key(v.name));
  // A vendor a saved rule links (or a vendor rule created) is taken; employee Ids are another list.
  const taken = new Set(
    existingRules.flatMap((r) => (r.category === "user" && r.rule.kind !== "skip" && workerOf(r.rule) === "Vendor" && r.rule.targetQboId ? [r.rule.targetQboId] : [])),
  );

  const pairs: { user: ActitimeUserForMapping; hit: Hit<QboVendorEntry> }[] = [];
  for (const user of [...users].sort((a, b) => a.id - b.id)) {
    if (ruled.has(user.id)) continue;
    const email = normaliseEmail(user.email);
    if ((email && employeeEmails.has(email)) || employeesByName.search(matcher.key(user.fullName), STRONG_MATCH_MIN_SCORE).length > 0) continue;
    const hits = new Map<string, Hit<QboVendorEntry>>();
    for (const v of vendors) if (email && normaliseEmail(v.email) === email) hits.set(v.id, { entry: v, score: 1, byEmail: true });
    for (const { value, score } of vendorsByName.search(matcher.key(user.fullName), STRONG_MATCH_MIN_SCORE)) {
      if (!hits.has(value.id)) hits.set(value.id, { entry: value, score, byEmail: false });
    }
    for (const hit of hits.values()) pairs.push({ user, hit });
  }
  pairs.sort((a, b) => compareHits(a.hit, b.hit) || a.user.id - b.user.id);
  const awarded = new Map<number, LinkSuggestion>();
  for (const { user, hit } of pairs) {
    if (awarded.has(user.id) || taken.has(hit.entry.id)) continue;
    taken.add(hit.entry.id);
    awarded.set(user.id, { sourceId: user.id, sourceName: user.fullName, targetQboId: hit.entry.id, targetName: hit.entry.name, score: hit.score, reason: `${reasonOf(hit)} (QuickBooks vendor)` });
  }
  return [...awarded.values()].sort((a, b) => a.sourceId - b.sourceId);
}

/**
 * Projects whose name matches an active Class or Department (its own name or its full name), for
 * the class / location rules; none when the company does not track them (`entries` null/absent).
 * Many projects may share one class. Sorted by actiTIME id.
 */
export function suggestDimensions(projects: readonly ActitimeProjectForMapping[], entries: readonly QboDimensionEntry[] | null | undefined): LinkSuggestion[] {
  if (!entries) return [];
  const matcher = new NameMatcher();
  const index = new NameIndex<QboDimensionEntry>(matcher);
  for (const entry of [...entries.filter((e) => e.active)].sort((a, b) => compareQboIds(a.id, b.id))) {
    index.add(entry, matcher.key(entry.name));
    if (entry.fullyQualifiedName !== entry.name) index.add(entry, matcher.key(entry.fullyQualifiedName));
  }
  const out: LinkSuggestion[] = [];
  for (const project of [...projects].sort((a, b) => a.id - b.id)) {
    const best = index
      .search(matcher.key(project.name), STRONG_MATCH_MIN_SCORE)
      .map(({ value, score }) => ({ entry: value, score, byEmail: false }))
      .sort(compareHits)[0];
    if (best) out.push({ sourceId: project.id, sourceName: project.name, targetQboId: best.entry.id, targetName: best.entry.fullyQualifiedName, score: best.score, reason: reasonOf(best) });
  }
  return out;
}

/**
 * suggestRules' suggestions with vendors, classes and locations: a user suggestVendors matches is
 * suggested as Link to QB Vendor (instead of creating an employee or Do not import), and a project
 * matching a tracked Class / Department gets that Class / Location rule beside its customer rule.
 */
export function withVendorAndDimensionSuggestions(
  suggestions: readonly Suggestion[],
  input: { users: readonly ActitimeUserForMapping[]; projects: readonly ActitimeProjectForMapping[]; directory: QboDirectory; existingRules?: readonly RuleForEntity[] },
): Suggestion[] {
  const suggested = new Set(suggestions.map((s) => `${s.category}:${s.sourceId}`));
  const vendorByUser = new Map(suggestVendors(input.users.filter((u) => suggested.has(`user:${u.id}`)), input.directory, input.existingRules).map((v) => [v.sourceId, v]));
  const dimensionsByProject = new Map<number, RuleDimensions>();
  const reasonsByProject = new Map<number, string[]>();
  for (const dimension of RULE_DIMENSIONS) {
    const meta = RULE_DIMENSION_META[dimension];
    for (const hit of suggestDimensions(input.projects, input.directory[meta.directoryKey])) {
      dimensionsByProject.set(hit.sourceId, { ...dimensionsByProject.get(hit.sourceId), [dimension]: { qboId: hit.targetQboId, name: hit.targetName } });
      reasonsByProject.set(hit.sourceId, [...(reasonsByProject.get(hit.sourceId) ?? []), `${meta.label.toLowerCase()} "${hit.targetName}": ${hit.reason}`]);
    }
  }
  return suggestions.map((s) => {
    if (s.category === "user") {
      const vendor = vendorByUser.get(s.sourceId);
      if (!vendor) return s;
      return { ...s, rule: { kind: "link", targetQboId: vendor.targetQboId, targetName: vendor.targetName, nameOf: "Vendor" }, reason: vendor.reason, score: vendor.score };
    }
    if (s.category === "project") {
      const dimensions = dimensionsByProject.get(s.sourceId);
      if (!dimensions) return s;
      return { ...s, rule: { ...s.rule, dimensions }, reason: [s.reason, ...(reasonsByProject.get(s.sourceId) ?? [])].join("; ") };
    }
    return s;
  });
}
