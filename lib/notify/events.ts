// What is told, and when (issue 18 §4): a scheduled run that has ended (its import finished, or it
// was skipped / blocked / failed) and a company that needs reconnecting (revoked, expired or expiring
// within 14 days). Run from the scheduler's tick (embedded) and the hosted cron; each event is told
// once (scheduled_runs.notified_at; the outbox's dedupe key).
import type { Db } from "@/db/client";
import { companiesNotDisconnected, endedUntoldScheduledRuns, markScheduledRunNotified, recordWebhookDelivery, webhookOf } from "@/db/queries/notifications";
import { open } from "@/lib/crypto";
import { connectionHealth } from "@/lib/qbo/health";
import { needsMappingText, type NeedsMappingEntry } from "@/lib/schedule/run";
import { notifyAdmins, type MailConfig, type SendMail } from "./mail";
import { deliverWebhook } from "./webhook";

export interface NotifyDeps {
  config?: MailConfig;
  send?: SendMail | null;
  fetch?: typeof fetch;
  webhookBaseDelayMs?: number;
  signal?: AbortSignal;
}

const TELL_WITHIN_MS = 3 * 86_400_000;

async function postWebhook(db: Db, connectionId: string, payload: unknown, deps: NotifyDeps) {
  const hook = await webhookOf(db, connectionId);
  if (!hook) return;
  const result = await deliverWebhook(hook.url, open(hook.sealedSecret, `webhook:${connectionId}`), payload, { fetch: deps.fetch, baseDelayMs: deps.webhookBaseDelayMs, signal: deps.signal });
  await recordWebhookDelivery(db, connectionId, { status: result.status, error: result.ok ? null : (result.error ?? null) });
}

export async function notifyEndedScheduledRuns(db: Db, now: Date, deps: NotifyDeps = {}): Promise<number> {
  const rows = await endedUntoldScheduledRuns(db, new Date(now.getTime() - TELL_WITHIN_MS));
  let told = 0;
  for (const { run, imp, company } of rows) {
    const needs: NeedsMappingEntry[] = run.needsMapping ?? [];
    const lines: string[] = [];
    let subject: string;
    if (run.outcome === "started" && imp) {
      const status = imp.status === "completed" ? "completed" : imp.status === "error" ? "ended with errors" : "was interrupted";
      subject = `Scheduled import ${status}: ${company.companyName}`;
      lines.push(`The scheduled import of ${imp.dateFrom} – ${imp.dateTo} into ${company.companyName} ${status}.`, `Created ${imp.createdCount}, updated ${imp.updatedCount}, deleted ${imp.deletedCount}, failed ${imp.failedCount}, billed left alone ${imp.skippedBilledCount}; ${imp.hours} hours.`);
      if (imp.errorMessage) lines.push(`QuickBooks said: ${imp.errorMessage}`);
    } else {
      subject = `Scheduled import ${run.outcome}: ${company.companyName}`;
      lines.push(run.message ?? `The scheduled import was ${run.outcome}.`);
    }
    if (needs.length > 0) lines.push(`Needs mapping (not imported): ${needsMappingText(needs)} — ${needs.slice(0, 20).map((e) => e.name).join(", ")}. Map them in Settings or in a New Import.`);
    lines.push("", "Open Import History to see the details.");
    await notifyAdmins(db, { accountId: company.accountId, kind: "scheduled_import", dedupeKey: `scheduled-run:${run.id}`, subject, body: lines.join("\n") }, deps);
    await postWebhook(db, company.id, { event: "scheduled_import.ended", outcome: run.outcome, slotAt: run.slotAt.toISOString(), company: company.companyName, importId: run.importId, status: imp?.status ?? null, counts: imp ? { created: imp.createdCount, updated: imp.updatedCount, deleted: imp.deletedCount, failed: imp.failedCount, skippedBilled: imp.skippedBilledCount } : null, message: run.message, needsMapping: needs }, deps).catch(() => undefined);
    await markScheduledRunNotified(db, run.id, now);
    told++;
  }
  return told;
}

export async function notifyReconnectNeeded(db: Db, now: Date, deps: NotifyDeps = {}): Promise<number> {
  const companies = await companiesNotDisconnected(db);
  let told = 0;
  for (const c of companies) {
    const health = connectionHealth(c, now);
    if (!health.message) continue;
    // One message per state and expiry date: a reconnect (new expiry) can be told again later.
    const key = `reconnect:${c.id}:${health.state}:${c.refreshTokenExpiresAt?.toISOString().slice(0, 10) ?? "none"}`;
    const n = await notifyAdmins(db, { accountId: c.accountId, kind: "reconnect", dedupeKey: key, subject: `Reconnect ${c.companyName} to QuickBooks`, body: `${health.message}\n\nOpen QuickBooks Companies and choose Reconnect.` }, deps);
    if (n > 0) await postWebhook(db, c.id, { event: "connection.needs_reconnect", state: health.state, company: c.companyName, expiresAt: c.refreshTokenExpiresAt?.toISOString() ?? null }, deps).catch(() => undefined);
    told += n;
  }
  return told;
}
