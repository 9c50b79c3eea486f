"use server";
// Server actions of the sandbox control page: plain forms, no client JS. Each turns its form into
// the same input the JSON endpoint takes, runs the command, and redirects back with a message.
import { revalidatePath } from "next/cache";
import { notFound, redirect } from "next/navigation";
import { isDemoEnabled } from "@/lib/sandbox/demo";
import { runCommand, type CommandName } from "./_lib/commands";
import { VIEW_PARAMS } from "./_lib/view";

function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** A number field: empty stays undefined (so validation says "required"), anything else is Number(). */
function numberField(form: FormData, name: string): number | undefined {
  const value = field(form, name);
  return value === undefined ? undefined : Number(value);
}

function onOff(form: FormData, name: string): boolean | undefined {
  const value = field(form, name);
  return value === "on" ? true : value === "off" ? false : undefined;
}

/** Back to the page with the view the form was posted from (only known view parameters). */
function backTo(form: FormData, result: { ok: string } | { error: string }): never {
  const previous = new URLSearchParams(field(form, "view") ?? "");
  const next = new URLSearchParams();
  for (const key of VIEW_PARAMS) {
    const value = previous.get(key);
    if (value) next.set(key, value);
  }
  if ("ok" in result) next.set("ok", result.ok);
  else next.set("error", result.error);
  revalidatePath("/sandbox");
  redirect(`/sandbox?${next.toString()}#${field(form, "section") ?? "top"}`.replace(/#top$/, ""));
}

function run(command: CommandName, input: Record<string, unknown>, form: FormData): never {
  if (!isDemoEnabled()) notFound();
  const outcome = runCommand(command, input);
  return backTo(form, outcome.ok ? { ok: outcome.message } : { error: outcome.error });
}

export async function markBilledAction(form: FormData): Promise<void> {
  const ids = form.getAll("ids").filter((v): v is string => typeof v === "string");
  run("qbo-mark-billed", { realmId: field(form, "realmId"), ids }, form);
}

export async function editTimeActivityAction(form: FormData): Promise<void> {
  run(
    "qbo-edit-time-activity",
    { realmId: field(form, "realmId"), id: field(form, "id"), hours: numberField(form, "hours") ?? 0, minutes: numberField(form, "minutes") ?? 0 },
    form,
  );
}

export async function deleteTimeActivityAction(form: FormData): Promise<void> {
  run("qbo-delete-time-activity", { realmId: field(form, "realmId"), id: field(form, "id") }, form);
}

export async function qboSettingsAction(form: FormData): Promise<void> {
  const input: Record<string, unknown> = { realmId: field(form, "realmId") };
  const payroll = onOff(form, "payroll");
  const timeTracking = onOff(form, "timeTracking");
  if (payroll !== undefined) input["payroll"] = payroll;
  if (timeTracking !== undefined) input["timeTracking"] = timeTracking;
  for (const key of ["classTracking", "trackDepartments"] as const) {
    const on = onOff(form, key);
    if (on !== undefined) input[key] = on;
  }
  // The closed-books form always sends the field; empty means "books not closed".
  if (form.has("bookCloseDate")) input["bookCloseDate"] = field(form, "bookCloseDate") ?? null;
  run("qbo-settings", input, form);
}

export async function saveTimeTrackAction(form: FormData): Promise<void> {
  const hours = numberField(form, "hours") ?? 0;
  const minutes = numberField(form, "minutes") ?? 0;
  run(
    "actitime-save-time-track",
    {
      userId: numberField(form, "userId"),
      date: field(form, "date"),
      taskId: numberField(form, "taskId"),
      minutes: Number.isInteger(hours) && Number.isInteger(minutes) && minutes >= 0 && minutes < 60 ? hours * 60 + minutes : Number.NaN,
      comment: field(form, "comment") ?? null,
    },
    form,
  );
}

export async function deleteTimeTrackAction(form: FormData): Promise<void> {
  run("actitime-delete-time-track", { userId: numberField(form, "userId"), date: field(form, "date"), taskId: numberField(form, "taskId") }, form);
}

export async function moveTaskAction(form: FormData): Promise<void> {
  run("actitime-move-task", { taskId: numberField(form, "taskId"), projectId: numberField(form, "projectId") }, form);
}

export async function setTaskTypeOfWorkAction(form: FormData): Promise<void> {
  run("actitime-set-task-type-of-work", { taskId: numberField(form, "taskId"), typeOfWorkId: numberField(form, "typeOfWorkId") }, form);
}

export async function resetAction(form: FormData): Promise<void> {
  run("reset", { target: field(form, "target") ?? "both" }, form);
}
