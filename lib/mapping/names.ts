// QBO name rules (reference §0, §2.2–2.4, §5.3): Item Name ≤ 100 chars; Customer/Employee/Vendor
// DisplayName ≤ 500 chars and unique across all three lists; no `:` (the hierarchy separator,
// Fault 2040), tab or newline in either. Too long → Fault 2050, taken → Fault 6240. We check all
// of it before anything is sent, so a bookkeeper sees the problem in the wizard, not in a failed import.
import type { QboNameKind } from "./rules";

export const QBO_ITEM_NAME_MAX_CHARS = 100;
export const QBO_DISPLAY_NAME_MAX_CHARS = 500;

/**
 * Lengths are counted in UTF-16 code units (`string.length`). QBO's counting unit is not
 * documented; code units are never fewer than characters, so this errs on the safe side.
 */
export function qboNameMaxChars(kind: QboNameKind): number {
  return kind === "item" ? QBO_ITEM_NAME_MAX_CHARS : QBO_DISPLAY_NAME_MAX_CHARS;
}

// Tab and newline are QBO's stated rule; the other control and line-separator characters are
// included because they cannot be typed meaningfully into a name and behave like line breaks.
const CONTROL_CHARS = /[\u0000-\u001f\u007f\u2028\u2029]/;
const CONTROL_CHARS_GLOBAL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
/** When cutting a long name at a word boundary, keep at least this share of the allowed length. */
const WORD_BOUNDARY_MIN_KEEP_RATIO = 0.6;

/**
 * The key two names collide on. QBO's duplicate check is not documented as case-sensitive or not
 * (reference §3: value comparisons are said to be case-insensitive [I]), so we compare
 * case-insensitively, trimmed and with runs of spaces collapsed: the stricter reading, which can
 * only reject a name QBO might have accepted, never let through one QBO refuses with 6240.
 */
export function qboNameKey(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** The uniqueness key of an item: QBO items are addressed by their full name `Parent:Child`. */
export function qboItemFullNameKey(name: string, parentFullName?: string | null): string {
  return qboNameKey(parentFullName ? `${parentFullName}:${name}` : name);
}

function kindNoun(kind: QboNameKind): string {
  return kind === "item" ? "service item" : "customer or employee";
}

/** Why QBO would refuse `name`, in words for a bookkeeper; null when it is acceptable. */
export function validateQboName(name: string, kind: QboNameKind): string | null {
  if (name.trim() === "") return `Enter a name for the QuickBooks ${kindNoun(kind)}`;
  if (name.includes(":")) {
    return "Names can't contain a colon (:), because QuickBooks uses it between a parent and its sub-entries";
  }
  if (CONTROL_CHARS.test(name)) return "Names can't contain tabs or line breaks";
  if (name !== name.trim()) return "Remove the spaces at the start or end of the name";
  const max = qboNameMaxChars(kind);
  if (name.length > max) {
    return `A QuickBooks ${kindNoun(kind)} name can be at most ${max} characters long; this one has ${name.length}`;
  }
  return null;
}

/** Cut without splitting a surrogate pair (an emoji would otherwise turn into a broken character). */
function hardCut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lastKept = text.charCodeAt(maxChars - 1);
  const isHighSurrogate = lastKept >= 0xd800 && lastKept <= 0xdbff;
  return text.slice(0, isHighSurrogate ? maxChars - 1 : maxChars);
}

/** Shorten to `maxChars`, at the last space when that keeps most of the text; no dangling " -". */
export function truncateAtWordBoundary(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let cut = hardCut(text, maxChars);
  const endsAtWordEnd = text[cut.length] === " ";
  if (!endsAtWordEnd) {
    const lastSpace = cut.lastIndexOf(" ");
    if (lastSpace >= maxChars * WORD_BOUNDARY_MIN_KEEP_RATIO) cut = cut.slice(0, lastSpace);
  }
  const tidy = cut.replace(/[\s\-–—,;/&]+$/u, "");
  return tidy === "" ? cut.trimEnd() : tidy;
}

/**
 * Turn any text into a name QBO accepts: `:` becomes " - " (so "Acme:Web" reads "Acme - Web"),
 * tabs and line breaks become spaces, spaces collapse, ends are trimmed, and an over-long name is
 * cut at a word boundary. Returns "" for text with nothing printable in it.
 */
export function sanitizeQboName(name: string, kind: QboNameKind): string {
  const cleaned = name
    .normalize("NFC")
    .replace(/:/g, " - ")
    .replace(CONTROL_CHARS_GLOBAL, " ")
    .replace(/\s+/g, " ")
    .trim()
    // "Acme: - Web" style leftovers when a colon sat next to a dash.
    .replace(/(?: - )+(?:- )*/g, " - ")
    .replace(/^[-\s]+|[-\s]+$/g, "");
  return truncateAtWordBoundary(cleaned, qboNameMaxChars(kind));
}

export interface MakeUniqueNameOptions {
  /**
   * Sub-items only: the parent's full name, because QBO items are unique by full name `Parent:Child`.
   * Leave unset for DisplayNames: they are unique across the whole list, whatever the parent.
   */
  parentFullName?: string | null;
}

/**
 * `name`, cleaned, or with " (2)", " (3)"… appended until its key (see qboNameKey) is not in
 * `taken`; the stem is shortened so the result stays within the QBO limit. Does not add the
 * result to `taken`: the caller decides whether the name is really used.
 */
export function makeUniqueName(
  name: string,
  taken: ReadonlySet<string>,
  kind: QboNameKind,
  options: MakeUniqueNameOptions = {},
): string {
  const base = sanitizeQboName(name, kind);
  if (base === "") return base;
  const keyOf = (candidate: string) =>
    kind === "item" ? qboItemFullNameKey(candidate, options.parentFullName) : qboNameKey(candidate);
  if (!taken.has(keyOf(base))) return base;
  const max = qboNameMaxChars(kind);
  // Terminates: `taken` is finite, so some suffix number is free.
  for (let copy = 2; ; copy += 1) {
    const suffix = ` (${copy})`;
    const candidate = `${truncateAtWordBoundary(base, max - suffix.length)}${suffix}`;
    if (!taken.has(keyOf(candidate))) return candidate;
  }
}
