// QBO name lists for mapping and suggestions, cached per connection in qbo_entity_cache, one row per
// entity type (db/queries/entity-cache.ts). Refresh re-reads them (an admin may create an employee in
// QBO and come back). Classes and Departments are read only when the company tracks them.
import type { Db } from "@/db/client";
import { connectionPayrollEnabled, readEntityCache, replaceEntityCache, type CachedEntityType } from "@/db/queries/entity-cache";
import {
  qboCustomerEntrySchema,
  qboDimensionEntrySchema,
  qboEmployeeEntrySchema,
  qboIncomeAccountEntrySchema,
  qboItemEntrySchema,
  qboVendorEntrySchema,
  type QboDimensionEntry,
  type QboDirectory,
} from "@/lib/mapping/directory";
import { z } from "zod";
import type { QboClient } from "./client";
import { dimensionTracking, type QboClass, type QboDepartment } from "./schemas";

const ALL = "Active IN (true, false)";

function dimensionEntry(d: QboClass | QboDepartment): QboDimensionEntry {
  return { id: d.Id, name: d.Name, fullyQualifiedName: d.FullyQualifiedName ?? d.Name, parentId: d.ParentRef?.value ?? null, active: d.Active !== false };
}

/**
 * Every list mapping needs, read live. `tracking` (from Preferences) decides whether classes and
 * departments are read; without it, Preferences is read first.
 */
export async function fetchQboDirectory(
  qbo: QboClient,
  payrollEnabled: boolean,
  tracking?: { classTracking: boolean; departmentTracking: boolean },
): Promise<QboDirectory> {
  const tracked = tracking ?? dimensionTracking(await qbo.preferences());
  const [employees, customers, vendors, items, accounts, classes, departments] = await Promise.all([
    qbo.query("Employee", ALL),
    qbo.query("Customer", ALL),
    qbo.query("Vendor", ALL),
    qbo.query("Item", ALL),
    qbo.query("Account", "AccountType = 'Income'"),
    tracked.classTracking ? qbo.query("Class", ALL) : null,
    tracked.departmentTracking ? qbo.query("Department", ALL) : null,
  ]);
  return {
    employees: employees.map((e) => ({ id: e.Id, name: e.DisplayName, email: e.PrimaryEmailAddr?.Address ?? null, active: e.Active !== false })),
    customers: customers.map((c) => ({ id: c.Id, name: c.DisplayName, fullyQualifiedName: c.FullyQualifiedName ?? c.DisplayName, parentId: c.ParentRef?.value ?? null, active: c.Active !== false })),
    vendors: vendors.map((v) => ({ id: v.Id, name: v.DisplayName, email: v.PrimaryEmailAddr?.Address ?? null, active: v.Active !== false })),
    items: items.map((i) => ({ id: i.Id, name: i.Name, fullyQualifiedName: i.FullyQualifiedName ?? i.Name, parentId: i.ParentRef?.value ?? null, type: i.Type ?? "Service", active: i.Active !== false, unitPrice: i.UnitPrice ?? null })),
    incomeAccounts: accounts.filter((a) => a.Active !== false).map((a) => ({ id: a.Id, name: a.FullyQualifiedName ?? a.Name })),
    payrollEnabled,
    classes: classes ? classes.map(dimensionEntry) : null,
    departments: departments ? departments.map(dimensionEntry) : null,
  };
}

/** The cache row of each list (the schema of its `entities`). Class / Department rows only while tracked. */
const LIST_SCHEMAS = {
  Employee: z.array(qboEmployeeEntrySchema),
  Customer: z.array(qboCustomerEntrySchema),
  Vendor: z.array(qboVendorEntrySchema),
  Item: z.array(qboItemEntrySchema),
  Account: z.array(qboIncomeAccountEntrySchema),
  Class: z.array(qboDimensionEntrySchema),
  Department: z.array(qboDimensionEntrySchema),
} as const satisfies Record<CachedEntityType, z.ZodType>;

/** The directory as one row per entity type. */
export function directoryToCacheLists(directory: QboDirectory): Partial<Record<CachedEntityType, unknown[]>> {
  return {
    Employee: directory.employees,
    Customer: directory.customers,
    Vendor: directory.vendors,
    Item: directory.items,
    Account: directory.incomeAccounts,
    ...(directory.classes ? { Class: directory.classes } : {}),
    ...(directory.departments ? { Department: directory.departments } : {}),
  };
}

export async function getCachedDirectory(db: Db, connectionId: string): Promise<{ directory: QboDirectory; fetchedAt: Date } | null> {
  const cached = await readEntityCache(db, connectionId);
  if (!cached.fetchedAt) return null;
  const parse = <T extends CachedEntityType>(type: T): z.infer<(typeof LIST_SCHEMAS)[T]> | null => {
    if (!(type in cached.lists)) return null;
    const parsed = LIST_SCHEMAS[type].safeParse(cached.lists[type]);
    return parsed.success ? (parsed.data as z.infer<(typeof LIST_SCHEMAS)[T]>) : null;
  };
  const [employees, customers, vendors, items, incomeAccounts] = [parse("Employee"), parse("Customer"), parse("Vendor"), parse("Item"), parse("Account")];
  // A list missing or unreadable (e.g. a row from before one row per type): not cached, read again.
  if (!employees || !customers || !vendors || !items || !incomeAccounts) return null;
  const classes = "Class" in cached.lists ? parse("Class") : null;
  const departments = "Department" in cached.lists ? parse("Department") : null;
  if (("Class" in cached.lists && !classes) || ("Department" in cached.lists && !departments)) return null;
  return {
    directory: { employees, customers, vendors, items, incomeAccounts, payrollEnabled: cached.payrollEnabled === true, classes, departments },
    fetchedAt: cached.fetchedAt,
  };
}

/** The directory from cache, or read from QBO (and cached) when missing or when `refresh` is asked. */
export async function loadQboDirectory(db: Db, connectionId: string, qbo: QboClient, options: { refresh?: boolean } = {}): Promise<QboDirectory> {
  if (!options.refresh) {
    const cached = await getCachedDirectory(db, connectionId);
    if (cached) return cached.directory;
  }
  const directory = await fetchQboDirectory(qbo, await connectionPayrollEnabled(db, connectionId));
  await replaceEntityCache(db, connectionId, directoryToCacheLists(directory), new Date());
  return directory;
}
