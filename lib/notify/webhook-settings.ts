// Settings → Webhook: one optional outgoing webhook per company, scoped to the signed-in account. The
// secret is write-only (sealed at rest, never shown again); an empty URL removes the webhook.
import type { Db } from "@/db/client";
import { companyWebhookExists, deleteCompanyWebhook, insertCompanyWebhook, updateCompanyWebhook } from "@/db/queries/webhooks";
import { getConnection } from "@/db/queries/connections";
import { seal } from "@/lib/crypto";
import { webhookUrlProblem } from "./webhook";

export const WEBHOOK_SECRET_MIN_CHARS = 16;

export type SaveWebhookResult = { ok: true; removed?: boolean } | { ok: false; field: "url" | "secret" | "connectionId"; message: string };

export async function saveCompanyWebhook(db: Db, session: { accountId: string; adminId: string }, input: { connectionId: string; url: string; secret: string }): Promise<SaveWebhookResult> {
  const connection = /^[0-9a-f-]{36}$/i.test(input.connectionId) ? await getConnection(db, session.accountId, input.connectionId) : undefined;
  if (!connection) return { ok: false, field: "connectionId", message: "That company is not connected to your account." };
  const url = input.url.trim();
  if (url === "") {
    await deleteCompanyWebhook(db, connection.id);
    return { ok: true, removed: true };
  }
  if (url.length > 2000) return { ok: false, field: "url", message: "The webhook URL is too long." };
  const problem = webhookUrlProblem(url);
  if (problem) return { ok: false, field: "url", message: problem };
  const existing = await companyWebhookExists(db, connection.id);
  const secret = input.secret;
  if (secret === "" && !existing) return { ok: false, field: "secret", message: `Enter a signing secret of at least ${WEBHOOK_SECRET_MIN_CHARS} characters.` };
  if (secret !== "" && (secret.length < WEBHOOK_SECRET_MIN_CHARS || secret.length > 256)) return { ok: false, field: "secret", message: `The signing secret must be ${WEBHOOK_SECRET_MIN_CHARS} to 256 characters.` };
  const values = { url, updatedByAdminId: session.adminId, updatedAt: new Date(), ...(secret !== "" ? { sealedSecret: seal(secret, `webhook:${connection.id}`) } : {}) };
  if (existing) await updateCompanyWebhook(db, connection.id, values);
  else await insertCompanyWebhook(db, connection.id, { ...values, sealedSecret: seal(secret, `webhook:${connection.id}`) });
  return { ok: true };
}

export { getCompanyWebhook } from "@/db/queries/webhooks";
