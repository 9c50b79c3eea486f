import { numeric } from "@/app/_components/data-table";
import { Button, Card } from "@/app/_components/ui";
import { getDemoActitime } from "@/lib/sandbox/demo";
import { deleteTimeTrackAction, moveTaskAction, saveTimeTrackAction, setTaskTypeOfWorkAction } from "../actions";
import { actitimeLookup, DEFAULT_LIST_LIMIT, formatMinutes, listTimeTrack, userName, type ActitimeLookup } from "../_lib/commands";
import { viewHref, viewQuery, type SandboxView } from "../_lib/view";
import { CardHeader, ChoiceField, DateRangeFields, EditCell, Field, FilterForm, FormCard, Input, SandboxTable, Select, tdClass } from "./fields";

function taskLabel(lookup: ActitimeLookup, taskId: number): string {
  const task = lookup.tasks.get(taskId);
  if (!task) return `#${taskId}`;
  const project = lookup.projects.get(task.projectId);
  const customer = project ? lookup.customers.get(project.customerId) : undefined;
  return [customer?.name, project?.name, task.name].filter(Boolean).join(" › ");
}

function TaskOptions({ lookup, withTypeOfWork = false }: { lookup: ActitimeLookup; withTypeOfWork?: boolean }) {
  const tasks = [...lookup.snapshot.tasks].sort((a, b) => taskLabel(lookup, a.id).localeCompare(taskLabel(lookup, b.id)));
  return (
    <>
      {tasks.map((task) => (
        <option key={task.id} value={task.id}>
          {taskLabel(lookup, task.id)}
          {withTypeOfWork ? ` [${lookup.typesOfWork.get(task.typeOfWorkId)?.name ?? "?"}]` : ""}
          {task.status === "completed" ? " (completed)" : ""}
        </option>
      ))}
    </>
  );
}

const TIME_EDIT_DESCRIPTION = "One record per user, date and task, as in actiTIME's timesheet. Saving 0:00 deletes the record.";

function UserOptions({ users }: { users: readonly ActitimeLookup["snapshot"]["users"][number][] }) {
  return users.map((u) => (
    <option key={u.id} value={u.id}>
      {userName(u)}
    </option>
  ));
}

export function ActitimePanel({ view }: { view: SandboxView }) {
  const lookup = actitimeLookup();
  const query = viewQuery(view);
  const { total, records } = listTimeTrack({ from: view.atFrom, to: view.atTo, userId: view.user, limit: DEFAULT_LIST_LIMIT }, lookup);
  const editing = view.tt ? getDemoActitime().getTimeTrack(view.tt.userId, view.tt.date, view.tt.taskId) : undefined;
  const users = [...lookup.snapshot.users].sort((a, b) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName));
  const projects = [...lookup.snapshot.projects].sort((a, b) => {
    const ca = lookup.customers.get(a.customerId)?.name ?? "";
    const cb = lookup.customers.get(b.customerId)?.name ?? "";
    return ca.localeCompare(cb) || a.name.localeCompare(b.name);
  });
  const defaultDate = view.tt?.date ?? new Date().toISOString().slice(0, 10);

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader
          id="at-records"
          title="Time-track records"
          description={`${total} match${total > records.length ? `; showing the latest ${records.length}` : ""}. Newest first.`}
        />
        <FilterForm section="at-records" keep={{ realm: view.realm, from: view.from, to: view.to }}>
          <Field id="at-filter-user" label="User">
            <Select id="at-filter-user" name="user" defaultValue={view.user === undefined ? "" : String(view.user)}>
              <option value="">All users</option>
              <UserOptions users={users} />
            </Select>
          </Field>
          <DateRangeFields idPrefix="at" names={["atFrom", "atTo"]} from={view.atFrom} to={view.atTo} />
        </FilterForm>
        {records.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-600">No time-track records match.</p>
        ) : (
          <SandboxTable caption="actiTIME time-track records" columns={["Date", "User", "Customer › Project › Task", "Type of work", numeric("Time"), "Comment"]}>
            {records.map((r) => {
              const key = `${r.userId}_${r.date}_${r.taskId}`;
              const selected = view.tt !== undefined && `${view.tt.userId}_${view.tt.date}_${view.tt.taskId}` === key;
              return (
                <tr key={key} className={selected ? "bg-brand-50" : undefined}>
                  <td className={`${tdClass} whitespace-nowrap`}>{r.date}</td>
                  <td className={tdClass}>{r.user}</td>
                  <td className={tdClass}>{[r.customer, r.project, r.task].filter(Boolean).join(" › ")}</td>
                  <td className={tdClass}>{r.typeOfWork}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{formatMinutes(r.minutes)}</td>
                  <td className={`${tdClass} max-w-xs truncate`} title={r.comment ?? undefined}>
                    {r.comment}
                  </td>
                  <EditCell href={viewHref(view, { tt: key }, "at-edit")} />
                </tr>
              );
            })}
          </SandboxTable>
        )}
      </Card>

      <FormCard id="at-edit" title="Add, edit or delete time" description={TIME_EDIT_DESCRIPTION} action={saveTimeTrackAction} query={viewQuery(view, { tt: undefined })} section="at-records" className="grid gap-4 p-5 md:grid-cols-6">
        <ChoiceField id="at-user" label="User" name="userId" placeholder="Choose a user…" defaultValue={view.tt ? String(view.tt.userId) : ""} className="md:col-span-2">
          <UserOptions users={users} />
        </ChoiceField>
        <Field id="at-date" label="Date">
          <Input id="at-date" type="date" name="date" required defaultValue={defaultDate} />
        </Field>
        <ChoiceField id="at-task" label="Task" name="taskId" placeholder="Choose a task…" defaultValue={view.tt ? String(view.tt.taskId) : ""} className="md:col-span-3">
          <TaskOptions lookup={lookup} />
        </ChoiceField>
        <Field id="at-hours" label="Hours">
          <Input id="at-hours" type="number" name="hours" min={0} max={24} step={1} defaultValue={editing ? Math.floor(editing.timeMinutes / 60) : 0} />
        </Field>
        <Field id="at-minutes" label="Minutes">
          <Input id="at-minutes" type="number" name="minutes" min={0} max={59} step={1} defaultValue={editing ? editing.timeMinutes % 60 : 0} />
        </Field>
        <Field id="at-comment" label="Comment" className="md:col-span-4">
          <textarea id="at-comment" name="comment" rows={2} maxLength={4000} defaultValue={editing?.comment ?? ""} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm" />
        </Field>
        <div className="flex items-end gap-2 md:col-span-6">
          <Button type="submit">Save time</Button>
          <Button type="submit" variant="danger" formAction={deleteTimeTrackAction} formNoValidate>
            Delete record
          </Button>
          {view.tt && !editing ? <p className="text-xs text-red-700">That record does not exist (any more); saving adds it.</p> : null}
        </div>
      </FormCard>

      <div className="grid gap-4 lg:grid-cols-2">
        <FormCard id="at-move" title="Move a task to another project" description="Its existing time moves with it, as in actiTIME." action={moveTaskAction} query={query} className="space-y-4 p-5">
          <ChoiceField id="move-task" label="Task" name="taskId" placeholder="Choose a task…">
            <TaskOptions lookup={lookup} />
          </ChoiceField>
          <ChoiceField id="move-project" label="New project" name="projectId" placeholder="Choose a project…">
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {lookup.customers.get(p.customerId)?.name ?? "?"} › {p.name}
                {p.archived ? " (archived)" : ""}
              </option>
            ))}
          </ChoiceField>
          <Button type="submit">Move task</Button>
        </FormCard>
        <FormCard id="at-tow" title="Change a task's type of work" description="Changes billable status and rate of all its time, past included." action={setTaskTypeOfWorkAction} query={query} className="space-y-4 p-5">
          <ChoiceField id="tow-task" label="Task (current type of work)" name="taskId" placeholder="Choose a task…">
            <TaskOptions lookup={lookup} withTypeOfWork />
          </ChoiceField>
          <ChoiceField id="tow-type" label="New type of work" name="typeOfWorkId" placeholder="Choose a type of work…">
            {lookup.snapshot.typesOfWork.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.billable ? "billable" : "non-billable"}
                {t.rate !== null ? `, ${t.rate}/h` : ""}){t.archived ? " (archived)" : ""}
              </option>
            ))}
          </ChoiceField>
          <Button type="submit">Change type of work</Button>
        </FormCard>
      </div>
    </div>
  );
}
