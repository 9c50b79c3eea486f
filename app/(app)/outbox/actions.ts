"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { requireSession } from "@/lib/auth/session";
import { checkbox, parseForm } from "@/lib/forms";
import { saveNotificationPrefs } from "@/lib/notify/mail";

const prefsSchema = z.object({ scheduledImports: checkbox, reconnect: checkbox });

/** The signed-in admin's own opt-ins; nobody else's. */
export async function saveNotificationPrefsAction(form: FormData): Promise<never> {
  const session = await requireSession();
  const parsed = parseForm(prefsSchema, form);
  if (!parsed.ok) redirect(`/outbox?error=${encodeURIComponent(parsed.message)}`);
  await saveNotificationPrefs(await getDb(), session.adminId, parsed.data);
  redirect("/outbox?saved=1");
}
