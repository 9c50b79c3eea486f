import Link from "next/link";
import { Alert, Badge, Button, Card } from "@/app/_components/ui";
import { getDemoQbo } from "@/lib/sandbox/demo";
import { deleteTimeActivityAction, editTimeActivityAction, markBilledAction, qboSettingsAction } from "../actions";
import { DEFAULT_LIST_LIMIT, listTimeActivities, timeActivityRow } from "../_lib/commands";
import { viewHref, viewQuery, type SandboxView } from "../_lib/view";
import { numeric } from "@/app/_components/data-table";
import { CardHeader, DateRangeFields, EditCell, Field, FilterForm, FormCard, Input, SandboxTable, tdClass, ViewFields } from "./fields";

const STATUS_TONE = { Billable: "blue", NotBillable: "neutral", HasBeenBilled: "green" } as const;

const ACTIVITY_EDIT_DESCRIPTION = "A person changing an activity inside QuickBooks (no SyncToken check; its SyncToken goes up).";

function StatusBadge({ status }: { status: string | null }) {
  const tone = status && status in STATUS_TONE ? STATUS_TONE[status as keyof typeof STATUS_TONE] : "neutral";
  return <Badge tone={tone}>{status ?? "—"}</Badge>;
}

export function QboPanel({ view }: { view: SandboxView }) {
  const qbo = getDemoQbo();
  const companies = qbo.companies();
  const company = companies.find((c) => c.realmId === view.realm) ?? companies[0];
  if (!company) return <Alert tone="warning">The emulated QuickBooks has no companies. Reset it to get the seed companies back.</Alert>;
  const realmView: SandboxView = { ...view, realm: company.realmId };
  const query = viewQuery(realmView);
  const settings = qbo.settings(company.realmId);
  const { total, activities } = listTimeActivities({ realmId: company.realmId, from: view.from, to: view.to, limit: DEFAULT_LIST_LIMIT });
  const editing = view.edit ? qbo.get(company.realmId, "TimeActivity", view.edit) : undefined;
  const editRow = editing ? timeActivityRow(editing) : undefined;

  return (
    <div className="space-y-4">
      <nav aria-label="QuickBooks companies" className="flex flex-wrap gap-2">
        {companies.map((c) => (
          <Link
            key={c.realmId}
            href={viewHref(view, { realm: c.realmId, edit: undefined }, "qbo")}
            aria-current={c.realmId === company.realmId ? "page" : undefined}
            className={`rounded-md border px-3 py-1.5 text-sm ${
              c.realmId === company.realmId ? "border-brand-600 bg-brand-50 font-medium text-brand-800" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"
            }`}
          >
            {c.companyName} <span className="text-xs text-slate-500">({c.realmId})</span>
          </Link>
        ))}
      </nav>

      <Card>
        <CardHeader id="qbo-settings" title={`Company settings: ${company.companyName}`} description="What an admin switches in QuickBooks' own Settings." />
        <div className="grid gap-4 p-5 md:grid-cols-3">
          <form action={qboSettingsAction} className="space-y-2">
            <ViewFields query={query} section="qbo-settings" />
            <input type="hidden" name="realmId" value={company.realmId} />
            <input type="hidden" name="payroll" value={settings.payroll ? "off" : "on"} />
            <p className="text-sm text-slate-700">
              Payroll: <Badge tone={settings.payroll ? "green" : "neutral"}>{settings.payroll ? "On" : "Off"}</Badge>
            </p>
            <Button variant="secondary" type="submit">
              Turn Payroll {settings.payroll ? "off" : "on"}
            </Button>
          </form>
          <form action={qboSettingsAction} className="space-y-2">
            <ViewFields query={query} section="qbo-settings" />
            <input type="hidden" name="realmId" value={company.realmId} />
            <input type="hidden" name="timeTracking" value={settings.timeTracking ? "off" : "on"} />
            <p className="text-sm text-slate-700">
              Time tracking: <Badge tone={settings.timeTracking ? "green" : "red"}>{settings.timeTracking ? "On" : "Off"}</Badge>
            </p>
            <Button variant="secondary" type="submit">
              Turn time tracking {settings.timeTracking ? "off" : "on"}
            </Button>
          </form>
          {([
            ["classTracking", "Class tracking", settings.classTracking === true],
            ["trackDepartments", "Location tracking", settings.trackDepartments === true],
          ] as const).map(([name, label, on]) => (
            <form key={name} action={qboSettingsAction} className="space-y-2">
              <ViewFields query={query} section="qbo-settings" />
              <input type="hidden" name="realmId" value={company.realmId} />
              <input type="hidden" name={name} value={on ? "off" : "on"} />
              <p className="text-sm text-slate-700">
                {label}: <Badge tone={on ? "green" : "neutral"}>{on ? "On" : "Off"}</Badge>
              </p>
              <Button variant="secondary" type="submit">
                Turn {label.toLowerCase()} {on ? "off" : "on"}
              </Button>
            </form>
          ))}
          <form action={qboSettingsAction} className="space-y-2">
            <ViewFields query={query} section="qbo-settings" />
            <input type="hidden" name="realmId" value={company.realmId} />
            <Field id="qbo-book-close-date" label="Closed-books date" hint="Writes dated on or before it are refused. Leave empty to open the books.">
              <Input id="qbo-book-close-date" type="date" name="bookCloseDate" defaultValue={settings.bookCloseDate ?? ""} />
            </Field>
            <Button variant="secondary" type="submit">
              Save closed-books date
            </Button>
          </form>
        </div>
      </Card>

      <Card>
        <CardHeader
          id="qbo-activities"
          title="Time activities"
          description={`${total} in this company${total > activities.length ? `; showing the latest ${activities.length}` : ""}${
            view.from || view.to ? ` dated ${view.from ?? "…"} to ${view.to ?? "…"}` : ""
          }. Newest first.`}
        />
        <FilterForm section="qbo-activities" keep={{ realm: company.realmId, user: view.user, atFrom: view.atFrom, atTo: view.atTo }}>
          <DateRangeFields idPrefix="qbo" names={["from", "to"]} from={view.from} to={view.to} />
        </FilterForm>
        {activities.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-600">No time activities{view.from || view.to ? " in these dates" : " yet: run an import to create some"}.</p>
        ) : (
          <form action={markBilledAction}>
            <ViewFields query={query} section="qbo-activities" />
            <input type="hidden" name="realmId" value={company.realmId} />
            <SandboxTable
              caption={`Time activities of ${company.companyName}`}
              columns={[{ label: "Select", srOnly: true }, "Id", "Date", "Employee / vendor", "Customer", "Service item", numeric("Hours"), "Billable status"]}
            >
              {activities.map((a) => (
                <tr key={a.id} className={a.id === view.edit ? "bg-brand-50" : undefined}>
                  <td className={tdClass}>
                    <input
                      type="checkbox"
                      name="ids"
                      value={a.id}
                      id={`ta-${a.id}`}
                      disabled={a.billableStatus === "HasBeenBilled"}
                      aria-label={`Select TimeActivity ${a.id}`}
                      className="h-4 w-4 rounded border-slate-300"
                    />
                  </td>
                  <td className={`${tdClass} font-mono text-xs`}>{a.id}</td>
                  <td className={`${tdClass} whitespace-nowrap`}>{a.txnDate}</td>
                  <td className={tdClass}>{a.worker}</td>
                  <td className={tdClass}>{a.customer ?? <span className="text-slate-400">—</span>}</td>
                  <td className={tdClass}>{a.item}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>
                    {a.hours}:{String(a.minutes).padStart(2, "0")}
                  </td>
                  <td className={tdClass}>
                    <StatusBadge status={a.billableStatus} />
                  </td>
                  <EditCell href={viewHref(realmView, { edit: a.id }, "qbo-edit")} />
                </tr>
              ))}
            </SandboxTable>
            <div className="flex items-center justify-between gap-3 border-t border-slate-200 px-5 py-3">
              <p className="text-xs text-slate-500">Marking billed is what creating an invoice does: the activity becomes HasBeenBilled.</p>
              <Button type="submit">Mark selected as billed</Button>
            </div>
          </form>
        )}
      </Card>

      <FormCard id="qbo-edit" title="Edit or delete a time activity" description={ACTIVITY_EDIT_DESCRIPTION} action={editTimeActivityAction} query={viewQuery(realmView, { edit: undefined })} section="qbo-activities" className="grid gap-4 p-5 sm:grid-cols-4">
        <input type="hidden" name="realmId" value={company.realmId} />
        <Field id="qbo-edit-id" label="TimeActivity Id">
          <Input id="qbo-edit-id" name="id" inputMode="numeric" pattern="\d+" required defaultValue={editRow?.id ?? view.edit ?? ""} />
        </Field>
        <Field id="qbo-edit-hours" label="Hours">
          <Input id="qbo-edit-hours" name="hours" type="number" min={0} max={24} step={1} defaultValue={editRow?.hours ?? 0} />
        </Field>
        <Field id="qbo-edit-minutes" label="Minutes">
          <Input id="qbo-edit-minutes" name="minutes" type="number" min={0} max={59} step={1} defaultValue={editRow?.minutes ?? 0} />
        </Field>
        <div className="flex items-end gap-2">
          <Button type="submit">Save hours</Button>
          <Button type="submit" variant="danger" formAction={deleteTimeActivityAction} formNoValidate>
            Delete
          </Button>
        </div>
        {editRow ? (
          <p className="text-xs text-slate-500 sm:col-span-4">
            {editRow.txnDate} · {editRow.worker} · {editRow.customer ?? "no customer"} · {editRow.item} · {editRow.billableStatus}
            {editRow.description ? ` · “${editRow.description}”` : ""}
          </p>
        ) : view.edit ? (
          <p className="text-xs text-red-700 sm:col-span-4">There is no TimeActivity {view.edit} in this company.</p>
        ) : null}
      </FormCard>
    </div>
  );
}
