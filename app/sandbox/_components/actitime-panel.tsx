import Link from "next/link";
import { Button, Card } from "@/app/_components/ui";
import { getDemoActitime } from "@/lib/sandbox/demo";
import { deleteTimeTrackAction, moveTaskAction, saveTimeTrackAction, setTaskTypeOfWorkAction } from "../actions";
import { actitimeLookup, DEFAULT_LIST_LIMIT, listTimeTrack, userName, type ActitimeLookup } from "../_lib/commands";
import { viewHref, viewQuery, type SandboxView } from "../_lib/view";
import { CardHeader, Field, formatMinutes, Input, Select, tdClass, thClass, ViewFields } from "./fields";

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
        <form method="get" action="/sandbox#at-records" className="flex flex-wrap items-end gap-3 border-b border-slate-200 px-5 py-3">
          {view.realm ? <input type="hidden" name="realm" value={view.realm} /> : null}
          {view.from ? <input type="hidden" name="from" value={view.from} /> : null}
          {view.to ? <input type="hidden" name="to" value={view.to} /> : null}
          <Field id="at-filter-user" label="User">
            <Select id="at-filter-user" name="user" defaultValue={view.user === undefined ? "" : String(view.user)}>
              <option value="">All users</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {userName(u)}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="at-from" label="From">
            <Input id="at-from" type="date" name="atFrom" defaultValue={view.atFrom ?? ""} />
          </Field>
          <Field id="at-to" label="To">
            <Input id="at-to" type="date" name="atTo" defaultValue={view.atTo ?? ""} />
          </Field>
          <Button variant="secondary" type="submit">
            Filter
          </Button>
        </form>
        {records.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-600">No time-track records match.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200">
              <caption className="sr-only">actiTIME time-track records</caption>
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={thClass}>Date</th>
                  <th scope="col" className={thClass}>User</th>
                  <th scope="col" className={thClass}>Customer › Project › Task</th>
                  <th scope="col" className={thClass}>Type of work</th>
                  <th scope="col" className={`${thClass} text-right`}>Time</th>
                  <th scope="col" className={thClass}>Comment</th>
                  <th scope="col" className={thClass}>
                    <span className="sr-only">Edit</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
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
                      <td className={tdClass}>
                        <Link href={viewHref(view, { tt: key }, "at-edit")} className="text-brand-700 hover:underline">
                          Edit
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card>
        <CardHeader
          id="at-edit"
          title="Add, edit or delete time"
          description="One record per user, date and task, as in actiTIME's timesheet. Saving 0:00 deletes the record."
        />
        <form action={saveTimeTrackAction} className="grid gap-4 p-5 md:grid-cols-6">
          <ViewFields query={viewQuery(view, { tt: undefined })} section="at-records" />
          <div className="md:col-span-2">
            <Field id="at-user" label="User">
              <Select id="at-user" name="userId" required defaultValue={view.tt ? String(view.tt.userId) : ""}>
                <option value="" disabled>
                  Choose a user…
                </option>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {userName(u)}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <Field id="at-date" label="Date">
            <Input id="at-date" type="date" name="date" required defaultValue={defaultDate} />
          </Field>
          <div className="md:col-span-3">
            <Field id="at-task" label="Task">
              <Select id="at-task" name="taskId" required defaultValue={view.tt ? String(view.tt.taskId) : ""}>
                <option value="" disabled>
                  Choose a task…
                </option>
                <TaskOptions lookup={lookup} />
              </Select>
            </Field>
          </div>
          <Field id="at-hours" label="Hours">
            <Input id="at-hours" type="number" name="hours" min={0} max={24} step={1} defaultValue={editing ? Math.floor(editing.timeMinutes / 60) : 0} />
          </Field>
          <Field id="at-minutes" label="Minutes">
            <Input id="at-minutes" type="number" name="minutes" min={0} max={59} step={1} defaultValue={editing ? editing.timeMinutes % 60 : 0} />
          </Field>
          <div className="md:col-span-4">
            <Field id="at-comment" label="Comment">
              <textarea id="at-comment" name="comment" rows={2} maxLength={4000} defaultValue={editing?.comment ?? ""} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm" />
            </Field>
          </div>
          <div className="flex items-end gap-2 md:col-span-6">
            <Button type="submit">Save time</Button>
            <Button type="submit" variant="danger" formAction={deleteTimeTrackAction} formNoValidate>
              Delete record
            </Button>
            {view.tt && !editing ? <p className="text-xs text-red-700">That record does not exist (any more); saving adds it.</p> : null}
          </div>
        </form>
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader id="at-move" title="Move a task to another project" description="Its existing time moves with it, as in actiTIME." />
          <form action={moveTaskAction} className="space-y-4 p-5">
            <ViewFields query={query} section="at-move" />
            <Field id="move-task" label="Task">
              <Select id="move-task" name="taskId" required defaultValue="">
                <option value="" disabled>
                  Choose a task…
                </option>
                <TaskOptions lookup={lookup} />
              </Select>
            </Field>
            <Field id="move-project" label="New project">
              <Select id="move-project" name="projectId" required defaultValue="">
                <option value="" disabled>
                  Choose a project…
                </option>
                {projects.map((p) => (
                  <option key={p.id} value={p.id}>
                    {lookup.customers.get(p.customerId)?.name ?? "?"} › {p.name}
                    {p.archived ? " (archived)" : ""}
                  </option>
                ))}
              </Select>
            </Field>
            <Button type="submit">Move task</Button>
          </form>
        </Card>
        <Card>
          <CardHeader id="at-tow" title="Change a task's type of work" description="Changes billable status and rate of all its time, past included." />
          <form action={setTaskTypeOfWorkAction} className="space-y-4 p-5">
            <ViewFields query={query} section="at-tow" />
            <Field id="tow-task" label="Task (current type of work)">
              <Select id="tow-task" name="taskId" required defaultValue="">
                <option value="" disabled>
                  Choose a task…
                </option>
                <TaskOptions lookup={lookup} withTypeOfWork />
              </Select>
            </Field>
            <Field id="tow-type" label="New type of work">
              <Select id="tow-type" name="typeOfWorkId" required defaultValue="">
                <option value="" disabled>
                  Choose a type of work…
                </option>
                {lookup.snapshot.typesOfWork.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.billable ? "billable" : "non-billable"}
                    {t.rate !== null ? `, ${t.rate}/h` : ""}){t.archived ? " (archived)" : ""}
                  </option>
                ))}
              </Select>
            </Field>
            <Button type="submit">Change type of work</Button>
          </form>
        </Card>
      </div>
    </div>
  );
}
