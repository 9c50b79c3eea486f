"use server";
// Server actions of the sandbox control page: plain forms, no client JS. Each turns its form into
// the same input the JSON endpoint takes, runs the command, and redirects back with a message.
import { revalidatePath } from "next/cache";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { parseForm } from "@/lib/forms";
import { isDemoEnabled } from "@/lib/sandbox/demo";
import { runCommand, type CommandName } from "./_lib/commands";
import { VIEW_PARAMS } from "./_lib/view";

/** A text field: trimmed; empty or absent → undefined. */
const text = z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined), z.string().optional());
/** A number field: empty stays undefined (so the command says "required"), anything else is Number(). */
const num = text.transform((v) => (v === undefined ? undefined : Number(v)));
/** "on" / "off" radio buttons; anything else leaves the setting as it is. */
const onOff = text.transform((v) => (v === "on" ? true : v === "off" ? false : undefined));
const viewSchema = z.object({ view: text, section: text });

/** Back to the page with the view the form was posted from (only known view parameters). */
function backTo(form: FormData, result: { ok: string } | { error: string }): never {
  const parsed = parseForm(viewSchema, form);
  const { view, section } = parsed.ok ? parsed.data : { view: undefined, section: undefined };
  const previous = new URLSearchParams(view ?? "");
  const next = new URLSearchParams();
  for (const key of VIEW_PARAMS) {
    const value = previous.get(key);
    if (value) next.set(key, value);
  }
  if ("ok" in result) next.set("ok", result.ok);
  else next.set("error", result.error);
  revalidatePath("/sandbox");
  redirect(`/sandbox?${next.toString()}#${section ?? "top"}`.replace(/#top$/, ""));
}

/**
 * The server action of one command: it parses the form with `schema` into the command's input and
 * runs it; bad input → the message, nothing run. `lists` are the fields posted as several values.
 */
function formAction<S extends z.ZodType<Record<string, unknown>>>(command: CommandName, schema: S, lists: readonly string[] = []) {
  return async (form: FormData): Promise<never> => {
    if (!isDemoEnabled()) notFound();
    const parsed = parseForm(schema, form, lists);
    if (!parsed.ok) return backTo(form, { error: parsed.message });
    const outcome = runCommand(command, parsed.data);
    return backTo(form, outcome.ok ? { ok: outcome.message } : { error: outcome.error });
  };
}

const markBilledSchema = z.object({ realmId: text, ids: z.array(z.string()) });
const editTimeActivitySchema = z.object({ realmId: text, id: text, hours: num, minutes: num }).transform((f) => ({ ...f, hours: f.hours ?? 0, minutes: f.minutes ?? 0 }));
const deleteTimeActivitySchema = z.object({ realmId: text, id: text });
const qboSettingsSchema = z
  .object({ realmId: text, payroll: onOff, timeTracking: onOff, classTracking: onOff, trackDepartments: onOff, bookCloseDate: z.string().optional() })
  .transform(({ bookCloseDate, ...f }) => {
    const input: Record<string, unknown> = { realmId: f.realmId };
    for (const key of ["payroll", "timeTracking", "classTracking", "trackDepartments"] as const) if (f[key] !== undefined) input[key] = f[key];
    // The closed-books form always sends the field; empty means "books not closed".
    if (bookCloseDate !== undefined) input["bookCloseDate"] = bookCloseDate.trim() || null;
    return input;
  });
const saveTimeTrackSchema = z
  .object({ userId: num, date: text, taskId: num, hours: num, minutes: num, comment: text })
  .transform(({ hours = 0, minutes = 0, comment, ...f }) => ({
    ...f,
    minutes: Number.isInteger(hours) && Number.isInteger(minutes) && minutes >= 0 && minutes < 60 ? hours * 60 + minutes : Number.NaN,
    comment: comment ?? null,
  }));
const timeTrackKeySchema = z.object({ userId: num, date: text, taskId: num });
const moveTaskSchema = z.object({ taskId: num, projectId: num });
const taskTypeOfWorkSchema = z.object({ taskId: num, typeOfWorkId: num });
const resetSchema = z.object({ target: text.transform((v) => v ?? "both") });

// One exported action a form, each the same `run` over its command and schema; the page's forms post to them by name.
export const markBilledAction = formAction("qbo-mark-billed", markBilledSchema, ["ids"]);
export const editTimeActivityAction = formAction("qbo-edit-time-activity", editTimeActivitySchema);
export const deleteTimeActivityAction = formAction("qbo-delete-time-activity", deleteTimeActivitySchema);
export const qboSettingsAction = formAction("qbo-settings", qboSettingsSchema);
export const saveTimeTrackAction = formAction("actitime-save-time-track", saveTimeTrackSchema);
export const deleteTimeTrackAction = formAction("actitime-delete-time-track", timeTrackKeySchema);
export const moveTaskAction = formAction("actitime-move-task", moveTaskSchema);
export const setTaskTypeOfWorkAction = formAction("actitime-set-task-type-of-work", taskTypeOfWorkSchema);
export const resetAction = formAction("reset", resetSchema);
