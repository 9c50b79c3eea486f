"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getConnection } from "@/db/queries/connections";
import { requireSession } from "@/lib/auth/session";
import { parseForm } from "@/lib/forms";
import { qboClientFor } from "@/lib/qbo/connect";
import { loadQboDirectory } from "@/lib/qbo/directory";
import { applyRuleEdit, applyTimeDescriptionSave } from "@/lib/mapping/edit";
import { categoryOfSlug, MAPPING_CATEGORY_META } from "@/lib/mapping/rules";
import { saveSchedule } from "@/lib/schedule/settings";
import { saveCompanyWebhook } from "@/lib/notify/webhook-settings";

/** Form fields sent back after a refused edit so the form shows what was typed. */
const DRAFT_FIELDS = ["kind", "name", "targetQboId", "parentQboId", "incomeAccountId", "unitPrice", "classQboId", "locationQboId", "q", "applyFrom", "applyFromDate"] as const;
const MAX_DRAFT_CHARS = 600;

function withParams(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, value);
  const query = search.toString();
  return query === "" ? path : `${path}?${query}`;
}

/** Saves one rule edit; on any problem nothing is saved and the page shows the message at its field. */
export async function updateRuleAction(formData: FormData) {
  const session = await requireSession();
  const db = await getDb();
  const result = await applyRuleEdit(db, session, formData, (connection) => loadQboDirectory(db, connection.id, qboClientFor(db, connection)));
  if (!result.ok && result.reason === "not_found") redirect("/settings?error=unknown_rule");
  const path = `/settings/${MAPPING_CATEGORY_META[result.rule.category].slug}`;
  if (!result.ok && result.reason === "disconnected") redirect(withParams("/settings", { error: "disconnected" }));
  if (!result.ok && result.reason === "directory_unavailable") {
    redirect(withParams(path, { edit: result.rule.id, error: "directory_unavailable" }));
  }
  if (!result.ok) {
    const draft: Record<string, string | undefined> = {};
    for (const key of DRAFT_FIELDS) {
      const value = formData.get(key);
      if (typeof value === "string") draft[key] = value.slice(0, MAX_DRAFT_CHARS);
    }
    redirect(withParams(path, { ...draft, edit: result.rule.id, field: result.field, message: result.message.slice(0, MAX_DRAFT_CHARS) }));
  }
  revalidatePath(path);
  redirect(withParams(path, { saved: result.rule.id, unchanged: result.changed ? undefined : "1" }));
}

export async function saveTimeDescriptionAction(formData: FormData) {
  const session = await requireSession();
  const db = await getDb();
  const result = await applyTimeDescriptionSave(db, session, formData);
  if (!result.ok) redirect(result.reason === "invalid" ? "/settings?descriptionError=1" : "/settings?error=unknown_company");
  revalidatePath("/settings");
  redirect("/settings?descriptionSaved=1");
}

const blankAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const refreshSchema = z.object({ connectionId: z.uuid(), slug: z.string().optional(), edit: blankAsAbsent(z.uuid()), q: blankAsAbsent(z.string().max(200)) });

/** Re-reads the QuickBooks lists (an admin may have created an employee or customer in QuickBooks). */
export async function refreshDirectoryAction(formData: FormData) {
  const session = await requireSession();
  const parsed = parseForm(refreshSchema, formData);
  if (!parsed.ok) redirect("/settings?error=unknown_company");
  const back = parsed.data.slug && categoryOfSlug(parsed.data.slug) ? `/settings/${parsed.data.slug}` : "/settings";
  const db = await getDb();
  const connection = await getConnection(db, session.accountId, parsed.data.connectionId);
  if (!connection) redirect("/settings?error=unknown_company");
  if (connection.status === "disconnected") redirect("/settings?error=disconnected");
  let refreshed = true;
  try {
    await loadQboDirectory(db, connection.id, qboClientFor(db, connection), { refresh: true });
  } catch {
    refreshed = false;
  }
  revalidatePath(back);
  redirect(withParams(back, { edit: parsed.data.edit, q: parsed.data.q, ...(refreshed ? { refreshed: "1" } : { error: "refresh_failed" }) }));
}

/** Settings → Schedule. */
export async function saveScheduleAction(formData: FormData) {
  const session = await requireSession();
  const db = await getDb();
  const result = await saveSchedule(db, session, formData);
  if (!result.ok) redirect(withParams("/settings", { scheduleError: result.message, scheduleField: result.field }) + "#schedule");
  revalidatePath("/settings");
  redirect("/settings?scheduleSaved=1#schedule");
}

const webhookFormSchema = z.object({ connectionId: z.string().default(""), url: z.string().default(""), secret: z.string().default("") });

/** Settings → Webhook (the secret is write-only). */
export async function saveWebhookAction(formData: FormData) {
  const session = await requireSession();
  const parsed = parseForm(webhookFormSchema, formData);
  if (!parsed.ok) redirect(withParams("/settings", { webhookError: parsed.message }) + "#webhook");
  const result = await saveCompanyWebhook(await getDb(), session, parsed.data);
  if (!result.ok) redirect(withParams("/settings", { webhookError: result.message }) + "#webhook");
  revalidatePath("/settings");
  redirect(`/settings?webhookSaved=${result.removed ? "removed" : "1"}#webhook`);
}
