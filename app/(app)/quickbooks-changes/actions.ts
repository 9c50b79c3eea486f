"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getConnection } from "@/db/queries/connections";
import { getImport } from "@/db/queries/imports";
import { getPlannerTimeSettings } from "@/db/queries/mappings";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { parseForm } from "@/lib/forms";
import { decideQboChanges, QboChangeError, scanQboChanges } from "@/lib/import/drift";
import { preparePreview } from "@/lib/import/prepare";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { qboClientFor } from "@/lib/qbo/connect";
import { loadQboDirectory } from "@/lib/qbo/directory";
import { QboFault } from "@/lib/qbo/faults";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_OPEN = "Some of these changes are no longer open; reload the page.";

/** The chosen rows and decision of a QboChangesTable form: one row's button (`one` = "<id>:<decision>"), or the checked rows. */
const choiceSchema = z
  .object({ one: z.string().optional(), id: z.array(z.string()).default([]), decision: z.unknown().optional() })
  .transform(({ one, id, decision }) => {
    if (!one) return { decision, ids: id };
    const [first, d] = one.split(":");
    return { decision: d, ids: [first ?? ""] };
  })
  .pipe(
    z.object({
      decision: z.enum(["keep", "restore"], { error: "Choose Keep QuickBooks version or Restore from actiTIME." }),
      ids: z
        .array(z.string())
        .min(1, { error: "Check at least one activity first." })
        .max(5000, { error: NOT_OPEN })
        .refine((ids) => ids.every((id) => UUID.test(id)), { error: NOT_OPEN }),
    }),
  );

function choiceFrom(form: FormData): { ids: string[]; decision: "keep" | "restore" } | { error: string } {
  const parsed = parseForm(choiceSchema, form, ["id"]);
  return parsed.ok ? parsed.data : { error: parsed.message };
}

/** Keep / Restore on the QuickBooks changes page (current company of the signed-in account). */
export async function decideAction(form: FormData) {
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) redirect("/quickbooks-changes");
  const choice = choiceFrom(form);
  let message: string;
  if ("error" in choice) message = `error=${encodeURIComponent(choice.error)}`;
  else {
    try {
      const n = await decideQboChanges(await getDb(), current.id, session.adminId, choice.ids, choice.decision);
      message = `done=${n}&decision=${choice.decision}`;
    } catch (error) {
      if (!(error instanceof QboChangeError)) throw error;
      message = `error=${encodeURIComponent(error.message)}`;
    }
  }
  redirect(`/quickbooks-changes?${message}`);
}

/** Check QuickBooks now: the drift scan of the current company. */
export async function scanAction() {
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) redirect("/quickbooks-changes");
  if (current.status !== "connected") redirect(`/quickbooks-changes?error=${encodeURIComponent(`${current.companyName} needs to be reconnected first.`)}`);
  const db = await getDb();
  let query: string;
  try {
    const stats = await scanQboChanges({ db, qbo: qboClientFor(db, current) }, current.id);
    query = `scanned=${stats.rows}`;
  } catch (error) {
    if (!(error instanceof QboFault)) throw error;
    query = `error=${encodeURIComponent(`QuickBooks could not be read: ${error.message}`)}`;
  }
  redirect(`/quickbooks-changes?${query}`);
}

/** The same choices inside an import's Preview: applied, then the preview is rebuilt with them. */
export async function decideInPreviewAction(importId: string, form: FormData) {
  const session = await requireSession();
  const db = await getDb();
  const imp = await getImport(db, session.accountId, importId, session.adminId);
  if (!imp || imp.status !== "draft" || imp.createdByAdminId !== session.adminId) redirect("/imports");
  const connection = await getConnection(db, session.accountId, imp.connectionId);
  if (!connection) redirect("/imports");
  const back = `/imports/${importId}/preview`;
  const choice = choiceFrom(form);
  if ("error" in choice) redirect(`${back}?error=${encodeURIComponent(choice.error)}`);
  try {
    await decideQboChanges(db, connection.id, session.adminId, choice.ids, choice.decision);
  } catch (error) {
    if (!(error instanceof QboChangeError)) throw error;
    redirect(`${back}?error=${encodeURIComponent(error.message)}`);
  }
  const qbo = qboClientFor(db, connection);
  const actitime = await actitimeClientForAdmin(db, session.accountId, session.adminId);
  const directory = await loadQboDirectory(db, connection.id, qbo);
  await preparePreview({ db, qbo, actitime, directory }, imp, await getPlannerTimeSettings(db, connection.id));
  redirect(`${back}?refreshed=1`);
}
