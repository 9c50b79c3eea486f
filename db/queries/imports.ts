import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { MappingSnapshot } from "@/db/types";
import { admins, importItems, imports, qboConnections } from "@/db/schema";
import { isUuid } from "./connections";

export type ImportRow = typeof imports.$inferSelect;
export type ImportItemRow = typeof importItems.$inferSelect;
export type ImportStatus = ImportRow["status"];

export const ACTIVE_IMPORT_STATUSES = ["running", "interrupting"] as const;
export const ONE_ACTIVE_IMPORT_CONSTRAINT = "imports_one_active_per_connection";
/** The same QuickBooks company may be connected from several accounts; one import writes to it at a time. */
export const ONE_ACTIVE_IMPORT_PER_REALM_CONSTRAINT = "imports_one_active_per_realm";

/** An import of the account. Drafts are private: only their author sees them. */
export async function getImport(db: Db, accountId: string, importId: string, adminId?: string): Promise<ImportRow | undefined> {
  if (!isUuid(importId)) return undefined;
  const [row] = await db.select().from(imports).where(and(eq(imports.id, importId), eq(imports.accountId, accountId)));
  if (!row) return undefined;
  if (row.status === "draft" && adminId !== undefined && row.createdByAdminId !== adminId) return undefined;
  return row;
}

export async function getImportById(db: Db, importId: string): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(imports).where(eq(imports.id, importId));
  return row;
}

export type ImportSort = "newest" | "status" | "user";

/** When an import started (a row started before `startedAt` existed falls back to its creation): what "newest" means. */
const startedOrder = [desc(sql`coalesce(${imports.startedAt}, ${imports.createdAt})`), desc(imports.id)];

/**
 * Import History: started imports of one company (drafts are listed apart, by listDrafts), newest
 * start first by default. Every order ends on the start time and the id, so equal keys never swap.
 */
export async function listImports(db: Db, accountId: string, connectionId: string, sort: ImportSort = "newest") {
  const order = sort === "status" ? [asc(imports.status), ...startedOrder] : sort === "user" ? [asc(admins.fullName), ...startedOrder] : startedOrder;
  return db
    .select({ import: imports, adminName: admins.fullName })
    .from(imports)
    .innerJoin(admins, eq(admins.id, imports.createdByAdminId))
    .where(and(eq(imports.accountId, accountId), eq(imports.connectionId, connectionId), sql`${imports.status} <> 'draft'`))
    .orderBy(...order);
}

/** The signed-in admin's own drafts for one company (nobody else's), last changed first. */
export async function listDrafts(db: Db, accountId: string, connectionId: string, adminId: string) {
  return db
    .select()
    .from(imports)
    .where(and(eq(imports.accountId, accountId), eq(imports.connectionId, connectionId), eq(imports.createdByAdminId, adminId), eq(imports.status, "draft")))
    .orderBy(desc(imports.updatedAt), desc(imports.id));
}

export async function getActiveImport(db: Db, connectionId: string): Promise<ImportRow | undefined> {
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.connectionId, connectionId), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES])));
  return row;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { constraint?: string; constraint_name?: string; cause?: unknown; code?: string };
  if (e?.constraint === constraint || e?.constraint_name === constraint) return true;
  return e?.cause ? isUniqueViolation(e.cause, constraint) : false;
}

export type ItemFilter = "all" | "corrections" | "billed" | "failed" | "created" | "entities";

/** A page of an import's items, in execution order, optionally narrowed to what a bookkeeper asks about. */
export async function listImportItems(db: Db, importId: string, filter: ItemFilter, offset: number, limit: number) {
  const conditions = [eq(importItems.importId, importId)];
  if (filter === "corrections") conditions.push(sql`${importItems.entity} = 'TimeActivity' and ${importItems.operation} in ('update', 'delete') and ${importItems.status} not in ('unchanged', 'skipped_billed')`);
  if (filter === "billed") conditions.push(eq(importItems.status, "skipped_billed"));
  if (filter === "failed") conditions.push(eq(importItems.status, "failed"));
  if (filter === "created") conditions.push(sql`${importItems.entity} = 'TimeActivity' and ${importItems.operation} = 'create'`);
  if (filter === "entities") conditions.push(sql`${importItems.entity} <> 'TimeActivity'`);
  const where = and(...conditions);
  const [rows, [count]] = await Promise.all([
    // Failed items first (what needs the bookkeeper), then execution order.
    db.select().from(importItems).where(where).orderBy(desc(sql`(${importItems.status} = 'failed')`), asc(importItems.seq)).offset(offset).limit(limit),
    db.select({ n: sql<number>`count(*)::int` }).from(importItems).where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}

/** Deletes the import while it is still a draft (its previewed items go with it). */
export async function deleteDraftIfStill(db: Db, importId: string): Promise<void> {
  await db.delete(imports).where(and(eq(imports.id, importId), eq(imports.status, "draft")));
}

/** Deletes the author's own draft; false when there was none (started, gone, or another admin's). */
export async function deleteOwnDraft(db: Db, scope: { accountId: string; adminId: string }, importId: string): Promise<boolean> {
  const deleted = await db
    .delete(imports)
    .where(and(eq(imports.id, importId), eq(imports.accountId, scope.accountId), eq(imports.createdByAdminId, scope.adminId), eq(imports.status, "draft")))
    .returning({ id: imports.id });
  return deleted.length > 0;
}

/** How many of the import's items failed. */
export async function countFailedItems(db: Db, importId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(importItems)
    .where(and(eq(importItems.importId, importId), eq(importItems.status, "failed")));
  return row?.n ?? 0;
}

/** Stores a draft's mapping snapshot with its next revision (the caller holds the draft's row lock). */
export async function updateDraftSnapshot(db: Db, importId: string, mappingSnapshot: MappingSnapshot, draftRevision: number | SQL): Promise<ImportRow> {
  const [updated] = await db
    .update(imports)
    .set({ mappingSnapshot, draftRevision, updatedAt: new Date() })
    .where(and(eq(imports.id, importId), eq(imports.status, "draft")))
    .returning();
  return updated!;
}

/** Every import that is running or interrupting (start-up recovery looks at each). */
export async function listActiveImports(db: Db): Promise<ImportRow[]> {
  return db.select().from(imports).where(inArray(imports.status, [...ACTIVE_IMPORT_STATUSES]));
}

/** The company an import writes to: its connection's id and realm. */
export async function importCompany(db: Db, importId: string): Promise<{ id: string; realmId: string } | undefined> {
  const [row] = await db
    .select({ id: qboConnections.id, realmId: qboConnections.realmId })
    .from(imports)
    .innerJoin(qboConnections, eq(qboConnections.id, imports.connectionId))
    .where(eq(imports.id, importId));
  return row;
}

/** An admin's full name (the import's author), or undefined when the admin is gone. */
export async function adminName(db: Db, adminId: string): Promise<string | undefined> {
  const [row] = await db.select({ name: admins.fullName }).from(admins).where(eq(admins.id, adminId));
  return row?.name;
}

/** A new draft import of the admin for the connection (the caller checked the connection is the account's). */
export async function insertDraft(db: Db, scope: { accountId: string; adminId: string }, connectionId: string): Promise<ImportRow> {
  const [row] = await db.insert(imports).values({ accountId: scope.accountId, connectionId, createdByAdminId: scope.adminId }).returning();
  return row!;
}

/** The import's status now (undefined when it is gone). */
export async function importStatus(db: Db, importId: string): Promise<ImportRow["status"] | undefined> {
  const [row] = await db.select({ status: imports.status }).from(imports).where(eq(imports.id, importId));
  return row?.status;
}

/** Rows are inserted this many at a time (PostgreSQL's bind-parameter limit). */
const ITEM_INSERT_CHUNK_ROWS = 500;

export type NewImportItem = typeof importItems.$inferInsert;

/**
 * Stores a draft's preview in one transaction: `lock` first (the caller's draft-revision check, which
 * throws when the draft moved on), then the draft's items replaced and its row updated.
 */
export async function storePreview(
  db: Db,
  importId: string,
  items: NewImportItem[],
  values: Partial<Omit<typeof imports.$inferInsert, "draftRevision">> & { draftRevision: number | SQL },
  lock: (tx: Db) => Promise<unknown>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.delete(importItems).where(eq(importItems.importId, importId));
    for (let i = 0; i < items.length; i += ITEM_INSERT_CHUNK_ROWS) await tx.insert(importItems).values(items.slice(i, i + ITEM_INSERT_CHUNK_ROWS));
    await tx.update(imports).set(values).where(eq(imports.id, importId));
  });
}

/** The progress panel's phase (and the end of a wait) of a running import. */
export async function setImportPhase(db: Db, importId: string, phase: string, until: Date | null): Promise<void> {
  await db.update(imports).set({ progressPhase: phase, progressPhaseUntil: until }).where(eq(imports.id, importId));
}

/** The import's created items (entities and activities): key, QBO Id, entity. */
export async function createdItemsOfImport(db: Db, importId: string) {
  return db
    .select({ sourceKey: importItems.sourceKey, qboId: importItems.qboId, entity: importItems.entity })
    .from(importItems)
    .where(and(eq(importItems.importId, importId), eq(importItems.status, "created")));
}

/** One of the account's imports by id (any author, any status: the caller decides what a draft may show). */
export async function getImportOfAccount(db: Db, accountId: string, importId: string): Promise<ImportRow | undefined> {
  const [imp] = await db.select().from(imports).where(and(eq(imports.id, importId), eq(imports.accountId, accountId)));
  return imp;
}

/** The import running on a connection (running or interrupting), with its author's name. */
export async function activeImportWithAdmin(db: Db, connectionId: string): Promise<{ imp: ImportRow; adminName: string } | undefined> {
  const [row] = await db
    .select({ imp: imports, adminName: admins.fullName })
    .from(imports)
    .innerJoin(admins, eq(admins.id, imports.createdByAdminId))
    .where(and(eq(imports.connectionId, connectionId), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES])))
    .limit(1);
  return row;
}
