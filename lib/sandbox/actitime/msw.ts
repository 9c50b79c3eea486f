import { http, type HttpHandler } from "msw";
import type { ActitimeEmulator } from "./emulator";

/** msw handlers that route everything under `baseUrl` (the account URL) to the emulator. */
export function actitimeMswHandlers(emulator: ActitimeEmulator, baseUrl: string): HttpHandler[] {
  const base = baseUrl.replace(/\/+$/, "");
  return [http.all(`${base}/*`, ({ request }) => emulator.handle(request))];
}
