// Drafts in Import History: the author's own, to continue or discard. A draft is nobody else's
// business: another admin's draft is as good as missing, and only a draft (never a started
// import) can be discarded.
import type { Db } from "@/db/client";
import { deleteOwnDraft } from "@/db/queries/imports";
import type { Actor } from "./lifecycle";

export class DraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DraftError";
  }
}

/** Discard: deletes the author's draft and its previewed items (cascade). Nothing was written to QuickBooks. */
export async function discardDraft(db: Db, actor: Actor, importId: string): Promise<void> {
  if (!(await deleteOwnDraft(db, actor, importId))) throw new DraftError("This draft no longer exists, has been started, or belongs to another admin.");
}

/** Where Continue leads: the step the draft has reached. */
export function draftHref(draft: { id: string; step: "select" | "map" | "preview" }): string {
  return `/imports/${draft.id}/${draft.step}`;
}

export const DRAFT_STEP_LABEL = { select: "Select data", map: "Map", preview: "Preview" } as const;
