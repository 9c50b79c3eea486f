import { Button, Card } from "@/app/_components/ui";
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS } from "@/lib/schedule/due";
import { timeZoneOptions, WEEKDAYS, type getSchedule } from "@/lib/schedule/settings";
import { saveScheduleAction } from "./actions";
import { formatWhen } from "./format";

type Schedule = Awaited<ReturnType<typeof getSchedule>>;

const field = "mt-1 block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";

/** Settings → Schedule (issue 18 §1): Off / Daily / Weekly, in the company's time zone, and the window. */
export function ScheduleForm({ connectionId, schedule, error }: { connectionId: string; schedule: Schedule; error?: { field: string; message: string } }) {
  const s = schedule ?? { frequency: "off" as const, timeOfDay: "06:00", weekday: 1, timeZone: "UTC", window: "last_days" as const, windowDays: DEFAULT_WINDOW_DAYS, approvedOnly: false, setByName: null, updatedAt: null, nextRunAt: null };
  const err = (name: string) => (error?.field === name ? <p id={`${name}-error`} className="mt-1 text-sm text-red-700">{error.message}</p> : null);
  const described = (name: string) => (error?.field === name ? `${name}-error` : undefined);
  return (
    <Card className="p-5">
      <form action={saveScheduleAction} aria-labelledby="schedule" className="space-y-4">
        <input type="hidden" name="connectionId" value={connectionId} />
        <p className="max-w-3xl text-sm text-slate-600">
          A scheduled import is an ordinary import of the chosen window, using the saved rules only. actiTIME users, projects or leave types without a rule are left out and listed as Needs mapping in Import History. It never runs beside another import on this company.
        </p>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Run</legend>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            {(["off", "daily", "weekly"] as const).map((f) => (
              <label key={f} className="flex items-center gap-2">
                <input type="radio" name="frequency" value={f} defaultChecked={s.frequency === f} />
                {f === "off" ? "Off" : f === "daily" ? "Daily" : "Weekly"}
              </label>
            ))}
          </div>
          {err("frequency")}
        </fieldset>
        <div className="flex flex-wrap gap-4">
          <div>
            <label htmlFor="schedule-weekday" className="text-sm font-medium text-slate-900">Day (weekly)</label>
            <select id="schedule-weekday" name="weekday" defaultValue={String(s.weekday)} className={field} aria-describedby={described("weekday")}>
              {WEEKDAYS.map((d, i) => (
                <option key={d} value={i}>{d}</option>
              ))}
            </select>
            {err("weekday")}
          </div>
          <div>
            <label htmlFor="schedule-time" className="text-sm font-medium text-slate-900">At</label>
            <input id="schedule-time" name="timeOfDay" type="time" defaultValue={s.timeOfDay} required className={field} aria-describedby={described("timeOfDay")} />
            {err("timeOfDay")}
          </div>
          <div>
            <label htmlFor="schedule-zone" className="text-sm font-medium text-slate-900">Company time zone</label>
            <select id="schedule-zone" name="timeZone" defaultValue={s.timeZone} className={field} aria-describedby={described("timeZone")}>
              {timeZoneOptions(s.timeZone).map((z) => (
                <option key={z} value={z}>{z}</option>
              ))}
            </select>
            {err("timeZone")}
          </div>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Each run imports</legend>
          <div className="mt-2 space-y-2 text-sm">
            <label className="flex flex-wrap items-center gap-2">
              <input type="radio" name="window" value="last_days" defaultChecked={s.window === "last_days"} />
              The last
              <input name="windowDays" type="number" min={1} max={MAX_WINDOW_DAYS} defaultValue={s.windowDays} aria-label="Number of days" className="w-20 rounded-md border border-slate-300 px-2 py-1" aria-describedby={described("windowDays")} />
              days (up to the day of the run)
            </label>
            {err("windowDays")}
            <label className="flex items-center gap-2">
              <input type="radio" name="window" value="this_and_last_month" defaultChecked={s.window === "this_and_last_month"} />
              This and last month
            </label>
          </div>
          {err("window")}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="approvedOnly" defaultChecked={s.approvedOnly} className="h-4 w-4 rounded border-slate-300" />
          Only approved time
        </label>
        <div className="flex flex-wrap items-center gap-4">
          <Button type="submit">Save schedule</Button>
          <p className="text-xs text-slate-500">
            {s.updatedAt ? `Set ${formatWhen(s.updatedAt)}${s.setByName ? ` by ${s.setByName}` : ""}.` : "Not set: imports run only when started by hand."}
            {s.frequency !== "off" && s.nextRunAt ? ` Next run ${formatWhen(s.nextRunAt)}.` : ""}
          </p>
        </div>
      </form>
    </Card>
  );
}
