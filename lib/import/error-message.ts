// What an import that stopped on an unexpected error tells its admins (issue 13 §7): a code plus a
// safe sentence. Errors this app writes for people (actiTIME, QuickBooks connection, import rules)
// keep their sentence; anything else (a database error carrying SQL text and values, a driver's
// stack-like text) is reduced to a code, so no SQL, value or internal detail reaches
// imports.error_message, the pages that show it, or a log line built from it.
import { SealError } from "@/lib/crypto";

export interface SafeError {
  /** Stable and short, e.g. `actitime_timeout`, `database_23505`, `internal`. */
  code: string;
  sentence: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** PostgreSQL's SQLSTATE of this error or of what caused it (drizzle wraps driver errors), if any. */
function sqlState(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  if (typeof code === "string" && SQLSTATE.test(code) && (name === "PostgresError" || "severity" in error || "routine" in error)) return code;
  return sqlState((error as { cause?: unknown }).cause, depth + 1);
}

function looksLikeDatabase(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  return /^Failed query:|\b(insert into|update|delete from|select)\b.*\b(from|set|values|where)\b/is.test(message);
}

/**
 * Errors whose messages this app writes for people, by name: Inngest hands onFailure a copy of the
 * thrown error (name, message and fields kept, class lost), so `instanceof` alone would miss them.
 */
const PEOPLE_WORDED: Record<string, { prefix: string; field: "code" | "kind" }> = {
  // Literal names (each class sets its `name`): a minified build may rename the classes themselves.
  ActitimeError: { prefix: "actitime", field: "code" },
  QboFault: { prefix: "qbo", field: "kind" },
  ConnectionUnavailableError: { prefix: "qbo", field: "code" },
  ImportRuleError: { prefix: "import", field: "code" },
};

export function describeUnexpectedError(error: unknown): SafeError {
  const worded = error instanceof Error ? PEOPLE_WORDED[error.name] : undefined;
  if (worded && error instanceof Error && !looksLikeDatabase(error)) {
    const value = (error as unknown as Record<string, unknown>)[worded.field];
    const code = typeof value === "string" && /^[a-z_]{1,40}$/.test(value) ? `${worded.prefix}_${value}` : worded.prefix;
    return { code, sentence: error.message };
  }
  if (error instanceof SealError) return { code: "secret_unreadable", sentence: "A saved sign-in could not be opened; reconnect the company or sign in again." };
  const state = sqlState(error);
  if (state || looksLikeDatabase(error)) return { code: state ? `database_${state}` : "database", sentence: "The database did not accept a change." };
  if (error instanceof TypeError && /fetch failed|network/i.test(error.message)) return { code: "network", sentence: "A connection broke off." };
  if (error instanceof Error && error.name === "AbortError") return { code: "aborted", sentence: "A request was cut off." };
  return { code: "internal", sentence: "Something unexpected went wrong inside the app." };
}

/** The sentence stored in imports.error_message for an import that stopped on an unexpected error. */
export function importErrorMessage(error: unknown): string {
  const { code, sentence } = describeUnexpectedError(error);
  const text = sentence.length > 300 ? `${sentence.slice(0, 299)}…` : sentence;
  return `The import stopped on an unexpected error and was not finished (code ${code}): ${text.replace(/\.?$/, ".")} Run the same import again to import the rest.`;
}
