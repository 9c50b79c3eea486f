"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { parseForm } from "@/lib/forms";
import { BilledResolveError, resolveBilledDifference } from "@/lib/review/billed";

const NO_LONGER_OPEN = "This difference is no longer open; reload the page.";
const resolveSchema = z.object({
  itemId: z.coerce.number({ error: NO_LONGER_OPEN }).int({ error: NO_LONGER_OPEN }).positive({ error: NO_LONGER_OPEN }),
  note: z.string().default(""),
});

/** Mark resolved, with a note; back to the page with the same filter. */
export async function resolveAction(form: FormData): Promise<never> {
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) redirect("/billed-differences");
  const filter = new URLSearchParams();
  for (const key of ["customer", "from", "to"]) {
    const v = form.get(key);
    if (typeof v === "string" && v) filter.set(key, v);
  }
  const parsed = parseForm(resolveSchema, form);
  try {
    if (!parsed.ok) throw new BilledResolveError(parsed.message);
    await resolveBilledDifference(await getDb(), session.accountId, current.id, session.adminId, parsed.data.itemId, parsed.data.note);
    filter.set("resolved", "1");
  } catch (error) {
    if (!(error instanceof BilledResolveError)) throw error;
    filter.set("error", error.message);
  }
  redirect(`/billed-differences?${filter}`);
}
