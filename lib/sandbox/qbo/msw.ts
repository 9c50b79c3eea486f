/** msw 2 handlers that hand every request under the two bases to the emulator. */
import { http, type HttpHandler } from "msw";
import type { QboEmulator } from "./emulator";

export interface QboMswBases {
  /** e.g. `https://qbo.sandbox.test` (the app's QBO_API_BASE_URL). */
  apiBase: string;
  /** e.g. `https://qbo.sandbox.test` (base of INTUIT_AUTHORIZE_URL / TOKEN_URL / REVOKE_URL). */
  oauthBase: string;
}

function underBase(base: string): string {
  return `${base.replace(/\/+$/, "")}/*`;
}

export function qboMswHandlers(emulator: QboEmulator, bases: QboMswBases): HttpHandler[] {
  const patterns = [...new Set([underBase(bases.apiBase), underBase(bases.oauthBase)])];
  return patterns.map((pattern) => http.all(pattern, ({ request }) => emulator.handle(request)));
}
