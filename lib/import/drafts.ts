// Drafts in Import History: the author's own, to continue or discard. A draft is nobody else's
// business: another admin's draft is as good as missing, and only a draft (never a started
// import) can be discarded.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { imports } from "@/db/schema";
import type { Actor } from "./lifecycle";

export class DraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DraftError";
  }
}

/** Discard: deletes the author's draft and its previewed items (cascade). Nothing was written to QuickBooks. */
export async function discardDraft(db: Db, actor: Actor, importId: string): Promise<void> {
  const deleted = await db
    .delete(imports)
    .where(and(eq(imports.id, importId), eq(imports.accountId, actor.accountId), eq(imports.createdByAdminId, actor.adminId), eq(imports.status, "draft")))
    .returning({ id: imports.id });
  if (deleted.length === 0) throw new DraftError("This draft no longer exists, has been started, or belongs to another admin.");
}

/** Where Continue leads: the step the draft has reached. */
export function draftHref(draft: { id: string; step: "select" | "map" | "preview" }): string {
  return `/imports/${draft.id}/${draft.step}`;
}

export const DRAFT_STEP_LABEL = { select: "Select data", map: "Map", preview: "Preview" } as const;
