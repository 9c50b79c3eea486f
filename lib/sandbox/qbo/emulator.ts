/**
 * QuickBooks Online emulator: answers Fetch API Requests for Intuit OAuth 2.0 and the v3 API.
 * Routing is by path suffix so it works under any base URL:
 *   GET  …/oauth2/authorize        POST …/oauth2/tokens/bearer        POST …/oauth2/tokens/revoke
 *   …/v3/company/{realmId}/{query|preferences|companyinfo/{realmId}|batch|<entity>[/{id}]}
 */
import { randomUUID } from "node:crypto";
import { CDC_MAX_LOOKBACK_MS, canonicalEntityName, Company, type CompanyData, type CompanyRules, type CompanySettings, type EntityName, type WriteContext } from "./company";
import { authenticationFailedBody, faults, QboFault, throttleJsonBody, throttleXmlBody } from "./faults";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json";
import { DEFAULT_LIMITS, MINUTE_MS, RealmLimiter, type QboLimits, type ThrottleReason } from "./limits";
import { DEFAULT_REFRESH_TOKEN_GRACE_MS, OAuthServer, type OAuthData } from "./oauth";
import { createPrng } from "@/lib/prng";
import { parseQuery } from "./query";
import { buildCompany, SEED_COMPANIES, type CompanySeed } from "./seed";
import { formatQboDateTime, parseQboInstant } from "./time";
import { sleep } from "@/lib/sleep";

/** Reference §4: at most 30 items per batch request. */
export const BATCH_MAX_ITEMS = 30;
/** Reference §6: requestid ≤ 50 chars, ≤ 36 on a batch. */
export const REQUEST_ID_MAX_CHARS = 50;
export const BATCH_REQUEST_ID_MAX_CHARS = 36;
/** intuit-oauth's default API timeout is 30 s (reference §1.7); a default hang must outlast it. */
export const DEFAULT_HANG_MS = 35_000;

export interface QboFaultSettings {
  /** Share (0–1) of API requests answered 500/503 before doing any work. */
  serverErrorShare: number;
  /** Share (0–1) of API requests that hang for `hangMs`. */
  timeoutShare: number;
  /** "after-write": the write is done (and remembered for requestid replay) before the hang. */
  timeoutMode: "before-write" | "after-write";
  hangMs: number;
  /** Access tokens stop working (401/3200) after this many API calls; null = only the 3600 s expiry. */
  expireAccessTokenAfterCalls: number | null;
  /** Reference §6: replay is advertised but reported unreliable; false = the write happens again. */
  replayRequestId: boolean;
  /** Share (0–1) of 429 answers with the XML body of reference §5.1. */
  xmlThrottleShare: number;
  /** Reference §4: batch items run in no guaranteed order; true shuffles BatchItemResponse. */
  shuffleBatchResponses: boolean;
  /** Seed of the PRNG that drives every share above (reseeded whenever `faults` is assigned). */
  seed: number;
}

export const DEFAULT_FAULT_SETTINGS: QboFaultSettings = {
  serverErrorShare: 0,
  timeoutShare: 0,
  timeoutMode: "before-write",
  hangMs: DEFAULT_HANG_MS,
  expireAccessTokenAfterCalls: null,
  replayRequestId: true,
  xmlThrottleShare: 0,
  shuffleBatchResponses: false,
  seed: 1,
};

export interface QboEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Registered redirect URIs; omitted = any http(s) URI. */
  redirectUris?: string[];
  /** How long a superseded refresh token keeps working (default 24 h, reference §0). */
  refreshTokenGraceMs?: number;
  /** Emulator clock (epoch ms) for MetaData, token expiry and rate windows. */
  now?: () => number;
  /** Companies to start with; default the two seeded sandbox companies. */
  companies?: CompanySeed[];
  /** false disables throttling (unit tests); otherwise overrides of Intuit's numbers. */
  limits?: false | Partial<QboLimits>;
  /** 60 means one emulated minute passes in one second of the `now()` clock. */
  timeScale?: number;
  /** Reference §4: whether a batch counts once toward 500/min or once per item [I]. Default "item". */
  batchCounting?: "request" | "item";
  /** Real milliseconds each API request takes, so concurrency can build up. */
  latencyMs?: number;
  /**
   * Send `Retry-After` (seconds on the emulator clock, fractional when scaled) with a 429: Intuit documents
   * none (reference §5.1), so off by default; on, it tests that the app honours the server's hint.
   */
  retryAfter?: boolean;
  fractionalHours?: CompanyRules["fractionalHours"];
  billableWithoutRate?: CompanyRules["billableWithoutRate"];
  /** A ClassRef / DepartmentRef sent while the company does not track them [I]; default "keep". */
  dimensionWithoutTracking?: CompanyRules["dimensionWithoutTracking"];
  /** Initial fault settings; also `replayRequestId` and `xmlThrottleShare` directly as switches. */
  faults?: Partial<QboFaultSettings>;
  replayRequestId?: boolean;
  xmlThrottleShare?: number;
}

export interface QboRealmStats {
  /** Every API request that passed authentication, throttled or not. */
  requests: number;
  query: number;
  read: number;
  create: number;
  update: number;
  delete: number;
  batch: number;
  batchItems: number;
  /** Change Data Capture requests. */
  cdc: number;
  /** Token-endpoint exchanges (authorization_code and refresh_token grants) and revokes. */
  token: number;
  revoke: number;
  throttled: number;
  unauthorized: number;
  replayed: number;
  /** Validation/business Faults answered (HTTP 400 or batch item Fault). */
  faults: number;
  injectedServerErrors: number;
  injectedTimeouts: number;
  maxConcurrency: number;
}

export interface QboSnapshot {
  version: 1;
  companies: CompanyData[];
  oauth: OAuthData;
}

export type ListableEntity = EntityName;

export interface QboEmulator {
  handle(request: Request): Promise<Response>;
  /** Current fault settings; assign a partial object to change them (unset keys return to defaults). */
  get faults(): QboFaultSettings;
  set faults(value: Partial<QboFaultSettings>);
  stats(realmId: string): QboRealmStats;
  allStats(): Record<string, QboRealmStats>;
  resetStats(): void;
  snapshot(): QboSnapshot;
  restore(snapshot: QboSnapshot | string): void;
  /** Back to the initial companies; tokens, stats and requestid memory cleared. */
  reset(): void;
  addCompany(seed: CompanySeed): string;
  companies(): { realmId: string; companyName: string }[];
  list(realmId: string, kind: ListableEntity): JsonObject[];
  get(realmId: string, kind: ListableEntity, id: string): JsonObject | undefined;
  settings(realmId: string): CompanySettings;
  /** What invoicing does: BillableStatus becomes HasBeenBilled, SyncToken bumps. */
  markBilled(realmId: string, ids: string[]): JsonObject[];
  /** An edit made by a person inside QBO (no SyncToken check; bumps SyncToken). */
  editTimeActivity(realmId: string, id: string, patch: JsonObject, modifiedBy?: string): JsonObject;
  deleteTimeActivity(realmId: string, id: string): void;
  /** Inserts TimeActivities directly (seeding large companies for benchmarks); returns their Ids. */
  insertTimeActivities(realmId: string, bodies: JsonObject[]): string[];
  /** A Vendor added inside QuickBooks by its admin (sandbox control); returns its Id. */
  addVendor(realmId: string, displayName: string): string;
  setPayroll(realmId: string, on: boolean): void;
  setTimeTracking(realmId: string, on: boolean): void;
  setBookCloseDate(realmId: string, date: string | null): void;
  updateSettings(realmId: string, patch: Partial<CompanySettings>): void;
  /** Every API answer waits this long (0: none); for demos and browser tests of work in progress. */
  setLatency(ms: number): void;
  /** Makes every access token of the realm expire now (the app must refresh). */
  expireAccessTokens(realmId: string): void;
}

interface ApiResult {
  status: number;
  body: JsonObject;
}

interface StoredResponse {
  fingerprint: string;
  result: ApiResult;
}

const JSON_HEADERS = { "content-type": "application/json;charset=UTF-8" };

function emptyStats(): QboRealmStats {
  return {
    requests: 0,
    query: 0,
    read: 0,
    create: 0,
    update: 0,
    delete: 0,
    batch: 0,
    batchItems: 0,
    cdc: 0,
    token: 0,
    revoke: 0,
    throttled: 0,
    unauthorized: 0,
    replayed: 0,
    faults: 0,
    injectedServerErrors: 0,
    injectedTimeouts: 0,
    maxConcurrency: 0,
  };
}

function jsonResponse(status: number, body: JsonValue): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, intuit_tid: randomUUID() } });
}

/** Waits `ms`, ending early (without an error) when the request is aborted. */
const wait = (ms: number, signal: AbortSignal | undefined) => sleep(ms, signal).catch(() => {});

function parseJsonBody(text: string): JsonObject {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isJsonObject(parsed)) return parsed;
  } catch {
    // fall through to the fault below
  }
  throw faults.invalidProperty("", "Request body is not a JSON object");
}

function entityKey(item: JsonObject): EntityName | undefined {
  for (const key of Object.keys(item)) {
    const kind = canonicalEntityName(key);
    if (kind && key === kind) return kind;
  }
  return undefined;
}

class Emulator implements QboEmulator {
  private readonly now: () => number;
  private readonly seeds: CompanySeed[];
  private readonly limits: QboLimits | null;
  private readonly windowMs: number;
  private readonly batchCounting: "request" | "item";
  private latencyMs: number;
  private readonly retryAfter: boolean;
  private readonly rules: CompanyRules;
  private readonly oauth: OAuthServer;
  private readonly initialFaults: QboFaultSettings;
  private faultSettings: QboFaultSettings;
  private random: () => number;
  private realms = new Map<string, Company>();
  private limiters = new Map<string, RealmLimiter>();
  private statsByRealm = new Map<string, QboRealmStats>();
  private replays = new Map<string, StoredResponse>();

  constructor(options: QboEmulatorOptions) {
    this.now = options.now ?? Date.now;
    this.seeds = options.companies ?? SEED_COMPANIES;
    this.limits = options.limits === false ? null : { ...DEFAULT_LIMITS, ...options.limits };
    this.windowMs = MINUTE_MS / (options.timeScale ?? 1);
    this.batchCounting = options.batchCounting ?? "item";
    this.latencyMs = options.latencyMs ?? 0;
    this.retryAfter = options.retryAfter ?? false;
    this.rules = { fractionalHours: options.fractionalHours ?? "truncate", billableWithoutRate: options.billableWithoutRate ?? "reject", dimensionWithoutTracking: options.dimensionWithoutTracking ?? "keep" };
    this.oauth = new OAuthServer({
      clientId: options.clientId ?? "sandbox-client-id",
      clientSecret: options.clientSecret ?? "sandbox-client-secret",
      redirectUris: options.redirectUris ?? [],
      refreshTokenGraceMs: options.refreshTokenGraceMs ?? DEFAULT_REFRESH_TOKEN_GRACE_MS,
    });
    this.initialFaults = {
      ...DEFAULT_FAULT_SETTINGS,
      ...(options.replayRequestId !== undefined ? { replayRequestId: options.replayRequestId } : {}),
      ...(options.xmlThrottleShare !== undefined ? { xmlThrottleShare: options.xmlThrottleShare } : {}),
      ...options.faults,
    };
    this.faultSettings = { ...this.initialFaults };
    this.random = createPrng(this.faultSettings.seed);
    this.reset();
  }

  get faults(): QboFaultSettings {
    return { ...this.faultSettings };
  }

  set faults(value: Partial<QboFaultSettings>) {
    this.faultSettings = { ...this.initialFaults, ...value };
    this.random = createPrng(this.faultSettings.seed);
  }

  // ------------------------------------------------------------------ HTTP entry point

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method.toUpperCase();
    if (path.endsWith("/oauth2/authorize") || path.endsWith("/connect/oauth2")) {
      if (method !== "GET") return new Response(null, { status: 405 });
      return this.oauth.authorize(url, this.companies(), this.now());
    }
    if (path.endsWith("/oauth2/tokens/bearer")) {
      if (method !== "POST") return new Response(null, { status: 405 });
      const outcome = await this.oauth.token(request, this.now());
      if (outcome.realmId) this.statsFor(outcome.realmId).token += 1;
      return outcome.response;
    }
    if (path.endsWith("/oauth2/tokens/revoke")) {
      if (method !== "POST") return new Response(null, { status: 405 });
      const outcome = await this.oauth.revoke(request);
      if (outcome.realmId) this.statsFor(outcome.realmId).revoke += 1;
      return outcome.response;
    }
    const match = /\/v3\/company\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (match?.[1]) return this.handleApi(request, url, method, decodeURIComponent(match[1]), (match[2] ?? "").split("/").filter(Boolean));
    return jsonResponse(404, { error: "not_found", path });
  }

  private async handleApi(request: Request, url: URL, method: string, realmId: string, rest: string[]): Promise<Response> {
    const time = formatQboDateTime(this.now());
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const company = this.realms.get(realmId);
    const access = this.oauth.checkAccess(bearer, realmId, this.now(), this.faultSettings.expireAccessTokenAfterCalls);
    if (!access.ok) {
      if (company) this.statsFor(realmId).unauthorized += 1;
      if (access.reason === "wrong-realm") return jsonResponse(403, faults.authorizationFailed().toBody(time));
      return jsonResponse(401, authenticationFailedBody(time));
    }
    if (!company) return jsonResponse(403, faults.authorizationFailed().toBody(time));

    const stats = this.statsFor(realmId);
    stats.requests += 1;
    const bodyText = method === "POST" ? await request.text() : "";
    const resource = (rest[0] ?? "").toLowerCase();
    const isBatch = resource === "batch" && method === "POST";

    const limiter = this.limiterFor(realmId);
    if (this.limits) {
      const weight = isBatch && this.batchCounting === "item" ? Math.max(1, this.countBatchItems(bodyText)) : 1;
      const reason = limiter.admit(this.limits, this.now(), this.windowMs, weight, isBatch);
      if (reason) {
        stats.throttled += 1;
        const response = this.throttled(reason, time);
        if (this.retryAfter && reason !== "concurrency") {
          const ms = limiter.retryAfterMs(this.limits, this.now(), this.windowMs, weight, isBatch);
          response.headers.set("retry-after", String(Math.ceil(ms) / 1000));
        }
        return response;
      }
    }

    limiter.inFlight += 1;
    stats.maxConcurrency = Math.max(stats.maxConcurrency, limiter.inFlight);
    try {
      if (this.latencyMs > 0) await wait(this.latencyMs, request.signal);
      return await this.execute(request, url, method, company, rest, bodyText, isBatch);
    } finally {
      limiter.inFlight -= 1;
    }
  }

  private async execute(
    request: Request,
    url: URL,
    method: string,
    company: Company,
    rest: string[],
    bodyText: string,
    isBatch: boolean,
  ): Promise<Response> {
    const stats = this.statsFor(company.realmId);
    const requestId = url.searchParams.get("requestid");
    const replayKey = requestId ? `${company.realmId}|${requestId}` : undefined;
    const fingerprint = `${method} ${rest.join("/")}?${url.searchParams.get("operation") ?? ""}|${bodyText}`;
    if (requestId) {
      const max = isBatch ? BATCH_REQUEST_ID_MAX_CHARS : REQUEST_ID_MAX_CHARS;
      if (requestId.length > max) return this.faultResponse(faults.stringTooLong("requestid", max, requestId.length), stats);
    }
    if (replayKey && this.faultSettings.replayRequestId) {
      const stored = this.replays.get(replayKey);
      if (stored) {
        // Reference §6: the same requestid gets the first response back, without doing the work again.
        if (stored.fingerprint !== fingerprint) return this.faultResponse(faults.duplicateRequestId(requestId ?? ""), stats);
        stats.replayed += 1;
        return jsonResponse(stored.result.status, { ...stored.result.body, time: formatQboDateTime(this.now()) });
      }
    }

    if (this.faultSettings.serverErrorShare > 0 && this.random() < this.faultSettings.serverErrorShare) {
      stats.injectedServerErrors += 1;
      const status = this.random() < 0.5 ? 500 : 503;
      return jsonResponse(status, { ...faults.serverError().toBody(formatQboDateTime(this.now())) });
    }
    const hang = this.faultSettings.timeoutShare > 0 && this.random() < this.faultSettings.timeoutShare;
    if (hang && this.faultSettings.timeoutMode === "before-write") {
      stats.injectedTimeouts += 1;
      await wait(this.faultSettings.hangMs, request.signal);
      return jsonResponse(504, faults.serverError().toBody(formatQboDateTime(this.now())));
    }

    const result = this.dispatch(url, method, company, rest, bodyText);
    if (replayKey) this.replays.set(replayKey, { fingerprint, result: { status: result.status, body: cloneJson(result.body) } });
    if (hang) {
      // The write is done and remembered; the client gives up before the answer arrives.
      stats.injectedTimeouts += 1;
      await wait(this.faultSettings.hangMs, request.signal);
    }
    return jsonResponse(result.status, result.body);
  }

  private faultResponse(fault: QboFault, stats: QboRealmStats): Response {
    stats.faults += 1;
    return jsonResponse(fault.httpStatus, fault.toBody(formatQboDateTime(this.now())));
  }

  private throttled(reason: ThrottleReason, time: string): Response {
    // Reference §5.1: the throttle body has come back as XML even when JSON was requested.
    if (this.faultSettings.xmlThrottleShare > 0 && this.random() < this.faultSettings.xmlThrottleShare) {
      return new Response(throttleXmlBody(time), { status: 429, headers: { "content-type": "application/xml", intuit_tid: randomUUID() } });
    }
    return jsonResponse(429, throttleJsonBody(time, `Request throttled: ${reason} limit exceeded for this company`));
  }

  private countBatchItems(bodyText: string): number {
    try {
      const parsed: unknown = JSON.parse(bodyText);
      if (isJsonObject(parsed) && Array.isArray(parsed["BatchItemRequest"])) return parsed["BatchItemRequest"].length;
    } catch {
      // malformed bodies are answered by the batch handler
    }
    return 1;
  }

  // ------------------------------------------------------------------ API operations

  private dispatch(url: URL, method: string, company: Company, rest: string[], bodyText: string): ApiResult {
    const stats = this.statsFor(company.realmId);
    const time = formatQboDateTime(this.now());
    try {
      const body = this.route(url, method, company, rest, bodyText, stats);
      return { status: 200, body: { ...body, time } };
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      stats.faults += 1;
      return { status: error.httpStatus, body: error.toBody(time) };
    }
  }

  private route(url: URL, method: string, company: Company, rest: string[], bodyText: string, stats: QboRealmStats): JsonObject {
    const resource = (rest[0] ?? "").toLowerCase();
    if (resource === "query") {
      const query = method === "POST" ? bodyText : url.searchParams.get("query") ?? "";
      stats.query += 1;
      if (!query.trim()) throw faults.queryParser("query is empty");
      return { QueryResponse: company.query(parseQuery(query)) };
    }
    if (resource === "preferences" && method === "GET") {
      stats.read += 1;
      return { Preferences: company.preferences() };
    }
    if (resource === "companyinfo" && method === "GET") {
      stats.read += 1;
      if (rest[1] !== company.realmId) throw faults.objectNotFound("CompanyInfo", rest[1] ?? "");
      return { CompanyInfo: company.companyInfo() };
    }
    if (resource === "batch" && method === "POST") return this.batch(company, bodyText, stats);
    if (resource === "cdc" && method === "GET") return this.cdc(url, company, stats);

    const kind = canonicalEntityName(resource);
    if (!kind) throw faults.unsupportedOperation(`Unsupported path /${rest.join("/")}`);
    if (method === "GET") {
      const id = rest[1];
      if (!id || rest.length > 2) throw faults.unsupportedOperation(`GET /${rest.join("/")} is not supported`);
      stats.read += 1;
      return { [kind]: company.read(kind, decodeURIComponent(id)) };
    }
    if (method !== "POST" || rest.length > 1) throw faults.unsupportedOperation(`${method} /${rest.join("/")} is not supported`);
    const operation = url.searchParams.get("operation");
    const input = parseJsonBody(bodyText);
    return { [kind]: this.write(company, kind, operation, input, stats) };
  }

  private write(company: Company, kind: EntityName, operation: string | null, input: JsonObject, stats: QboRealmStats): JsonObject {
    const ctx = this.writeContext(false);
    if (operation === "delete") {
      stats.delete += 1;
      return company.remove(kind, input, ctx);
    }
    // Reference §2.0: a POST carrying Id is an update; `?operation=update` is accepted too.
    if (operation === "update" || (operation === null && input["Id"] !== undefined)) {
      stats.update += 1;
      return company.update(kind, input, ctx);
    }
    if (operation === null || operation === "create") {
      stats.create += 1;
      return company.create(kind, input, ctx);
    }
    throw faults.unsupportedOperation(`Operation ${operation} is not supported`);
  }

  /**
   * Reference §7: `GET cdc?entities=A,B&changedSince=<datetime>`, at most 30 days back. Inferred [I]:
   * the Fault for a look-back past 30 days or a bad datetime (a validation Fault naming
   * changedSince; Intuit's code is not in the reference).
   */
  private cdc(url: URL, company: Company, stats: QboRealmStats): JsonObject {
    stats.cdc += 1;
    const entities = (url.searchParams.get("entities") ?? "").split(",").map((e) => e.trim()).filter(Boolean);
    if (entities.length === 0) throw faults.requiredMissing("entities");
    const kinds = entities.map((e) => {
      const kind = canonicalEntityName(e);
      if (!kind) throw faults.invalidProperty("entities", `${e} is not an entity CDC knows`);
      return kind;
    });
    const changedSince = url.searchParams.get("changedSince");
    if (!changedSince) throw faults.requiredMissing("changedSince");
    const sinceMs = parseQboInstant(changedSince);
    if (sinceMs === undefined) throw faults.invalidProperty("changedSince", `changedSince ${changedSince} is not a datetime`);
    if (this.now() - sinceMs > CDC_MAX_LOOKBACK_MS) throw faults.invalidProperty("changedSince", "changedSince must be within the last 30 days");
    return company.cdc(kinds, sinceMs);
  }

  /** Reference §4: ≤ 30 items, each answered by bId with its own Fault; HTTP 200 overall. */
  private batch(company: Company, bodyText: string, stats: QboRealmStats): JsonObject {
    stats.batch += 1;
    const body = parseJsonBody(bodyText);
    const items = body["BatchItemRequest"];
    if (!Array.isArray(items)) throw faults.requiredMissing("BatchItemRequest");
    if (items.length > BATCH_MAX_ITEMS) {
      // The reference gives the limit but no code for exceeding it; 6000 with a Detail naming the limit.
      throw faults.businessValidation(`A batch request can hold at most ${BATCH_MAX_ITEMS} BatchItemRequest items; got ${items.length}`, "BatchItemRequest");
    }
    const seen = new Set<string>();
    for (const item of items) {
      const bId = isJsonObject(item) ? item["bId"] : undefined;
      if (typeof bId !== "string" || bId.length === 0) throw faults.requiredMissing("bId");
      if (seen.has(bId)) throw faults.businessValidation(`bId ${bId} is used more than once in this batch`, "bId");
      seen.add(bId);
    }
    stats.batchItems += items.length;
    const responses: JsonObject[] = items.filter(isJsonObject).map((item) => this.batchItem(company, item, stats));
    if (this.faultSettings.shuffleBatchResponses) {
      for (let i = responses.length - 1; i > 0; i -= 1) {
        const j = Math.floor(this.random() * (i + 1));
        const a = responses[i];
        const b = responses[j];
        if (a && b) {
          responses[i] = b;
          responses[j] = a;
        }
      }
    }
    return { BatchItemResponse: responses };
  }

  private batchItem(company: Company, item: JsonObject, stats: QboRealmStats): JsonObject {
    const bId = String(item["bId"]);
    try {
      const query = item["Query"];
      if (typeof query === "string") return { bId, QueryResponse: company.query(parseQuery(query)) };
      const kind = entityKey(item);
      const payload = kind ? item[kind] : undefined;
      if (!kind || !isJsonObject(payload)) throw faults.unsupportedOperation("Batch item needs an entity payload or a Query");
      const operation = item["operation"];
      if (operation !== "create" && operation !== "update" && operation !== "delete") {
        throw faults.unsupportedOperation(`Batch operation ${String(operation)} is not supported`);
      }
      const ctx = this.writeContext(false);
      const row =
        operation === "create"
          ? company.create(kind, payload, ctx)
          : operation === "update"
            ? company.update(kind, payload, ctx)
            : company.remove(kind, payload, ctx);
      return { bId, [kind]: row };
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      stats.faults += 1;
      const body = error.toBody("");
      const fault = body["Fault"];
      // Per-item Fault shape from reference §4: `{ type, Error: [...] }`.
      return { bId, Fault: isJsonObject(fault) ? { type: fault["type"], Error: fault["Error"] } : null };
    }
  }

  private writeContext(system: boolean): WriteContext {
    return { nowMs: this.now(), rules: this.rules, system };
  }

  // ------------------------------------------------------------------ state and control

  private statsFor(realmId: string): QboRealmStats {
    let stats = this.statsByRealm.get(realmId);
    if (!stats) {
      stats = emptyStats();
      this.statsByRealm.set(realmId, stats);
    }
    return stats;
  }

  private limiterFor(realmId: string): RealmLimiter {
    let limiter = this.limiters.get(realmId);
    if (!limiter) {
      limiter = new RealmLimiter();
      this.limiters.set(realmId, limiter);
    }
    return limiter;
  }

  private company(realmId: string): Company {
    const company = this.realms.get(realmId);
    if (!company) throw new Error(`Unknown realmId ${realmId}`);
    return company;
  }

  stats(realmId: string): QboRealmStats {
    return { ...this.statsFor(realmId) };
  }

  allStats(): Record<string, QboRealmStats> {
    return Object.fromEntries([...this.statsByRealm].map(([realmId, stats]) => [realmId, { ...stats }]));
  }

  resetStats(): void {
    this.statsByRealm = new Map();
  }

  snapshot(): QboSnapshot {
    return { version: 1, companies: [...this.realms.values()].map((c) => c.toData()), oauth: this.oauth.toData() };
  }

  restore(snapshot: QboSnapshot | string): void {
    const data: QboSnapshot = typeof snapshot === "string" ? (JSON.parse(snapshot) as QboSnapshot) : snapshot;
    if (data.version !== 1) throw new Error(`Unsupported QBO emulator snapshot version ${String(data.version)}`);
    this.realms = new Map(data.companies.map((c) => [c.realmId, new Company(structuredClone(c))]));
    this.oauth.load(data.oauth);
    this.limiters = new Map();
    this.replays = new Map();
  }

  reset(): void {
    this.realms = new Map();
    this.oauth.load(undefined);
    this.limiters = new Map();
    this.replays = new Map();
    this.statsByRealm = new Map();
    for (const seed of this.seeds) this.addCompany(seed);
  }

  addCompany(seed: CompanySeed): string {
    const realmId = seed.realmId ?? String(9130350000000001 + this.realms.size);
    if (this.realms.has(realmId)) throw new Error(`Company ${realmId} already exists`);
    this.realms.set(realmId, buildCompany(seed, realmId, this.writeContext(true)));
    return realmId;
  }

  companies(): { realmId: string; companyName: string }[] {
    return [...this.realms.values()].map((c) => ({ realmId: c.realmId, companyName: c.companyName }));
  }

  list(realmId: string, kind: ListableEntity): JsonObject[] {
    return this.company(realmId).list(kind);
  }

  get(realmId: string, kind: ListableEntity, id: string): JsonObject | undefined {
    const row = this.company(realmId).find(kind, id);
    return row ? cloneJson(row) : undefined;
  }

  settings(realmId: string): CompanySettings {
    return { ...this.company(realmId).settings };
  }

  markBilled(realmId: string, ids: string[]): JsonObject[] {
    return this.company(realmId).markBilled(ids, this.now());
  }

  editTimeActivity(realmId: string, id: string, patch: JsonObject, modifiedBy?: string): JsonObject {
    return this.company(realmId).update("TimeActivity", { ...patch, Id: id, sparse: true }, { ...this.writeContext(true), ...(modifiedBy ? { modifiedBy } : {}) });
  }

  deleteTimeActivity(realmId: string, id: string): void {
    const company = this.company(realmId);
    const existing = company.find("TimeActivity", id);
    if (!existing) throw new Error(`TimeActivity ${id} not found in realm ${realmId}`);
    company.remove("TimeActivity", { Id: id }, this.writeContext(true));
  }

  insertTimeActivities(realmId: string, bodies: JsonObject[]): string[] {
    const company = this.company(realmId);
    const ctx = this.writeContext(true);
    return bodies.map((body) => String(company.create("TimeActivity", body, ctx)["Id"]));
  }

  /** A Vendor made inside QuickBooks (a contractor added by the company's admin); returns its Id. */
  addVendor(realmId: string, displayName: string): string {
    return String(this.company(realmId).create("Vendor", { DisplayName: displayName }, this.writeContext(true))["Id"]);
  }

  setPayroll(realmId: string, on: boolean): void {
    this.updateSettings(realmId, { payroll: on });
  }

  setTimeTracking(realmId: string, on: boolean): void {
    this.updateSettings(realmId, { timeTracking: on });
  }

  setBookCloseDate(realmId: string, date: string | null): void {
    this.updateSettings(realmId, { bookCloseDate: date });
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  updateSettings(realmId: string, patch: Partial<CompanySettings>): void {
    this.company(realmId).updateSettings(patch, this.now());
  }

  expireAccessTokens(realmId: string): void {
    this.oauth.expireAccessTokens(realmId);
  }
}

export function createQboEmulator(options: QboEmulatorOptions = {}): QboEmulator {
  return new Emulator(options);
}
