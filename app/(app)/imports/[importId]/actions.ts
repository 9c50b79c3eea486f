"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { Db } from "@/db/client";
import { getPlannerTimeSettings } from "@/db/queries/mappings";
import { checkbox, parseForm } from "@/lib/forms";
import { ImportRuleError, interruptImport, startImport } from "@/lib/import/lifecycle";
import { preparePreview } from "@/lib/import/prepare";
import { LeftoversUnsettledError } from "@/lib/import/reconcile";
import { importDriverDeps } from "@/inngest/deps";
import { requestImportRun, requestImportInterrupt } from "@/lib/import/runner";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { confirmMapping, DraftChangedError, saveSelection, WizardError } from "@/lib/import/wizard";
import { loadQboDirectory } from "@/lib/qbo/directory";
import { bringDraftUpToDate } from "@/lib/import/draft-refresh";
import { refreshFactsForPreview } from "@/lib/import/company-check";
import { loadDraft, loadImport } from "../_lib/context";

/** The company's Time settings as the planner takes them. */
async function descriptionSettings(db: Db, connectionId: string) {
  return getPlannerTimeSettings(db, connectionId);
}

/** A draft change refused under the draft's lock: a started import's page, or the draft as it now is. */
function afterDraftChanged(importId: string, error: unknown, step: "map" | "preview"): never {
  if (!(error instanceof DraftChangedError)) throw error;
  if (error.reason === "started") redirect(`/imports/${importId}`);
  redirect(`/imports/${importId}/${step}?error=${encodeURIComponent(error.message)}`);
}

const idList = z.array(z.string()).default([]).transform((values) => values.map(Number));
const everything = z.string().optional();
/** Step 1's form: the range, the ticked ids (`all` in users/projects/leaveTypes: every one), approved only. */
const selectionFormSchema = z
  .object({
    dateFrom: z.string().default(""),
    dateTo: z.string().default(""),
    userId: idList,
    projectId: idList,
    leaveTypeId: idList,
    users: everything,
    projects: everything,
    leaveTypes: everything,
    approvedOnly: checkbox,
  })
  .transform((f) => ({
    dateFrom: f.dateFrom,
    dateTo: f.dateTo,
    userIds: f.users === "all" ? null : f.userId,
    projectIds: f.projects === "all" ? null : f.projectId,
    leaveTypeIds: f.leaveTypes === "all" ? null : f.leaveTypeId,
    approvedOnly: f.approvedOnly,
  }));

/** Step 1 → Step 2. */
export async function saveSelectionAction(importId: string, form: FormData): Promise<never> {
  const { db, actor } = await loadDraft(importId);
  const parsed = parseForm(selectionFormSchema, form, ["userId", "projectId", "leaveTypeId"]);
  if (!parsed.ok) redirect(`/imports/${importId}/select?${new URLSearchParams({ error: parsed.message, field: parsed.field })}`);
  const raw = parsed.data;
  try {
    await saveSelection(db, actor, importId, raw);
  } catch (error) {
    if (error instanceof DraftChangedError) afterDraftChanged(importId, error, "map");
    if (!(error instanceof WizardError)) throw error;
    // The admin's choices come back with the message, so nothing ticked is lost (long lists beyond a URL's reach excepted).
    const list = (v: number[] | null) => (v === null ? "all" : v.slice(0, 500).join(","));
    const back = new URLSearchParams({ error: error.message, field: error.field ?? "", from: raw.dateFrom, to: raw.dateTo, users: list(raw.userIds), projects: list(raw.projectIds), leaveTypes: list(raw.leaveTypeIds), approved: raw.approvedOnly ? "1" : "0" });
    redirect(`/imports/${importId}/select?${back}`);
  }
  redirect(`/imports/${importId}/map`);
}

/** Step 2 → Step 3: Confirm Mapping & Continue builds the preview. */
export async function confirmMappingAction(importId: string, form: FormData) {
  const { db, actor, connection, qbo } = await loadDraft(importId);
  const actitime = await actitimeClientForAdmin(db, actor.accountId, actor.adminId);
  const directory = await loadQboDirectory(db, connection.id, qbo);
  const result = await confirmMapping({ db, qbo, actitime, directory, settings: await descriptionSettings(db, connection.id) }, actor, importId, form).catch((error: unknown) => {
    if (error instanceof LeftoversUnsettledError) redirect(`/imports/${importId}/map?error=${encodeURIComponent(error.message)}`);
    return afterDraftChanged(importId, error, "map");
  });
  if (!result.ok && result.reason === "no_selection") redirect(`/imports/${importId}/select`);
  if (!result.ok && result.reason === "apply_from") {
    const typed = form.get("applyFromDate");
    redirect(`/imports/${importId}/map?applyFromError=${encodeURIComponent(result.message)}&applyFromDate=${encodeURIComponent(typeof typed === "string" ? typed : "")}`);
  }
  if (!result.ok) redirect(`/imports/${importId}/map?invalid=${result.errors.length}`);
  redirect(`/imports/${importId}/preview`);
}

export async function refreshDirectoryAction(importId: string) {
  const { db, connection, qbo } = await loadDraft(importId);
  await loadQboDirectory(db, connection.id, qbo, { refresh: true });
  redirect(`/imports/${importId}/map?refreshed=1`);
}

/** Rebuilds a draft's preview; false (with the reason) while an ended import's last writes are still being checked. */
async function recomputePreview(importId: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const { db, imp, actor, connection, qbo } = await loadDraft(importId);
  const actitime = await actitimeClientForAdmin(db, actor.accountId, actor.adminId);
  const [directory] = await Promise.all([loadQboDirectory(db, connection.id, qbo), refreshFactsForPreview(db, connection.id, qbo)]);
  try {
    const current = await bringDraftUpToDate(db, imp);
    await preparePreview({ db, qbo, actitime, directory }, current, await descriptionSettings(db, connection.id));
  } catch (error) {
    if (error instanceof LeftoversUnsettledError) return { ok: false, message: error.message };
    afterDraftChanged(importId, error, "preview");
  }
  return { ok: true };
}

/** Rebuilds the preview (QuickBooks or actiTIME may have changed since it was made). */
export async function refreshPreviewAction(importId: string) {
  const { imp } = await loadDraft(importId);
  if (imp.step !== "preview") redirect(`/imports/${importId}/map`);
  const result = await recomputePreview(importId);
  if (!result.ok) redirect(`/imports/${importId}/preview?error=${encodeURIComponent(result.message)}`);
  redirect(`/imports/${importId}/preview?refreshed=1`);
}

/** Step 3 → Step 4: Start Import, of the draft revision the preview page showed. */
export async function startImportAction(importId: string, revision?: number) {
  const { db, actor } = await loadDraft(importId);
  let row;
  try {
    row = await startImport(db, actor, importId, new Date(), revision === undefined || Number.isSafeInteger(revision) ? revision : -1);
  } catch (error) {
    if (error instanceof ImportRuleError) {
      // The ledger moved since this preview: it is recomputed now, and the admin reviews it again.
      if (error.code === "stale_preview") await recomputePreview(importId);
      redirect(`/imports/${importId}/preview?error=${encodeURIComponent(error.message)}`);
    }
    throw error;
  }
  await requestImportRun({ importId: row.id, connectionId: row.connectionId }, importDriverDeps);
  redirect(`/imports/${importId}`);
}

export async function interruptAction(importId: string) {
  const { db, actor } = await loadImport(importId);
  try {
    const row = await interruptImport(db, actor, importId);
    await requestImportInterrupt({ importId: row.id, connectionId: row.connectionId }, importDriverDeps);
  } catch (error) {
    if (error instanceof ImportRuleError) redirect(`/imports/${importId}?error=${encodeURIComponent(error.message)}`);
    throw error;
  }
  redirect(`/imports/${importId}`);
}
