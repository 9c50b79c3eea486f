import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { Alert, Button, EmptyState, LinkButton } from "@/app/_components/ui";
import { getDb } from "@/db/client";
import { listHistory, listRules } from "@/db/queries/mappings";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { describeRuleStateText, nameLookupFromDirectory } from "@/lib/mapping/history";
import { categoryOfSlug, MAPPING_CATEGORY_META } from "@/lib/mapping/rules";
import { getCachedDirectory, readDirectory, readRates } from "@/lib/mapping/settings-view";
import { refreshDirectoryAction } from "../actions";
import { formatWhen } from "../format";
import { HistoryList } from "../history-list";
import type { RuleFormField } from "../rule-form";
import { EditPanel } from "./edit-panel";
import { Header, NoCompanyYet } from "./header";
import { RuleRows } from "./rule-rows";

type Params = Promise<{ category: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const category = categoryOfSlug((await params).category);
  return { title: category ? `${MAPPING_CATEGORY_META[category].label} · Settings` : "Settings" };
}

const ERRORS: Record<string, string> = {
  directory_unavailable: "QuickBooks lists could not be read, so nothing was saved. Press Refresh, or reconnect the company if this keeps happening.",
  refresh_failed: "QuickBooks did not answer, so the lists were not refreshed. Please try again in a moment.",
};

const RULE_FIELDS: readonly RuleFormField[] = ["kind", "name", "target", "parent", "incomeAccount", "unitPrice", "class", "location", "applyFrom"];

/** Settings → one category: its rules (Edit opens inline with ?edit=), or its history (?view=history). */
export default async function CategorySettingsPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const slug = (await params).category;
  const category = categoryOfSlug(slug);
  if (!category) notFound();
  const search = await searchParams;
  const param = (key: string) => (typeof search[key] === "string" ? search[key] : undefined);
  const meta = MAPPING_CATEGORY_META[category];

  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) return <NoCompanyYet category={category} />;
  const db = await getDb();
  // The rule's history had ?rule=<id> before it got its own page.
  const ruleParam = param("rule");
  if (ruleParam !== undefined) redirect(`/settings/${slug}/${encodeURIComponent(ruleParam)}/history`);
  const view = param("view") === "history" ? "history" : "rules";

  if (view === "history") {
    const [entries, cached] = await Promise.all([listHistory(db, current.id, { category }), getCachedDirectory(db, current.id)]);
    return (
      <>
        <Header category={category} view="history" />
        <HistoryList entries={entries} lookup={nameLookupFromDirectory(cached?.directory ?? null)} showEntity />
      </>
    );
  }

  const rules = await listRules(db, current.id, category);
  const [loaded, rates] = await Promise.all([
    rules.length > 0 ? readDirectory(db, current) : Promise.resolve(null),
    category === "type_of_work" && rules.length > 0 ? readRates(db, session) : Promise.resolve(null),
  ]);
  const directory = loaded?.directory ?? null;
  const lookup = nameLookupFromDirectory(directory);
  const editing = rules.find((rule) => rule.id === param("edit")) ?? null;
  const saved = rules.find((rule) => rule.id === param("saved")) ?? null;
  const error = param("error");
  const fieldParam = param("field");
  const message = editing ? param("message") : undefined;
  const formError =
    message !== undefined ? { field: RULE_FIELDS.find((f) => f === fieldParam) ?? ("kind" as const), message } : null;
  const payrollOn = current.payrollEnabled ?? directory?.payrollEnabled ?? false;
  const columns = 5 + (rates ? 1 : 0);

  return (
    <>
      <Header
        category={category}
        view="rules"
        refresh={
          <form action={refreshDirectoryAction}>
            <input type="hidden" name="connectionId" value={current.id} />
            <input type="hidden" name="slug" value={slug} />
            {editing ? <input type="hidden" name="edit" value={editing.id} /> : null}
            {param("q") ? <input type="hidden" name="q" value={param("q")} /> : null}
            <Button variant="secondary" type="submit">
              Refresh QuickBooks lists
            </Button>
          </form>
        }
      />
      <div className="mb-4 space-y-3">
        {error && ERRORS[error] ? <Alert tone="error">{ERRORS[error]}</Alert> : null}
        {formError && editing ? (
          <Alert tone="error">
            Nothing was saved for “{editing.sourceName}”. Fix the highlighted field and save again.
          </Alert>
        ) : null}
        {saved ? (
          param("unchanged") ? (
            <Alert tone="info">Nothing changed for “{saved.sourceName}”.</Alert>
          ) : (
            <Alert tone="success">
              Saved: “{saved.sourceName}” now uses {describeRuleStateText(category, saved, lookup)}. This applies to future imports.
            </Alert>
          )
        ) : null}
        {param("refreshed") ? <Alert tone="success">QuickBooks lists refreshed.</Alert> : null}
        {category === "user" && payrollOn ? (
          <Alert tone="info">QuickBooks Payroll is on, so new employees must be created in QuickBooks. Link each user to an employee, make a contractor a QuickBooks vendor, or choose Do not import.</Alert>
        ) : null}
        {rules.length > 0 && !loaded ? (
          <Alert tone="warning">QuickBooks lists could not be read, so rules can&apos;t be edited right now. Press Refresh QuickBooks lists to try again.</Alert>
        ) : null}
      </div>

      {rules.length === 0 ? (
        <EmptyState title={`No ${meta.label} rules yet`} action={<LinkButton href="/imports">Go to Import History</LinkButton>}>
          Rules are created by your first import; run New Import to set them up.
        </EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">
                {meta.label} mapping rules for {current.companyName}
              </caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-3">actiTIME {meta.sourceNoun}</th>
                  {rates ? <th scope="col" className="px-4 py-3 text-right">actiTIME rate</th> : null}
                  <th scope="col" className="px-4 py-3">Rule</th>
                  <th scope="col" className="px-4 py-3">QuickBooks</th>
                  <th scope="col" className="px-4 py-3">Last changed</th>
                  <th scope="col" className="px-4 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rules.map((rule) => (
                  <RuleRows
                    key={rule.id}
                    rule={rule}
                    category={category}
                    lookup={lookup}
                    rate={rates ? (rates.get(rule.sourceId) ?? null) : undefined}
                    columns={columns}
                    edit={
                      editing?.id === rule.id ? (
                        directory ? (
                          <EditPanel
                            rule={rule}
                                    category={category}
                            connectionId={current.id}
                            directory={directory}
                            payrollOn={payrollOn}
                            param={param}
                            formError={formError}
                          />
                        ) : (
                          <p className="text-sm text-slate-700">QuickBooks lists are needed to edit this rule. Press Refresh QuickBooks lists, then try again.</p>
                        )
                      ) : null
                    }
                  />
                ))}
              </tbody>
            </table>
          </div>
          {loaded ? <p className="mt-3 text-xs text-slate-500">QuickBooks lists as read {formatWhen(loaded.fetchedAt)}. Created something in QuickBooks since? Press Refresh QuickBooks lists.</p> : null}
        </>
      )}
    </>
  );
}

