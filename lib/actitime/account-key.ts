// Which actiTIME an address names. One actiTIME is one account however its address is typed:
// http or https, a trailing dot on the host, /api/v1, letter case, the default port. The key is
// what sign-in, /launch and the accounts query compare; the base URL stays what the app calls.
import { normalizeActitimeBaseUrl } from "./client";

const DEFAULT_PORTS = new Set(["80", "443"]);

/**
 * `HTTPS://Online.ActiTIME.com.:443/Acme/api/v1/` → `online.actitime.com/acme`. Throws ActitimeError
 * (invalid_url) for what normalizeActitimeBaseUrl refuses. The database computes the same key from
 * accounts.base_url (db/schema/accounts.ts); tests/actitime/account-key.test.ts holds the two equal.
 */
export function actitimeAccountKey(input: string): string {
  const url = new URL(normalizeActitimeBaseUrl(input));
  const host = url.hostname.replace(/\.$/, "");
  const port = url.port && !DEFAULT_PORTS.has(url.port) ? `:${url.port}` : "";
  return `${host}${port}${url.pathname.replace(/\/+$/, "")}`.toLowerCase();
}

/** Whether two addresses name the same actiTIME (false when either is not a valid address). */
export function sameActitimeAccount(a: string, b: string): boolean {
  try {
    return actitimeAccountKey(a) === actitimeAccountKey(b);
  } catch {
    return false;
  }
}
