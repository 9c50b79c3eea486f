import type { Metadata } from "next";
import Link from "next/link";
import { Alert, Button, PageHeader } from "@/app/_components/ui";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { scopeOf } from "@/lib/import/prepare";
import { MAX_IMPORT_RANGE_DAYS } from "@/lib/import/wizard";
import { loadDraft } from "../../_lib/context";
import { WizardSteps } from "../../_components/steps";
import { saveSelectionAction } from "../actions";

export const metadata: Metadata = { title: "New Import · Select data" };

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Quick picks, computed in UTC calendar days. */
function quickPicks(today = new Date()) {
  const day = (today.getUTCDay() + 6) % 7; // Monday = 0
  const thisMonday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - day));
  const lastMonday = new Date(thisMonday.getTime() - 7 * 86_400_000);
  const lastSunday = new Date(thisMonday.getTime() - 86_400_000);
  const firstOfMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const firstOfLastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  const lastOfLastMonth = new Date(firstOfMonth.getTime() - 86_400_000);
  return [
    { label: "Last week", from: iso(lastMonday), to: iso(lastSunday) },
    { label: "Last month", from: iso(firstOfLastMonth), to: iso(lastOfLastMonth) },
    { label: "This month so far", from: iso(firstOfMonth), to: iso(today) },
  ];
}

const inputClass = "mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";

export default async function SelectStep({ params, searchParams }: { params: Promise<{ importId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { importId } = await params;
  const query = await searchParams;
  const { db, imp, actor, connection } = await loadDraft(importId);
  const saved = imp.dateFrom ? scopeOf(imp) : null;
  // After a refused Continue, the choices the admin had made (sent back in the URL) win over the draft's.
  const posted = (v: string | undefined) => (v === undefined ? undefined : v === "all" ? null : v.split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0));
  const scope =
    query.error && query.users !== undefined
      ? {
          userIds: posted(query.users) ?? null,
          projectIds: posted(query.projects) ?? null,
          leaveTypeIds: posted(query.leaveTypes) ?? null,
          approvedOnly: query.approved === "1",
        }
      : saved;
  const picks = quickPicks();
  const dateFrom = query.from ?? saved?.dateFrom ?? picks[1]!.from;
  const dateTo = query.to ?? saved?.dateTo ?? picks[1]!.to;

  let lists: Awaited<ReturnType<typeof readLists>> | null = null;
  let readError: string | null = null;
  try {
    lists = await readLists(await actitimeClientForAdmin(db, actor.accountId, actor.adminId));
  } catch (error) {
    readError = error instanceof Error ? error.message : "actiTIME could not be read.";
  }
  const chosen = (ids: readonly number[] | null | undefined, id: number) => ids == null || ids.includes(id);
  const action = saveSelectionAction.bind(null, importId);
  const fieldError = (field: string) => (query.error && query.field === field ? query.error : null);

  return (
    <>
      <WizardSteps importId={importId} current="select" reached={imp.step} />
      <PageHeader title="Select data" description={`Which actiTIME time goes into ${connection.companyName}. Everything is included unless you narrow it down.`} />
      {readError ? <Alert tone="error" title="actiTIME could not be read">{readError}</Alert> : null}
      {query.error && !["dateFrom", "dateTo"].includes(query.field ?? "") ? <div className="mb-4"><Alert tone="error">{query.error}</Alert></div> : null}
      <form action={action} className="space-y-6">
        <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h2 className="text-base font-semibold">Date range</h2>
          <div className="mt-3 flex flex-wrap items-end gap-4">
            <div>
              <label htmlFor="dateFrom" className="text-sm font-medium text-slate-800">From</label>
              <input id="dateFrom" name="dateFrom" type="date" required defaultValue={dateFrom} className={inputClass} aria-invalid={fieldError("dateFrom") ? true : undefined} aria-describedby={fieldError("dateFrom") ? "dateFrom-error" : undefined} />
            </div>
            <div>
              <label htmlFor="dateTo" className="text-sm font-medium text-slate-800">To</label>
              <input id="dateTo" name="dateTo" type="date" required defaultValue={dateTo} className={inputClass} aria-invalid={fieldError("dateTo") ? true : undefined} aria-describedby={fieldError("dateTo") ? "dateTo-error" : undefined} />
            </div>
            <div className="flex flex-wrap gap-2 text-sm" aria-label="Quick picks">
              {picks.map((p) => (
                <a key={p.label} href={`/imports/${importId}/select?from=${p.from}&to=${p.to}`} className="rounded-full border border-slate-300 px-3 py-1 text-slate-700 hover:bg-slate-50">
                  {p.label}
                </a>
              ))}
            </div>
          </div>
          {fieldError("dateFrom") ? <p id="dateFrom-error" role="alert" className="mt-2 text-sm text-red-700">{fieldError("dateFrom")}</p> : null}
          {fieldError("dateTo") ? <p id="dateTo-error" role="alert" className="mt-2 text-sm text-red-700">{fieldError("dateTo")}</p> : null}
          <p className="mt-2 text-xs text-slate-500">Up to {MAX_IMPORT_RANGE_DAYS} days per import. Dates are actiTIME calendar days.</p>
          <label className="mt-4 flex items-center gap-2 text-sm">
            <input type="checkbox" name="approvedOnly" defaultChecked={scope?.approvedOnly ?? false} className="h-4 w-4" />
            Only approved time
          </label>
        </section>

        {lists ? (
          <>
            <EntityPicker legend="Users" allName="users" name="userId" allLabel="All users" options={lists.users.map((u) => ({ id: u.id, label: u.name }))} isChosen={(id) => chosen(scope?.userIds, id)} allChosen={scope?.userIds == null} />
            <fieldset className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <legend className="px-1 text-base font-semibold">Customers and projects</legend>
              <label className="mt-1 flex items-center gap-2 text-sm font-medium">
                <input type="radio" name="projects" value="all" defaultChecked={scope?.projectIds == null} className="h-4 w-4" />
                All customers and projects
              </label>
              <label className="mt-1 flex items-center gap-2 text-sm font-medium">
                <input type="radio" name="projects" value="chosen" defaultChecked={scope?.projectIds != null} className="h-4 w-4" />
                Only the projects ticked below
              </label>
              <div className="mt-3 grid gap-4 sm:grid-cols-2">
                {lists.customers.map((c) => (
                  <div key={c.id}>
                    <p className="text-sm font-medium text-slate-800">{c.name}</p>
                    <ul className="mt-1 space-y-1">
                      {c.projects.map((p) => (
                        <li key={p.id}>
                          <label className="flex items-center gap-2 text-sm text-slate-700">
                            <input type="checkbox" name="projectId" value={p.id} defaultChecked={chosen(scope?.projectIds, p.id)} className="h-4 w-4" />
                            {p.name}
                          </label>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            </fieldset>
            <EntityPicker legend="Leave types" allName="leaveTypes" name="leaveTypeId" allLabel="All leave types" options={lists.leaveTypes.map((l) => ({ id: l.id, label: l.name }))} isChosen={(id) => chosen(scope?.leaveTypeIds, id)} allChosen={scope?.leaveTypeIds == null} />
          </>
        ) : null}
        <div className="flex justify-end gap-3">
          <Link href="/imports" className="inline-flex items-center rounded-md px-4 py-2 text-sm text-slate-700 hover:bg-slate-100">Cancel</Link>
          <Button type="submit">Continue to mapping</Button>
        </div>
      </form>
    </>
  );
}

async function readLists(client: Awaited<ReturnType<typeof actitimeClientForAdmin>>) {
  const [users, customers, projects, leaveTypes] = await Promise.all([client.listUsers(), client.listCustomers(), client.listProjects(), client.listLeaveTypes()]);
  return {
    users: users.map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim() })).sort((a, b) => a.name.localeCompare(b.name)),
    customers: customers
      .map((c) => ({ id: c.id, name: c.name, projects: projects.filter((p) => p.customerId === c.id).sort((a, b) => a.name.localeCompare(b.name)) }))
      .filter((c) => c.projects.length > 0)
      .sort((a, b) => a.name.localeCompare(b.name)),
    leaveTypes: leaveTypes.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function EntityPicker(props: { legend: string; allName: string; name: string; allLabel: string; options: { id: number; label: string }[]; isChosen: (id: number) => boolean; allChosen: boolean }) {
  return (
    <fieldset className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <legend className="px-1 text-base font-semibold">{props.legend}</legend>
      <label className="mt-1 flex items-center gap-2 text-sm font-medium">
        <input type="radio" name={props.allName} value="all" defaultChecked={props.allChosen} className="h-4 w-4" />
        {props.allLabel}
      </label>
      <label className="mt-1 flex items-center gap-2 text-sm font-medium">
        <input type="radio" name={props.allName} value="chosen" defaultChecked={!props.allChosen} className="h-4 w-4" />
        Only those ticked below
      </label>
      <ul className="mt-3 grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
        {props.options.map((o) => (
          <li key={o.id}>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name={props.name} value={o.id} defaultChecked={props.isChosen(o.id)} className="h-4 w-4" />
              {o.label}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
