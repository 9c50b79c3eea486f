// QBO name lists for mapping and suggestions, cached per connection in qbo_entity_cache.
// Refresh re-reads them (an admin may create an employee in QBO and come back).
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboConnections, qboEntityCache } from "@/db/schema";
import { qboDirectorySchema, type QboDirectory } from "@/lib/mapping/directory";
import type { QboClient } from "./client";

const DIRECTORY_CACHE_TYPE = "Employee"; // one row holds the whole directory snapshot

export async function fetchQboDirectory(qbo: QboClient, payrollEnabled: boolean): Promise<QboDirectory> {
  const [employees, customers, vendors, items, accounts] = await Promise.all([
    qbo.query("Employee", "Active IN (true, false)"),
    qbo.query("Customer", "Active IN (true, false)"),
    qbo.query("Vendor", "Active IN (true, false)"),
    qbo.query("Item", "Active IN (true, false)"),
    qbo.query("Account", "AccountType = 'Income'"),
  ]);
  return {
    employees: employees.map((e) => ({ id: e.Id, name: e.DisplayName, email: e.PrimaryEmailAddr?.Address ?? null, active: e.Active !== false })),
    customers: customers.map((c) => ({ id: c.Id, name: c.DisplayName, fullyQualifiedName: c.FullyQualifiedName ?? c.DisplayName, parentId: c.ParentRef?.value ?? null, active: c.Active !== false })),
    vendors: vendors.map((v) => ({ id: v.Id, name: v.DisplayName, active: v.Active !== false })),
    items: items.map((i) => ({ id: i.Id, name: i.Name, fullyQualifiedName: i.FullyQualifiedName ?? i.Name, parentId: i.ParentRef?.value ?? null, type: i.Type ?? "Service", active: i.Active !== false, unitPrice: i.UnitPrice ?? null })),
    incomeAccounts: accounts.filter((a) => a.Active !== false).map((a) => ({ id: a.Id, name: a.FullyQualifiedName ?? a.Name })),
    payrollEnabled,
  };
}

export async function getCachedDirectory(db: Db, connectionId: string): Promise<{ directory: QboDirectory; fetchedAt: Date } | null> {
  const [row] = await db
    .select()
    .from(qboEntityCache)
    .where(and(eq(qboEntityCache.connectionId, connectionId), eq(qboEntityCache.entityType, DIRECTORY_CACHE_TYPE)));
  if (!row) return null;
  const parsed = qboDirectorySchema.safeParse(row.entities);
  return parsed.success ? { directory: parsed.data, fetchedAt: row.fetchedAt } : null;
}

/** The directory from cache, or read from QBO (and cached) when missing or when `refresh` is asked. */
export async function loadQboDirectory(db: Db, connectionId: string, qbo: QboClient, options: { refresh?: boolean } = {}): Promise<QboDirectory> {
  if (!options.refresh) {
    const cached = await getCachedDirectory(db, connectionId);
    if (cached) return cached.directory;
  }
  const [connection] = await db.select({ payrollEnabled: qboConnections.payrollEnabled }).from(qboConnections).where(eq(qboConnections.id, connectionId));
  const directory = await fetchQboDirectory(qbo, connection?.payrollEnabled === true);
  await db
    .insert(qboEntityCache)
    .values({ connectionId, entityType: DIRECTORY_CACHE_TYPE, entities: directory, fetchedAt: new Date() })
    .onConflictDoUpdate({ target: [qboEntityCache.connectionId, qboEntityCache.entityType], set: { entities: directory, fetchedAt: new Date() } });
  return directory;
}
