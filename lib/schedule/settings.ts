// Settings → Schedule: read and save a company's Schedule, scoped to the signed-in account. Bad input
// gets a clear message and changes nothing.
import { z } from "zod";
import type { Db } from "@/db/client";
import { getConnection } from "@/db/queries/connections";
import { scheduleWithSetter, upsertSchedule } from "@/db/queries/schedules";
import { DEFAULT_WINDOW_DAYS, isValidTimeZone, MAX_WINDOW_DAYS, nextSlot, parseTimeOfDay, SCHEDULE_FREQUENCIES, SCHEDULE_WINDOWS } from "./due";

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

export const scheduleFormSchema = z.object({
  connectionId: z.uuid({ error: "That company is not connected to your account." }),
  frequency: z.enum(SCHEDULE_FREQUENCIES, { error: "Choose Off, Daily or Weekly." }),
  timeOfDay: z.string().refine((v) => parseTimeOfDay(v) !== null, "Enter the time as HH:MM (24-hour), e.g. 06:30."),
  weekday: z.coerce.number({ error: "Choose a day of the week." }).int().min(0, "Choose a day of the week.").max(6, "Choose a day of the week."),
  timeZone: z.string().trim().refine(isValidTimeZone, "Choose a time zone from the list (e.g. America/New_York)."),
  window: z.enum(SCHEDULE_WINDOWS, { error: "Choose which days each run imports." }),
  windowDays: z.coerce
    .number({ error: `Enter a number of days from 1 to ${MAX_WINDOW_DAYS}.` })
    .int(`Enter a whole number of days from 1 to ${MAX_WINDOW_DAYS}.`)
    .min(1, `Enter a number of days from 1 to ${MAX_WINDOW_DAYS}.`)
    .max(MAX_WINDOW_DAYS, `Enter a number of days from 1 to ${MAX_WINDOW_DAYS}.`),
  approvedOnly: z.boolean(),
});
export type ScheduleForm = z.infer<typeof scheduleFormSchema>;

export type SaveScheduleResult = { ok: true } | { ok: false; field: string; message: string };

function formValue(form: FormData, key: string): string | undefined {
  const v = form.get(key);
  return typeof v === "string" ? v : undefined;
}

export async function saveSchedule(db: Db, session: { accountId: string; adminId: string }, form: FormData, now = new Date()): Promise<SaveScheduleResult> {
  const parsed = scheduleFormSchema.safeParse({
    connectionId: formValue(form, "connectionId"),
    frequency: formValue(form, "frequency"),
    timeOfDay: formValue(form, "timeOfDay") ?? "",
    weekday: formValue(form, "weekday") ?? "1",
    timeZone: formValue(form, "timeZone") ?? "",
    window: formValue(form, "window"),
    windowDays: formValue(form, "windowDays") || String(DEFAULT_WINDOW_DAYS),
    approvedOnly: form.get("approvedOnly") === "on",
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: String(issue.path[0] ?? "frequency"), message: issue.message };
  }
  const s = parsed.data;
  const connection = await getConnection(db, session.accountId, s.connectionId);
  if (!connection) return { ok: false, field: "connectionId", message: "That company is not connected to your account." };
  if (connection.status === "disconnected") return { ok: false, field: "connectionId", message: "That company is disconnected. Connect it again before scheduling imports." };
  const values = { frequency: s.frequency, timeOfDay: s.timeOfDay, weekday: s.weekday, timeZone: s.timeZone, window: s.window, windowDays: s.windowDays, approvedOnly: s.approvedOnly, setByAdminId: session.adminId, updatedAt: now };
  await upsertSchedule(db, connection.id, values);
  return { ok: true };
}

export async function getSchedule(db: Db, connectionId: string, now = new Date()) {
  const row = await scheduleWithSetter(db, connectionId);
  if (!row) return null;
  return { ...row.schedule, setByName: row.setByName, nextRunAt: nextSlot(row.schedule, now) };
}

/** A handful of common zones first; any IANA zone the runtime knows is accepted. */
export function timeZoneOptions(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const list = all.includes("UTC") ? all : ["UTC", ...all];
  return list.includes(current) ? list : [current, ...list];
}
