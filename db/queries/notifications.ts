// Notification preferences, the outbox, and what the notifier reads (lib/notify decides and words).
import { and, desc, eq, gt, inArray, isNull, ne, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, companyWebhooks, imports, notificationPrefs, outbox, qboConnections, scheduledRuns } from "@/db/schema";

export type NotificationKind = "scheduled_import" | "reconnect";

/** The account's admins who asked for this kind of message. */
export async function notificationRecipients(db: Db, accountId: string, kind: NotificationKind): Promise<{ id: string; email: string | null }[]> {
  return db
    .select({ id: admins.id, email: admins.email })
    .from(admins)
    .innerJoin(notificationPrefs, eq(notificationPrefs.adminId, admins.id))
    .where(and(eq(admins.accountId, accountId), kind === "scheduled_import" ? eq(notificationPrefs.scheduledImports, true) : eq(notificationPrefs.reconnect, true)));
}

/** Queues a message (once per admin and dedupe key): its id, or undefined when it was queued before. */
export async function enqueueMessage(db: Db, values: typeof outbox.$inferInsert): Promise<string | undefined> {
  const [row] = await db.insert(outbox).values(values).onConflictDoNothing().returning({ id: outbox.id });
  return row?.id;
}

export async function markMessage(db: Db, id: string, fields: { sentAt: Date } | { error: string }): Promise<void> {
  await db.update(outbox).set(fields).where(eq(outbox.id, id));
}

export async function getNotificationPrefs(db: Db, adminId: string) {
  const [row] = await db.select().from(notificationPrefs).where(eq(notificationPrefs.adminId, adminId));
  return row ?? { adminId, scheduledImports: false, reconnect: false, updatedAt: null };
}

export async function saveNotificationPrefs(db: Db, adminId: string, prefs: { scheduledImports: boolean; reconnect: boolean }) {
  const values = { ...prefs, updatedAt: new Date() };
  await db.insert(notificationPrefs).values({ adminId, ...values }).onConflictDoUpdate({ target: notificationPrefs.adminId, set: values });
}

export async function listOutbox(db: Db, accountId: string, adminId: string, limit = 100) {
  return db.select().from(outbox).where(and(eq(outbox.accountId, accountId), eq(outbox.adminId, adminId))).orderBy(desc(outbox.createdAt)).limit(limit);
}

/** The company's webhook row (with its sealed secret), if it has one. */
export async function webhookOf(db: Db, connectionId: string) {
  const [hook] = await db.select().from(companyWebhooks).where(eq(companyWebhooks.connectionId, connectionId));
  return hook;
}

export async function recordWebhookDelivery(db: Db, connectionId: string, result: { status: number | null; error: string | null }): Promise<void> {
  await db.update(companyWebhooks).set({ lastStatus: result.status, lastError: result.error, lastDeliveredAt: new Date() }).where(eq(companyWebhooks.connectionId, connectionId));
}

/** Scheduled runs created after `since` and not yet told, that have ended (not started, or their import finished). */
export async function endedUntoldScheduledRuns(db: Db, since: Date) {
  return db
    .select({ run: scheduledRuns, imp: imports, company: qboConnections })
    .from(scheduledRuns)
    .innerJoin(qboConnections, eq(qboConnections.id, scheduledRuns.connectionId))
    .leftJoin(imports, eq(imports.id, scheduledRuns.importId))
    .where(and(isNull(scheduledRuns.notifiedAt), gt(scheduledRuns.createdAt, since), or(ne(scheduledRuns.outcome, "started"), inArray(imports.status, ["completed", "interrupted", "error"]))));
}

export async function markScheduledRunNotified(db: Db, runId: string, at: Date): Promise<void> {
  await db.update(scheduledRuns).set({ notifiedAt: at }).where(eq(scheduledRuns.id, runId));
}

/** Companies not disconnected (the reconnect reminder looks at each). */
export async function companiesNotDisconnected(db: Db) {
  return db.select().from(qboConnections).where(ne(qboConnections.status, "disconnected"));
}
