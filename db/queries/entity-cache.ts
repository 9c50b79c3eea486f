// The QBO name lists cached per connection (qbo_entity_cache): one row per entity type, its
// `entities` the list of that type. Callers parse each list with its schema (lib/qbo/directory.ts).
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboConnections, qboEntityCache, qboEntityType } from "@/db/schema";

export type CachedEntityType = (typeof qboEntityType.enumValues)[number];

export interface CachedEntityLists {
  /** The lists stored, by entity type (a type the company does not use, e.g. Class without class tracking, has no row). */
  lists: Partial<Record<CachedEntityType, unknown>>;
  /** When the oldest stored list was read from QBO; null when nothing is cached. */
  fetchedAt: Date | null;
  /** The connection's stored Payroll fact (null when unknown or no such connection). */
  payrollEnabled: boolean | null;
}

export async function readEntityCache(db: Db, connectionId: string): Promise<CachedEntityLists> {
  const [rows, [connection]] = await Promise.all([
    db.select().from(qboEntityCache).where(eq(qboEntityCache.connectionId, connectionId)),
    db.select({ payrollEnabled: qboConnections.payrollEnabled }).from(qboConnections).where(eq(qboConnections.id, connectionId)),
  ]);
  const lists: Partial<Record<CachedEntityType, unknown>> = {};
  let fetchedAt: Date | null = null;
  for (const row of rows) {
    lists[row.entityType] = row.entities;
    if (!fetchedAt || row.fetchedAt < fetchedAt) fetchedAt = row.fetchedAt;
  }
  return { lists, fetchedAt, payrollEnabled: connection?.payrollEnabled ?? null };
}

/** Replaces every cached list of the connection with these (types left out are removed), in one transaction. */
export async function replaceEntityCache(db: Db, connectionId: string, lists: Partial<Record<CachedEntityType, unknown[]>>, fetchedAt: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(qboEntityCache).where(eq(qboEntityCache.connectionId, connectionId));
    const values = Object.entries(lists).map(([entityType, entities]) => ({ connectionId, entityType: entityType as CachedEntityType, entities, fetchedAt }));
    if (values.length > 0) await tx.insert(qboEntityCache).values(values);
  });
}

/** Forgets the cached lists (an entity was created in QBO): the next mapping reads them again. */
export async function clearEntityCache(db: Pick<Db, "delete">, connectionId: string): Promise<void> {
  await db.delete(qboEntityCache).where(eq(qboEntityCache.connectionId, connectionId));
}

/** The connection's stored Payroll fact, for a directory read live. */
export async function connectionPayrollEnabled(db: Db, connectionId: string): Promise<boolean> {
  const [connection] = await db.select({ payrollEnabled: qboConnections.payrollEnabled }).from(qboConnections).where(eq(qboConnections.id, connectionId));
  return connection?.payrollEnabled === true;
}
