// Draft → running → completed / interrupted / error, with the rules the spec puts on each step:
// drafts are private to their author, one import runs per company (the database decides), only the
// admin who started an import may interrupt it.
import type { Db } from "@/db/client";
import { adminName, getActiveImport, getImport, insertDraft, isUniqueViolation, ONE_ACTIVE_IMPORT_CONSTRAINT, ONE_ACTIVE_IMPORT_PER_REALM_CONSTRAINT, type ImportRow } from "@/db/queries/imports";
import { getConnection } from "@/db/queries/connections";
import { activeImportOnRealm, LEDGER_MOVED_MESSAGE, markInterrupting, previewIsStale, startDraftRun, type StartRefusal } from "@/db/queries/import-run";
import { blockedReason, preflightChecks } from "./checks";

export class ImportRuleError extends Error {
  constructor(
    readonly code: "not_found" | "not_ready" | "already_running" | "not_connected" | "time_tracking_off" | "stale_preview" | "not_owner" | "not_running" | "blocked_by_check",
    message: string,
  ) {
    super(message);
    this.name = "ImportRuleError";
  }
}

export interface Actor {
  accountId: string;
  adminId: string;
}

export async function createDraft(db: Db, actor: Actor, connectionId: string): Promise<ImportRow> {
  const connection = await getConnection(db, actor.accountId, connectionId);
  if (!connection) throw new ImportRuleError("not_found", "That QuickBooks company is not connected to your account.");
  return insertDraft(db, actor, connectionId);
}

async function runningMessage(db: Db, connectionId: string, realmId?: string): Promise<string> {
  const active = await getActiveImport(db, connectionId);
  if (!active && realmId) {
    // The same QuickBooks company, connected from another actiTIME account: who runs it is not ours to show.
    return "Another actiTIME account is importing into this QuickBooks company right now. Only one import writes to a company at a time; try again when it has finished.";
  }
  if (!active) return "Another import is running for this company. Try again when it has finished.";
  return `${(await adminName(db, active.createdByAdminId)) ?? "Another admin"} is running an import for this company. Only one import runs per company at a time; try again when it has finished.`;
}

/**
 * Start Import. Refused when the preview is missing or out of date (another import changed this
 * company's QuickBooks data since it was made, or the draft changed after the revision the admin was
 * shown, `expectedRevision`), the company is not usable, or an import runs on it (from any account).
 */
export async function startImport(db: Db, actor: Actor, importId: string, now = new Date(), expectedRevision?: number): Promise<ImportRow> {
  const imp = await getImport(db, actor.accountId, importId, actor.adminId);
  if (!imp || imp.createdByAdminId !== actor.adminId) throw new ImportRuleError("not_found", "This import does not exist or belongs to someone else.");
  if (imp.status !== "draft" || imp.step !== "preview" || !imp.summary) throw new ImportRuleError("not_ready", "Preview the import before starting it.");
  const connection = await getConnection(db, actor.accountId, imp.connectionId);
  if (!connection || connection.status !== "connected") throw new ImportRuleError("not_connected", "This QuickBooks company needs to be connected again before importing.");
  if (connection.timeTrackingEnabled === false) {
    throw new ImportRuleError("time_tracking_off", "Time tracking is off in this QuickBooks company. Turn it on in QuickBooks (Settings → Time) and try again.");
  }
  // An import already writing to this QuickBooks company (from this or another account) is the reason to
  // give, before a stale preview: its own writes move the ledger, and recomputing the preview now would
  // only queue behind it.
  if (await getActiveImport(db, imp.connectionId)) throw new ImportRuleError("already_running", await runningMessage(db, imp.connectionId));
  if (await activeImportOnRealm(db, connection.realmId)) throw new ImportRuleError("already_running", await runningMessage(db, imp.connectionId, connection.realmId));
  // A plan runs only against the ledger it was computed from (issue 12): refused when the company's
  // ledger moved since the preview, or an ended import left writes whose outcome is still unknown.
  if (await previewIsStale(db, imp)) throw new ImportRuleError("stale_preview", LEDGER_MOVED_MESSAGE);
  // The pre-flight Checks (lib/import/checks.ts): a blocking one refuses Start here, not only in the UI.
  const blocked = blockedReason(await preflightChecks(db, imp, connection, now));
  if (blocked) throw new ImportRuleError("blocked_by_check", blocked);
  // Serialised with draft changes (the revision) and with Disconnect (the connection row's lock).
  const revision = expectedRevision ?? imp.draftRevision;
  try {
    const started = await startDraftRun(db, imp, { realmId: connection.realmId, revision, now });
    if ("row" in started) return started.row;
    throw refusalError(started.refused);
  } catch (error) {
    if (isUniqueViolation(error, ONE_ACTIVE_IMPORT_CONSTRAINT)) throw new ImportRuleError("already_running", await runningMessage(db, imp.connectionId));
    if (isUniqueViolation(error, ONE_ACTIVE_IMPORT_PER_REALM_CONSTRAINT)) throw new ImportRuleError("already_running", await runningMessage(db, imp.connectionId, connection.realmId));
    throw error;
  }
}

function refusalError(refused: StartRefusal): ImportRuleError {
  if (refused === "not_connected") return new ImportRuleError("not_connected", "This QuickBooks company needs to be connected again before importing.");
  if (refused === "draft_changed") return new ImportRuleError("stale_preview", "This preview changed after it was shown (it was refreshed or edited elsewhere). Review it again, then start it.");
  if (refused === "ledger_moved") return new ImportRuleError("stale_preview", LEDGER_MOVED_MESSAGE);
  return new ImportRuleError("not_ready", "This import has already been started.");
}

/** Interrupt: only the admin who started the import. It cannot be resumed; re-running imports the rest. */
export async function interruptImport(db: Db, actor: Actor, importId: string): Promise<ImportRow> {
  const imp = await getImport(db, actor.accountId, importId);
  if (!imp) throw new ImportRuleError("not_found", "This import does not exist.");
  if (imp.createdByAdminId !== actor.adminId) throw new ImportRuleError("not_owner", "Only the admin who started this import can interrupt it.");
  const row = await markInterrupting(db, imp.id);
  if (!row) throw new ImportRuleError("not_running", "This import is no longer running.");
  return row;
}
