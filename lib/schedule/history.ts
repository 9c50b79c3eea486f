// What Import History shows of the Schedule: which imports a schedule ran (and who set it), the runs
// that did not import (skipped, blocked, failed) with why, and the latest Needs mapping list.
import type { ScheduledRunRow as Row } from "@/db/queries/schedules";
export { listScheduledRuns, scheduledRunForImport } from "@/db/queries/schedules";

export type ScheduledRunRow = Row;

/** "Schedule (set by Ann Admin)". */
export function scheduleRunBy(run: Pick<ScheduledRunRow, "setByName">): string {
  return `Schedule (set by ${run.setByName ?? "a former admin"})`;
}
