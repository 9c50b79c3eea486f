// How an import that ran to its end is called (the guide's statuses): Completed when every item
// succeeded or was left alone for billing; Error when any item failed, with the counts beside it.
import type { Db } from "@/db/client";
import { countFailedItems } from "@/db/queries/imports";

export interface ImportEnding {
  status: "completed" | "error";
  /** For Error: what failed, in words, for the history and the detail page. */
  message?: string;
}

/** Pure: the ending for this many failed items. */
export function endingFor(failed: number): ImportEnding {
  if (failed <= 0) return { status: "completed" };
  return {
    status: "error",
    message: `${failed.toLocaleString("en-US")} ${failed === 1 ? "item" : "items"} failed: QuickBooks refused ${failed === 1 ? "it" : "them"} (the reason is shown on each failed item, listed first below). Everything else was written. Fix the cause and run the same import again: only what is missing is sent.`,
  };
}

/** The ending of an import whose items are all settled, counted from its items (not from counters). */
export async function importEnding(db: Db, importId: string): Promise<ImportEnding> {
  return endingFor(await countFailedItems(db, importId));
}
