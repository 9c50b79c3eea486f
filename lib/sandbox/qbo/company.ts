/**
 * One emulated QBO company (realm): entities, indexes and QBO's validation rules.
 * Pure in-memory state; HTTP, auth, limits and fault injection live in `emulator.ts`.
 */
import { faults } from "./faults";
import { cloneJson, getObject, getRefValue, getString, type JsonObject } from "./json";
import { compareRowsForOrder, matchesCondition, type ParsedQuery, type QueryCondition } from "./query";
import { formatQboDate, formatQboDateTime, isValidQboDate, parseQboInstant } from "./time";

export const ENTITY_NAMES = ["Employee", "Customer", "Vendor", "Item", "Account", "Class", "Department", "TimeActivity"] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

/** Reference §0 / §2.2–2.4 limits. */
export const ITEM_NAME_MAX_CHARS = 100;
export const DISPLAY_NAME_MAX_CHARS = 500;
export const PERSON_NAME_PART_MAX_CHARS = 100;
export const DESCRIPTION_MAX_CHARS = 4000;
/** Reference §2.1: one TimeActivity holds at most 8760 h (then Minutes must be 0). */
export const TIME_ACTIVITY_MAX_HOURS = 8760;
/** Reference §2.3/§2.4: top level plus 4 nested levels. */
export const HIERARCHY_MAX_LEVEL = 4;

/** Reference §2.0/§2.2–2.4: `:`, tab and newline are forbidden in names (`:` separates hierarchy levels). */
const FORBIDDEN_NAME_CHARS = /[:\t\n\r]/;

const READ_ONLY_KEYS = ["Id", "SyncToken", "MetaData", "domain", "sparse", "FullyQualifiedName", "Level", "time", "status"];
const NAME_LIST_ENTITIES: ReadonlySet<EntityName> = new Set(["Employee", "Customer", "Vendor", "Item", "Account", "Class", "Department"]);
/** Class and Department (a "Location") name lists: `Name`, optional parent, `FullyQualifiedName` [I]. */
type DimensionEntity = "Class" | "Department";
type HierarchyEntity = "Customer" | "Item" | DimensionEntity;
const PEOPLE_ENTITIES: ReadonlySet<EntityName> = new Set(["Employee", "Customer", "Vendor"]);

const METADATA_FILTERS = ["metadata.createtime", "metadata.lastupdatedtime"];
/**
 * Properties allowed in WHERE (reference §3: only "filterable" ones; others give 4001).
 * TimeActivity's EmployeeRef/VendorRef/CustomerRef/ItemRef are not marked filterable by Intuit but
 * work in many public codebases [I], so they are accepted here.
 */
const FILTERABLE: Record<string, ReadonlySet<string>> = {
  Employee: new Set(["id", "displayname", "givenname", "familyname", "active", "employeenumber", ...METADATA_FILTERS]),
  Customer: new Set(["id", "displayname", "givenname", "familyname", "companyname", "fullyqualifiedname", "active", "job", "parentref", ...METADATA_FILTERS]),
  Vendor: new Set(["id", "displayname", "givenname", "familyname", "companyname", "active", ...METADATA_FILTERS]),
  Item: new Set(["id", "name", "type", "active", "fullyqualifiedname", "sku", "parentref", ...METADATA_FILTERS]),
  Account: new Set(["id", "name", "accounttype", "accountsubtype", "classification", "active", "fullyqualifiedname", ...METADATA_FILTERS]),
  // Inferred [I]: the reference does not list Class/Department filterables; these mirror Item's name fields.
  Class: new Set(["id", "name", "active", "fullyqualifiedname", "parentref", ...METADATA_FILTERS]),
  Department: new Set(["id", "name", "active", "fullyqualifiedname", "parentref", ...METADATA_FILTERS]),
  TimeActivity: new Set([
    "id", "txndate", "billablestatus", "projectref", "employeeref", "vendorref", "customerref", "itemref", ...METADATA_FILTERS,
  ]),
  Preferences: new Set(),
  CompanyInfo: new Set(),
};

export interface CompanySettings {
  /** `CompanyInfo.NameValue` `PayrollFeature` (reference §2.7); Employee create is refused when on. */
  payroll: boolean;
  /** `Preferences.OtherPrefs` `TimeTrackingFeatureEnabled` (reference §2.6). */
  timeTracking: boolean;
  /** `AccountingInfoPrefs.BookCloseDate`; writes dated on or before it fail with 6210. */
  bookCloseDate: string | null;
  useServices: boolean;
  billCustomers: boolean;
  /** `TimeTrackingPrefs.DefaultTimeItem`: used when a TimeActivity has no ItemRef (reference §8, mv 74). */
  defaultTimeItemId: string | null;
  /** `AccountingInfoPrefs.ClassTrackingPerTxn` (reference §2.1/§2.6): ClassRef on a TimeActivity. Absent in older snapshots = off. */
  classTracking?: boolean;
  /** `AccountingInfoPrefs.TrackDepartments` (a "Location"): DepartmentRef on a TimeActivity. Absent = off. */
  trackDepartments?: boolean;
}

/** How to resolve behaviour the reference marks unverified. */
export interface CompanyRules {
  /** Reference §2.1: one live report says `Hours: 1.5` is truncated to 1 [C]; "reject" answers 6340. */
  fractionalHours: "truncate" | "reject";
  /** Reference §10: a Billable entry without HourlyRate → 6330, or the Item's UnitPrice [I]. */
  billableWithoutRate: "reject" | "itemPrice";
  /**
   * Reference §2.1 says ClassRef / DepartmentRef go "only when" the preference is on; what QBO does
   * with one sent while it is off is not stated [I]. "keep" (default, tolerant): accepted and
   * stored, still checked to exist and be active (QBO keeps classes on transactions when tracking
   * is turned off later); "reject": 6000 naming the preference.
   */
  dimensionWithoutTracking?: "keep" | "reject";
}

export interface WriteContext {
  nowMs: number;
  rules: CompanyRules;
  /** Writes made "inside QBO" (seed, control page) skip API-only refusals: payroll, billed lock. */
  system: boolean;
  /** The QBO user making an edit inside QuickBooks; recorded as MetaData.LastModifiedByRef [I]. */
  modifiedBy?: string;
}

/** Reference §7: CDC looks back at most 30 days and answers at most 1,000 objects per entity. */
export const CDC_MAX_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
export const CDC_MAX_OBJECTS = 1000;

function metaData(createTime: string, ctx: WriteContext): JsonObject {
  const meta: JsonObject = { CreateTime: createTime, LastUpdatedTime: formatQboDateTime(ctx.nowMs) };
  // Inferred [I]: Intuit's ModificationMetaData type has LastModifiedByRef; the reference does not
  // say when it is filled. The emulator fills it for edits made by a named person inside QBO.
  if (ctx.modifiedBy) meta["LastModifiedByRef"] = { value: ctx.modifiedBy, name: ctx.modifiedBy };
  return meta;
}

export interface CompanyData {
  realmId: string;
  companyName: string;
  settings: CompanySettings;
  settingsSyncToken: number;
  createdAtMs: number;
  settingsUpdatedAtMs: number;
  nextId: number;
  entities: Record<EntityName, JsonObject[]>;
  /** Deleted transactions (Id → deletion time, epoch ms), for CDC; absent in older snapshots. */
  deleted?: Partial<Record<EntityName, Record<string, number>>>;
}

function emptyEntities<T>(make: () => T): Record<EntityName, T> {
  return {
    Employee: make(),
    Customer: make(),
    Vendor: make(),
    Item: make(),
    Account: make(),
    Class: make(),
    Department: make(),
    TimeActivity: make(),
  };
}

export function canonicalEntityName(name: string): EntityName | undefined {
  const lower = name.toLowerCase();
  return ENTITY_NAMES.find((e) => e.toLowerCase() === lower);
}

function stripReadOnly(input: JsonObject): JsonObject {
  const copy = cloneJson(input);
  for (const key of READ_ONLY_KEYS) delete copy[key];
  return copy;
}

function optionalString(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw faults.invalidProperty(key, `${key} must be a string`);
  return value;
}

function checkName(obj: JsonObject, key: string, maxChars: number): string | undefined {
  const value = optionalString(obj, key);
  if (value === undefined) return undefined;
  if (FORBIDDEN_NAME_CHARS.test(value)) throw faults.invalidString(key);
  if (value.length > maxChars) throw faults.stringTooLong(key, maxChars, value.length);
  return value;
}

function checkLength(obj: JsonObject, key: string, maxChars: number): void {
  const value = optionalString(obj, key);
  if (value !== undefined && value.length > maxChars) throw faults.stringTooLong(key, maxChars, value.length);
}

function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? "") < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Company {
  readonly realmId: string;
  companyName: string;
  settings: CompanySettings;
  private settingsSyncToken: number;
  private readonly createdAtMs: number;
  private settingsUpdatedAtMs: number;
  private nextId: number;
  private readonly entities: Record<EntityName, Map<string, JsonObject>> = emptyEntities(() => new Map());
  /** Lower-cased DisplayName → `Kind:Id`; unique across Customer, Employee, Vendor (reference §2.2). */
  private readonly displayNames = new Map<string, string>();
  private readonly itemNames = new Map<string, string>();
  /** Lower-cased FullyQualifiedName → Id, per Class / Department list (names unique per parent) [I]. */
  private readonly dimensionNames: Record<DimensionEntity, Map<string, string>> = { Class: new Map(), Department: new Map() };
  /** TimeActivity Ids by TxnDate plus the sorted distinct dates, for date-range queries on 100k rows. */
  private readonly activitiesByDate = new Map<string, Set<string>>();
  private readonly activityDates: string[] = [];
  /** Deleted objects: Id → deletion time (epoch ms), what CDC answers as `status: "Deleted"`. */
  private readonly tombstones: Record<EntityName, Map<string, number>> = emptyEntities(() => new Map());

  constructor(data: CompanyData) {
    this.realmId = data.realmId;
    this.companyName = data.companyName;
    this.settings = { ...data.settings };
    this.settingsSyncToken = data.settingsSyncToken;
    this.createdAtMs = data.createdAtMs;
    this.settingsUpdatedAtMs = data.settingsUpdatedAtMs;
    this.nextId = data.nextId;
    for (const kind of ENTITY_NAMES) {
      const rows = [...(data.entities[kind] ?? [])].sort((a, b) => Number(a["Id"]) - Number(b["Id"]));
      for (const row of rows) this.store(kind, cloneJson(row), undefined);
      for (const [id, at] of Object.entries(data.deleted?.[kind] ?? {})) this.tombstones[kind].set(id, at);
    }
  }

  static empty(realmId: string, companyName: string, settings: CompanySettings, nowMs: number): Company {
    return new Company({
      realmId,
      companyName,
      settings,
      settingsSyncToken: 0,
      createdAtMs: nowMs,
      settingsUpdatedAtMs: nowMs,
      nextId: 1,
      entities: emptyEntities(() => []),
    });
  }

  toData(): CompanyData {
    const entities = emptyEntities<JsonObject[]>(() => []);
    for (const kind of ENTITY_NAMES) entities[kind] = [...this.entities[kind].values()].map((row) => cloneJson(row));
    return {
      realmId: this.realmId,
      companyName: this.companyName,
      settings: { ...this.settings },
      settingsSyncToken: this.settingsSyncToken,
      createdAtMs: this.createdAtMs,
      settingsUpdatedAtMs: this.settingsUpdatedAtMs,
      nextId: this.nextId,
      entities,
      deleted: Object.fromEntries(ENTITY_NAMES.map((kind) => [kind, Object.fromEntries(this.tombstones[kind])])),
    };
  }

  count(kind: EntityName): number {
    return this.entities[kind].size;
  }

  list(kind: EntityName): JsonObject[] {
    return [...this.entities[kind].values()].map((row) => cloneJson(row));
  }

  find(kind: EntityName, id: string): JsonObject | undefined {
    return this.entities[kind].get(id);
  }

  read(kind: EntityName, id: string): JsonObject {
    const row = this.entities[kind].get(id);
    if (!row) throw faults.objectNotFound(kind, id);
    return cloneJson(row);
  }

  updateSettings(patch: Partial<CompanySettings>, nowMs: number): void {
    this.settings = { ...this.settings, ...patch };
    this.settingsSyncToken += 1;
    this.settingsUpdatedAtMs = nowMs;
  }

  // ---------------------------------------------------------------- writes

  create(kind: EntityName, input: JsonObject, ctx: WriteContext): JsonObject {
    if (kind === "Account" && !ctx.system) throw faults.unsupportedOperation("Account create is not supported by this emulator");
    const built = this.build(kind, stripReadOnly(input), undefined, ctx);
    const id = String(this.nextId);
    this.nextId += 1;
    const stamp = formatQboDateTime(ctx.nowMs);
    const row: JsonObject = {
      ...built,
      Id: id,
      SyncToken: "0",
      MetaData: { CreateTime: stamp, LastUpdatedTime: stamp },
      domain: "QBO",
      sparse: false,
    };
    this.store(kind, row, undefined);
    return cloneJson(row);
  }

  update(kind: EntityName, input: JsonObject, ctx: WriteContext): JsonObject {
    if (kind === "Account" && !ctx.system) throw faults.unsupportedOperation("Account update is not supported by this emulator");
    const existing = this.existingForWrite(kind, input, ctx);
    if (kind === "TimeActivity" && !ctx.system) this.assertNotBilled(existing);
    const changes = stripReadOnly(input);
    // Reference §2.0: a full update clears writable fields left out; sparse merges.
    const base = input["sparse"] === true ? { ...stripReadOnly(existing), ...changes } : changes;
    const built = this.build(kind, base, existing, ctx);
    const row: JsonObject = {
      ...built,
      Id: getString(existing, "Id") ?? "",
      SyncToken: String(Number(existing["SyncToken"]) + 1),
      MetaData: metaData(getString(getObject(existing, "MetaData") ?? {}, "CreateTime") ?? formatQboDateTime(ctx.nowMs), ctx),
      domain: "QBO",
      sparse: false,
    };
    this.store(kind, row, existing);
    if (kind === "Customer" || kind === "Item" || kind === "Class" || kind === "Department") this.refreshChildren(kind, getString(row, "Id") ?? "");
    return cloneJson(row);
  }

  /** Delete: transactions only (reference §2.0); name lists are deactivated instead. */
  remove(kind: EntityName, input: JsonObject, ctx: WriteContext): JsonObject {
    if (kind !== "TimeActivity") throw faults.unsupportedOperation(`Operation Delete is not supported for ${kind}; set Active to false`);
    const existing = this.existingForWrite(kind, input, ctx);
    if (!ctx.system) this.assertNotBilled(existing);
    this.assertBooksOpen(getString(existing, "TxnDate"));
    const id = getString(existing, "Id") ?? "";
    this.unstore(kind, existing);
    this.tombstones[kind].set(id, ctx.nowMs);
    return { status: "Deleted", domain: "QBO", Id: id };
  }

  /**
   * Change Data Capture (reference §7): the objects of `kinds` changed at or after `sinceMs`, and
   * the deleted ones as `{ domain, status: "Deleted", Id, MetaData: { LastUpdatedTime } }`.
   * Shape: `CDCResponse[0].QueryResponse[]`, one entry per entity asked for, `{ <Entity>: [...],
   * startPosition, maxResults, totalCount }`. Inferred [I]: the order (by LastUpdatedTime, then
   * Id), the paging fields on each QueryResponse, and that past 1,000 objects the oldest 1,000 are
   * answered (`totalCount` says how many there were). The reference says Intuit's CDC does not
   * serve TimeActivity; the emulator serves it as the issue asks (see lib/import/drift.ts, which
   * falls back to a bulk re-read when CDC refuses it).
   */
  cdc(kinds: EntityName[], sinceMs: number): JsonObject {
    const responses: JsonObject[] = kinds.map((kind) => {
      const changed: { at: number; id: string; row: JsonObject }[] = [];
      for (const row of this.entities[kind].values()) {
        const at = parseQboInstant(getString(getObject(row, "MetaData") ?? {}, "LastUpdatedTime") ?? "") ?? 0;
        if (at >= sinceMs) changed.push({ at, id: getString(row, "Id") ?? "", row });
      }
      for (const [id, at] of this.tombstones[kind]) {
        if (at >= sinceMs) changed.push({ at, id, row: { domain: "QBO", status: "Deleted", Id: id, MetaData: { LastUpdatedTime: formatQboDateTime(at) } } });
      }
      changed.sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
      const page = changed.slice(0, CDC_MAX_OBJECTS).map((c) => cloneJson(c.row));
      const response: JsonObject = { startPosition: 1, maxResults: page.length, totalCount: changed.length };
      if (page.length > 0) response[kind] = page;
      return response;
    });
    return { CDCResponse: [{ QueryResponse: responses }] };
  }

  /** What invoicing does: `BillableStatus` becomes HasBeenBilled (reference §2.1). */
  markBilled(ids: string[], nowMs: number): JsonObject[] {
    return ids.map((id) => {
      const existing = this.entities.TimeActivity.get(id);
      if (!existing) throw new Error(`TimeActivity ${id} not found in realm ${this.realmId}`);
      const row: JsonObject = {
        ...cloneJson(existing),
        BillableStatus: "HasBeenBilled",
        SyncToken: String(Number(existing["SyncToken"]) + 1),
        MetaData: {
          CreateTime: getString(getObject(existing, "MetaData") ?? {}, "CreateTime") ?? formatQboDateTime(nowMs),
          LastUpdatedTime: formatQboDateTime(nowMs),
        },
      };
      this.store("TimeActivity", row, existing);
      return cloneJson(row);
    });
  }

  private existingForWrite(kind: EntityName, input: JsonObject, ctx: WriteContext): JsonObject {
    const id = input["Id"];
    if (typeof id !== "string" && typeof id !== "number") throw faults.requiredMissing("Id");
    const existing = this.entities[kind].get(String(id));
    if (!existing) throw faults.objectNotFound(kind, String(id));
    const syncToken = input["SyncToken"];
    if (!ctx.system) {
      if (typeof syncToken !== "string" && typeof syncToken !== "number") throw faults.requiredMissing("SyncToken");
      if (String(syncToken) !== existing["SyncToken"]) throw faults.staleObject();
    }
    return existing;
  }

  /**
   * Reference §2.1/§10: what QBO does when a HasBeenBilled activity is updated or deleted is
   * unverified; we refuse with the generic 6000 business validation fault.
   */
  private assertNotBilled(existing: JsonObject): void {
    if (existing["BillableStatus"] === "HasBeenBilled") {
      throw faults.businessValidation("This time activity has been billed (linked to an invoice) and cannot be changed or deleted.", "BillableStatus");
    }
  }

  private assertBooksOpen(txnDate: string | undefined): void {
    const close = this.settings.bookCloseDate;
    if (close && txnDate !== undefined && txnDate <= close) throw faults.accountPeriodClosed(close);
  }

  private build(kind: EntityName, base: JsonObject, existing: JsonObject | undefined, ctx: WriteContext): JsonObject {
    switch (kind) {
      case "Employee":
        return this.buildEmployee(base, existing, ctx);
      case "Customer":
        return this.buildCustomer(base, existing);
      case "Vendor":
        return this.buildVendor(base, existing);
      case "Item":
        return this.buildItem(base, existing);
      case "Account":
        return this.buildAccount(base);
      case "Class":
      case "Department":
        return this.buildDimension(kind, base, existing);
      case "TimeActivity":
        return this.buildTimeActivity(base, existing, ctx);
    }
  }

  /** Reference §2.2. */
  private buildEmployee(e: JsonObject, existing: JsonObject | undefined, ctx: WriteContext): JsonObject {
    if (!existing && this.settings.payroll && !ctx.system) throw faults.payrollEmployeeCreate();
    for (const key of ["GivenName", "FamilyName", "MiddleName", "Title", "Suffix"]) checkName(e, key, PERSON_NAME_PART_MAX_CHARS);
    checkName(e, "PrintOnCheckName", DISPLAY_NAME_MAX_CHARS);
    const given = getString(e, "GivenName");
    const family = getString(e, "FamilyName");
    if (!given && !family) throw faults.requiredMissing("GivenName");
    // With Payroll on, DisplayName is read-only and follows the name parts (reference §2.2).
    const composed = [getString(e, "Title"), given, getString(e, "MiddleName"), family, getString(e, "Suffix")]
      .filter((part): part is string => Boolean(part))
      .join(" ");
    const displayName = this.settings.payroll ? composed : checkName(e, "DisplayName", DISPLAY_NAME_MAX_CHARS) || composed;
    this.assertDisplayNameFree(displayName, existing);
    return {
      ...e,
      DisplayName: displayName,
      PrintOnCheckName: getString(e, "PrintOnCheckName") ?? displayName,
      Active: e["Active"] ?? true,
      BillableTime: e["BillableTime"] ?? false,
    };
  }

  /** Reference §2.3: sub-customers carry Job, ParentRef, FullyQualifiedName "Parent:Child" and Level. */
  private buildCustomer(c: JsonObject, existing: JsonObject | undefined): JsonObject {
    for (const key of ["GivenName", "FamilyName", "MiddleName", "Title", "Suffix"]) checkName(c, key, PERSON_NAME_PART_MAX_CHARS);
    checkLength(c, "CompanyName", PERSON_NAME_PART_MAX_CHARS);
    checkLength(c, "Notes", 2000);
    const displayName = checkName(c, "DisplayName", DISPLAY_NAME_MAX_CHARS) || this.composeName(c);
    if (!displayName) throw faults.requiredMissing("DisplayName");
    this.assertDisplayNameFree(displayName, existing);
    const hierarchy = this.resolveParent("Customer", c, existing);
    return {
      ...c,
      DisplayName: displayName,
      ...(hierarchy ? { Job: true, ParentRef: hierarchy.ref } : { Job: c["Job"] ?? false }),
      BillWithParent: c["BillWithParent"] ?? false,
      FullyQualifiedName: hierarchy ? `${hierarchy.parentFqn}:${displayName}` : displayName,
      Level: hierarchy ? hierarchy.level : 0,
      Active: c["Active"] ?? true,
      Balance: existing?.["Balance"] ?? 0,
      BalanceWithJobs: existing?.["BalanceWithJobs"] ?? 0,
      IsProject: false,
    };
  }

  private buildVendor(v: JsonObject, existing: JsonObject | undefined): JsonObject {
    for (const key of ["GivenName", "FamilyName", "MiddleName", "Title", "Suffix"]) checkName(v, key, PERSON_NAME_PART_MAX_CHARS);
    checkLength(v, "CompanyName", PERSON_NAME_PART_MAX_CHARS);
    const displayName = checkName(v, "DisplayName", DISPLAY_NAME_MAX_CHARS) || this.composeName(v);
    if (!displayName) throw faults.requiredMissing("DisplayName");
    this.assertDisplayNameFree(displayName, existing);
    return { ...v, DisplayName: displayName, Active: v["Active"] ?? true, Balance: existing?.["Balance"] ?? 0, Vendor1099: v["Vendor1099"] ?? false };
  }

  /** Reference §2.4. */
  private buildItem(item: JsonObject, existing: JsonObject | undefined): JsonObject {
    const name = checkName(item, "Name", ITEM_NAME_MAX_CHARS);
    if (!name) throw faults.requiredMissing("Name");
    const type = optionalString(item, "Type");
    if (!type) throw faults.requiredMissing("Type");
    if (["Inventory", "Category", "Group"].includes(type)) throw faults.unsupportedOperation(`Item Type ${type} is not supported by this emulator`);
    if (type !== "Service" && type !== "NonInventory") throw faults.invalidEnumeration("Type", type);
    checkLength(item, "Description", DESCRIPTION_MAX_CHARS);
    checkLength(item, "Sku", ITEM_NAME_MAX_CHARS);
    const existingId = existing ? getString(existing, "Id") : undefined;
    const holder = this.itemNames.get(nameKey(name));
    if (holder !== undefined && holder !== existingId) throw faults.duplicateItemName();

    const result: JsonObject = { ...item, Name: name, Type: type };
    if (item["IncomeAccountRef"] === undefined || item["IncomeAccountRef"] === null) {
      if (type === "Service") throw faults.requiredMissing("IncomeAccountRef");
    } else {
      const account = this.resolveRef(item, "IncomeAccountRef", "Account");
      const accountType = getString(account, "AccountType");
      if (accountType !== "Income" && accountType !== "Other Income") throw faults.invalidAccountType("IncomeAccountRef");
      result["IncomeAccountRef"] = { value: getString(account, "Id") ?? "", name: getString(account, "Name") ?? "" };
    }
    if (item["ExpenseAccountRef"] !== undefined && item["ExpenseAccountRef"] !== null) {
      const account = this.resolveRef(item, "ExpenseAccountRef", "Account");
      result["ExpenseAccountRef"] = { value: getString(account, "Id") ?? "", name: getString(account, "Name") ?? "" };
    }
    const unitPrice = item["UnitPrice"];
    if (unitPrice !== undefined && typeof unitPrice !== "number") throw faults.invalidProperty("UnitPrice", "UnitPrice must be a number");
    const hierarchy = this.resolveParent("Item", item, existing);
    return {
      ...result,
      ...(hierarchy ? { SubItem: true, ParentRef: hierarchy.ref } : { SubItem: false }),
      FullyQualifiedName: hierarchy ? `${hierarchy.parentFqn}:${name}` : name,
      Level: hierarchy ? hierarchy.level : 0,
      UnitPrice: unitPrice ?? 0,
      Active: item["Active"] ?? true,
      Taxable: item["Taxable"] ?? false,
      TrackQtyOnHand: false,
    };
  }

  /**
   * Class and Department (reference §2.1/§2.6 name them; their own pages were not in the corpora, so
   * the shape is inferred [I] from Intuit's other name lists): `Name` required, ≤ 100 chars, no `:`,
   * tab or newline; `SubClass`/`SubDepartment` + `ParentRef` nest them with `FullyQualifiedName`
   * "Parent:Child"; a name is unique among its siblings (6240); no delete, `Active: false` instead.
   * They can be created whether or not the company tracks them (the list exists either way) [I].
   */
  private buildDimension(kind: DimensionEntity, d: JsonObject, existing: JsonObject | undefined): JsonObject {
    const name = checkName(d, "Name", ITEM_NAME_MAX_CHARS);
    if (!name) throw faults.requiredMissing("Name");
    const hierarchy = this.resolveParent(kind, d, existing);
    const fullName = hierarchy ? `${hierarchy.parentFqn}:${name}` : name;
    const holder = this.dimensionNames[kind].get(nameKey(fullName));
    if (holder !== undefined && holder !== (existing ? getString(existing, "Id") : undefined)) throw faults.duplicateItemName();
    const subKey = kind === "Class" ? "SubClass" : "SubDepartment";
    return {
      ...d,
      Name: name,
      ...(hierarchy ? { [subKey]: true, ParentRef: hierarchy.ref } : { [subKey]: false }),
      FullyQualifiedName: fullName,
      Active: d["Active"] ?? true,
    };
  }

  /** Accounts are read-only through the emulated API; this builder serves the seed. */
  private buildAccount(a: JsonObject): JsonObject {
    const name = getString(a, "Name") ?? "";
    const accountType = getString(a, "AccountType") ?? "Income";
    const classification: Record<string, string> = {
      Income: "Revenue",
      "Other Income": "Revenue",
      Expense: "Expense",
      "Other Expense": "Expense",
      "Cost of Goods Sold": "Expense",
      Bank: "Asset",
      "Accounts Receivable": "Asset",
      "Accounts Payable": "Liability",
      Equity: "Equity",
    };
    return {
      ...a,
      Name: name,
      FullyQualifiedName: name,
      AccountType: accountType,
      Classification: classification[accountType] ?? "Asset",
      Active: a["Active"] ?? true,
      SubAccount: false,
      CurrentBalance: 0,
      CurrentBalanceWithSubAccounts: 0,
      CurrencyRef: { value: "USD", name: "United States Dollar" },
    };
  }

  /** Reference §2.1 rules, codes from §5.3. */
  private buildTimeActivity(t: JsonObject, existing: JsonObject | undefined, ctx: WriteContext): JsonObject {
    if (!this.settings.timeTracking && !ctx.system) {
      // Our choice (reference has no code for it): 5020 "feature not available in this company".
      throw faults.permissionDenied("Time tracking is turned off in this company (Preferences OtherPrefs TimeTrackingFeatureEnabled=false).");
    }
    const result: JsonObject = { ...t };

    const txnDate = t["TxnDate"] === undefined || t["TxnDate"] === null ? formatQboDate(ctx.nowMs) : t["TxnDate"];
    if (typeof txnDate !== "string" || !isValidQboDate(txnDate)) throw faults.invalidProperty("TxnDate", "TxnDate must be a valid date YYYY-MM-DD");
    this.assertBooksOpen(txnDate);
    if (existing) this.assertBooksOpen(getString(existing, "TxnDate"));
    result["TxnDate"] = txnDate;

    const nameOf = t["NameOf"];
    if (nameOf !== "Employee" && nameOf !== "Vendor") throw faults.nameOfInvalid();
    const ownKey = nameOf === "Employee" ? "EmployeeRef" : "VendorRef";
    const otherKey = nameOf === "Employee" ? "VendorRef" : "EmployeeRef";
    if (t[ownKey] === undefined || t[ownKey] === null) throw faults.employeeVendorConflict(`${ownKey} is required when NameOf is ${nameOf}`);
    if (t[otherKey] !== undefined && t[otherKey] !== null) throw faults.employeeVendorConflict(`Give ${ownKey} only; ${otherKey} does not go with NameOf ${nameOf}`);
    const worker = this.resolveRef(t, ownKey, nameOf);
    result[ownKey] = { value: getString(worker, "Id") ?? "", name: getString(worker, "DisplayName") ?? "" };

    let customer: JsonObject | undefined;
    if (t["CustomerRef"] !== undefined && t["CustomerRef"] !== null) {
      customer = this.resolveRef(t, "CustomerRef", "Customer");
      result["CustomerRef"] = { value: getString(customer, "Id") ?? "", name: getString(customer, "FullyQualifiedName") ?? "" };
    }

    let item: JsonObject | undefined;
    if (t["ItemRef"] !== undefined && t["ItemRef"] !== null) {
      item = this.resolveRef(t, "ItemRef", "Item");
      if (item["Type"] !== "Service") throw faults.invalidReference("ItemRef", getString(item, "Id") ?? "");
    } else if (this.settings.defaultTimeItemId) {
      // Reference §8: a missing ItemRef is filled with the company's default time item (mv 74) [C].
      item = this.entities.Item.get(this.settings.defaultTimeItemId);
    }
    if (item) result["ItemRef"] = { value: getString(item, "Id") ?? "", name: getString(item, "FullyQualifiedName") ?? "" };

    this.applyDimension(t, result, "ClassRef", "Class", this.settings.classTracking === true, "ClassTrackingPerTxn", ctx.rules);
    this.applyDimension(t, result, "DepartmentRef", "Department", this.settings.trackDepartments === true, "TrackDepartments", ctx.rules);

    const status = t["BillableStatus"] ?? "NotBillable";
    const keepBilled = ctx.system && status === "HasBeenBilled";
    if (status !== "Billable" && status !== "NotBillable" && !keepBilled) {
      // Reference §2.1: HasBeenBilled cannot be set through the API; Intuit answers 2170 HAS_BEEN_BILLED.
      throw faults.invalidEnumeration("BillableStatus", status === "HasBeenBilled" ? "HAS_BEEN_BILLED" : String(status));
    }
    result["BillableStatus"] = status;
    const hourlyRate = t["HourlyRate"];
    if (hourlyRate !== undefined && hourlyRate !== null && (typeof hourlyRate !== "number" || hourlyRate < 0)) throw faults.missingBillingRate();
    if (status === "Billable") {
      if (!this.settings.billCustomers) throw faults.invalidBillable("Billable time is turned off in this company (TimeTrackingPrefs.BillCustomers=false).");
      if (!customer) throw faults.missingCustomer();
      if (typeof hourlyRate !== "number") {
        if (ctx.rules.billableWithoutRate === "reject" || !item) throw faults.missingBillingRate();
        result["HourlyRate"] = typeof item["UnitPrice"] === "number" ? item["UnitPrice"] : 0;
      }
    } else if (typeof hourlyRate !== "number") {
      result["HourlyRate"] = 0;
    }
    result["Taxable"] = t["Taxable"] ?? false;

    this.applyDuration(t, result, ctx.rules);

    const description = t["Description"];
    if (description !== undefined && description !== null) {
      if (typeof description !== "string") throw faults.invalidProperty("Description", "Description must be a string");
      if (description.length > DESCRIPTION_MAX_CHARS) throw faults.stringTooLong("Description", DESCRIPTION_MAX_CHARS, description.length);
    }
    return result;
  }

  /**
   * ClassRef / DepartmentRef (reference §2.1: only when the preference is on). A ref must name an
   * existing (2500) and active (610) Class / Department, as every other ref. Sent while tracking is
   * off: see CompanyRules.dimensionWithoutTracking [I].
   */
  private applyDimension(t: JsonObject, result: JsonObject, key: string, kind: DimensionEntity, tracked: boolean, pref: string, rules: CompanyRules): void {
    if (t[key] === undefined || t[key] === null) return;
    if (!tracked && rules.dimensionWithoutTracking === "reject") {
      throw faults.businessValidation(`${key} cannot be used: ${kind === "Class" ? "class" : "location"} tracking is turned off in this company (Preferences AccountingInfoPrefs.${pref}=false).`, key);
    }
    const target = this.resolveRef(t, key, kind);
    result[key] = { value: getString(target, "Id") ?? "", name: getString(target, "FullyQualifiedName") ?? "" };
  }

  private applyDuration(t: JsonObject, result: JsonObject, rules: CompanyRules): void {
    const given = (key: string) => t[key] !== undefined && t[key] !== null;
    const hasDuration = given("Hours") || given("Minutes");
    const hasRange = given("StartTime") || given("EndTime");
    if (!hasDuration && !hasRange) throw faults.missingTime();
    if (hasDuration && hasRange) throw faults.multipleDurations();
    if (hasRange) {
      const start = t["StartTime"];
      const end = t["EndTime"];
      if (typeof start !== "string" || parseQboInstant(start) === undefined) throw faults.invalidStartOrEndTime("StartTime");
      if (typeof end !== "string" || parseQboInstant(end) === undefined) throw faults.invalidStartOrEndTime("EndTime");
      if ((parseQboInstant(start) ?? 0) >= (parseQboInstant(end) ?? 0)) throw faults.startAfterEnd();
      return;
    }
    const integerField = (key: string, fallback: number): number => {
      const raw = t[key] ?? fallback;
      if (typeof raw !== "number" || Number.isNaN(raw)) throw faults.invalidTime(key, `${key} must be an integer`);
      if (Number.isInteger(raw)) return raw;
      if (rules.fractionalHours === "reject") throw faults.invalidTime(key, `${key} must be an integer; got ${raw}`);
      return Math.trunc(raw);
    };
    const hours = integerField("Hours", 0);
    const minutes = integerField("Minutes", 0);
    if (hours < 0 || hours > TIME_ACTIVITY_MAX_HOURS) throw faults.invalidDuration("Hours", `Hours must be between 0 and ${TIME_ACTIVITY_MAX_HOURS}`);
    if (minutes < 0 || minutes > 59) throw faults.invalidDuration("Minutes", "Minutes must be between 0 and 59");
    if (hours === TIME_ACTIVITY_MAX_HOURS && minutes > 0) throw faults.invalidDuration("Minutes", `Minutes must be 0 when Hours is ${TIME_ACTIVITY_MAX_HOURS}`);
    result["Hours"] = hours;
    result["Minutes"] = minutes;
  }

  private composeName(obj: JsonObject): string {
    const parts = ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"]
      .map((key) => getString(obj, key))
      .filter((part): part is string => Boolean(part));
    return parts.length > 0 ? parts.join(" ") : getString(obj, "CompanyName") ?? "";
  }

  private assertDisplayNameFree(displayName: string, existing: JsonObject | undefined): void {
    if (FORBIDDEN_NAME_CHARS.test(displayName)) throw faults.invalidString("DisplayName");
    if (displayName.length > DISPLAY_NAME_MAX_CHARS) throw faults.stringTooLong("DisplayName", DISPLAY_NAME_MAX_CHARS, displayName.length);
    const holder = this.displayNames.get(nameKey(displayName));
    if (holder === undefined) return;
    const self = existing ? this.displayNameHolder(existing) : undefined;
    if (holder !== self) throw faults.duplicateDisplayName();
  }

  private displayNameHolder(row: JsonObject): string | undefined {
    for (const kind of PEOPLE_ENTITIES) {
      const id = getString(row, "Id");
      if (id !== undefined && this.entities[kind].get(id) === row) return `${kind}:${id}`;
    }
    return undefined;
  }

  /**
   * 2500 for an Id that does not exist (or of the wrong kind), 610 for an inactive target:
   * reference §5.3 gives 610 for "inactive or deleted" and 2500 for "Invalid Reference Id".
   */
  private resolveRef(obj: JsonObject, key: string, kind: EntityName): JsonObject {
    const id = getRefValue(obj, key);
    if (id === undefined) throw faults.invalidReference(key, "(none)");
    const target = this.entities[kind].get(id);
    if (!target) throw faults.invalidReference(key, id);
    if (target["Active"] === false) throw faults.objectNotFound(kind, id, key);
    return target;
  }

  private resolveParent(
    kind: HierarchyEntity,
    obj: JsonObject,
    existing: JsonObject | undefined,
  ): { ref: JsonObject; parentFqn: string; level: number } | undefined {
    if (obj["ParentRef"] === undefined || obj["ParentRef"] === null) return undefined;
    const parent = this.resolveRef(obj, "ParentRef", kind);
    const parentId = getString(parent, "Id") ?? "";
    const selfId = existing ? getString(existing, "Id") : undefined;
    for (let cursor: JsonObject | undefined = parent; cursor; ) {
      if (getString(cursor, "Id") === selfId) throw faults.businessValidation(`A ${kind} cannot be its own parent`, "ParentRef");
      const next = getRefValue(cursor, "ParentRef");
      cursor = next === undefined ? undefined : this.entities[kind].get(next);
    }
    const level = Number(parent["Level"] ?? 0) + 1;
    if (level > HIERARCHY_MAX_LEVEL) throw faults.businessValidation(`A ${kind} hierarchy can be at most ${HIERARCHY_MAX_LEVEL + 1} levels deep`, "ParentRef");
    const parentFqn = getString(parent, "FullyQualifiedName") ?? "";
    return { ref: { value: parentId, name: parentFqn }, parentFqn, level };
  }

  /** Keeps children's FullyQualifiedName/Level true after a parent is renamed or moved. */
  private refreshChildren(kind: HierarchyEntity, parentId: string): void {
    const parent = this.entities[kind].get(parentId);
    if (!parent) return;
    const parentFqn = getString(parent, "FullyQualifiedName") ?? "";
    for (const child of [...this.entities[kind].values()]) {
      if (getRefValue(child, "ParentRef") !== parentId) continue;
      const ownName = getString(child, kind === "Customer" ? "DisplayName" : "Name") ?? "";
      // The parent ref's name is the parent's full name (as for customers and items).
      const updated: JsonObject = {
        ...child,
        ParentRef: { value: parentId, name: parentFqn },
        FullyQualifiedName: `${parentFqn}:${ownName}`,
        Level: Number(parent["Level"] ?? 0) + 1,
      };
      this.store(kind, updated, child);
      this.refreshChildren(kind, getString(child, "Id") ?? "");
    }
  }

  // ---------------------------------------------------------------- storage and indexes

  private store(kind: EntityName, row: JsonObject, previous: JsonObject | undefined): void {
    if (previous) this.unindex(kind, previous);
    const id = getString(row, "Id") ?? "";
    this.entities[kind].set(id, row);
    const numericId = Number(id);
    if (Number.isInteger(numericId) && numericId >= this.nextId) this.nextId = numericId + 1;
    this.index(kind, row);
  }

  private unstore(kind: EntityName, row: JsonObject): void {
    this.unindex(kind, row);
    this.entities[kind].delete(getString(row, "Id") ?? "");
  }

  private index(kind: EntityName, row: JsonObject): void {
    const id = getString(row, "Id") ?? "";
    if (PEOPLE_ENTITIES.has(kind)) {
      const name = getString(row, "DisplayName");
      if (name) this.displayNames.set(nameKey(name), `${kind}:${id}`);
    } else if (kind === "Item") {
      const name = getString(row, "Name");
      if (name) this.itemNames.set(nameKey(name), id);
    } else if (kind === "Class" || kind === "Department") {
      const name = getString(row, "FullyQualifiedName");
      if (name) this.dimensionNames[kind].set(nameKey(name), id);
    } else if (kind === "TimeActivity") {
      const date = getString(row, "TxnDate") ?? "";
      let ids = this.activitiesByDate.get(date);
      if (!ids) {
        ids = new Set();
        this.activitiesByDate.set(date, ids);
        this.activityDates.splice(lowerBound(this.activityDates, date), 0, date);
      }
      ids.add(id);
    }
  }

  private unindex(kind: EntityName, row: JsonObject): void {
    const id = getString(row, "Id") ?? "";
    if (PEOPLE_ENTITIES.has(kind)) {
      const name = getString(row, "DisplayName");
      if (name && this.displayNames.get(nameKey(name)) === `${kind}:${id}`) this.displayNames.delete(nameKey(name));
    } else if (kind === "Item") {
      const name = getString(row, "Name");
      if (name && this.itemNames.get(nameKey(name)) === id) this.itemNames.delete(nameKey(name));
    } else if (kind === "Class" || kind === "Department") {
      const name = getString(row, "FullyQualifiedName");
      if (name && this.dimensionNames[kind].get(nameKey(name)) === id) this.dimensionNames[kind].delete(nameKey(name));
    } else if (kind === "TimeActivity") {
      const date = getString(row, "TxnDate") ?? "";
      const ids = this.activitiesByDate.get(date);
      ids?.delete(id);
      if (ids && ids.size === 0) {
        this.activitiesByDate.delete(date);
        const at = lowerBound(this.activityDates, date);
        if (this.activityDates[at] === date) this.activityDates.splice(at, 1);
      }
    }
  }

  // ---------------------------------------------------------------- reads

  preferences(): JsonObject {
    const s = this.settings;
    return {
      AccountingInfoPrefs: {
        TrackDepartments: s.trackDepartments === true,
        ClassTrackingPerTxn: s.classTracking === true,
        ClassTrackingPerTxnLine: false,
        CustomerTerminology: "Customers",
        ...(s.bookCloseDate ? { BookCloseDate: s.bookCloseDate } : {}),
      },
      // Reference §2.6: the real JSON key is UseServices; the flags below mirror SDK fixtures.
      TimeTrackingPrefs: {
        UseServices: s.useServices,
        BillCustomers: s.billCustomers,
        ShowBillRateToAll: false,
        WorkWeekStartDate: "Monday",
        MarkTimeEntriesBillable: true,
        ...(s.defaultTimeItemId ? { DefaultTimeItem: this.itemRef(s.defaultTimeItemId) } : {}),
      },
      CurrencyPrefs: { HomeCurrency: { value: "USD" }, MultiCurrencyEnabled: false },
      // Reference §2.6: "time tracking on" lives here, values are the strings "true"/"false".
      OtherPrefs: {
        NameValue: [
          { Name: "TimeTrackingFeatureEnabled", Value: String(s.timeTracking) },
          { Name: "ProjectsEnabled", Value: "false" },
          ...(s.defaultTimeItemId ? [{ Name: "SalesFormsPrefs.DefaultItem", Value: s.defaultTimeItemId }] : []),
        ],
      },
      Id: "1",
      SyncToken: String(this.settingsSyncToken),
      MetaData: { CreateTime: formatQboDateTime(this.createdAtMs), LastUpdatedTime: formatQboDateTime(this.settingsUpdatedAtMs) },
      domain: "QBO",
      sparse: false,
    };
  }

  companyInfo(): JsonObject {
    return {
      CompanyName: this.companyName,
      LegalName: this.companyName,
      CompanyAddr: { Id: "1", Line1: "2700 Coast Ave", City: "Mountain View", CountrySubDivisionCode: "CA", PostalCode: "94043", Country: "US" },
      Country: "US",
      FiscalYearStartMonth: "January",
      SupportedLanguages: "en",
      Email: { Address: "books@example.com" },
      // Reference §2.7: PayrollFeature in NameValue is the documented way to detect Payroll.
      NameValue: [
        { Name: "NeoEnabled", Value: "true" },
        { Name: "IndustryType", Value: "Professional Services" },
        { Name: "CompanyType", Value: "LLC" },
        { Name: "OfferingSku", Value: "QuickBooks Online Plus" },
        { Name: "SubscriptionStatus", Value: "SUBSCRIBED" },
        { Name: "PayrollFeature", Value: String(this.settings.payroll) },
        { Name: "AccountantFeature", Value: "false" },
        { Name: "ItemCategoriesFeature", Value: "false" },
      ],
      Id: "1",
      SyncToken: String(this.settingsSyncToken),
      MetaData: { CreateTime: formatQboDateTime(this.createdAtMs), LastUpdatedTime: formatQboDateTime(this.settingsUpdatedAtMs) },
      domain: "QBO",
      sparse: false,
    };
  }

  private itemRef(id: string): JsonObject {
    const item = this.entities.Item.get(id);
    return { value: id, name: item ? getString(item, "FullyQualifiedName") ?? "" : "" };
  }

  /** Runs a parsed query; returns the `QueryResponse` object (reference §3). */
  query(parsed: ParsedQuery): JsonObject {
    const single = this.singleton(parsed.entity);
    const kind = single ? undefined : canonicalEntityName(parsed.entity);
    const entityName = single?.name ?? kind;
    if (!entityName) throw faults.queryParser(`Invalid entity: ${parsed.entity}`);
    const filterable = FILTERABLE[entityName] ?? new Set<string>();
    for (const condition of parsed.where) {
      const lower = condition.property.toLowerCase();
      if (!filterable.has(lower)) throw faults.notQueryable(condition.property);
      // Reference §3: Id supports only `=` and `IN`.
      if (lower === "id" && condition.operator !== "=" && condition.operator !== "IN") {
        throw faults.queryValidation(`property 'Id' supports only = and IN`);
      }
    }

    let rows: JsonObject[];
    if (single) rows = [single.row];
    else if (kind) rows = this.filteredRows(kind, parsed.where, parsed.orderBy.length > 0);
    else rows = [];

    if (parsed.orderBy.length > 0) rows.sort(compareRowsForOrder(parsed.orderBy));
    // Reference §3: `totalCount` comes back for count(*) queries [I].
    if (parsed.count) return { totalCount: rows.length };
    const page = rows.slice(parsed.startPosition - 1, parsed.startPosition - 1 + parsed.maxResults);
    // Reference §3: with no matches the entity key is absent and QueryResponse is `{}` [I].
    if (page.length === 0) return {};
    return { [entityName]: page.map((row) => cloneJson(row)), startPosition: parsed.startPosition, maxResults: page.length };
  }

  private singleton(entity: string): { name: string; row: JsonObject } | undefined {
    const lower = entity.toLowerCase();
    if (lower === "preferences") return { name: "Preferences", row: this.preferences() };
    if (lower === "companyinfo") return { name: "CompanyInfo", row: this.companyInfo() };
    return undefined;
  }

  /** Rows matching all conditions, in Id order unless the caller will sort anyway. */
  private filteredRows(kind: EntityName, where: QueryCondition[], willSort: boolean): JsonObject[] {
    const conditions = [...where];
    // Reference §3: name-list queries return only active records unless Active is filtered.
    if (NAME_LIST_ENTITIES.has(kind) && !where.some((c) => c.property.toLowerCase() === "active")) {
      conditions.push({ property: "Active", operator: "=", values: [true] });
    }
    const table = this.entities[kind];
    const idCondition = where.find((c) => c.property.toLowerCase() === "id");
    let candidates: Iterable<JsonObject>;
    let inIdOrder = true;
    if (idCondition) {
      candidates = idCondition.values
        .map((v) => table.get(String(v)))
        .filter((row): row is JsonObject => row !== undefined);
      inIdOrder = false;
    } else if (kind === "TimeActivity") {
      const byDate = this.activitiesForDateConditions(where.filter((c) => c.property.toLowerCase() === "txndate"));
      if (byDate) {
        candidates = byDate;
        inIdOrder = false;
      } else {
        candidates = table.values();
      }
    } else {
      candidates = table.values();
    }
    const rows: JsonObject[] = [];
    for (const row of candidates) {
      if (conditions.every((c) => matchesCondition(row, c))) rows.push(row);
    }
    if (!inIdOrder && !willSort) rows.sort((a, b) => Number(a["Id"]) - Number(b["Id"]));
    return rows;
  }

  /** Uses the TxnDate index when every TxnDate literal is a plain date; exact checks run afterwards. */
  private activitiesForDateConditions(conditions: QueryCondition[]): JsonObject[] | undefined {
    if (conditions.length === 0) return undefined;
    if (!conditions.every((c) => c.values.every((v) => typeof v === "string" && isValidQboDate(v)))) return undefined;
    let low = "";
    let high = "\uffff";
    let inSet: Set<string> | undefined;
    for (const c of conditions) {
      const values = c.values.map(String);
      const first = values[0] ?? "";
      if (c.operator === "=") {
        low = first > low ? first : low;
        high = first < high ? first : high;
      } else if (c.operator === ">" || c.operator === ">=") {
        low = first > low ? first : low;
      } else if (c.operator === "<" || c.operator === "<=") {
        high = first < high ? first : high;
      } else if (c.operator === "IN") {
        inSet = new Set(values);
      } else {
        return undefined;
      }
    }
    const result: JsonObject[] = [];
    for (let i = lowerBound(this.activityDates, low); i < this.activityDates.length; i += 1) {
      const date = this.activityDates[i] ?? "";
      if (date > high) break;
      if (inSet && !inSet.has(date)) continue;
      for (const id of this.activitiesByDate.get(date) ?? []) {
        const row = this.entities.TimeActivity.get(id);
        if (row) result.push(row);
      }
    }
    return result;
  }
}
