// Billed differences (lib/review/billed.ts words them): the items imports left alone because QuickBooks
// had billed them, and the resolutions recorded for them. Scoped to the account's company.
import { and, desc, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, billedResolutions, importItems, imports } from "@/db/schema";

/** skipped_billed items of the company's started imports, newest import first. */
export async function skippedBilledItems(db: Db, accountId: string, connectionId: string) {
  return db
    .select({
      id: importItems.id,
      sourceKey: importItems.sourceKey,
      desired: importItems.desired,
      before: importItems.before,
      importId: imports.id,
      dateFrom: imports.dateFrom,
      dateTo: imports.dateTo,
      createdAt: imports.createdAt,
      summary: imports.summary,
    })
    .from(importItems)
    .innerJoin(imports, eq(imports.id, importItems.importId))
    .where(and(eq(imports.accountId, accountId), eq(imports.connectionId, connectionId), ne(imports.status, "draft"), eq(importItems.status, "skipped_billed")))
    .orderBy(desc(imports.createdAt), desc(importItems.id));
}

/** The (source key, signature) pairs resolved among these keys. */
export async function resolvedSignatures(db: Db, connectionId: string, keys: readonly string[]): Promise<{ sourceKey: string; signature: string }[]> {
  const out: { sourceKey: string; signature: string }[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    out.push(
      ...(await db
        .select({ sourceKey: billedResolutions.sourceKey, signature: billedResolutions.signature })
        .from(billedResolutions)
        .where(and(eq(billedResolutions.connectionId, connectionId), inArray(billedResolutions.sourceKey, keys.slice(i, i + 1000))))),
    );
  }
  return out;
}

export async function insertBilledResolution(db: Db, values: typeof billedResolutions.$inferInsert): Promise<void> {
  await db.insert(billedResolutions).values(values);
}

/** History of resolutions, newest first. */
export async function listBilledResolutions(db: Db, connectionId: string, limit = 200) {
  return db
    .select({
      id: billedResolutions.id,
      sourceKey: billedResolutions.sourceKey,
      label: billedResolutions.label,
      note: billedResolutions.note,
      resolvedBy: admins.fullName,
      resolvedAt: billedResolutions.resolvedAt,
      signature: billedResolutions.signature,
    })
    .from(billedResolutions)
    .leftJoin(admins, eq(admins.id, billedResolutions.resolvedByAdminId))
    .where(eq(billedResolutions.connectionId, connectionId))
    .orderBy(desc(billedResolutions.resolvedAt))
    .limit(limit);
}
