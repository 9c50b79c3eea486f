// actiTIME REST API v1 client: Basic auth, paging inside, every response checked with zod.
// The account's identity is its normalised base URL (spec §2).
import type { z } from "zod";
import { ActitimeError } from "./errors";
import { createGuardedFetch, REFUSAL, usesNumericHostForm, type GuardOptions } from "./outbound";
import {
  actitimeCustomerSchema,
  actitimeErrorBodySchema,
  actitimeInfoSchema,
  actitimeLeaveTimeListSchema,
  actitimeLeaveTypeSchema,
  actitimeProjectSchema,
  actitimeTaskSchema,
  actitimeTimeTrackListSchema,
  actitimeTypeOfWorkSchema,
  actitimeUserSchema,
  listEnvelopeSchema,
  type ActitimeCustomer,
  type ActitimeInfo,
  type ActitimeLeaveEntry,
  type ActitimeLeaveType,
  type ActitimeProject,
  type ActitimeTask,
  type ActitimeTimeTrackEntry,
  type ActitimeTypeOfWork,
  type ActitimeUser,
} from "./schemas";

export const ACTITIME_API_PATH = "/api/v1";
export const ACTITIME_REQUEST_TIMEOUT_MS = 30_000;
/** Far above a month of time for 500 users (~10 MB), low enough to protect the server. */
export const ACTITIME_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
/** actiTIME's documented default and usual maximum page size (reference §2.1). */
export const ACTITIME_PAGE_SIZE = 1000;
/** Records per /timetrack call; actiTIME treats it as approximate and cuts at day ends. */
export const ACTITIME_TIMETRACK_STOP_AFTER = 5000;
/** Bounded reads (issue 13 §2): one overall deadline per client (one preview, one page), caps per list call. */
export const ACTITIME_OVERALL_DEADLINE_MS = 5 * 60_000;
export const ACTITIME_MAX_PAGES_PER_LIST = 200;
export const ACTITIME_MAX_ITEMS_PER_LIST = 100_000;
export const ACTITIME_MAX_WINDOW_PAGES = 1000;
export const ACTITIME_MAX_RECORDS_PER_WINDOW = 1_000_000;
/** Sign-in: each answer at most 5 MB, and only the four reads the admin check needs. */
export const ACTITIME_LOGIN_LIMITS = { maxResponseBytes: 5 * 1024 * 1024, maxRequests: 4 } as const;

export interface ActitimeClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  /**
   * The transport under the outbound guard (tests hand in a fake; default: Node's fetch pinned to
   * the checked address). Every request goes through the guard whatever is given here.
   */
  fetch?: typeof fetch;
  /** Overrides of the guard's policy, resolver or connector (tests). */
  guard?: GuardOptions;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Page size for offset/limit lists; must not exceed /info `limits.maxQueryLimit`. */
  pageSize?: number;
  /** `stopAfter` for /timetrack and /leavetime windows. */
  stopAfter?: number;
  /**
   * All requests of this client together must finish within this, counted from its first request
   * (issue 13 §2: one overall deadline per preview; lib/import/source.ts sets 5 minutes). Unset: none.
   */
  overallDeadlineMs?: number;
  /** At most this many requests in the client's life (sign-in: 4); unset = no count. */
  maxRequests?: number;
  maxPagesPerList?: number;
  maxItemsPerList?: number;
}

export interface ListOptions {
  ids?: readonly number[];
  /** Omit to get both archived and live items. */
  archived?: boolean;
  /** Only the first page (up to the page size): enough for the sign-in's admin check. */
  firstPageOnly?: boolean;
}

/** The dates and users of a time-track or leave-time read. */
interface DatedQuery {
  dateFrom: string;
  /** Inclusive; omitted means up to the last date with records. */
  dateTo?: string;
  userIds?: readonly number[];
}

export interface TimeTrackQuery extends DatedQuery {
  taskIds?: readonly number[];
  projectIds?: readonly number[];
  customerIds?: readonly number[];
  /** true: only approved days; false: only not-approved days. */
  approved?: boolean;
}

export interface LeaveTimeQuery extends DatedQuery {
  leaveTypeIds?: readonly number[];
}

export interface ActitimeClient {
  /** Normalised account URL, e.g. `https://online.actitime.com/acme`. */
  readonly accountUrl: string;
  getInfo(): Promise<ActitimeInfo>;
  getMe(): Promise<ActitimeUser>;
  listUsers(options?: ListOptions & { active?: boolean; limit?: number }): Promise<ActitimeUser[]>;
  listCustomers(options?: ListOptions): Promise<ActitimeCustomer[]>;
  listProjects(options?: ListOptions & { customerIds?: readonly number[] }): Promise<ActitimeProject[]>;
  listTasks(options?: ListOptions & { projectIds?: readonly number[]; customerIds?: readonly number[] }): Promise<ActitimeTask[]>;
  listTypesOfWork(options?: ListOptions): Promise<ActitimeTypeOfWork[]>;
  listLeaveTypes(options?: ListOptions): Promise<ActitimeLeaveType[]>;
  listTimeTrack(query: TimeTrackQuery): Promise<ActitimeTimeTrackEntry[]>;
  listLeaveTime(query: LeaveTimeQuery): Promise<ActitimeLeaveEntry[]>;
}

const HOST_ONLY_PATTERN = /^[a-z0-9.-]+(:\d+)?(\/|$)/i;

/**
 * `https://online.actitime.com/acme/api/v1/` → `https://online.actitime.com/acme`.
 * Accepts a trailing `/` or `/api/v1`, and a bare host (https assumed). Rejects anything that
 * is not http(s) and URLs with a user name or password in them (those belong in the form).
 */
export function normalizeActitimeBaseUrl(input: string): string {
  const trimmed = input.trim();
  const withScheme = !trimmed.includes("://") && HOST_ONLY_PATTERN.test(trimmed) ? `https://${trimmed}` : trimmed;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ActitimeError("invalid_url", "This is not a web address. Enter your actiTIME address, e.g. https://online.actitime.com/yourcompany.");
  }
  if (usesNumericHostForm(withScheme, url)) throw new ActitimeError("refused", REFUSAL.numeric);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ActitimeError("invalid_url", "The actiTIME address must start with https:// (or http:// for a server on your own network).");
  }
  if (url.username !== "" || url.password !== "") {
    throw new ActitimeError("invalid_url", "Remove the user name and password from the actiTIME address; enter them in their own fields.");
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (path.toLowerCase().endsWith(ACTITIME_API_PATH)) path = path.slice(0, -ACTITIME_API_PATH.length).replace(/\/+$/, "");
  return `${url.origin}${path}`;
}

function csv(ids: readonly number[] | undefined): string | undefined {
  return ids === undefined ? undefined : ids.join(",");
}

/** The query parameters every dated read takes. */
function datedParams(query: DatedQuery) {
  return { dateFrom: query.dateFrom, dateTo: query.dateTo, userIds: csv(query.userIds) };
}

/**
 * Cancels without waiting: a teed body (msw, some proxies) only settles its cancel once every
 * branch is cancelled, so awaiting it could hang the import on a response we have given up on.
 */
function cancelQuietly(stream: { cancel(): Promise<void> } | null): void {
  stream?.cancel().catch(() => undefined);
}

function abortReason(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

export function createActitimeClient(options: ActitimeClientOptions): ActitimeClient {
  const accountUrl = normalizeActitimeBaseUrl(options.baseUrl);
  const transport = options.fetch;
  const fetchImpl = createGuardedFetch({
    ...options.guard,
    connect: options.guard?.connect ?? (transport ? (url, init) => transport(url.href, init) : undefined),
  });
  const timeoutMs = options.timeoutMs ?? ACTITIME_REQUEST_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? ACTITIME_MAX_RESPONSE_BYTES;
  const pageSize = options.pageSize ?? ACTITIME_PAGE_SIZE;
  const stopAfter = options.stopAfter ?? ACTITIME_TIMETRACK_STOP_AFTER;
  const overallDeadlineMs = options.overallDeadlineMs;
  let overallSignal: AbortSignal | undefined;
  /** Started by the first request. */
  const overall = () => (overallSignal ??= overallDeadlineMs === undefined ? new AbortController().signal : AbortSignal.timeout(overallDeadlineMs));
  const maxPagesPerList = options.maxPagesPerList ?? ACTITIME_MAX_PAGES_PER_LIST;
  const maxItemsPerList = options.maxItemsPerList ?? ACTITIME_MAX_ITEMS_PER_LIST;
  let requestsMade = 0;
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, "utf8").toString("base64")}`;

  const overallTimeout = (path: string) =>
    new ActitimeError(
      "timeout",
      `Reading from actiTIME at ${accountUrl} took longer than ${Math.max(1, Math.round((overallDeadlineMs ?? 0) / 60_000))} minutes in all. Try a shorter date range, or try again later.`,
      { path },
    );
  const timeoutError = (path: string) =>
    overall().aborted
      ? overallTimeout(path)
      : new ActitimeError("timeout", `actiTIME at ${accountUrl} did not answer within ${Math.round(timeoutMs / 1000)} seconds. Try again later.`, { path });

  /** Reads the body, giving up past `maxResponseBytes` or when the request times out. */
  async function readBody(response: Response, signal: AbortSignal, path: string): Promise<string> {
    const tooLarge = () =>
      new ActitimeError("too_large", `actiTIME at ${accountUrl} sent more data than expected in one answer. Try a shorter date range.`, {
        status: response.status,
        path,
      });
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > maxResponseBytes) {
      cancelQuietly(response.body);
      throw tooLarge();
    }
    if (!response.body) return "";
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    // The fetch signal does not reliably abort a body that is already streaming (it depends on
    // the fetch implementation), so each read also races the timeout itself.
    const aborted = abortReason(signal);
    aborted.catch(() => undefined);
    try {
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), aborted]);
        if (done) break;
        received += value.byteLength;
        if (received > maxResponseBytes) throw tooLarge();
        chunks.push(value);
      }
    } catch (error) {
      cancelQuietly(reader);
      if (error instanceof ActitimeError) throw error;
      if (signal.aborted) throw timeoutError(path);
      throw new ActitimeError("unreachable", `The connection to actiTIME at ${accountUrl} broke off while reading its answer. Try again.`, {
        status: response.status,
        path,
      });
    }
    const bytes = new Uint8Array(received);
    let position = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, position);
      position += chunk.byteLength;
    }
    return new TextDecoder("utf-8").decode(bytes);
  }

  const looksLikeHtml = (contentType: string, text: string): boolean =>
    contentType.includes("html") || /^\s*</.test(text);

  function errorForStatus(status: number, text: string, contentType: string, path: string): ActitimeError {
    const parsedBody = (() => {
      try {
        return actitimeErrorBodySchema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
    })();
    const body = parsedBody?.success ? parsedBody.data : undefined;
    const details = { status, key: body?.key, path };
    if (status === 401) {
      return new ActitimeError("unauthorized", "actiTIME did not accept this username and password. Check them and try again.", details);
    }
    if (status === 403) {
      return new ActitimeError("forbidden", "This actiTIME user is not allowed to see this data. Sign in as an actiTIME admin.", details);
    }
    if (status === 429) {
      return new ActitimeError("rate_limited", "actiTIME is receiving too many requests right now. Wait a minute and try again.", details);
    }
    if (status >= 500) {
      return new ActitimeError("server_error", `actiTIME at ${accountUrl} had a problem answering (error ${status}). Try again later.`, details);
    }
    if (looksLikeHtml(contentType, text) || body === undefined) {
      return new ActitimeError("not_actitime", `The address ${accountUrl} does not look like an actiTIME installation. Check the actiTIME address.`, details);
    }
    if (status === 404) {
      return new ActitimeError("not_found", `actiTIME at ${accountUrl} could not find what was asked for${body.message ? `: ${body.message.slice(0, 200)}` : "."}`, details);
    }
    // Only an answer shaped like actiTIME's error body gets here (a web page is not_actitime above), and
    // only a public address or an allowed host can have sent it (lib/actitime/outbound.ts).
    return new ActitimeError("bad_request", `actiTIME refused the request${body.message ? `: ${body.message.slice(0, 200)}` : "."}`, details);
  }

  /**
   * One request under its own timeout and the client's overall deadline. (Combined by hand:
   * AbortSignal.any over a timeout signal can be collected before it fires on Node 20.)
   */
  async function request<S extends z.ZodType>(path: string, query: Record<string, string | number | boolean | undefined>, schema: S): Promise<z.output<S>> {
    const whole = overall();
    const controller = new AbortController();
    const abort = () => controller.abort(new Error("timeout"));
    const perRequest = AbortSignal.timeout(timeoutMs);
    for (const signal of [perRequest, whole]) {
      signal.addEventListener("abort", abort, { once: true });
      if (signal.aborted) abort();
    }
    try {
      return await requestOnce(path, query, schema, controller.signal);
    } finally {
      // Also keeps both signals reachable until the request is over.
      for (const signal of [perRequest, whole]) signal.removeEventListener("abort", abort);
    }
  }

  async function requestOnce<S extends z.ZodType>(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    schema: S,
    signal: AbortSignal,
  ): Promise<z.output<S>> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const queryString = search.toString();
    const url = `${accountUrl}${ACTITIME_API_PATH}${path}${queryString ? `?${queryString}` : ""}`;
    if (overall().aborted) throw overallTimeout(path);
    requestsMade += 1;
    if (options.maxRequests !== undefined && requestsMade > options.maxRequests) {
      throw new ActitimeError("too_large", `actiTIME at ${accountUrl} needed more requests than a sign-in may make. Check the actiTIME address.`, { path });
    }

    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: "GET",
        headers: { authorization, accept: "application/json; charset=UTF-8" },
        signal,
        redirect: "manual",
      });
    } catch (error) {
      if (error instanceof ActitimeError) throw error;
      if (signal.aborted) throw timeoutError(path);
      throw new ActitimeError("unreachable", `Could not reach actiTIME at ${accountUrl}. Check the address and your internet connection.`, {
        path,
        cause: error instanceof Error ? error.name : undefined,
      });
    }

    const text = await readBody(response, signal, path);
    const contentType = (response.headers.get("content-type") ?? "").toLowerCase();
    if (!response.ok) throw errorForStatus(response.status, text, contentType, path);
    if (looksLikeHtml(contentType, text)) {
      throw new ActitimeError("not_actitime", `The address ${accountUrl} answered with a web page instead of actiTIME data. Check the actiTIME address.`, {
        status: response.status,
        path,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ActitimeError("malformed", `actiTIME at ${accountUrl} sent an answer that could not be read (broken data). Try again later.`, {
        status: response.status,
        path,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? issue.path.join(".") || "the answer" : "the answer";
      throw new ActitimeError("malformed", `actiTIME at ${accountUrl} sent data in an unexpected shape (at ${where}). The import cannot use it.`, {
        status: response.status,
        path,
      });
    }
    return parsed.data;
  }

  /** Pages through an offset/limit list until a page comes back short (reference §2.1: no total). */
  async function listAll<T extends { id: number }>(
    path: string,
    itemSchema: z.ZodType<T>,
    query: Record<string, string | number | boolean | undefined>,
    firstPageOnly = false,
  ): Promise<T[]> {
    const envelope = listEnvelopeSchema(itemSchema);
    const items: T[] = [];
    const seen = new Set<number>();
    const overCap = () =>
      new ActitimeError("too_large", `actiTIME at ${accountUrl} has more ${path.slice(1)} than the import can read at once (over ${maxItemsPerList.toLocaleString("en-US")}). Nothing was saved.`, { path });
    for (let offset = 0, pages = 0; ; offset += pageSize) {
      if (++pages > maxPagesPerList) throw overCap();
      const page = await request(path, { ...query, offset, limit: pageSize }, envelope);
      const fresh = page.items.filter((item) => !seen.has(item.id));
      // A server that ignores `offset` would otherwise make us loop forever.
      if (page.items.length > 0 && fresh.length === 0) {
        throw new ActitimeError("malformed", `actiTIME at ${accountUrl} kept sending the same page of ${path.slice(1)}. The import cannot continue.`, { path });
      }
      for (const item of fresh) {
        seen.add(item.id);
        items.push(item);
      }
      if (items.length > maxItemsPerList) throw overCap();
      if (page.items.length < pageSize || firstPageOnly) return items;
    }
  }

  /**
   * Walks a date window with stopAfter/nextDateFrom until nextDateFrom is null (reference §2.2).
   * Entries are keyed so a day seen twice (overlapping windows) is counted once.
   */
  async function walkWindow<S extends z.ZodType<{ dateTo: string; nextDateFrom?: string | null | undefined }>>(
    path: string,
    query: Record<string, string | number | boolean | undefined> & { dateFrom: string },
    schema: S,
    /** Returns how many records are collected so far. */
    collect: (page: z.output<S>) => number,
  ): Promise<void> {
    let dateFrom = query.dateFrom;
    for (let pages = 1; ; pages += 1) {
      const page = await request(path, { ...query, dateFrom, stopAfter }, schema);
      if (collect(page) > ACTITIME_MAX_RECORDS_PER_WINDOW) {
        throw new ActitimeError("too_large", `actiTIME at ${accountUrl} sent more time records than the import can read at once. Try a shorter date range. Nothing was saved.`, { path });
      }
      const next = page.nextDateFrom;
      if (next === null || next === undefined) return;
      if (next <= dateFrom) {
        throw new ActitimeError("malformed", `actiTIME at ${accountUrl} did not move forward through the dates. The import cannot continue.`, { path });
      }
      // The next window must stay inside the one asked for.
      if (typeof query.dateTo === "string" && next > query.dateTo) {
        throw new ActitimeError("malformed", `actiTIME at ${accountUrl} went past the end of the requested dates. The import cannot continue.`, { path });
      }
      if (pages >= ACTITIME_MAX_WINDOW_PAGES) {
        throw new ActitimeError("too_large", `actiTIME at ${accountUrl} needed more than ${ACTITIME_MAX_WINDOW_PAGES} answers for this date range. Try a shorter date range. Nothing was saved.`, { path });
      }
      dateFrom = next;
    }
  }

  const listQuery = (options: ListOptions = {}) => ({ ids: csv(options.ids), archived: options.archived });

  return {
    accountUrl,
    getInfo: () => request("/info", {}, actitimeInfoSchema),
    getMe: () => request("/users/me", {}, actitimeUserSchema),
    listUsers: (options = {}) => listAll("/users", actitimeUserSchema, { ids: csv(options.ids), active: options.active }, options.firstPageOnly),
    listCustomers: (options) => listAll("/customers", actitimeCustomerSchema, listQuery(options)),
    listProjects: (options = {}) => listAll("/projects", actitimeProjectSchema, { ...listQuery(options), customerIds: csv(options.customerIds) }),
    listTasks: (options = {}) =>
      listAll("/tasks", actitimeTaskSchema, { ...listQuery(options), projectIds: csv(options.projectIds), customerIds: csv(options.customerIds) }),
    listTypesOfWork: (options) => listAll("/typesOfWork", actitimeTypeOfWorkSchema, listQuery(options), options?.firstPageOnly),
    listLeaveTypes: (options) => listAll("/leaveTypes", actitimeLeaveTypeSchema, listQuery(options)),

    async listTimeTrack(query) {
      const entries = new Map<string, ActitimeTimeTrackEntry>();
      await walkWindow(
        "/timetrack",
        { ...datedParams(query), taskIds: csv(query.taskIds), projectIds: csv(query.projectIds), customerIds: csv(query.customerIds), approved: query.approved },
        actitimeTimeTrackListSchema,
        (page) => {
          for (const day of page.data) {
            for (const record of day.records) {
              entries.set(`${day.userId}|${day.date}|${record.taskId}`, {
                userId: day.userId,
                date: day.date,
                taskId: record.taskId,
                timeMinutes: record.time,
                comment: record.comment ?? null,
                approved: day.approved ?? null,
              });
            }
          }
          return entries.size;
        },
      );
      return [...entries.values()];
    },

    async listLeaveTime(query) {
      const entries = new Map<string, ActitimeLeaveEntry>();
      await walkWindow(
        "/leavetime",
        { ...datedParams(query), leaveTypeIds: csv(query.leaveTypeIds) },
        actitimeLeaveTimeListSchema,
        (page) => {
          for (const entry of page.data) {
            entries.set(`${entry.userId}|${entry.date}|${entry.leaveTypeId}`, { userId: entry.userId, date: entry.date, leaveTypeId: entry.leaveTypeId, leaveTimeMinutes: entry.leaveTime });
          }
          return entries.size;
        },
      );
      return [...entries.values()];
    },
  };
}
