// The control page's view state lives in the URL (no client JS): which company, which dates,
// which record is being edited. Everything read from the URL is validated before use.
import { z } from "zod";

/** Search parameters the page understands; actions carry them back after a change. */
export const VIEW_PARAMS = ["realm", "from", "to", "edit", "user", "atFrom", "atTo", "tt"] as const;
export type ViewParam = (typeof VIEW_PARAMS)[number];

export type SearchParams = Record<string, string | string[] | undefined>;

const isoDate = z.iso.date();

function first(params: SearchParams, key: string): string | undefined {
  const value = params[key];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

export interface SandboxView {
  realm: string | undefined;
  from: string | undefined;
  to: string | undefined;
  edit: string | undefined;
  user: number | undefined;
  atFrom: string | undefined;
  atTo: string | undefined;
  /** The actiTIME record being edited: user, date, task. */
  tt: { userId: number; date: string; taskId: number } | undefined;
  ok: string | undefined;
  error: string | undefined;
  /** Parameters that were given but could not be used (shown, then ignored). */
  ignored: string[];
}

export function parseView(params: SearchParams): SandboxView {
  const ignored: string[] = [];
  const date = (key: string): string | undefined => {
    const value = first(params, key);
    if (value === undefined) return undefined;
    if (isoDate.safeParse(value).success) return value;
    ignored.push(`${key} (not a YYYY-MM-DD date)`);
    return undefined;
  };
  const digits = (key: string): string | undefined => {
    const value = first(params, key);
    if (value === undefined) return undefined;
    if (/^\d{1,32}$/.test(value)) return value;
    ignored.push(`${key} (not an id)`);
    return undefined;
  };
  const ttRaw = first(params, "tt");
  const ttMatch = ttRaw ? /^(\d{1,9})_(\d{4}-\d{2}-\d{2})_(\d{1,9})$/.exec(ttRaw) : null;
  if (ttRaw && (!ttMatch || !isoDate.safeParse(ttMatch[2]).success)) ignored.push("tt (not user_date_task)");
  const user = digits("user");
  return {
    realm: digits("realm"),
    from: date("from"),
    to: date("to"),
    edit: digits("edit"),
    user: user === undefined ? undefined : Number(user),
    atFrom: date("atFrom"),
    atTo: date("atTo"),
    tt:
      ttMatch && isoDate.safeParse(ttMatch[2]).success
        ? { userId: Number(ttMatch[1]), date: ttMatch[2] ?? "", taskId: Number(ttMatch[3]) }
        : undefined,
    ok: first(params, "ok")?.slice(0, 500),
    error: first(params, "error")?.slice(0, 1000),
    ignored,
  };
}

/** The view as a query string (without messages), with some keys changed or removed. */
export function viewQuery(view: SandboxView, changes: Partial<Record<ViewParam, string | undefined>> = {}): string {
  const current: Record<ViewParam, string | undefined> = {
    realm: view.realm,
    from: view.from,
    to: view.to,
    edit: view.edit,
    user: view.user === undefined ? undefined : String(view.user),
    atFrom: view.atFrom,
    atTo: view.atTo,
    tt: view.tt ? `${view.tt.userId}_${view.tt.date}_${view.tt.taskId}` : undefined,
  };
  const params = new URLSearchParams();
  for (const key of VIEW_PARAMS) {
    const value = key in changes ? changes[key] : current[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

export function viewHref(view: SandboxView, changes: Partial<Record<ViewParam, string | undefined>> = {}, hash?: string): string {
  const query = viewQuery(view, changes);
  return `/sandbox${query ? `?${query}` : ""}${hash ? `#${hash}` : ""}`;
}
