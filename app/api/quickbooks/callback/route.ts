import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { currentCompanyCookie, getAppSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { completeConnection, ConnectError, OAUTH_STATE_COOKIE } from "@/lib/qbo/connect";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const session = await getAppSession();
  if (!session) return NextResponse.redirect(new URL("/login", request.url));
  const jar = await cookies();
  const expectedState = jar.get(OAUTH_STATE_COOKIE)?.value;
  const back = new URL("/companies", getEnv().appUrl);
  let response: NextResponse;
  try {
    const connection = await completeConnection(await getDb(), {
      accountId: session.accountId,
      adminId: session.adminId,
      // Intuit's parameters, on our configured public URL (a proxy may have rewritten the host).
      callbackUrl: `${getEnv().intuit.redirectUri}${new URL(request.url).search}`,
      expectedState,
    });
    back.searchParams.set("connected", connection.id);
    response = NextResponse.redirect(back);
    response.cookies.set(currentCompanyCookie(connection.id));
  } catch (error) {
    back.searchParams.set("error", error instanceof ConnectError ? error.code : "exchange_failed");
    response = NextResponse.redirect(back);
  }
  // The state is single use: a replayed callback finds no cookie and is refused.
  response.cookies.delete({ name: OAUTH_STATE_COOKIE, path: "/api/quickbooks" });
  return response;
}
