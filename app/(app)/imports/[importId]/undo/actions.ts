"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { parseForm } from "@/lib/forms";
import { ImportRuleError } from "@/lib/import/lifecycle";
import { RECONCILE_AFTER_MS } from "@/lib/import/outcomes";
import { LeftoversUnsettledError, reconcileLeftovers } from "@/lib/import/reconcile";
import { importDriverDeps } from "@/inngest/deps";
import { requestImportRun } from "@/lib/import/runner";
import { startUndo } from "@/lib/import/undo";
import { qboClientFor } from "@/lib/qbo/connect";
import { loadImport } from "../../_lib/context";

/** The ledger version the undo preview showed; unreadable → -1, which never matches (the preview is shown again). */
const startUndoSchema = z.object({
  ledgerVersion: z.preprocess((v) => {
    const n = Number(v ?? null);
    return Number.isSafeInteger(n) ? n : -1;
  }, z.number().int()),
});

/** Start Undo: the undo is computed again and refused when the ledger moved since the preview shown (`ledgerVersion`). */
export async function startUndoAction(importId: string, form: FormData): Promise<never> {
  const { db, actor, connection } = await loadImport(importId);
  const parsed = parseForm(startUndoSchema, form);
  if (!parsed.ok) redirect(`/imports/${importId}/undo?error=${encodeURIComponent(parsed.message)}`);
  const qbo = qboClientFor(db, connection);
  let row;
  try {
    await reconcileLeftovers(db, qbo, connection.id, { reconcileAfterMs: RECONCILE_AFTER_MS });
    row = await startUndo(db, qbo, actor, importId, parsed.data.ledgerVersion);
  } catch (error) {
    if (error instanceof ImportRuleError || error instanceof LeftoversUnsettledError) redirect(`/imports/${importId}/undo?error=${encodeURIComponent(error.message)}`);
    throw error;
  }
  await requestImportRun({ importId: row.id, connectionId: row.connectionId }, importDriverDeps);
  redirect(`/imports/${row.id}`);
}
