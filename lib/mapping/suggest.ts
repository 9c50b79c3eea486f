// Mapping suggestions (product spec §4): for every actiTIME entity without a rule, pair it with the
// most similar QBO entity. Strong match → `link`; otherwise `create` with a cleaned name that is
// unique in QBO and among the other suggestions (or `skip` for users when Payroll is on). Pure and
// deterministic: the same input gives the same suggestions, in category order then actiTIME id.
import {
  compareQboIds,
  QBO_SERVICE_ITEM_TYPE,
  type QboCustomerEntry,
  type QboDirectory,
  type QboEmployeeEntry,
  type QboIncomeAccountEntry,
  type QboItemEntry,
} from "./directory";
import { makeUniqueName, qboItemFullNameKey, qboNameKey, sanitizeQboName } from "./names";
import {
  MAPPING_CATEGORY_META,
  type CreateRule,
  type MappingCategory,
  type MappingRule,
  type RuleForEntity,
} from "./rules";
import { NameIndex, NameMatcher, type MatchKeyOptions } from "./similarity";

/**
 * Names at least this similar are suggested as a link. With soft token Dice (similarity.ts), 0.85
 * links only when every word matches, in any order, allowing a typo in a long word:
 * - "Developement" / "Development" 0.88: link;
 * - "Jon Smith" / "John Smith" 0.83: no, they may be two people, and a wrong employee link puts
 *   hours on someone else's timesheet;
 * - "Acme Consulting" / "Acme Consulting Services" 0.80: no, an extra word often names another
 *   client or service.
 * A wrong `create` is visible in the preview's list of new entities; a wrong `link` looks normal,
 * so we err towards create.
 */
export const STRONG_MATCH_MIN_SCORE = 0.85;

/** Income account preferred for new service items, by normalised name (QBO's default for service sales). */
const PREFERRED_INCOME_ACCOUNT_NAME = "services";
const CENTS_PER_UNIT = 100;

export interface ActitimeUserForMapping {
  id: number;
  fullName: string;
  email?: string | null;
}

export interface ActitimeProjectForMapping {
  id: number;
  name: string;
  customerId: number;
  customerName: string;
}

export interface ActitimeTypeOfWorkForMapping {
  id: number;
  name: string;
  /** Hourly rate; null when actiTIME hides rates (billing feature off). */
  rate?: number | null;
  billable: boolean;
}

export interface ActitimeLeaveTypeForMapping {
  id: number;
  name: string;
}

export interface SuggestRulesInput {
  users: readonly ActitimeUserForMapping[];
  projects: readonly ActitimeProjectForMapping[];
  typesOfWork: readonly ActitimeTypeOfWorkForMapping[];
  leaveTypes: readonly ActitimeLeaveTypeForMapping[];
  /** Entities that already have a rule: no suggestion is made for them. */
  existingRuleSourceIds?: Partial<Record<MappingCategory, Iterable<number>>>;
  /**
   * Rules already saved, when known: their entities get no suggestion, employees they link are not
   * offered to another user (one-to-one), and names they will create are not suggested again.
   */
  existingRules?: readonly RuleForEntity[];
  directory: QboDirectory;
}

export interface Suggestion {
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
  rule: MappingRule;
  /** Why, for the bookkeeper: "same e-mail", "name 92% similar", "no similar QuickBooks customer". */
  reason: string;
  /** Similarity of a suggested link, in [0, 1]. */
  score?: number;
}

/** How a QBO entity was matched: by its own name, by its full `Parent:Child` name, or by e-mail. */
type MatchVia = "name" | "fullName" | "email";

interface Hit<T> {
  entry: T;
  score: number;
  via: MatchVia;
  /** Lower wins among equal scores (see each category for the order). */
  preference: number;
}

interface NameRegistry {
  /** DisplayName keys: one namespace for customers, employees and vendors (reference §2.2–2.3). */
  display: Set<string>;
  /** Item full-name keys. */
  item: Set<string>;
}

const CUSTOMER_MATCH: MatchKeyOptions = { dropCompanySuffixes: true };

export function suggestRules(input: SuggestRulesInput): Suggestion[] {
  const { directory } = input;
  const matcher = new NameMatcher();
  const names = takenNames(directory, input.existingRules ?? []);
  const ruled = ruledSourceIds(input);
  const needsSuggestion = <T extends { id: number }>(category: MappingCategory, entities: readonly T[]) =>
    dedupeById(entities).filter((entity) => !ruled[category].has(entity.id));

  return [
    ...suggestUsers(needsSuggestion("user", input.users), directory, input.existingRules ?? [], matcher, names),
    ...suggestProjects(needsSuggestion("project", input.projects), directory, matcher, names),
    ...suggestItems(
      "type_of_work",
      needsSuggestion("type_of_work", input.typesOfWork).map((t) => ({ id: t.id, name: t.name, rate: t.rate ?? null })),
      directory,
      matcher,
      names,
    ),
    ...suggestItems(
      "leave_type",
      needsSuggestion("leave_type", input.leaveTypes).map((l) => ({ id: l.id, name: l.name, rate: null })),
      directory,
      matcher,
      names,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Users → Employees (one-to-one)

function suggestUsers(
  users: readonly ActitimeUserForMapping[],
  directory: QboDirectory,
  existingRules: readonly RuleForEntity[],
  matcher: NameMatcher,
  names: NameRegistry,
): Suggestion[] {
  const employees = sortById(directory.employees.filter((employee) => employee.active));
  const byName = new NameIndex<QboEmployeeEntry>(matcher);
  const byEmail = new Map<string, QboEmployeeEntry[]>();
  for (const employee of employees) {
    byName.add(employee, matcher.key(employee.name));
    const email = normaliseEmail(employee.email);
    if (email !== null) byEmail.set(email, [...(byEmail.get(email) ?? []), employee]);
  }

  const candidatesByUser = new Map<number, Hit<QboEmployeeEntry>[]>();
  for (const user of users) {
    const hits = new Map<string, Hit<QboEmployeeEntry>>();
    // E-mail first: an e-mail match beats a name match to the same employee.
    for (const employee of byEmail.get(normaliseEmail(user.email) ?? "") ?? []) {
      hits.set(employee.id, { entry: employee, score: 1, via: "email", preference: 0 });
    }
    for (const { value, score } of byName.search(matcher.key(user.fullName), STRONG_MATCH_MIN_SCORE)) {
      if (!hits.has(value.id)) hits.set(value.id, { entry: value, score, via: "name", preference: 1 });
    }
    candidatesByUser.set(user.id, [...hits.values()].sort(compareHits));
  }

  // One-to-one: award employees to users best pair first, so the strongest claim wins and a tie
  // goes to the lower actiTIME id. Employees linked by saved rules are already taken.
  const holderOf = new Map<string, string>();
  for (const { category, sourceName, rule } of existingRules) {
    // A create that has run holds its employee just like a link (rules.ts: targetQboId).
    const employeeId = rule.kind === "link" ? rule.targetQboId : rule.kind === "create" ? rule.targetQboId : null;
    // A vendor rule holds a vendor, not an employee (QBO numbers Ids per list).
    if (category === "user" && employeeId && !("nameOf" in rule && rule.nameOf === "Vendor")) holderOf.set(employeeId, `already linked to ${sourceName}`);
  }
  const userById = new Map(users.map((user) => [user.id, user]));
  const pairs = [...candidatesByUser].flatMap(([userId, hits]) => hits.map((hit) => ({ userId, hit })));
  pairs.sort((a, b) => compareHits(a.hit, b.hit) || a.userId - b.userId);
  const awarded = new Map<number, Hit<QboEmployeeEntry>>();
  for (const { userId, hit } of pairs) {
    if (awarded.has(userId) || holderOf.has(hit.entry.id)) continue;
    awarded.set(userId, hit);
    holderOf.set(hit.entry.id, `suggested for ${userById.get(userId)?.fullName ?? "another user"}`);
  }

  return users.map((user) => {
    const base = { category: "user" as const, sourceId: user.id, sourceName: user.fullName };
    const hit = awarded.get(user.id);
    if (hit !== undefined) {
      return { ...base, rule: linkTo(hit.entry.id, hit.entry.name), reason: linkReason(user.fullName, hit), score: hit.score };
    }
    const lost = candidatesByUser.get(user.id)?.[0];
    const conflict = lost === undefined ? null : `${lost.entry.name} is ${holderOf.get(lost.entry.id) ?? "taken"}`;
    if (directory.payrollEnabled) {
      const why = "QuickBooks Payroll is on, so new employees must be created in QuickBooks";
      return { ...base, rule: { kind: "skip" as const }, reason: `${conflict ?? "no similar QuickBooks employee"}; ${why}` };
    }
    const name = claimName(names.display, user.fullName, `actiTIME user ${user.id}`, "display");
    return { ...base, rule: { kind: "create" as const, name }, reason: conflict ?? "no similar QuickBooks employee" };
  });
}

// ---------------------------------------------------------------------------------------------
// Projects → Customers / Sub-customers (many-to-one)

function suggestProjects(
  projects: readonly ActitimeProjectForMapping[],
  directory: QboDirectory,
  matcher: NameMatcher,
  names: NameRegistry,
): Suggestion[] {
  const customers = sortById(directory.customers.filter((customer) => customer.active));
  // Top-level customers by their own name: a project named like a client, and the parent for a new sub-customer.
  const topLevel = new NameIndex<QboCustomerEntry>(matcher);
  // Every customer by `Parent:Child`, met by "actiTIME customer + project": "Globex" / "Website
  // Redesign" meets "Globex:Website Redesign", and not "Initech:Website Redesign".
  const byFullName = new NameIndex<QboCustomerEntry>(matcher);
  for (const customer of customers) {
    if (!customer.parentId) topLevel.add(customer, matcher.key(customer.name, CUSTOMER_MATCH));
    byFullName.add(customer, matcher.key(customer.fullyQualifiedName, CUSTOMER_MATCH));
  }
  const parentByActitimeCustomer = new Map<number, QboCustomerEntry | null>();
  const parentFor = (project: ActitimeProjectForMapping): QboCustomerEntry | null => {
    let parent = parentByActitimeCustomer.get(project.customerId);
    if (parent === undefined) {
      parent = topLevel.search(matcher.key(project.customerName, CUSTOMER_MATCH), STRONG_MATCH_MIN_SCORE)[0]?.value ?? null;
      parentByActitimeCustomer.set(project.customerId, parent);
    }
    return parent;
  };

  return projects.map((project) => {
    const base = { category: "project" as const, sourceId: project.id, sourceName: project.name };
    const hits: Hit<QboCustomerEntry>[] = [
      // Full-name matches first on equal scores: they also agree on the client.
      ...byFullName
        .search(matcher.key(`${project.customerName} ${project.name}`, CUSTOMER_MATCH), STRONG_MATCH_MIN_SCORE)
        .map(({ value, score }) => ({ entry: value, score, via: "fullName" as const, preference: 0 })),
      ...topLevel
        .search(matcher.key(project.name, CUSTOMER_MATCH), STRONG_MATCH_MIN_SCORE)
        .map(({ value, score }) => ({ entry: value, score, via: "name" as const, preference: 1 })),
    ];
    const link = bestLink(base, hits);
    if (link) return link;
    const parent = parentFor(project);
    if (parent !== null) {
      // DisplayNames are unique across the whole list, not per parent (reference §2.3), so "Phase 1"
      // under two clients collides; the reference's remedy is to prefix the client.
      const plain = sanitizeQboName(project.name, "display");
      const name = plain !== "" && !names.display.has(qboNameKey(plain))
        ? claimName(names.display, plain, plain, "display")
        : claimName(names.display, `${parent.name} - ${project.name}`, `${parent.name} - project ${project.id}`, "display");
      return {
        ...base,
        rule: { kind: "create" as const, name, parentQboId: parent.id },
        reason: `new sub-customer under ${parent.fullyQualifiedName}`,
      };
    }
    // A new top-level customer is who gets invoiced: keep the actiTIME customer in its name so the
    // invoice is recognisable, unless the project name already starts with it.
    const customer = project.customerName.trim();
    const startsWithCustomer = customer !== "" && qboNameKey(project.name).startsWith(qboNameKey(customer));
    const wanted = customer === "" || startsWithCustomer ? project.name : `${customer} - ${project.name}`;
    const name = claimName(names.display, wanted, `actiTIME project ${project.id}`, "display");
    return { ...base, rule: { kind: "create" as const, name }, reason: "no similar QuickBooks customer" };
  });
}

// ---------------------------------------------------------------------------------------------
// Types of Work and Leave Types → Service items (many-to-one)

interface ItemSource {
  id: number;
  name: string;
  rate: number | null;
}

function suggestItems(
  category: "type_of_work" | "leave_type",
  sources: readonly ItemSource[],
  directory: QboDirectory,
  matcher: NameMatcher,
  names: NameRegistry,
): Suggestion[] {
  // TimeActivity takes service items; categories and stock items are not offered.
  const items = sortById(directory.items.filter((item) => item.active && item.type === QBO_SERVICE_ITEM_TYPE));
  const byName = new NameIndex<QboItemEntry>(matcher);
  const subItemsByFullName = new NameIndex<QboItemEntry>(matcher);
  for (const item of items) {
    byName.add(item, matcher.key(item.name));
    if (item.parentId) subItemsByFullName.add(item, matcher.key(item.fullyQualifiedName));
  }
  const incomeAccountId = defaultIncomeAccountId(directory.incomeAccounts);
  const noun = MAPPING_CATEGORY_META[category].sourceNoun;

  return sources.map((source) => {
    const base = { category, sourceId: source.id, sourceName: source.name };
    const key = matcher.key(source.name);
    // On equal scores: a top-level item of that name, then a sub-item by full name, then by its own name.
    const hits: Hit<QboItemEntry>[] = [
      ...byName.search(key, STRONG_MATCH_MIN_SCORE).map(({ value, score }) => ({
        entry: value,
        score,
        via: "name" as const,
        preference: value.parentId ? 2 : 0,
      })),
      ...subItemsByFullName
        .search(key, STRONG_MATCH_MIN_SCORE)
        .map(({ value, score }) => ({ entry: value, score, via: "fullName" as const, preference: 1 })),
    ];
    const link = bestLink(base, hits);
    if (link) return link;
    const name = claimName(names.item, source.name, `actiTIME ${noun} ${source.id}`, "item");
    const rule: CreateRule = { kind: "create", name, unitPrice: rateToUnitPrice(source.rate) };
    if (incomeAccountId !== undefined) rule.incomeAccountId = incomeAccountId;
    return { ...base, rule, reason: "no similar QuickBooks service item" };
  });
}

/** The income account a new service item gets by default: "Services" when it exists, else the first. */
export function defaultIncomeAccountId(accounts: readonly QboIncomeAccountEntry[]): string | undefined {
  const preferred = accounts.find((account) => qboNameKey(account.name) === PREFERRED_INCOME_ACCOUNT_NAME);
  return (preferred ?? accounts[0])?.id;
}

/** actiTIME rate → item UnitPrice: rounded to cents; no rate (hidden or absent) → 0. */
export function rateToUnitPrice(rate: number | null | undefined): number {
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) return 0;
  return Math.round(rate * CENTS_PER_UNIT) / CENTS_PER_UNIT;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function compareHits<T extends { id: string }>(a: Hit<T>, b: Hit<T>): number {
  return b.score - a.score || a.preference - b.preference || compareQboIds(a.entry.id, b.entry.id);
}

/** The best hit as a suggested link to it (by its full name), or undefined when there is none. */
function bestLink<T extends { id: string; name: string; fullyQualifiedName: string }>(base: Omit<Suggestion, "rule" | "reason" | "score">, hits: Hit<T>[]): Suggestion | undefined {
  const best = hits.sort(compareHits)[0];
  if (best === undefined) return undefined;
  return { ...base, rule: linkTo(best.entry.id, best.entry.fullyQualifiedName), reason: linkReason(base.sourceName, best), score: best.score };
}

function linkTo(targetQboId: string, targetName: string): MappingRule {
  return { kind: "link", targetQboId, targetName };
}

function linkReason(sourceName: string, hit: Hit<{ name: string; fullyQualifiedName?: string }>): string {
  const percent = `${Math.floor(hit.score * 100)}% similar`;
  const fullName = hit.entry.fullyQualifiedName ?? hit.entry.name;
  const isNested = fullName !== hit.entry.name;
  if (hit.via === "email") return "same e-mail";
  if (hit.via === "fullName") return hit.score === 1 ? `matches ${fullName}` : `matches ${fullName} (${percent})`;
  if (isNested) return hit.score === 1 ? `same name as ${fullName}` : `name ${percent} to ${fullName}`;
  if (hit.score < 1) return `name ${percent}`;
  return qboNameKey(sourceName) === qboNameKey(hit.entry.name) ? "same name" : "same name, written differently";
}

/** A unique, QBO-valid name for a suggested create, recorded as taken so no later suggestion reuses it. */
function claimName(taken: Set<string>, wanted: string, fallback: string, kind: "display" | "item"): string {
  const cleaned = makeUniqueName(wanted, taken, kind);
  const name = cleaned !== "" ? cleaned : makeUniqueName(fallback, taken, kind);
  taken.add(kind === "item" ? qboItemFullNameKey(name) : qboNameKey(name));
  return name;
}

/** Names QBO already holds (inactive ones too: they still collide) and names saved rules will create. */
function takenNames(directory: QboDirectory, existingRules: readonly RuleForEntity[]): NameRegistry {
  const display = new Set<string>();
  for (const entry of [...directory.employees, ...directory.customers, ...directory.vendors]) {
    display.add(qboNameKey(entry.name));
  }
  const item = new Set(directory.items.map((entry) => qboNameKey(entry.fullyQualifiedName)));
  const itemFullName = new Map(directory.items.map((entry) => [entry.id, entry.fullyQualifiedName]));
  for (const { category, rule } of existingRules) {
    if (rule.kind !== "create" || rule.targetQboId) continue;
    if (MAPPING_CATEGORY_META[category].nameKind === "item") {
      const parentFullName = rule.parentQboId ? itemFullName.get(rule.parentQboId) : undefined;
      item.add(qboItemFullNameKey(rule.name, parentFullName));
    } else {
      display.add(qboNameKey(rule.name));
    }
  }
  return { display, item };
}

function ruledSourceIds(input: SuggestRulesInput): Record<MappingCategory, Set<number>> {
  const ruled: Record<MappingCategory, Set<number>> = {
    user: new Set(),
    project: new Set(),
    type_of_work: new Set(),
    leave_type: new Set(),
  };
  for (const category of Object.keys(ruled) as MappingCategory[]) {
    for (const id of input.existingRuleSourceIds?.[category] ?? []) ruled[category].add(id);
  }
  for (const rule of input.existingRules ?? []) ruled[rule.category].add(rule.sourceId);
  return ruled;
}

function dedupeById<T extends { id: number }>(entities: readonly T[]): T[] {
  const byId = new Map<number, T>();
  for (const entity of entities) if (!byId.has(entity.id)) byId.set(entity.id, entity);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function sortById<T extends { id: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => compareQboIds(a.id, b.id));
}

function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase() ?? "";
  return trimmed === "" ? null : trimmed;
}
