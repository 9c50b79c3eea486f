"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { requireSession } from "@/lib/auth/session";
import { saveNotificationPrefs } from "@/lib/notify/mail";

/** The signed-in admin's own opt-ins; nobody else's. */
export async function saveNotificationPrefsAction(form: FormData) {
  const session = await requireSession();
  await saveNotificationPrefs(await getDb(), session.adminId, { scheduledImports: form.get("scheduledImports") === "on", reconnect: form.get("reconnect") === "on" });
  redirect("/outbox?saved=1");
}
