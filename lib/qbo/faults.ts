// QBO errors, classified by HTTP status and Fault code (never by message text).
// Shapes handled (reference qbo-api.md §5.1–5.2): `{Fault:{Error:[…],type}}`, the gateway's lower-case
// `{fault:{error:[…],type}}`, and the XML throttle body `<Fault type="SERVICE"><Error code="3001">…`.
import { z } from "zod";

const faultErrorSchema = z.object({
  Message: z.string().optional(),
  message: z.string().optional(),
  Detail: z.string().optional(),
  detail: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  element: z.string().optional(),
});

export const faultBodySchema = z.object({
  type: z.string().optional(),
  Error: z.array(faultErrorSchema).optional(),
  error: z.array(faultErrorSchema).optional(),
});

export const faultEnvelopeSchema = z.union([
  z.object({ Fault: faultBodySchema }).transform((v) => v.Fault),
  z.object({ fault: faultBodySchema }).transform((v) => v.fault),
]);

export type FaultBody = z.infer<typeof faultBodySchema>;

export const QBO_FAULT_CODE = {
  authenticationFailed: "3200",
  generalAuthentication: "100",
  authorizationFailure: "120",
  throttleExceeded: "3001",
  objectNotFound: "610",
  invalidReference: "2500",
  staleObject: "5010",
  accountPeriodClosed: "6210",
  duplicateName: "6240",
} as const;

export type QboFaultKind =
  | "auth" // token expired or invalid: refresh once and retry
  | "throttle" // 429: wait and retry
  | "server" // 5xx: retry with backoff
  | "timeout" // no answer in time: outcome unknown for writes
  | "network" // could not reach QBO
  | "validation" // the request itself is refused: never retried
  | "forbidden" // permission or company problem
  | "not_found"
  | "malformed"; // a 2xx answer we could not read

export class QboFault extends Error {
  readonly kind: QboFaultKind;
  readonly status: number;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly element: string | undefined;
  readonly intuitTid: string | undefined;

  constructor(init: {
    kind: QboFaultKind;
    status: number;
    message: string;
    type?: string;
    code?: string;
    detail?: string;
    element?: string;
    intuitTid?: string;
  }) {
    super(init.message);
    this.name = "QboFault";
    this.kind = init.kind;
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.detail = init.detail;
    this.element = init.element;
    this.intuitTid = init.intuitTid;
  }

  /** Safe to send again: the request was not processed (throttle, auth) or the answer says try later. */
  get retryable(): boolean {
    return this.kind === "throttle" || this.kind === "server" || this.kind === "timeout" || this.kind === "network";
  }

  /** The write may have happened even though we got no success answer. */
  get outcomeUnknown(): boolean {
    return this.kind === "timeout" || this.kind === "network" || (this.kind === "server" && this.status !== 503);
  }

  toJSON() {
    return { kind: this.kind, status: this.status, type: this.type, code: this.code, message: this.message, detail: this.detail, element: this.element, intuitTid: this.intuitTid };
  }
}

function classify(status: number, code: string | undefined, type: string | undefined): QboFaultKind {
  if (status === 429 || code === QBO_FAULT_CODE.throttleExceeded) return "throttle";
  if (status === 401 || code === QBO_FAULT_CODE.authenticationFailed || code === QBO_FAULT_CODE.generalAuthentication) return "auth";
  if (status >= 500) return "server";
  if (status === 403 || type === "AuthorizationFault") return "forbidden";
  if (status === 404) return "not_found";
  return "validation";
}

const XML_ERROR_CODE = /<Error[^>]*\bcode="(\d+)"/i;
const XML_FAULT_TYPE = /<Fault[^>]*\btype="([^"]+)"/i;
const XML_MESSAGE = /<Message>([\s\S]*?)<\/Message>/i;

/** A Fault from one item of a batch response (HTTP 200 overall) or from an error body. */
export function faultFromBody(status: number, body: FaultBody, intuitTid?: string): QboFault {
  const first = (body.Error ?? body.error ?? [])[0];
  const code = first?.code === undefined ? undefined : String(first.code);
  const message = first?.Message ?? first?.message ?? `QuickBooks answered HTTP ${status}`;
  return new QboFault({
    kind: classify(status, code, body.type),
    status,
    message,
    type: body.type,
    code,
    detail: first?.Detail ?? first?.detail,
    element: first?.element || undefined,
    intuitTid,
  });
}

/** Turns a non-2xx response body (JSON in either shape, XML, or anything else) into a QboFault. */
export function faultFromResponse(status: number, text: string, intuitTid?: string): QboFault {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const parsed = faultEnvelopeSchema.safeParse(JSON.parse(trimmed));
      if (parsed.success) return faultFromBody(status, parsed.data, intuitTid);
    } catch {
      // fall through to the generic fault below
    }
  }
  if (trimmed.startsWith("<")) {
    const code = XML_ERROR_CODE.exec(trimmed)?.[1];
    const type = XML_FAULT_TYPE.exec(trimmed)?.[1];
    const message = XML_MESSAGE.exec(trimmed)?.[1]?.trim() ?? `QuickBooks answered HTTP ${status}`;
    // Intuit has returned the throttle fault with status 403 too (reference §5.1).
    const effectiveStatus = code === QBO_FAULT_CODE.throttleExceeded ? 429 : status;
    return new QboFault({ kind: classify(effectiveStatus, code, type), status, message, type, code, intuitTid });
  }
  return new QboFault({ kind: classify(status, undefined, undefined), status, message: `QuickBooks answered HTTP ${status}`, intuitTid });
}
