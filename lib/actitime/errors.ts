// Typed errors for everything that can go wrong talking to actiTIME. Callers branch on `code`,
// never on message text. Messages are written for a bookkeeper and must never contain the
// password or the Authorization header: nothing secret is ever passed in here.

export type ActitimeErrorCode =
  | "invalid_url"
  /** The outbound guard (lib/actitime/outbound.ts) will not send anything to this address. */
  | "refused"
  | "unreachable"
  | "not_actitime"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "bad_request"
  | "rate_limited"
  | "malformed"
  | "timeout"
  | "too_large"
  | "server_error";

export interface ActitimeErrorDetails {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** actiTIME's error `key`, when its error body was readable. */
  key?: string;
  /** API path that failed, without query string (no secrets live there). */
  path?: string;
  cause?: unknown;
}

export class ActitimeError extends Error {
  readonly code: ActitimeErrorCode;
  readonly status: number | undefined;
  readonly key: string | undefined;
  readonly path: string | undefined;

  constructor(code: ActitimeErrorCode, message: string, details: ActitimeErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ActitimeError";
    this.code = code;
    this.status = details.status;
    this.key = details.key;
    this.path = details.path;
  }
}

export function isActitimeError(error: unknown): error is ActitimeError {
  return error instanceof ActitimeError;
}
