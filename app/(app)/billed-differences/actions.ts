"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { BilledResolveError, resolveBilledDifference } from "@/lib/review/billed";

/** Mark resolved, with a note; back to the page with the same filter. */
export async function resolveAction(form: FormData) {
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) redirect("/billed-differences");
  const filter = new URLSearchParams();
  for (const key of ["customer", "from", "to"]) {
    const v = form.get(key);
    if (typeof v === "string" && v) filter.set(key, v);
  }
  const itemId = Number(form.get("itemId"));
  try {
    if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new BilledResolveError("This difference is no longer open; reload the page.");
    await resolveBilledDifference(await getDb(), session.accountId, current.id, session.adminId, itemId, String(form.get("note") ?? ""));
    filter.set("resolved", "1");
  } catch (error) {
    if (!(error instanceof BilledResolveError)) throw error;
    filter.set("error", error.message);
  }
  redirect(`/billed-differences?${filter}`);
}
