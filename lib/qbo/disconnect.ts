// Disconnect: forget a company's tokens (keeping its rules, settings and history), then revoke them at
// Intuit. Refused while an import runs on it: that import would lose its tokens mid-way. The check and
// the change are one transaction on the connection row, which Start Import locks too (FOR SHARE), so a
// disconnect and a start can never both go through; Intuit is called only after it has committed.
import type { Db } from "@/db/client";
import { markDisconnected, tokenContext, withConnectionLocked, type QboConnection } from "@/db/queries/connections";
import { activeImportWithAdmin, type ImportRow } from "@/db/queries/imports";
import { open } from "@/lib/crypto";
import { revokeToken } from "./oauth";

export interface RunningImportNotice {
  importId: string;
  adminName: string;
  message: string;
}

function when(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "just now";
}

/** The import running on a connection, and the sentence that says who runs it. */
export async function runningImportNotice(db: Db, connectionId: string): Promise<RunningImportNotice | undefined> {
  const row = await activeImportWithAdmin(db, connectionId);
  if (!row) return undefined;
  const imp: ImportRow = row.imp;
  const range = imp.dateFrom && imp.dateTo ? `${imp.dateFrom} – ${imp.dateTo}` : "an import";
  return {
    importId: imp.id,
    adminName: row.adminName,
    message:
      `This company cannot be disconnected while an import runs: ${row.adminName} started the import of ${range} (${when(imp.startedAt)}). ` +
      `Only ${row.adminName} can interrupt it; disconnect the company once it has ended.`,
  };
}

export class DisconnectRefusedError extends Error {
  constructor(readonly notice: RunningImportNotice) {
    super(notice.message);
    this.name = "DisconnectRefusedError";
  }
}

export interface DisconnectDeps {
  revoke?: (refreshToken: string) => Promise<boolean>;
}

/**
 * Disconnects a company of the account. Undefined when the account has no such company; throws
 * DisconnectRefusedError while an import runs on it.
 */
export async function disconnectConnection(db: Db, accountId: string, connectionId: string, deps: DisconnectDeps = {}): Promise<QboConnection | undefined> {
  const outcome = await withConnectionLocked(db, accountId, connectionId, async (tx, row) => {
    // A statement after the lock: it sees an import whose start committed while we waited for it.
    const running = await runningImportNotice(tx, connectionId);
    if (running) throw new DisconnectRefusedError(running);
    const disconnected = await markDisconnected(tx, accountId, connectionId);
    return { disconnected: disconnected!, refreshToken: row.sealedRefreshToken ? open(row.sealedRefreshToken, tokenContext(row.id, "refresh")) : null };
  });
  if (!outcome) return undefined;
  // Best effort and time-bounded (lib/qbo/oauth): the tokens are forgotten here whatever Intuit answers.
  if (outcome.refreshToken) await (deps.revoke ?? ((token: string) => revokeToken(token)))(outcome.refreshToken);
  return outcome.disconnected;
}
