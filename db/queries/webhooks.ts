// A company's outgoing webhook (one per connection). Callers scope the connection to the account.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { companyWebhooks } from "@/db/schema";

export async function deleteCompanyWebhook(db: Db, connectionId: string): Promise<void> {
  await db.delete(companyWebhooks).where(eq(companyWebhooks.connectionId, connectionId));
}

export async function companyWebhookExists(db: Db, connectionId: string): Promise<boolean> {
  const [existing] = await db.select({ id: companyWebhooks.connectionId }).from(companyWebhooks).where(eq(companyWebhooks.connectionId, connectionId));
  return existing !== undefined;
}

type WebhookValues = { url: string; updatedByAdminId: string; updatedAt: Date; sealedSecret?: string };

export async function updateCompanyWebhook(db: Db, connectionId: string, values: WebhookValues): Promise<void> {
  await db.update(companyWebhooks).set(values).where(eq(companyWebhooks.connectionId, connectionId));
}

export async function insertCompanyWebhook(db: Db, connectionId: string, values: WebhookValues & { sealedSecret: string }): Promise<void> {
  await db.insert(companyWebhooks).values({ connectionId, ...values });
}

export async function getCompanyWebhook(db: Db, connectionId: string) {
  const [row] = await db
    .select({ url: companyWebhooks.url, lastStatus: companyWebhooks.lastStatus, lastError: companyWebhooks.lastError, lastDeliveredAt: companyWebhooks.lastDeliveredAt })
    .from(companyWebhooks)
    .where(eq(companyWebhooks.connectionId, connectionId));
  return row ?? null;
}
