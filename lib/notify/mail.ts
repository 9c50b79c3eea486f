// Notifications by e-mail (issue 18 §4), per admin and opt-in. Every message is written to the outbox
// first (one per event per admin, by dedupe key); with SMTP_URL set it is sent through nodemailer
// from MAIL_FROM, otherwise (the embedded default and the demo) it stays there to be read on the
// Outbox page. SMTP credentials never reach logs or pages: only whether sending failed.
import { and, eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Db } from "@/db/client";
import { admins, notificationPrefs, outbox } from "@/db/schema";
import { getEnv } from "@/lib/env";

export type NotificationKind = "scheduled_import" | "reconnect";

export interface MailConfig {
  smtpUrl: string | null;
  from: string;
}

export function mailConfig(): MailConfig {
  return getEnv().mail;
}

export type SendMail = (message: { from: string; to: string; subject: string; text: string }) => Promise<unknown>;

function smtpSender(config: MailConfig): SendMail | null {
  if (!config.smtpUrl) return null;
  const transport = nodemailer.createTransport(config.smtpUrl);
  return (message) => transport.sendMail(message);
}

/**
 * Notifies every admin of the account who opted in to `kind`. Returns how many messages were new
 * (a repeated event, same dedupe key, adds none).
 */
export async function notifyAdmins(
  db: Db,
  input: { accountId: string; kind: NotificationKind; dedupeKey: string; subject: string; body: string },
  deps: { config?: MailConfig; send?: SendMail | null } = {},
): Promise<number> {
  const config = deps.config ?? mailConfig();
  const send = deps.send !== undefined ? deps.send : smtpSender(config);
  const recipients = await db
    .select({ id: admins.id, email: admins.email })
    .from(admins)
    .innerJoin(notificationPrefs, eq(notificationPrefs.adminId, admins.id))
    .where(and(eq(admins.accountId, input.accountId), input.kind === "scheduled_import" ? eq(notificationPrefs.scheduledImports, true) : eq(notificationPrefs.reconnect, true)));
  let created = 0;
  for (const r of recipients) {
    const [row] = await db
      .insert(outbox)
      .values({ accountId: input.accountId, adminId: r.id, toAddress: r.email, subject: input.subject, body: input.body, dedupeKey: input.dedupeKey })
      .onConflictDoNothing()
      .returning({ id: outbox.id });
    if (!row) continue;
    created++;
    if (!send) continue;
    if (!r.email) {
      await db.update(outbox).set({ error: "No e-mail address is known for this admin; read it here." }).where(eq(outbox.id, row.id));
      continue;
    }
    try {
      await send({ from: config.from, to: r.email, subject: input.subject, text: input.body });
      await db.update(outbox).set({ sentAt: new Date() }).where(eq(outbox.id, row.id));
    } catch (error) {
      await db.update(outbox).set({ error: `Sending failed${error instanceof Error && "code" in error ? ` (${String((error as { code: unknown }).code)})` : ""}; read it here.` }).where(eq(outbox.id, row.id));
    }
  }
  return created;
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
  const { desc } = await import("drizzle-orm");
  return db.select().from(outbox).where(and(eq(outbox.accountId, accountId), eq(outbox.adminId, adminId))).orderBy(desc(outbox.createdAt)).limit(limit);
}
