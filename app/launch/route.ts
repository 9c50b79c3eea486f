import { NextResponse } from "next/server";
import { normalizeActitimeBaseUrl, sameActitimeAccount } from "@/lib/actitime";
import { getAppSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/**
 * The deep link actiTIME opens: /launch?actitime=<base URL>. Already signed in to that account →
 * Import History; otherwise the login page with the URL filled in.
 */
export async function GET(request: Request) {
  const requested = new URL(request.url).searchParams.get("actitime") ?? "";
  let normalized: string | null = null;
  try {
    normalized = requested ? normalizeActitimeBaseUrl(requested) : null;
  } catch {
    normalized = null;
  }
  const session = await getAppSession();
  const base = getEnv().appUrl;
  if (session && normalized && sameActitimeAccount(session.accountUrl, normalized)) return NextResponse.redirect(new URL("/imports", base));
  // The login page shows the host and, for one this deployment has never signed in to, asks to confirm.
  // A malformed address travels as an error code, never as text to show.
  const login = new URL("/login", base);
  if (normalized) login.searchParams.set("actitime", normalized);
  else if (requested) login.searchParams.set("error", "invalid_url");
  return NextResponse.redirect(login);
}
