import { NextResponse } from "next/server";
import { getAppSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { newOAuthState, OAUTH_STATE_COOKIE, OAUTH_STATE_MAX_AGE_S } from "@/lib/qbo/connect";
import { authorizeUrl } from "@/lib/qbo/oauth";

export const dynamic = "force-dynamic";

/** "Connect to QuickBooks": a fresh state in an httpOnly cookie, then off to Intuit's consent page. */
export async function GET(request: Request) {
  const session = await getAppSession();
  if (!session) return NextResponse.redirect(new URL("/login", request.url));
  const state = newOAuthState(session);
  const response = NextResponse.redirect(authorizeUrl(state));
  response.cookies.set(OAUTH_STATE_COOKIE, state, {
    httpOnly: true,
    sameSite: "lax", // sent on Intuit's top-level redirect back to us
    secure: getEnv().secureCookies,
    path: "/api/quickbooks",
    maxAge: OAUTH_STATE_MAX_AGE_S,
  });
  return response;
}
