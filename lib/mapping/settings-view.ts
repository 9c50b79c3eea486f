// What the Settings category pages read besides the rules: the QuickBooks lists (cached, or read
// now) and actiTIME's type-of-work rates. Each answers null when its source cannot be read.
import type { Db } from "@/db/client";
import type { QboConnection } from "@/db/queries/connections";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { qboClientFor } from "@/lib/qbo/connect";
import { getCachedDirectory, loadQboDirectory } from "@/lib/qbo/directory";
import type { QboDirectory } from "./directory";

export { getCachedDirectory } from "@/lib/qbo/directory";

/** The cached QuickBooks lists, or read them now when there is no cache yet; null when QuickBooks can't be read. */
export async function readDirectory(db: Db, connection: QboConnection): Promise<{ directory: QboDirectory; fetchedAt: Date } | null> {
  const cached = await getCachedDirectory(db, connection.id);
  if (cached) return cached;
  if (connection.status !== "connected") return null;
  try {
    const directory = await loadQboDirectory(db, connection.id, qboClientFor(db, connection));
    return { directory, fetchedAt: new Date() };
  } catch {
    return null;
  }
}

/** actiTIME's type-of-work rates by id, or null when actiTIME hides rates or can't be read. */
export async function readRates(db: Db, session: { accountId: string; adminId: string }): Promise<Map<number, number> | null> {
  try {
    const client = await actitimeClientForAdmin(db, session.accountId, session.adminId);
    const typesOfWork = await client.listTypesOfWork();
    const withRates = typesOfWork.filter((t): t is typeof t & { rate: number } => t.rate !== null);
    return withRates.length > 0 ? new Map(withRates.map((t) => [t.id, t.rate])) : null;
  } catch {
    return null;
  }
}
