// A draft import's row under its lock, and the writes of the wizard's steps (lib/import/wizard.ts).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { MappingSnapshot } from "@/db/types";
import { importItems, imports } from "@/db/schema";
import type { ImportRow } from "./imports";

/** `draft_revision + 1`, for every write that changes a draft. */
export const nextRevision = sql`${imports.draftRevision} + 1`;

/**
 * The import row locked for update (Start's conditional update waits for it, and vice versa), or why
 * it may not change: no longer a draft, or not at `revision` any more.
 */
export async function lockDraftRow(tx: Db, importId: string, revision?: number): Promise<ImportRow | "started" | "changed"> {
  const [row] = await tx.select().from(imports).where(eq(imports.id, importId)).for("update");
  if (!row || row.status !== "draft") return "started";
  if (revision !== undefined && row.draftRevision !== revision) return "changed";
  return row;
}

/** Step 1's write: the new selection, the preview's items dropped until it is rebuilt. */
export async function writeDraftSelection(
  tx: Db,
  importId: string,
  values: Pick<typeof imports.$inferInsert, "dateFrom" | "dateTo" | "selection">,
): Promise<ImportRow> {
  await tx.delete(importItems).where(eq(importItems.importId, importId));
  const [row] = await tx
    .update(imports)
    .set({ ...values, step: "map", summary: null, progressTotal: 0, draftRevision: nextRevision, updatedAt: new Date() })
    .where(and(eq(imports.id, importId), eq(imports.status, "draft")))
    .returning();
  return row!;
}

/** Step 2's write: the mapping snapshot, and the step it leads to. */
export async function writeDraftMapping(tx: Db, importId: string, mappingSnapshot: MappingSnapshot, step: "map" | "preview"): Promise<void> {
  await tx.update(imports).set({ mappingSnapshot, step, draftRevision: nextRevision, updatedAt: new Date() }).where(eq(imports.id, importId));
}
