// The one QBO API client: fetch + minorversion + zod + typed faults + pacing + retries + token refresh.
// Everything that talks to a company goes through `createQboClient`.
import type { z } from "zod";
import { faultFromBody, faultFromResponse, QboFault } from "./faults";
import { getRealmPacer, type Pacer, type PermitRequest, type Ticket } from "./pace";
import {
  batchResponseSchema,
  cdcDeletedSchema,
  cdcResponseSchema,
  companyInfoSchema,
  preferencesSchema,
  QBO_ENTITY_SCHEMAS,
  QBO_MINOR_VERSION,
  type QboCdcDeleted,
  type QboEntity,
  type QboEntityName,
} from "./schemas";
import { sleep } from "@/lib/sleep";

/** Reference §7: CDC looks back at most 30 days and answers at most 1,000 objects per entity. */
export const QBO_CDC_MAX_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
export const QBO_CDC_MAX_OBJECTS = 1000;

export interface CdcResult<E extends QboEntityName> {
  changed: QboEntity<E>[];
  deleted: QboCdcDeleted[];
  /** The answer held the most objects CDC gives (1,000): there may be more; the caller must read them another way. */
  truncated: boolean;
}

export const QBO_REQUEST_TIMEOUT_MS = 30_000;
export const QBO_QUERY_PAGE_SIZE = 1000;
export const QBO_BATCH_MAX_OPS = 30;
const MAX_THROTTLE_RETRIES = 12;
const MAX_AUTH_RETRIES = 3;
const MAX_SERVER_RETRIES = 4;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;
/** requestid ≤ 50 chars, ≤ 36 on batch; bId ≤ 10 chars when a batch carries a requestid (reference §6). */
export { QBO_REQUEST_ID_MAX } from "@/db/types";
export const QBO_BATCH_REQUEST_ID_MAX = 36;

export interface TokenSource {
  /** A valid access token (refreshing ahead of expiry when needed). */
  getAccessToken(): Promise<string>;
  /** Called once after a 401: refresh now and return the new token. */
  refreshAfterUnauthorized(rejectedToken: string): Promise<string>;
}

export interface QboClientOptions {
  realmId: string;
  apiBaseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  pacer?: Pacer;
  timeoutMs?: number;
  /** Scales backoff waits in tests; 1 in production. */
  backoffScale?: number;
  random?: () => number;
}

export type BatchOperation<E extends QboEntityName = QboEntityName> =
  | { bId: string; operation: "create" | "update" | "delete"; entity: E; body: Record<string, unknown> }
  | { bId: string; query: string };

/**
 * One item's answer. `entity` is the created or updated object, parsed with its entity's schema
 * (an answer that does not parse — no SyncToken, say — is a `malformed` fault on that item); a
 * delete's answer carries none.
 */
export type BatchResult<E extends QboEntityName = QboEntityName> =
  | { bId: string; ok: true; entity?: QboEntity<E>; queryResponse?: Record<string, unknown> }
  | { bId: string; ok: false; fault: QboFault };

interface SendOptions {
  method: "GET" | "POST";
  path: string;
  params?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  requestId?: string;
  batchItems?: number;
  /**
   * Retry after a timeout or 5xx even though the request may have been processed. Reads are always
   * safe; writes only when the caller reconciles (lib/import/execute) or the operation is idempotent.
   */
  retryUnknownOutcome?: boolean;
  /** Interrupt / lost lease: no request leaves after this aborts, and every wait before one ends at once. */
  signal?: AbortSignal;
  /** Epoch ms after which the request is not sent any more (a claim's send deadline, lib/import/execute). */
  notAfter?: number;
}

/** Per-call options of the write and read methods. */
export interface CallOptions {
  signal?: AbortSignal;
  notAfter?: number;
}

/**
 * The request never left (aborted while it waited for the pacer or a back-off, or past its send
 * deadline): its outcome is known — nothing was written.
 */
export class QboRequestNotSent extends Error {
  constructor(readonly reason: "aborted" | "deadline") {
    super(reason === "aborted" ? "The request was not sent: the work was stopped" : "The request was not sent: its send deadline had passed");
    this.name = "QboRequestNotSent";
  }
}

/** A wait that ends early (rejecting with QboRequestNotSent) when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => {
    throw new QboRequestNotSent("aborted");
  });
}

/** A 429's ticket, so the pacer can tell a refused probe and read the server's Retry-After. */
const throttleTickets = new WeakMap<QboFault, { ticket: Ticket; permit: PermitRequest; retryAfterMs?: number }>();

/**
 * Retry-After (seconds or an HTTP date), in the pacer's time: a server running at the same time scale
 * as the pacer states it in its own seconds, so no conversion is needed beyond ms.
 */
export function retryAfterMs(headers: Headers, minuteMs: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(minuteMs, seconds * 1000);
}

/** A deterministic requestid: the same logical write always carries the same id (declared with the schema, which stores it). */
export { deterministicRequestId } from "@/db/types";

/** Single quotes in query values are escaped with a backslash (reference §3). */
export function qboQuote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export type QboClient = ReturnType<typeof createQboClient>;

/** The `intuit_tid` header of each parsed answer, so faults inside a batch answer can name it. */
const responseIntuitTid = new WeakMap<object, string>();

export function createQboClient(options: QboClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const pacer = options.pacer ?? getRealmPacer(options.realmId);
  const timeoutMs = options.timeoutMs ?? QBO_REQUEST_TIMEOUT_MS;
  const backoffScale = options.backoffScale ?? 1;
  const random = options.random ?? Math.random;
  const companyBase = `${options.apiBaseUrl.replace(/\/+$/, "")}/v3/company/${encodeURIComponent(options.realmId)}`;

  function backoffMs(attempt: number): number {
    const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    return (exp / 2 + random() * (exp / 2)) * backoffScale; // "equal jitter"
  }

  async function sendOnce(opts: SendOptions, token: string): Promise<unknown> {
    const url = new URL(`${companyBase}/${opts.path}`);
    url.searchParams.set("minorversion", QBO_MINOR_VERSION);
    for (const [k, v] of Object.entries(opts.params ?? {})) url.searchParams.set(k, v);
    if (opts.requestId) url.searchParams.set("requestid", opts.requestId);
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers["Content-Type"] = opts.contentType ?? "application/json";
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    }
    const permit = { batch: opts.batchItems !== undefined, items: opts.batchItems };
    // The answer is read and classified while the pacer holds the request, so it knows a 429 from a success.
    const gate = () => {
      if (opts.signal?.aborted) throw new QboRequestNotSent("aborted");
      if (opts.notAfter !== undefined && Date.now() > opts.notAfter) throw new QboRequestNotSent("deadline");
    };
    gate();
    // An abort ends the wait for the pacer's permit; a request that has left is never abandoned
    // (its answer is what tells us whether it was written).
    let started = false;
    const paced = pacer.run(permit, async (ticket) => {
      gate();
      started = true;
      let answer: Response;
      try {
        answer = await doFetch(url, { method: opts.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        throw new QboFault({
          kind: timedOut ? "timeout" : "network",
          status: 0,
          message: timedOut ? `QuickBooks did not answer within ${Math.round(timeoutMs / 1000)} s` : "Could not reach QuickBooks",
        });
      }
      const tid = answer.headers.get("intuit_tid") ?? undefined;
      let answerText: string;
      try {
        answerText = await answer.text();
      } catch {
        throw new QboFault({ kind: "timeout", status: answer.status, message: "QuickBooks stopped answering mid-response", intuitTid: tid });
      }
      if (!answer.ok) {
        const fault = faultFromResponse(answer.status, answerText, tid);
        if (fault.kind === "throttle") {
          ticket.throttled = true;
          throttleTickets.set(fault, { ticket, permit, retryAfterMs: retryAfterMs(answer.headers, pacer.minuteMs) });
        }
        throw fault;
      }
      return { response: answer, text: answerText, intuitTid: tid };
    });
    const signal = opts.signal;
    const { response, text, intuitTid } = !signal
      ? await paced
      : await new Promise<Awaited<typeof paced>>((resolve, reject) => {
          const onAbort = () => {
            if (!started) reject(new QboRequestNotSent("aborted"));
          };
          signal.addEventListener("abort", onAbort, { once: true });
          paced.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
        });
    try {
      const parsed = JSON.parse(text) as unknown;
      if (intuitTid && parsed && typeof parsed === "object") responseIntuitTid.set(parsed, intuitTid);
      return parsed;
    } catch {
      throw new QboFault({ kind: "malformed", status: response.status, message: "QuickBooks sent an answer that is not JSON", intuitTid });
    }
  }

  async function send(opts: SendOptions): Promise<unknown> {
    let token = await options.tokens.getAccessToken();
    let authRetries = 0;
    let throttles = 0;
    let serverErrors = 0;
    for (;;) {
      try {
        return await sendOnce(opts, token);
      } catch (error) {
        if (!(error instanceof QboFault)) throw error;
        // A 401: refresh once and retry. Later 401s are retried only when the token has changed meanwhile
        // (another request refreshed it while this one was in flight); a token refreshed for us and still refused
        // surfaces.
        if (error.kind === "auth" && authRetries < MAX_AUTH_RETRIES) {
          authRetries++;
          const rejected = token;
          token = authRetries === 1 ? await options.tokens.refreshAfterUnauthorized(rejected) : await options.tokens.getAccessToken();
          if (token !== rejected) continue;
        }
        if (error.kind === "throttle" && throttles < MAX_THROTTLE_RETRIES) {
          throttles++;
          // A 429 means the request was not processed: always safe to send again, once the window has room.
          // The pacer decides how long the realm pauses (the server's Retry-After, else its own log) and
          // learns from it (a probe refused, or batch items counted after all).
          const seen = throttleTickets.get(error);
          const wait = seen ? pacer.throttled(seen.ticket, seen.permit, seen.retryAfterMs) : pacer.minuteMs / 20;
          await abortableSleep(wait, opts.signal);
          continue;
        }
        const unknown = error.outcomeUnknown && opts.method === "POST" && !opts.retryUnknownOutcome;
        if (error.retryable && !unknown && serverErrors < MAX_SERVER_RETRIES) {
          serverErrors++;
          await abortableSleep(backoffMs(serverErrors), opts.signal);
          continue;
        }
        throw error;
      }
    }
  }

  function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new QboFault({ kind: "malformed", status: 200, message: `QuickBooks sent a ${what} we could not read`, detail: parsed.error.message });
    }
    return parsed.data;
  }

  function entityOf<E extends QboEntityName>(entity: E, envelope: unknown): QboEntity<E> {
    const inner = (envelope as Record<string, unknown> | null)?.[entity];
    return parse(QBO_ENTITY_SCHEMAS[entity], inner, entity) as QboEntity<E>;
  }

  /** `SELECT * FROM <entity> [WHERE …]`, every page (1,000 rows each), parsed. */
  async function query<E extends QboEntityName>(entity: E, where = "", orderBy = "Id", call: Pick<CallOptions, "signal"> = {}): Promise<QboEntity<E>[]> {
    const rows: QboEntity<E>[] = [];
    for (let start = 1; ; start += QBO_QUERY_PAGE_SIZE) {
      const statement = `SELECT * FROM ${entity}${where ? ` WHERE ${where}` : ""} ORDERBY ${orderBy} STARTPOSITION ${start} MAXRESULTS ${QBO_QUERY_PAGE_SIZE}`;
      // POST with application/text avoids URL-length limits (reference §3).
      const envelope = (await send({ method: "POST", path: "query", body: statement, contentType: "application/text", retryUnknownOutcome: true, signal: call.signal })) as {
        QueryResponse?: Record<string, unknown>;
      };
      const page = envelope.QueryResponse?.[entity];
      const list = page === undefined ? [] : parse(QBO_ENTITY_SCHEMAS[entity].array(), page, `${entity} list`);
      rows.push(...(list as QboEntity<E>[]));
      if (list.length < QBO_QUERY_PAGE_SIZE) return rows;
    }
  }

  async function read<E extends QboEntityName>(entity: E, id: string): Promise<QboEntity<E>> {
    return entityOf(entity, await send({ method: "GET", path: `${entity.toLowerCase()}/${encodeURIComponent(id)}` }));
  }

  async function create<E extends QboEntityName>(entity: E, body: Record<string, unknown>, requestId: string, opts: CallOptions = {}) {
    return entityOf(entity, await send({ method: "POST", path: entity.toLowerCase(), body, requestId, ...opts }));
  }

  /** Full update (TimeActivity's sparse update is unreliable, reference §2.1): body carries Id + current SyncToken. */
  async function update<E extends QboEntityName>(entity: E, body: Record<string, unknown>, requestId: string, opts: CallOptions = {}) {
    return entityOf(entity, await send({ method: "POST", path: entity.toLowerCase(), body, requestId, ...opts }));
  }

  async function remove(entity: QboEntityName, id: string, syncToken: string, requestId: string, opts: CallOptions = {}) {
    await send({ method: "POST", path: entity.toLowerCase(), params: { operation: "delete" }, body: { Id: id, SyncToken: syncToken }, requestId, ...opts });
  }

  /** Up to 30 operations in one request; results matched by bId (items run in no guaranteed order). */
  async function batch<E extends QboEntityName = QboEntityName>(ops: BatchOperation<E>[], requestId?: string, opts: CallOptions = {}): Promise<Map<string, BatchResult<E>>> {
    if (ops.length === 0) return new Map();
    if (ops.length > QBO_BATCH_MAX_OPS) throw new RangeError(`A QBO batch holds at most ${QBO_BATCH_MAX_OPS} operations`);
    const BatchItemRequest = ops.map((op) =>
      "query" in op ? { bId: op.bId, Query: op.query } : { bId: op.bId, operation: op.operation, [op.entity]: op.body },
    );
    const raw = await send({ method: "POST", path: "batch", body: { BatchItemRequest }, requestId, batchItems: ops.length, ...opts });
    const envelope = parse(batchResponseSchema, raw, "batch response");
    const intuitTid = raw && typeof raw === "object" ? responseIntuitTid.get(raw) : undefined; // a batch item's Fault carries the batch's intuit_tid
    const results = new Map<string, BatchResult<E>>();
    for (const item of envelope.BatchItemResponse) {
      if (item.Fault) {
        results.set(item.bId, { bId: item.bId, ok: false, fault: faultFromBody(400, item.Fault, intuitTid) });
        continue;
      }
      const op = ops.find((o) => o.bId === item.bId);
      const answered = op && "entity" in op && op.operation !== "delete" ? item[op.entity] : undefined;
      if (op && "entity" in op && answered !== undefined) {
        const parsed = QBO_ENTITY_SCHEMAS[op.entity].safeParse(answered);
        if (!parsed.success) {
          const fault = new QboFault({ kind: "malformed", status: 200, message: `QuickBooks sent a ${op.entity} we could not read`, detail: parsed.error.message, intuitTid });
          results.set(item.bId, { bId: item.bId, ok: false, fault });
          continue;
        }
        results.set(item.bId, { bId: item.bId, ok: true, entity: parsed.data as QboEntity<E>, queryResponse: item.QueryResponse });
        continue;
      }
      results.set(item.bId, { bId: item.bId, ok: true, queryResponse: item.QueryResponse });
    }
    return results;
  }

  /**
   * Change Data Capture for one entity since `changedSince` (≤ 30 days back, reference §7): the
   * objects changed, and the deleted ones (`status: "Deleted"`, Id and MetaData only), parsed.
   */
  async function cdc<E extends QboEntityName>(entity: E, changedSince: Date): Promise<CdcResult<E>> {
    const envelope = parse(
      cdcResponseSchema,
      await send({ method: "GET", path: "cdc", params: { entities: entity, changedSince: changedSince.toISOString() } }),
      "change data capture answer",
    );
    const changed: QboEntity<E>[] = [];
    const deleted: QboCdcDeleted[] = [];
    let count = 0;
    let total = 0;
    for (const block of envelope.CDCResponse) {
      for (const response of block.QueryResponse ?? []) {
        const list = response[entity];
        if (typeof response.totalCount === "number") total += response.totalCount;
        if (list === undefined) continue;
        if (!Array.isArray(list)) throw new QboFault({ kind: "malformed", status: 200, message: `QuickBooks sent a ${entity} change list we could not read` });
        for (const item of list) {
          count += 1;
          if ((item as { status?: unknown } | null)?.status === "Deleted") deleted.push(parse(cdcDeletedSchema, item, `deleted ${entity}`));
          else changed.push(parse(QBO_ENTITY_SCHEMAS[entity], item, entity) as QboEntity<E>);
        }
      }
    }
    return { changed, deleted, truncated: count >= QBO_CDC_MAX_OBJECTS || total > count };
  }

  async function companyInfo() {
    const envelope = (await send({ method: "GET", path: `companyinfo/${encodeURIComponent(options.realmId)}` })) as { CompanyInfo?: unknown };
    return parse(companyInfoSchema, envelope.CompanyInfo, "CompanyInfo");
  }

  async function preferences() {
    const envelope = (await send({ method: "GET", path: "preferences" })) as { Preferences?: unknown };
    return parse(preferencesSchema, envelope.Preferences, "Preferences");
  }

  return { realmId: options.realmId, pacer, query, read, create, update, remove, batch, cdc, companyInfo, preferences };
}
