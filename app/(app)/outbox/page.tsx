import type { Metadata } from "next";
import { Alert, Badge, Button, Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { getDb } from "@/db/client";
import { requireSession } from "@/lib/auth/session";
import { getNotificationPrefs, listOutbox, mailConfig } from "@/lib/notify/mail";
import { formatWhen } from "../settings/format";
import { saveNotificationPrefsAction } from "./actions";

export const metadata: Metadata = { title: "Outbox" };

/** The signed-in admin's notifications (issue 18 §4): what was e-mailed, or, without SMTP, what is only here. */
export default async function OutboxPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const session = await requireSession();
  const db = await getDb();
  const [prefs, messages] = await Promise.all([getNotificationPrefs(db, session.adminId), listOutbox(db, session.accountId, session.adminId)]);
  const smtp = mailConfig().smtpUrl !== null;
  return (
    <>
      <PageHeader title="Outbox" description={smtp ? "Your notifications. Each is also e-mailed to you." : "Your notifications. No mail server is configured (SMTP_URL), so they are kept here to be read."} />
      {params.saved ? <div className="mb-4"><Alert tone="success">Notification choices saved.</Alert></div> : null}
      <Card className="mb-6 p-5">
        <form action={saveNotificationPrefsAction} aria-labelledby="notify-heading" className="space-y-3">
          <h2 id="notify-heading" className="text-base font-semibold">Tell me</h2>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="scheduledImports" defaultChecked={prefs.scheduledImports} className="h-4 w-4 rounded border-slate-300" />
            When a scheduled import ends (its counts, its error, or what needs mapping)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="reconnect" defaultChecked={prefs.reconnect} className="h-4 w-4 rounded border-slate-300" />
            When a company needs reconnecting to QuickBooks
          </label>
          <Button type="submit">Save</Button>
        </form>
      </Card>
      {messages.length === 0 ? (
        <EmptyState title="No notifications yet" />
      ) : (
        <ul className="space-y-3">
          {messages.map((m) => (
            <li key={m.id}>
              <Card className="p-4">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h3 className="text-sm font-semibold">{m.subject}</h3>
                  <span className="flex items-center gap-2 text-xs text-slate-500">
                    {formatWhen(m.createdAt)}
                    {m.sentAt ? <Badge tone="green">E-mailed</Badge> : m.error ? <Badge tone="amber">Not e-mailed</Badge> : <Badge>Here only</Badge>}
                  </span>
                </div>
                <p className="mt-2 whitespace-pre-line text-sm text-slate-700">{m.body}</p>
                {m.error ? <p className="mt-1 text-xs text-amber-800">{m.error}</p> : null}
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
