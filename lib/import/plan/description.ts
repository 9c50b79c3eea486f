import type { TimeDescriptionSettings } from "@/lib/import/types";
import { effectiveCombine } from "./time-settings";

/** TimeActivity.Description limit (qbo-api.md §2.1). */
export const QBO_DESCRIPTION_MAX_CHARS = 4000;
const TRUNCATION_MARK = "…";
const NAME_COMMENT_SEPARATOR = " — ";
/** Two records on one (user, date, task) are rare in actiTIME; their comments are kept one per line. */
const COMMENT_JOINER = "\n";

/** One activity per actiTIME record (the "record" combining, or "auto" with descriptions on). */
export function isSeparateMode(settings: TimeDescriptionSettings): boolean {
  return effectiveCombine(settings) === "record";
}

/** True when activities combining several records carry their joined descriptions. */
export function describesCombined(settings: TimeDescriptionSettings): boolean {
  return settings.importTaskNames || settings.importComments;
}

/** One record's part of a combined activity's description ("Task — comment" per the settings); null when empty. */
export function descriptionEntry(settings: TimeDescriptionSettings, name: string | null, comment: string | null): string | null {
  const trimmedName = settings.importTaskNames && name !== null ? name.trim() : "";
  const trimmedComment = settings.importComments ? (comment ?? "").trim() : "";
  if (trimmedName === "") return trimmedComment === "" ? null : trimmedComment;
  return trimmedComment === "" ? trimmedName : trimmedName + NAME_COMMENT_SEPARATOR + trimmedComment;
}

/**
 * The description of an activity that combines records (per day or per week): each distinct
 * entry once, in the order of the first date it occurs on (then by text, so the order does not
 * depend on the order actiTIME returned the records), one per line, cut to QBO's limit with "…".
 */
export function joinDescriptions(entries: ReadonlyMap<string, string> | null): string | null {
  if (entries === null || entries.size === 0) return null;
  const ordered = [...entries].sort(([a, dateA], [b, dateB]) => (dateA < dateB ? -1 : dateA > dateB ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return truncateDescription(ordered.map(([entry]) => entry).join(COMMENT_JOINER));
}

/**
 * "Task name — comment" per the settings; null when nothing is left. Comments are kept as the
 * text actiTIME stored (HTML, emoji and line breaks included): QBO shows plain text, and rewriting
 * it would make the ledger disagree with actiTIME on every re-run.
 */
export function buildDescription(
  settings: TimeDescriptionSettings,
  name: string | null,
  comments: readonly (string | null)[],
): string | null {
  const parts: string[] = [];
  const trimmedName = settings.importTaskNames && name !== null ? name.trim() : "";
  if (trimmedName !== "") parts.push(trimmedName);
  if (settings.importComments) {
    const kept = comments.map((c) => (c ?? "").trim()).filter((c) => c !== "");
    if (kept.length > 0) parts.push(kept.join(COMMENT_JOINER));
  }
  if (parts.length === 0) return null;
  return truncateDescription(parts.join(NAME_COMMENT_SEPARATOR));
}

/**
 * Cuts to QBO's 4000-character limit, ending with "…" so the cut is visible. Never splits a
 * surrogate pair (an emoji), so the result is valid text whether QBO counts UTF-16 units or code points.
 */
export function truncateDescription(text: string): string {
  if (text.length <= QBO_DESCRIPTION_MAX_CHARS) return text;
  let end = QBO_DESCRIPTION_MAX_CHARS - TRUNCATION_MARK.length;
  const last = text.charCodeAt(end - 1);
  const isHighSurrogate = last >= 0xd800 && last <= 0xdbff;
  if (isHighSurrogate) end -= 1;
  return text.slice(0, end) + TRUNCATION_MARK;
}
