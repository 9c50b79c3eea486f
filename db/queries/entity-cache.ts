// The cached QBO lists of a connection (lib/qbo/directory.ts reads and fills them).
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { qboEntityCache } from "@/db/schema";

/** Forgets the connection's cached QBO lists: the next mapping reads them again. */
export async function clearEntityCache(db: Db, connectionId: string): Promise<void> {
  await db.delete(qboEntityCache).where(eq(qboEntityCache.connectionId, connectionId));
}
