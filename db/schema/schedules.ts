import { boolean, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { stampedAt, timestamptz, uuidPrimaryKey } from "./columns";
import { adminRef } from "./accounts";
import { SCHEDULE_FREQUENCIES, SCHEDULE_WINDOWS, type NeedsMappingEntry } from "../types";
import { connectionRef } from "./connections";
import { imports } from "./imports";

export const scheduleFrequency = pgEnum("schedule_frequency", SCHEDULE_FREQUENCIES);
/** last_days: the last `window_days` days up to the run's day; this_and_last_month: from the 1st of last month. */
export const scheduleWindow = pgEnum("schedule_window", SCHEDULE_WINDOWS);

/**
 * A company's import Schedule (issue 18 §1), edited in Settings: when, in the company's time zone,
 * and which window. `lastSlotAt` is the due time last claimed by a scheduler: a conditional update
 * moves it forward, so two schedulers (or a repeated cron tick) never start the same slot twice.
 */
export const importSchedules = pgTable("import_schedules", {
  connectionId: connectionRef().primaryKey(),
  frequency: scheduleFrequency("frequency").notNull().default("off"),
  /** Local wall time "HH:MM" (24 h). */
  timeOfDay: text("time_of_day").notNull().default("06:00"),
  /** weekly: 0 = Sunday … 6 = Saturday. */
  weekday: integer("weekday").notNull().default(1),
  /** IANA zone of the company, e.g. "America/New_York". */
  timeZone: text("time_zone").notNull().default("UTC"),
  window: scheduleWindow("window_kind").notNull().default("last_days"),
  windowDays: integer("window_days").notNull().default(14),
  approvedOnly: boolean("approved_only").notNull().default(false),
  setByAdminId: adminRef("set_by_admin_id"),
  lastSlotAt: timestamptz("last_slot_at"),
  updatedAt: stampedAt("updated_at"),
});

export const scheduledRunOutcome = pgEnum("scheduled_run_outcome", ["started", "skipped", "blocked", "failed"]);

/**
 * One scheduled slot and what became of it: started (the import it made), or skipped / blocked /
 * failed with why. Import History lists these beside the imports; `needsMapping` lists the actiTIME
 * entities that had no rule and so were not imported.
 */
export const scheduledRuns = pgTable(
  "scheduled_runs",
  {
    id: uuidPrimaryKey(),
    connectionId: connectionRef(),
    slotAt: timestamptz("slot_at").notNull(),
    outcome: scheduledRunOutcome("outcome").notNull(),
    importId: uuid("import_id").references(() => imports.id, { onDelete: "set null" }),
    setByAdminId: adminRef("set_by_admin_id"),
    message: text("message"),
    needsMapping: jsonb("needs_mapping").$type<NeedsMappingEntry[]>(),
    /** When the end of this run was told (e-mail / Outbox / webhook); null until the run has ended and been told. */
    notifiedAt: timestamptz("notified_at"),
    createdAt: stampedAt("created_at"),
  },
  (t) => [uniqueIndex("scheduled_runs_connection_slot_unique").on(t.connectionId, t.slotAt), index("scheduled_runs_connection_created_idx").on(t.connectionId, t.createdAt)],
);
