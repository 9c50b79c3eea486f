import { getEnv } from "@/lib/env";
import { getDemoActitime, getDemoQbo, isDemoEnabled, markDemoDirty, type DemoProduct } from "@/lib/sandbox/demo";

/** What every sandbox route answers when demo mode is off: nothing here exists. */
export function sandboxNotFound(): Response {
  return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Requests that may change an emulator's state: every write, and OAuth (authorize issues a code). */
function mayChangeState(product: DemoProduct, request: Request): boolean {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") return true;
  return product === "qbo" && new URL(request.url).pathname.includes("/oauth2/");
}

/** Hands a request under /sandbox/{product}/ to that emulator and schedules a save when state may have changed. */
export async function forwardToEmulator(product: DemoProduct, request: Request): Promise<Response> {
  if (!isDemoEnabled()) return sandboxNotFound();
  const emulator = product === "qbo" ? getDemoQbo() : getDemoActitime();
  try {
    return await emulator.handle(request);
  } finally {
    if (mayChangeState(product, request)) markDemoDirty(product);
  }
}

/**
 * The control endpoints change the demo's state, so a page on another site must not be able to post
 * to them from a visitor's browser (issue 13 §7). Browsers say where a POST comes from (Origin,
 * Sec-Fetch-Site); scripts and tests that say nothing are not browsers carrying someone's cookies.
 */
export function isSameOriginRequest(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const own = new Set([new URL(request.url).origin, new URL(getEnv().appUrl).origin]);
    if (!own.has(origin)) return false;
  }
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}
