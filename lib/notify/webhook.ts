// Outgoing webhook per company (issue 18 §4): a JSON body signed with HMAC-SHA256 over
// "<timestamp>.<body>" (header X-Signature-256: sha256=<hex>, X-Signature-Timestamp), retried with
// exponential backoff on network errors, 429 and 5xx; other 4xx are final. Every wait is abortable.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createGuardedFetch } from "@/lib/actitime/outbound";
import { sleep } from "@/lib/sleep";

export const WEBHOOK_SIGNATURE_HEADER = "x-signature-256";
export const WEBHOOK_TIMESTAMP_HEADER = "x-signature-timestamp";
export const WEBHOOK_MAX_ATTEMPTS = 4;
export const WEBHOOK_BASE_DELAY_MS = 1_000;
export const WEBHOOK_TIMEOUT_MS = 10_000;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): constant-time comparison of the signature header. */
export function verifyWebhook(secret: string, timestamp: string, body: string, header: string | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** https anywhere; plain http only to this machine (local receivers, tests). */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter the webhook's full URL, starting with https://.";
  }
  if (url.username || url.password) return "The webhook URL must not contain a user name or password.";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return null;
  return "The webhook URL must start with https://.";
}

export interface WebhookResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error?: string;
}

export async function deliverWebhook(
  url: string,
  secret: string,
  payload: unknown,
  deps: { fetch?: typeof fetch; maxAttempts?: number; baseDelayMs?: number; timeoutMs?: number; signal?: AbortSignal; now?: () => number } = {},
): Promise<WebhookResult> {
  const problem = webhookUrlProblem(url);
  if (problem) return { ok: false, attempts: 0, status: null, error: problem };
  // A URL an admin typed: the same outbound guard as actiTIME (resolved and pinned; private addresses refused
  // unless allowed by ACTITIME_ALLOWED_HOSTS).
  const doFetch = deps.fetch ?? createGuardedFetch();
  const max = deps.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS;
  const body = JSON.stringify(payload);
  let last: WebhookResult = { ok: false, attempts: 0, status: null };
  for (let attempt = 1; attempt <= max; attempt++) {
    const timestamp = String(Math.floor((deps.now ?? Date.now)() / 1000));
    const signal = AbortSignal.any([AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS), ...(deps.signal ? [deps.signal] : [])]);
    try {
      const response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, timestamp, body), [WEBHOOK_TIMESTAMP_HEADER]: timestamp, "user-agent": "actitime-qbo-import-webhook" },
        body,
        redirect: "manual",
        signal,
      });
      void response.body?.cancel().catch(() => undefined); // never read: a receiver cannot make us wait on its body
      if (response.ok) return { ok: true, attempts: attempt, status: response.status };
      last = { ok: false, attempts: attempt, status: response.status, error: `The receiver answered ${response.status}.` };
      if (response.status !== 429 && response.status < 500) return last;
    } catch (error) {
      if (deps.signal?.aborted) throw deps.signal.reason;
      last = { ok: false, attempts: attempt, status: null, error: `The receiver could not be reached (${error instanceof Error ? error.name : "error"}).` };
    }
    if (attempt < max) await sleep((deps.baseDelayMs ?? WEBHOOK_BASE_DELAY_MS) * 2 ** (attempt - 1), deps.signal);
  }
  return last;
}
