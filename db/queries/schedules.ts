// Schedules and their runs (lib/schedule decides; these statements read and write).
import { and, desc, eq, isNull, lt, ne, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, importSchedules, qboConnections, scheduledRuns } from "@/db/schema";

export type ScheduleRow = typeof importSchedules.$inferSelect;
type ScheduleValues = Omit<typeof importSchedules.$inferInsert, "connectionId">;

export async function upsertSchedule(db: Db, connectionId: string, values: ScheduleValues): Promise<void> {
  await db
    .insert(importSchedules)
    .values({ connectionId, ...values })
    .onConflictDoUpdate({ target: importSchedules.connectionId, set: values });
}

/** The company's schedule and the name of the admin who set it. */
export async function scheduleWithSetter(db: Db, connectionId: string): Promise<{ schedule: ScheduleRow; setByName: string | null } | undefined> {
  const [row] = await db
    .select({ schedule: importSchedules, setByName: admins.fullName })
    .from(importSchedules)
    .leftJoin(admins, eq(admins.id, importSchedules.setByAdminId))
    .where(eq(importSchedules.connectionId, connectionId));
  return row;
}

/** Schedules that are on, of companies not disconnected. */
export async function activeSchedules(db: Db): Promise<ScheduleRow[]> {
  const rows = await db
    .select({ schedule: importSchedules })
    .from(importSchedules)
    .innerJoin(qboConnections, eq(qboConnections.id, importSchedules.connectionId))
    .where(and(ne(importSchedules.frequency, "off"), ne(qboConnections.status, "disconnected")));
  return rows.map((r) => r.schedule);
}

/** Claims a slot (compare-and-set on lastSlotAt): the schedule when this caller got it, else undefined. */
export async function claimScheduleSlot(db: Db, connectionId: string, slotAt: Date): Promise<ScheduleRow | undefined> {
  const [claimed] = await db
    .update(importSchedules)
    .set({ lastSlotAt: slotAt })
    .where(and(eq(importSchedules.connectionId, connectionId), ne(importSchedules.frequency, "off"), or(isNull(importSchedules.lastSlotAt), lt(importSchedules.lastSlotAt, slotAt))))
    .returning();
  return claimed;
}

/** Records how a slot went (once per slot). */
export async function recordScheduledRun(db: Db, values: typeof scheduledRuns.$inferInsert): Promise<void> {
  await db.insert(scheduledRuns).values(values).onConflictDoNothing();
}

export async function listScheduledRuns(db: Db, accountId: string, connectionId: string, limit = 50) {
  const rows = await db
    .select({ run: scheduledRuns, setByName: admins.fullName })
    .from(scheduledRuns)
    .innerJoin(qboConnections, and(eq(qboConnections.id, scheduledRuns.connectionId), eq(qboConnections.accountId, accountId)))
    .leftJoin(admins, eq(admins.id, scheduledRuns.setByAdminId))
    .where(eq(scheduledRuns.connectionId, connectionId))
    .orderBy(desc(scheduledRuns.slotAt))
    .limit(limit);
  return rows.map((r) => ({ ...r.run, needsMapping: r.run.needsMapping ?? [], setByName: r.setByName }));
}

export type ScheduledRunRow = Awaited<ReturnType<typeof listScheduledRuns>>[number];

/** The scheduled run that made this import, if a schedule did. */
export async function scheduledRunForImport(db: Db, importId: string) {
  const [row] = await db
    .select({ setByName: admins.fullName })
    .from(scheduledRuns)
    .leftJoin(admins, eq(admins.id, scheduledRuns.setByAdminId))
    .where(eq(scheduledRuns.importId, importId));
  return row ?? null;
}
