import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, importItems, imports } from "@/db/schema";
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

/** Import History: started imports of one company (drafts of others stay private), newest first by default. */
export async function listImports(db: Db, accountId: string, connectionId: string, sort: ImportSort = "newest") {
  const order =
    sort === "status" ? [asc(imports.status), desc(imports.createdAt)] : sort === "user" ? [asc(admins.fullName), desc(imports.createdAt)] : [desc(imports.createdAt)];
  return db
    .select({ import: imports, adminName: admins.fullName })
    .from(imports)
    .innerJoin(admins, eq(admins.id, imports.createdByAdminId))
    .where(and(eq(imports.accountId, accountId), eq(imports.connectionId, connectionId), sql`${imports.status} <> 'draft'`))
    .orderBy(...order);
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
    db.select().from(importItems).where(where).orderBy(asc(importItems.seq)).offset(offset).limit(limit),
    db.select({ n: sql<number>`count(*)::int` }).from(importItems).where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}

/** What the progress bar and its counts show, for the page and for polling. */
export function importProgress(imp: ImportRow) {
  return {
    status: imp.status,
    done: imp.progressDone,
    total: imp.progressTotal,
    created: imp.createdCount,
    updated: imp.updatedCount,
    deleted: imp.deletedCount,
    failed: imp.failedCount,
    skippedBilled: imp.skippedBilledCount,
    errorMessage: imp.errorMessage,
  };
}
