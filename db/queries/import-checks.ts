// What the pre-flight Checks (lib/import/checks.ts, lib/import/company-check.ts) count in an
// import's items. The JSON paths read import_items.desired / before as db/types.ts declares them.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importItems } from "@/db/schema";
import type { ImportItemRow } from "./imports";

const txnDate = sql<string>`coalesce(${importItems.desired}->'activity'->>'txnDate', ${importItems.before}->'written'->>'txnDate')`;

function activitiesIn(importId: string, statuses: readonly ImportItemRow["status"][]) {
  return and(eq(importItems.importId, importId), eq(importItems.entity, "TimeActivity"), inArray(importItems.status, [...statuses]));
}

/** How many of the import's TimeActivity items (in these statuses) are dated on or before `closedDate`. */
export async function countActivitiesInClosedPeriod(db: Db, importId: string, closedDate: string, statuses: readonly ImportItemRow["status"][]): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(importItems)
    .where(and(activitiesIn(importId, statuses), sql`${txnDate} <= ${closedDate}`));
  return row?.n ?? 0;
}

/** The first `limit` of those items, in order. */
export async function activitiesInClosedPeriod(db: Db, importId: string, closedDate: string, statuses: readonly ImportItemRow["status"][], limit: number) {
  return db
    .select({ operation: importItems.operation, desired: importItems.desired, before: importItems.before })
    .from(importItems)
    .where(and(activitiesIn(importId, statuses), sql`${txnDate} <= ${closedDate}`))
    .orderBy(importItems.seq)
    .limit(limit);
}

/** Billable creates and updates (in these statuses) without an hourly rate, counted per service item ref. */
export async function unratedBillableByItem(db: Db, importId: string, statuses: readonly ImportItemRow["status"][]): Promise<{ item: string; n: number }[]> {
  return db
    .select({ item: sql<string>`${importItems.desired}->'activity'->>'itemRef'`, n: sql<number>`count(*)::int` })
    .from(importItems)
    .where(
      and(
        activitiesIn(importId, statuses),
        inArray(importItems.operation, ["create", "update"]),
        sql`${importItems.desired}->'activity'->>'billableStatus' = 'Billable'`,
        sql`((${importItems.desired}->'activity'->'hourlyRate') is null or jsonb_typeof(${importItems.desired}->'activity'->'hourlyRate') = 'null')`,
      ),
    )
    .groupBy(sql`${importItems.desired}->'activity'->>'itemRef'`);
}

/** How many employees the import would create. */
export async function countEmployeeCreates(db: Db, importId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(importItems)
    .where(and(eq(importItems.importId, importId), inArray(importItems.entity, ["Employee"]), eq(importItems.operation, "create")));
  return row?.n ?? 0;
}
