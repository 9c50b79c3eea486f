// Runs before every page (Next.js 16 "proxy", the former middleware): a fresh CSP nonce per request
// (Next.js reads it from the request's Content-Security-Policy header and puts it on its scripts),
// and HSTS when the app is served over https.
import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy, newNonce, STRICT_TRANSPORT_SECURITY } from "@/lib/security/headers";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const env = getEnv();
  const csp = contentSecurityPolicy(nonce, { development: env.nodeEnv === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  const https = env.appUrl.startsWith("https://") || request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:";
  if (https) response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  // Static files need neither; everything else (pages, route handlers, the emulators) gets both.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
