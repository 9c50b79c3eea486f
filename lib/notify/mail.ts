// Notifications by e-mail (issue 18 §4), per admin and opt-in. Every message is written to the outbox
// first (one per event per admin, by dedupe key); with SMTP_URL set it is sent through nodemailer
// from MAIL_FROM, otherwise (the embedded default and the demo) it stays there to be read on the
// Outbox page. SMTP credentials never reach logs or pages: only whether sending failed.
import nodemailer from "nodemailer";
import type { Db } from "@/db/client";
import { enqueueMessage, markMessage, notificationRecipients, type NotificationKind } from "@/db/queries/notifications";
import { getEnv } from "@/lib/env";

export type { NotificationKind };

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
  const recipients = await notificationRecipients(db, input.accountId, input.kind);
  let created = 0;
  for (const r of recipients) {
    const id = await enqueueMessage(db, { accountId: input.accountId, adminId: r.id, toAddress: r.email, subject: input.subject, body: input.body, dedupeKey: input.dedupeKey });
    if (!id) continue;
    created++;
    if (!send) continue;
    if (!r.email) {
      await markMessage(db, id, { error: "No e-mail address is known for this admin; read it here." });
      continue;
    }
    try {
      await send({ from: config.from, to: r.email, subject: input.subject, text: input.body });
      await markMessage(db, id, { sentAt: new Date() });
    } catch (error) {
      await markMessage(db, id, { error: `Sending failed${error instanceof Error && "code" in error ? ` (${String((error as { code: unknown }).code)})` : ""}; read it here.` });
    }
  }
  return created;
}

export { getNotificationPrefs, listOutbox, saveNotificationPrefs } from "@/db/queries/notifications";
