// Response headers a public service sends with every page (issue 8, issue 13 §6). proxy.ts sets the
// CSP per request with a fresh nonce: Next.js puts that nonce on its own scripts, so no inline
// script runs without it ('unsafe-inline' is not allowed for scripts). Styles keep 'unsafe-inline':
// Next.js and React write inline style attributes, and a style cannot run code.
import { randomBytes } from "node:crypto";

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  return [
    "default-src 'self'",
    // React's development tooling needs eval; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    // Intuit's consent page is reached by redirect, and login posts go to ourselves only.
    "form-action 'self'",
  ].join("; ");
}

/** Two years, subdomains included: only ever sent when the app is served over https. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";
