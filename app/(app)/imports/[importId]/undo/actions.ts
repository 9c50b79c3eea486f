"use server";

import { redirect } from "next/navigation";
import { ImportRuleError } from "@/lib/import/lifecycle";
import { RECONCILE_AFTER_MS } from "@/lib/import/outcomes";
import { LeftoversUnsettledError, reconcileLeftovers } from "@/lib/import/reconcile";
import { importDriverDeps } from "@/inngest/deps";
import { requestImportRun } from "@/lib/import/runner";
import { startUndo } from "@/lib/import/undo";
import { qboClientFor } from "@/lib/qbo/connect";
import { loadImport } from "../../_lib/context";

/** Start Undo: the undo is computed again and refused when the ledger moved since the preview shown (`ledgerVersion`). */
export async function startUndoAction(importId: string, form: FormData) {
  const { db, actor, connection } = await loadImport(importId);
  const shown = Number(form.get("ledgerVersion"));
  const qbo = qboClientFor(db, connection);
  let row;
  try {
    await reconcileLeftovers(db, qbo, connection.id, { reconcileAfterMs: RECONCILE_AFTER_MS });
    row = await startUndo(db, qbo, actor, importId, Number.isSafeInteger(shown) ? shown : -1);
  } catch (error) {
    if (error instanceof ImportRuleError || error instanceof LeftoversUnsettledError) redirect(`/imports/${importId}/undo?error=${encodeURIComponent(error.message)}`);
    throw error;
  }
  await requestImportRun({ importId: row.id, connectionId: row.connectionId }, importDriverDeps);
  redirect(`/imports/${row.id}`);
}
