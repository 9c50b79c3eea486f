import { server } from "@/tests/setup/server";
import { actitimeMswHandlers, createActitimeEmulator, type ActitimeEmulator, type ActitimeEmulatorOptions } from "@/lib/sandbox/actitime";

export const ACTITIME_TEST_BASE_URL = "https://actitime.sandbox.test/acme";
/** A fixed `today` so every test sees the same seed: time is Feb–Apr 2025. */
export const TEST_TODAY = "2025-05-15";

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** Fresh emulator wired into the shared msw server for this test. */
export function setupEmulator(options: ActitimeEmulatorOptions = {}, baseUrl = ACTITIME_TEST_BASE_URL): ActitimeEmulator {
  const emulator = createActitimeEmulator({ today: TEST_TODAY, ...options });
  server.use(...actitimeMswHandlers(emulator, baseUrl));
  return emulator;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function apiGet(path: string, username = "admin", password = "demo", baseUrl = ACTITIME_TEST_BASE_URL): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}/api/v1${path}`, { headers: { authorization: basicAuth(username, password) } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Narrow `unknown` JSON to a record for assertions, failing loudly otherwise. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function itemsOf(body: unknown): Record<string, unknown>[] {
  const items = asRecord(body).items;
  if (!Array.isArray(items)) throw new Error("expected items[]");
  return items.map(asRecord);
}
