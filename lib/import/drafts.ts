// Drafts: the lock every change to a draft takes (the wizard's steps, the preview, a draft refresh),
// and Import History's own drafts to continue or discard. A draft is nobody else's business: another
// admin's draft is as good as missing, and only a draft (never a started import) can be discarded.
import type { Db } from "@/db/client";
import { lockDraftRow, nextRevision } from "@/db/queries/drafts";
import { deleteOwnDraft, type ImportRow } from "@/db/queries/imports";
import type { Actor } from "./lifecycle";

export class WizardError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "WizardError";
  }
}

/** A draft change refused because the draft was started, or changed by another request meanwhile. */
export class DraftChangedError extends WizardError {
  constructor(readonly reason: "started" | "changed") {
    super(
      reason === "started"
        ? "This import has already been started; its settings can no longer change."
        : "This draft was changed elsewhere (another tab?) while this was being prepared. Open it again to see the latest.",
    );
    this.name = "DraftChangedError";
  }
}

/**
 * Every change to a draft goes through here, inside the transaction that writes it: the import row is
 * locked (Start's conditional update waits for it, and vice versa), and the change is refused unless
 * the row is still a draft, at `revision` when the change was computed from that revision. The caller
 * then writes and bumps the revision with `nextRevision`. Never called around HTTP: compute first.
 */
export async function lockDraft(tx: Db, importId: string, revision?: number): Promise<ImportRow> {
  const row = await lockDraftRow(tx, importId, revision);
  if (typeof row === "string") throw new DraftChangedError(row);
  return row;
}

export { nextRevision };

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
