// Validation of mapping rules before anything is sent to QBO (product spec §4): every create has
// a name QBO accepts and that no other customer, employee, vendor or item holds (QBO Fault 6240),
// links point at active entities that still exist, users stay one-to-one, new service items have
// an income account and a rate, and no employee is created while Payroll is on. Each failure is a
// FieldError the wizard shows next to the field, worded for a bookkeeper.
import { z } from "zod";
import {
  QBO_CATEGORY_ITEM_TYPE,
  QBO_MAX_NESTING_LEVEL,
  QBO_SERVICE_ITEM_TYPE,
  qboLevelOf,
  type QboCustomerEntry,
  type QboDirectory,
  type QboItemEntry,
  type QboVendorEntry,
} from "./directory";
import { qboItemFullNameKey, qboNameKey, validateQboName } from "./names";
import {
  DIMENSION_CATEGORIES,
  DIMENSION_EMPTY_VALUE,
  isItemCategory,
  MAPPING_CATEGORY_META,
  RULE_DIMENSION_META,
  RULE_DIMENSIONS,
  workerOf,
  type CreateRule,
  type MappingCategory,
  type MappingRule,
  type RuleForEntity,
} from "./rules";

import type { FieldError, RuleField } from "@/db/types";

export type { FieldError, RuleField };

export interface ValidateMappingInput {
  rules: readonly RuleForEntity[];
  directory: QboDirectory;
}

export type ValidateMappingResult = { ok: true } | { ok: false; errors: FieldError[] };

export const PAYROLL_CREATE_EMPLOYEE_MESSAGE =
  "QuickBooks Payroll is on, so new employees must be created in QuickBooks: link to an existing employee or choose Do not import";
export const RATE_INVALID_MESSAGE = "Rate must be a number of 0 or more";
const RATE_MISSING_MESSAGE = "Enter a rate for the new service item (0 is allowed)";
const INCOME_ACCOUNT_MISSING_MESSAGE = "Choose an income account for the new service item";

type DisplayList = "customer" | "employee" | "vendor";

interface Lookups {
  directory: QboDirectory;
  employeesById: Map<string, QboDirectory["employees"][number]>;
  vendorsById: Map<string, QboVendorEntry>;
  customersById: Map<string, QboCustomerEntry>;
  itemsById: Map<string, QboItemEntry>;
  incomeAccountIds: Set<string>;
  /** DisplayName key → holders; one namespace for customers, employees and vendors (reference §2.2–2.3). */
  displayHolders: Map<string, { list: DisplayList; id: string; name: string }[]>;
  /** Item full-name key → holders. */
  itemHolders: Map<string, QboItemEntry[]>;
}

/** Targets the rules will create: a second rule creating the same name is refused (QBO would say 6240). */
interface PlannedNames {
  display: Map<string, RuleForEntity>;
  item: Map<string, RuleForEntity>;
}

export function validateMapping(input: ValidateMappingInput): ValidateMappingResult {
  const lookups = buildLookups(input.directory);
  const planned: PlannedNames = { display: new Map(), item: new Map() };
  const errors: (FieldError & { order: number })[] = [];
  const usersByEmployee = new Map<string, { entry: RuleForEntity; order: number }[]>();
  const usersByVendor = new Map<string, { entry: RuleForEntity; order: number }[]>();

  input.rules.forEach((entry, order) => {
    const report = (field: RuleField, message: string) =>
      errors.push({ category: entry.category, sourceId: entry.sourceId, field, message, order });
    const { rule } = entry;
    checkDimensions(entry, lookups, report);
    if (rule.kind === "skip") return;
    if (rule.nameOf === "Vendor" && entry.category !== "user") {
      report("kind", `Only actiTIME users can be QuickBooks vendors; choose a rule for this ${MAPPING_CATEGORY_META[entry.category].sourceNoun}`);
      return;
    }
    // A create whose entity already exists behaves like a link to it (rules.ts: targetQboId).
    const linkedId = rule.kind === "link" ? rule.targetQboId.trim() : (rule.targetQboId?.trim() ?? "");
    if (rule.kind === "link" || linkedId !== "") {
      const fallbackName = rule.kind === "link" ? rule.targetName : rule.name;
      const vendor = entry.category === "user" && workerOf(rule) === "Vendor";
      if (vendor) checkVendorTarget(linkedId, fallbackName, lookups, report);
      else checkLinkTarget(entry.category, linkedId, fallbackName, lookups, report);
      if (entry.category === "user" && linkedId !== "") {
        const holders = vendor ? usersByVendor : usersByEmployee;
        holders.set(linkedId, [...(holders.get(linkedId) ?? []), { entry, order }]);
      }
      return;
    }
    checkCreate(entry, rule, lookups, planned, report);
  });

  // Users → Employees and Users → Vendors are one-to-one (product spec §4; issue 19): every user
  // sharing an employee, or a vendor, is told.
  const oneToOne = (holdersById: Map<string, { entry: RuleForEntity; order: number }[]>, names: ReadonlyMap<string, { name: string }>, noun: "employee" | "vendor") => {
    for (const [qboId, holders] of holdersById) {
      if (holders.length < 2) continue;
      const name = names.get(qboId)?.name ?? `this ${noun}`;
      for (const { entry, order } of holders) {
        const others = holders.filter((holder) => holder.entry !== entry).map((holder) => `"${holder.entry.sourceName}"`);
        errors.push({
          category: entry.category,
          sourceId: entry.sourceId,
          field: "target",
          message: `Each QuickBooks ${noun} can be linked to one actiTIME user only: "${name}" is also chosen for ${others.join(", ")}`,
          order,
        });
      }
    }
  };
  oneToOne(usersByEmployee, lookups.employeesById, "employee");
  oneToOne(usersByVendor, lookups.vendorsById, "vendor");

  if (errors.length === 0) return { ok: true };
  errors.sort((a, b) => a.order - b.order);
  return { ok: false, errors: errors.map(({ order: _order, ...error }) => error) };
}

type Report = (field: RuleField, message: string) => void;

function targetNoun(category: MappingCategory): string {
  return MAPPING_CATEGORY_META[category].qboNoun.toLowerCase();
}

function checkLinkTarget(
  category: MappingCategory,
  targetId: string,
  targetName: string,
  lookups: Lookups,
  report: Report,
): void {
  const noun = targetNoun(category);
  if (targetId === "") {
    report("target", `Choose the QuickBooks ${noun} to link to`);
    return;
  }
  const target =
    category === "user"
      ? lookups.employeesById.get(targetId)
      : category === "project"
        ? lookups.customersById.get(targetId)
        : lookups.itemsById.get(targetId);
  const shownName = target && "fullyQualifiedName" in target ? target.fullyQualifiedName : (target?.name ?? targetName);
  if (target === undefined) {
    const named = targetName.trim() === "" ? "" : ` "${targetName}"`;
    report("target", `The QuickBooks ${noun}${named} is no longer in QuickBooks. Refresh the list and choose again`);
    return;
  }
  if (!target.active) {
    report("target", `The QuickBooks ${noun} "${shownName}" is inactive. Make it active in QuickBooks or choose another`);
    return;
  }
  if ("type" in target && target.type !== QBO_SERVICE_ITEM_TYPE) {
    report("target", `"${shownName}" is a ${target.type} item in QuickBooks; time can only be recorded against a service item`);
  }
}

/** A user's Link to QB Vendor: the vendor exists and is active. */
function checkVendorTarget(targetId: string, targetName: string, lookups: Lookups, report: Report): void {
  if (targetId === "") {
    report("target", "Choose the QuickBooks vendor to link to");
    return;
  }
  const vendor = lookups.vendorsById.get(targetId);
  if (vendor === undefined) {
    const named = targetName.trim() === "" ? "" : ` "${targetName}"`;
    report("target", `The QuickBooks vendor${named} is no longer in QuickBooks. Refresh the list and choose again`);
    return;
  }
  if (vendor.active === false) report("target", `The QuickBooks vendor "${vendor.name}" is inactive. Make it active in QuickBooks or choose another`);
}

/**
 * Class / Location rules of a project or user: the chosen entry exists and is active. Not checked when
 * the company does not track them (the rules are then hidden and ignored, never in the way).
 */
function checkDimensions(entry: RuleForEntity, lookups: Lookups, report: Report): void {
  const dimensions = entry.rule.dimensions;
  if (!dimensions) return;
  for (const dimension of RULE_DIMENSIONS) {
    const choice = dimensions[dimension];
    const meta = RULE_DIMENSION_META[dimension];
    const list = lookups.directory[meta.directoryKey];
    if (!choice || !list) continue;
    const noun = meta.label.toLowerCase();
    if (!DIMENSION_CATEGORIES.includes(entry.category)) {
      report(dimension, `A ${noun} is chosen per project or user only`);
      continue;
    }
    const found = list.find((e) => e.id === choice.qboId);
    if (found === undefined) report(dimension, `The QuickBooks ${noun} "${choice.name}" is no longer in QuickBooks. Refresh the list and choose again`);
    else if (!found.active) report(dimension, `The QuickBooks ${noun} "${found.fullyQualifiedName}" is inactive. Make it active in QuickBooks or choose another`);
  }
}

function checkCreate(
  entry: RuleForEntity,
  rule: CreateRule,
  lookups: Lookups,
  planned: PlannedNames,
  report: Report,
): void {
  const { category } = entry;
  const meta = MAPPING_CATEGORY_META[category];
  // Payroll keeps employees to QuickBooks; a contractor's vendor can still be created here.
  if (category === "user" && lookups.directory.payrollEnabled && workerOf(rule) !== "Vendor") {
    report("kind", PAYROLL_CREATE_EMPLOYEE_MESSAGE);
    return;
  }

  const parent = checkParent(category, rule.parentQboId?.trim() ?? "", lookups, report);

  const nameProblem = validateQboName(rule.name, meta.nameKind);
  if (nameProblem !== null) report("name", nameProblem);
  else if (meta.nameKind === "item") checkItemNameFree(entry, rule.name, parent, lookups, planned, report);
  else checkDisplayNameFree(entry, rule.name, lookups, planned, report);

  if (!isItemCategory(category)) return;
  const incomeAccountId = rule.incomeAccountId?.trim() ?? "";
  if (incomeAccountId === "") report("incomeAccount", INCOME_ACCOUNT_MISSING_MESSAGE);
  else if (!lookups.incomeAccountIds.has(incomeAccountId)) {
    report("incomeAccount", "The chosen account is not an Income account in QuickBooks. Refresh the list and choose again");
  }
  // Read as unknown: rules may come from stored JSON or a form, where a rate can be anything.
  const unitPrice: unknown = rule.unitPrice;
  if (unitPrice === undefined || unitPrice === null) report("unitPrice", RATE_MISSING_MESSAGE);
  else if (typeof unitPrice !== "number" || !Number.isFinite(unitPrice) || unitPrice < 0) {
    report("unitPrice", RATE_INVALID_MESSAGE);
  }
}

/** The parent of a new sub-customer / sub-service, when it is one QBO accepts; problems are reported. */
function checkParent(
  category: MappingCategory,
  parentId: string,
  lookups: Lookups,
  report: Report,
): QboCustomerEntry | QboItemEntry | null {
  if (parentId === "") return null;
  if (category === "user") {
    report("parent", "An employee can't be placed under a parent in QuickBooks");
    return null;
  }
  const isItem = isItemCategory(category);
  const parent = isItem ? lookups.itemsById.get(parentId) : lookups.customersById.get(parentId);
  const noun = isItem ? "service item" : "customer";
  if (parent === undefined) {
    report("parent", `The parent ${noun} is no longer in QuickBooks. Refresh the list and choose again`);
    return null;
  }
  if (!parent.active) {
    report("parent", `The parent ${noun} "${parent.fullyQualifiedName}" is inactive. Make it active in QuickBooks or choose another`);
    return null;
  }
  if ("type" in parent && parent.type !== QBO_SERVICE_ITEM_TYPE && parent.type !== QBO_CATEGORY_ITEM_TYPE) {
    report("parent", `"${parent.fullyQualifiedName}" is a ${parent.type} item and can't hold sub-services`);
    return null;
  }
  if (qboLevelOf(parent.fullyQualifiedName) >= QBO_MAX_NESTING_LEVEL) {
    report(
      "parent",
      `QuickBooks nests at most ${QBO_MAX_NESTING_LEVEL} levels below the top; "${parent.fullyQualifiedName}" is already that deep`,
    );
    return null;
  }
  return parent;
}

function checkDisplayNameFree(
  entry: RuleForEntity,
  name: string,
  lookups: Lookups,
  planned: PlannedNames,
  report: Report,
): void {
  const key = qboNameKey(name);
  const holder = lookups.displayHolders.get(key)?.[0];
  if (holder !== undefined) {
    const vendor = entry.category === "user" && workerOf(entry.rule) === "Vendor";
    const ownList = vendor ? "vendor" : MAPPING_CATEGORY_META[entry.category].qboEntity.toLowerCase();
    const sameList = holder.list === ownList;
    const orLink = sameList ? `, or choose Link to QB ${vendor ? "Vendor" : MAPPING_CATEGORY_META[entry.category].qboNoun}` : "";
    report(
      "name",
      `QuickBooks already has ${holder.list === "employee" ? "an" : "a"} ${holder.list} named "${holder.name}". Customer, employee and vendor names must be unique: choose another name${orLink}`,
    );
    return;
  }
  claimPlannedName(entry, name, key, planned.display, report);
}

function checkItemNameFree(
  entry: RuleForEntity,
  name: string,
  parent: QboCustomerEntry | QboItemEntry | null,
  lookups: Lookups,
  planned: PlannedNames,
  report: Report,
): void {
  // Items are addressed by full name `Parent:Child` (reference §2.4). Whether QBO also refuses the
  // same leaf name under another parent is not documented [I]; QBO's 6240 would tell at run time.
  const key = qboItemFullNameKey(name, parent?.fullyQualifiedName);
  const holder = lookups.itemHolders.get(key)?.[0];
  if (holder !== undefined) {
    const isService = holder.type === QBO_SERVICE_ITEM_TYPE;
    report(
      "name",
      `QuickBooks already has ${isService ? "a service item" : "an item"} named "${holder.fullyQualifiedName}". Item names must be unique: choose another name${isService ? ", or choose Link to QB Service Item" : ""}`,
    );
    return;
  }
  claimPlannedName(entry, name, key, planned.item, report);
}

/** The first rule to create a name keeps it; each later one is told which rule has it. */
function claimPlannedName(
  entry: RuleForEntity,
  name: string,
  key: string,
  planned: Map<string, RuleForEntity>,
  report: Report,
): void {
  const first = planned.get(key);
  if (first === undefined) {
    planned.set(key, entry);
    return;
  }
  const firstNoun = MAPPING_CATEGORY_META[first.category].sourceNoun;
  report(
    "name",
    `The actiTIME ${firstNoun} "${first.sourceName}" already creates "${name}" in QuickBooks, and names must be unique: choose another name`,
  );
}

function buildLookups(directory: QboDirectory): Lookups {
  const displayHolders = new Map<string, { list: DisplayList; id: string; name: string }[]>();
  const addDisplay = (list: DisplayList, id: string, name: string) => {
    const key = qboNameKey(name);
    displayHolders.set(key, [...(displayHolders.get(key) ?? []), { list, id, name }]);
  };
  // Inactive entries are included: QBO still counts their names as taken.
  for (const customer of directory.customers) addDisplay("customer", customer.id, customer.name);
  for (const employee of directory.employees) addDisplay("employee", employee.id, employee.name);
  for (const vendor of directory.vendors) addDisplay("vendor", vendor.id, vendor.name);
  const itemHolders = new Map<string, QboItemEntry[]>();
  for (const item of directory.items) {
    const key = qboNameKey(item.fullyQualifiedName);
    itemHolders.set(key, [...(itemHolders.get(key) ?? []), item]);
  }
  return {
    directory,
    employeesById: new Map(directory.employees.map((employee) => [employee.id, employee])),
    vendorsById: new Map(directory.vendors.map((vendor) => [vendor.id, vendor])),
    customersById: new Map(directory.customers.map((customer) => [customer.id, customer])),
    itemsById: new Map(directory.items.map((item) => [item.id, item])),
    incomeAccountIds: new Set(directory.incomeAccounts.map((account) => account.id)),
    displayHolders,
    itemHolders,
  };
}

// ---------------------------------------------------------------------------------------------
// Rules arriving from a form (server action input): shaped and coerced here, then validateMapping
// checks them against QBO.

export interface RuleFormError {
  field: RuleField;
  message: string;
}

export type ParseRuleResult = { ok: true; rule: MappingRule } | { ok: false; errors: RuleFormError[] };

const trimmedOrUndefined = (value: unknown) => {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
};

/** "12.5" → 12.5. Only plain decimals: "1,5" or "1e3" are ambiguous in a rate field, so they are refused. */
const rateFromForm = (value: unknown) => {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
};

const formRuleSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("skip") }),
    z.object({
      kind: z.literal("link"),
      targetQboId: z.preprocess(trimmedOrUndefined, z.string({ error: "Choose the QuickBooks entry to link to" })),
      targetName: z.preprocess(trimmedOrUndefined, z.string().default("")),
    }),
    z.object({
      kind: z.literal("create"),
      name: z.preprocess(trimmedOrUndefined, z.string({ error: "Enter a name" })),
      parentQboId: z.preprocess(trimmedOrUndefined, z.string().nullish()).transform((id) => id ?? null),
      incomeAccountId: z.preprocess(trimmedOrUndefined, z.string().optional()),
      unitPrice: z.preprocess(
        rateFromForm,
        z.number({ error: RATE_INVALID_MESSAGE }).nonnegative(RATE_INVALID_MESSAGE).optional(),
      ),
      targetQboId: z.preprocess(trimmedOrUndefined, z.string().nullish()).transform((id) => id ?? null),
    }),
  ],
  { error: "Choose Create new, Link to or Do not import" },
);

/**
 * The Rule select's values for a user's vendor rules ("Link to QB Vendor", "Create new QB Vendor"):
 * a link / create with nameOf "Vendor".
 */
export const VENDOR_FORM_KIND = { link: "vendor_link", create: "vendor_create" } as const;

/** The Rule select's value of a rule (ruleFormKind(rule) posted back parses to the same kind and nameOf). */
export function ruleFormKind(rule: Pick<MappingRule, "kind"> & { nameOf?: string | null }): string {
  return rule.kind !== "skip" && rule.nameOf === "Vendor" ? VENDOR_FORM_KIND[rule.kind] : rule.kind;
}

/**
 * Class / Location choices posted as `classQboId` / `locationQboId`: empty or absent = no rule,
 * DIMENSION_EMPTY_VALUE = "leave it empty", else a QBO Id (its name is filled from the directory by
 * the caller, see withDirectoryNames in targets.ts).
 */
function dimensionsFromForm(values: Record<string, unknown>): MappingRule["dimensions"] {
  const out: NonNullable<MappingRule["dimensions"]> = {};
  for (const dimension of RULE_DIMENSIONS) {
    const raw = values[RULE_DIMENSION_META[dimension].formField];
    const value = typeof raw === "string" ? raw.trim() : "";
    if (value === "") continue;
    out[dimension] = value === DIMENSION_EMPTY_VALUE ? null : { qboId: value, name: "" };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const FIELD_BY_FORM_KEY: Readonly<Record<string, RuleField>> = {
  kind: "kind",
  name: "name",
  targetQboId: "target",
  targetName: "target",
  parentQboId: "parent",
  incomeAccountId: "incomeAccount",
  unitPrice: "unitPrice",
};

/** A rule from form input (a plain object or FormData), or what is wrong with it, per field. */
export function parseRuleFromForm(input: unknown): ParseRuleResult {
  const raw = (typeof FormData !== "undefined" && input instanceof FormData ? Object.fromEntries(input) : input) as unknown;
  const values = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const vendorKind = values.kind === VENDOR_FORM_KIND.link ? "link" : values.kind === VENDOR_FORM_KIND.create ? "create" : null;
  const parsed = formRuleSchema.safeParse(vendorKind ? { ...values, kind: vendorKind } : raw);
  if (parsed.success) {
    const dimensions = dimensionsFromForm(values);
    const rule: MappingRule = { ...parsed.data, ...(vendorKind ? { nameOf: "Vendor" as const } : {}), ...(dimensions ? { dimensions } : {}) };
    return { ok: true, rule };
  }
  const errors = parsed.error.issues.map((issue) => ({
    field: FIELD_BY_FORM_KEY[String(issue.path[0] ?? "kind")] ?? "kind",
    message: issue.message,
  }));
  return { ok: false, errors };
}
