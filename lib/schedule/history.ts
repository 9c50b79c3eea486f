// What Import History shows of the Schedule: which imports a schedule ran (and who set it), the runs
// that did not import (skipped, blocked, failed) with why, and the latest Needs mapping list.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, qboConnections, scheduledRuns } from "@/db/schema";
import type { NeedsMappingEntry } from "./run";

export async function listScheduledRuns(db: Db, accountId: string, connectionId: string, limit = 50) {
  const rows = await db
    .select({ run: scheduledRuns, setByName: admins.fullName })
    .from(scheduledRuns)
    .innerJoin(qboConnections, and(eq(qboConnections.id, scheduledRuns.connectionId), eq(qboConnections.accountId, accountId)))
    .leftJoin(admins, eq(admins.id, scheduledRuns.setByAdminId))
    .where(eq(scheduledRuns.connectionId, connectionId))
    .orderBy(desc(scheduledRuns.slotAt))
    .limit(limit);
  return rows.map((r) => ({ ...r.run, needsMapping: (r.run.needsMapping ?? []) as NeedsMappingEntry[], setByName: r.setByName }));
}

export type ScheduledRunRow = Awaited<ReturnType<typeof listScheduledRuns>>[number];

/** "Schedule (set by Ann Admin)". */
export function scheduleRunBy(run: Pick<ScheduledRunRow, "setByName">): string {
  return `Schedule (set by ${run.setByName ?? "a former admin"})`;
}

/** The scheduled run that made this import, if a schedule did. */
export async function scheduledRunForImport(db: Db, importId: string) {
  const [row] = await db
    .select({ setByName: admins.fullName })
    .from(scheduledRuns)
    .leftJoin(admins, eq(admins.id, scheduledRuns.setByAdminId))
    .where(eq(scheduledRuns.importId, importId));
  return row ?? null;
}
