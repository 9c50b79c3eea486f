import { server } from "@/tests/setup/server";
import { createQboEmulator, type QboEmulator, type QboEmulatorOptions } from "@/lib/sandbox/qbo";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import type { JsonObject } from "@/lib/sandbox/qbo/json";

export const BASE = "https://qbo.sandbox.test";
export const REDIRECT_URI = "https://app.example.test/api/quickbooks/callback";
export const CONSULTING = "9130350000000001";
export const PAYROLL = "9130350000000002";
export const BASIC_AUTH = `Basic ${Buffer.from("sandbox-client-id:sandbox-client-secret").toString("base64")}`;

/** A controllable clock: tests move time instead of waiting. */
export function fakeClock(startIso = "2026-03-10T12:00:00Z") {
  let nowMs = Date.parse(startIso);
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

export function startEmulator(options: QboEmulatorOptions = {}): QboEmulator {
  const emulator = createQboEmulator({ limits: false, ...options });
  server.use(...qboMswHandlers(emulator, { apiBase: BASE, oauthBase: BASE }));
  return emulator;
}

export function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(`${BASE}/oauth2/authorize`);
  const defaults = {
    client_id: "sandbox-client-id",
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "com.intuit.quickbooks.accounting openid",
    state: "st-123",
  };
  for (const [key, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(key, value);
  return url.toString();
}

export async function getAuthCode(realmId: string): Promise<string> {
  const res = await fetch(authorizeUrl({ sandbox_realm: realmId }), { redirect: "manual" });
  const location = new URL(res.headers.get("location") ?? "");
  return location.searchParams.get("code") ?? "";
}

export interface TokenBody {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
  token_type: string;
}

export async function tokenRequest(form: Record<string, string>, auth = BASIC_AUTH): Promise<Response> {
  return fetch(`${BASE}/oauth2/tokens/bearer`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(form).toString(),
  });
}

export async function connect(realmId: string = CONSULTING): Promise<TokenBody> {
  const code = await getAuthCode(realmId);
  const res = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
  return (await res.json()) as TokenBody;
}

export interface ApiAnswer {
  status: number;
  body: JsonObject;
}

/** A thin v3 client over plain fetch, as the app would make it. */
export function apiClient(accessToken: string, realmId: string = CONSULTING) {
  const base = `${BASE}/v3/company/${realmId}`;
  const send = async (method: "GET" | "POST", path: string, body?: string, contentType = "application/json", init: RequestInit = {}): Promise<ApiAnswer> => {
    const sep = path.includes("?") ? "&" : "?";
    const res = await fetch(`${base}/${path}${sep}minorversion=75`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json", "content-type": contentType },
      ...(body !== undefined ? { body } : {}),
      ...init,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as JsonObject) : {} };
  };
  return {
    get: (path: string) => send("GET", path),
    post: (path: string, body: JsonObject, init: RequestInit = {}) => send("POST", path, JSON.stringify(body), "application/json", init),
    query: (query: string) => send("GET", `query?query=${encodeURIComponent(query)}`),
    postQuery: (query: string) => send("POST", "query", query, "application/text"),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** First Fault error code of a body, in either the `Fault` or the gateway `fault` shape. */
export function faultCode(body: JsonObject): string | undefined {
  const fault = (body["Fault"] ?? body["fault"]) as JsonObject | undefined;
  const errors = (fault?.["Error"] ?? fault?.["error"]) as JsonObject[] | undefined;
  const code = errors?.[0]?.["code"];
  return typeof code === "string" ? code : undefined;
}

export function rows(body: JsonObject, entity: string): JsonObject[] {
  const qr = body["QueryResponse"] as JsonObject | undefined;
  return (qr?.[entity] as JsonObject[] | undefined) ?? [];
}

export function entityId(emulator: QboEmulator, realmId: string, kind: "Employee" | "Customer" | "Item" | "Vendor" | "Account", name: string): string {
  const field = kind === "Item" || kind === "Account" ? "Name" : "DisplayName";
  const row = emulator.list(realmId, kind).find((r) => r[field] === name);
  if (!row) throw new Error(`${kind} ${name} not seeded`);
  return String(row["Id"]);
}

export function timeActivity(emulator: QboEmulator, overrides: JsonObject = {}, realmId: string = CONSULTING): JsonObject {
  return {
    TxnDate: "2026-03-02",
    NameOf: "Employee",
    EmployeeRef: { value: entityId(emulator, realmId, "Employee", "Jose Muller") },
    CustomerRef: { value: entityId(emulator, realmId, "Customer", "ACME Corporation") },
    ItemRef: { value: entityId(emulator, realmId, "Item", "Development") },
    BillableStatus: "Billable",
    HourlyRate: 120,
    Hours: 3,
    Minutes: 15,
    Description: "actiTIME task #123",
    ...overrides,
  };
}
