"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { createDraft } from "@/lib/import/lifecycle";
import { discardDraft, DraftError } from "@/lib/import/drafts";

/** New Import: a draft for the current company, then its first step. */
export async function newImport() {
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current || current.status !== "connected") redirect("/companies?error=disconnected");
  const draft = await createDraft(await getDb(), { accountId: session.accountId, adminId: session.adminId }, current.id);
  redirect(`/imports/${draft.id}/select`);
}

/** Discard one of the signed-in admin's own drafts (Import History). Nothing was written to QuickBooks. */
export async function discardDraftAction(importId: string) {
  const session = await requireSession();
  try {
    await discardDraft(await getDb(), { accountId: session.accountId, adminId: session.adminId }, importId);
  } catch (error) {
    if (error instanceof DraftError) redirect(`/imports?error=${encodeURIComponent(error.message)}`);
    throw error;
  }
  redirect("/imports?discarded=1");
}
