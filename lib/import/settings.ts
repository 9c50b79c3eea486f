import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { timeDescriptionSettings } from "@/db/schema";
import type { TimeDescriptionSettings } from "./types";

/** The company's Time Description Settings; both off (combined mode) until an admin changes them. */
export async function getTimeDescriptionSettingsOrDefault(db: Db, connectionId: string): Promise<TimeDescriptionSettings> {
  const [row] = await db.select().from(timeDescriptionSettings).where(eq(timeDescriptionSettings.connectionId, connectionId));
  return { importTaskNames: row?.importTaskNames ?? false, importComments: row?.importComments ?? false };
}
