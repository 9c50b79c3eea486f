import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, Badge, Button, EmptyState, LinkButton, PageHeader } from "@/app/_components/ui";
import { getDb, type Db } from "@/db/client";
import type { QboConnection } from "@/db/queries/connections";
import { getRule, listHistory, listRules, storedStateOfRow, type MappingRuleListRow } from "@/db/queries/mappings";
import { getCurrentCompany, requireSession, type AppSession } from "@/lib/auth/session";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { QBO_CATEGORY_ITEM_TYPE, QBO_MAX_NESTING_LEVEL, QBO_SERVICE_ITEM_TYPE, qboLevelOf, type QboDirectory } from "@/lib/mapping/directory";
import { describeRuleState, describeRuleStateText, nameLookupFromDirectory, type NameLookup } from "@/lib/mapping/history";
import { qboNameMaxChars, sanitizeQboName } from "@/lib/mapping/names";
import { isItemCategory, MAPPING_CATEGORY_META, MAPPING_RULE_KINDS, ruleKindLabel, type MappingCategory } from "@/lib/mapping/rules";
import { qboClientFor } from "@/lib/qbo/connect";
import { getCachedDirectory, loadQboDirectory } from "@/lib/qbo/directory";
import { refreshDirectoryAction } from "../actions";
import { CATEGORY_BLURB, CATEGORY_SLUGS, categoryOfSlug, SLUG_ORDER, type CategorySlug } from "../categories";
import { formatRate, formatWhen } from "../format";
import { HistoryList } from "../history-list";
import { RuleForm, type RuleFormField, type SelectOption } from "../rule-form";

type Params = Promise<{ category: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const category = categoryOfSlug((await params).category);
  return { title: category ? `${MAPPING_CATEGORY_META[category].label} · Settings` : "Settings" };
}

/** Long option lists are cut here; the `q` search narrows them. */
const OPTION_LIMIT = 500;

const ERRORS: Record<string, string> = {
  directory_unavailable: "QuickBooks lists could not be read, so nothing was saved. Press Refresh, or reconnect the company if this keeps happening.",
  refresh_failed: "QuickBooks did not answer, so the lists were not refreshed. Please try again in a moment.",
};

const RULE_FIELDS: readonly RuleFormField[] = ["kind", "name", "target", "parent", "incomeAccount", "unitPrice"];

export default async function CategorySettingsPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const slug = (await params).category;
  const category = categoryOfSlug(slug);
  if (!category) notFound();
  const search = await searchParams;
  const param = (key: string) => (typeof search[key] === "string" ? search[key] : undefined);
  const meta = MAPPING_CATEGORY_META[category];

  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) {
    return (
      <>
        <PageHeader title={meta.label} />
        <EmptyState title="Connect a QuickBooks company first" action={<LinkButton href="/companies" variant="secondary">View QuickBooks companies</LinkButton>}>
          Mapping rules belong to a QuickBooks company.
        </EmptyState>
      </>
    );
  }
  const db = await getDb();
  const ruleParam = param("rule");
  const view = ruleParam !== undefined ? "rule" : param("view") === "history" ? "history" : "rules";

  if (view === "rule") {
    const rule = await getRule(db, current.id, ruleParam!);
    if (!rule || rule.category !== category) notFound();
    const [entries, cached] = await Promise.all([listHistory(db, current.id, { ruleId: rule.id }), getCachedDirectory(db, current.id)]);
    return (
      <>
        <Header slug={slug as CategorySlug} category={category} view="history" />
        <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-lg font-semibold text-slate-900">
            History of the rule for <span className="break-words">{rule.sourceName}</span>
          </h2>
          <Link href={`/settings/${slug}?view=history`} className="text-sm font-medium text-brand-700 hover:underline">
            All {meta.label} changes
          </Link>
        </div>
        <HistoryList entries={entries} lookup={nameLookupFromDirectory(cached?.directory ?? null)} showEntity={false} />
      </>
    );
  }

  if (view === "history") {
    const [entries, cached] = await Promise.all([listHistory(db, current.id, { category }), getCachedDirectory(db, current.id)]);
    return (
      <>
        <Header slug={slug as CategorySlug} category={category} view="history" />
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
        slug={slug as CategorySlug}
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
              Saved: “{saved.sourceName}” now uses {describeRuleStateText(category, storedStateOfRow(saved), lookup)}. This applies to future imports.
            </Alert>
          )
        ) : null}
        {param("refreshed") ? <Alert tone="success">QuickBooks lists refreshed.</Alert> : null}
        {category === "user" && payrollOn ? (
          <Alert tone="info">QuickBooks Payroll is on, so new employees must be created in QuickBooks. Link each user to an employee, or choose Do not import.</Alert>
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
                    slug={slug as CategorySlug}
                    category={category}
                    lookup={lookup}
                    rate={rates ? (rates.get(rule.sourceId) ?? null) : undefined}
                    columns={columns}
                    edit={
                      editing?.id === rule.id ? (
                        directory ? (
                          <EditPanel
                            rule={rule}
                            slug={slug as CategorySlug}
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

function Header({ slug, category, view, refresh }: { slug: CategorySlug; category: MappingCategory; view: "rules" | "history"; refresh?: React.ReactNode }) {
  const meta = MAPPING_CATEGORY_META[category];
  const tab = (active: boolean) =>
    `rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`;
  return (
    <>
      <nav aria-label="Settings sections" className="mb-4 flex flex-wrap items-center gap-1 text-sm">
        <Link href="/settings" className="rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-100">
          Settings
        </Link>
        <span aria-hidden className="text-slate-400">/</span>
        {SLUG_ORDER.map((s) => (
          <Link
            key={s}
            href={`/settings/${s}`}
            aria-current={s === slug ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 ${s === slug ? "bg-slate-100 font-semibold text-slate-900" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {MAPPING_CATEGORY_META[CATEGORY_SLUGS[s]].label}
          </Link>
        ))}
      </nav>
      <PageHeader title={meta.label} description={`${CATEGORY_BLURB[category]} Changes apply to future imports only.`} actions={view === "rules" ? refresh : undefined} />
      <nav aria-label={`${meta.label} views`} className="mb-4 flex gap-2">
        <Link href={`/settings/${slug}`} aria-current={view === "rules" ? "page" : undefined} className={tab(view === "rules")}>
          Rules
        </Link>
        <Link href={`/settings/${slug}?view=history`} aria-current={view === "history" ? "page" : undefined} className={tab(view === "history")}>
          History
        </Link>
      </nav>
    </>
  );
}

const KIND_TONE = { create: "green", link: "blue", skip: "neutral" } as const;

function RuleRows({
  rule,
  slug,
  category,
  lookup,
  rate,
  columns,
  edit,
}: {
  rule: MappingRuleListRow;
  slug: CategorySlug;
  category: MappingCategory;
  lookup: NameLookup;
  /** undefined: no rate column; null: actiTIME shows no rate for this one. */
  rate: number | null | undefined;
  columns: number;
  edit: React.ReactNode;
}) {
  const description = describeRuleState(category, storedStateOfRow(rule), lookup);
  return (
    <>
      <tr id={`rule-${rule.id}`} className={edit ? "bg-slate-50" : undefined}>
        <th scope="row" className="px-4 py-3 text-left font-medium text-slate-900">
          {rule.sourceName}
        </th>
        {rate !== undefined ? <td className="px-4 py-3 text-right tabular-nums text-slate-700">{rate !== null ? formatRate(rate) : "—"}</td> : null}
        <td className="px-4 py-3">
          <Badge tone={KIND_TONE[rule.kind]}>{description.kind}</Badge>
        </td>
        <td className="px-4 py-3">
          {description.target !== null ? <span className="text-slate-900">{description.target}</span> : <span className="text-slate-500">Not imported</span>}
          {description.details.length > 0 ? <span className="block text-xs text-slate-500">{description.details.join(" · ")}</span> : null}
        </td>
        <td className="whitespace-nowrap px-4 py-3 text-slate-700">
          <time dateTime={rule.updatedAt.toISOString()}>{formatWhen(rule.updatedAt)}</time>
          {rule.updatedByName ? <span className="block text-xs text-slate-500">by {rule.updatedByName}</span> : null}
        </td>
        <td className="whitespace-nowrap px-4 py-3 text-right">
          <Link href={`/settings/${slug}?edit=${rule.id}#rule-${rule.id}`} className="font-medium text-brand-700 hover:underline">
            Edit<span className="sr-only"> the rule for {rule.sourceName}</span>
          </Link>
          <Link href={`/settings/${slug}?rule=${rule.id}`} className="ml-4 font-medium text-brand-700 hover:underline">
            History<span className="sr-only"> of the rule for {rule.sourceName}</span>
          </Link>
        </td>
      </tr>
      {edit ? (
        <tr className="bg-slate-50">
          <td colSpan={columns} className="px-4 pb-5 pt-1">
            {edit}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function EditPanel({
  rule,
  slug,
  category,
  connectionId,
  directory,
  payrollOn,
  param,
  formError,
}: {
  rule: MappingRuleListRow;
  slug: CategorySlug;
  category: MappingCategory;
  connectionId: string;
  directory: QboDirectory;
  payrollOn: boolean;
  param: (key: string) => string | undefined;
  formError: { field: RuleFormField; message: string } | null;
}) {
  const meta = MAPPING_CATEGORY_META[category];
  const state = storedStateOfRow(rule);
  const options = state.createOptions ?? {};
  const text = (value: unknown) => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "");
  const initial = {
    kind: param("kind") ?? state.kind,
    name: param("name") ?? (state.kind === "create" ? (state.targetName ?? "") : sanitizeQboName(rule.sourceName, meta.nameKind)),
    targetQboId: param("targetQboId") ?? (state.kind === "link" ? (state.targetQboId ?? "") : ""),
    parentQboId: param("parentQboId") ?? text(options.parentQboId),
    incomeAccountId: param("incomeAccountId") ?? text(options.incomeAccountId),
    unitPrice: param("unitPrice") ?? text(options.unitPrice),
  };
  const q = (param("q") ?? "").trim();
  const targets = limited(filterOptions(targetOptions(category, directory), q), initial.targetQboId);
  const parents = category === "user" ? null : limited(filterOptions(parentOptions(category, directory), q), initial.parentQboId);
  const incomeAccounts = isItemCategory(category)
    ? directory.incomeAccounts.map((a) => ({ value: a.id, label: a.name })).sort(byLabel)
    : null;
  const kinds = MAPPING_RULE_KINDS.filter((kind) => !(kind === "create" && category === "user" && payrollOn && state.kind !== "create")).map((kind) => ({
    value: kind,
    label: ruleKindLabel(category, kind),
  }));
  const searchId = `rule-${rule.id}-search`;
  const nameHint = `Up to ${qboNameMaxChars(meta.nameKind)} characters; no colon (:), tab or line break; not already used in QuickBooks.`;

  return (
    <div className="space-y-4 rounded-md border border-slate-200 bg-white p-4">
      <form method="get" action={`/settings/${slug}`} className="flex flex-wrap items-end gap-2" role="search">
        <input type="hidden" name="edit" value={rule.id} />
        <input type="hidden" name="kind" value={initial.kind === "skip" ? "link" : initial.kind} />
        <div>
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-700">
            Search the QuickBooks lists
          </label>
          <input
            id={searchId}
            name="q"
            type="search"
            defaultValue={q}
            placeholder={`${meta.qboNoun} name`}
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30"
          />
        </div>
        <Button variant="secondary" type="submit">
          Search
        </Button>
        {q !== "" ? (
          <Link href={`/settings/${slug}?edit=${rule.id}&kind=${encodeURIComponent(initial.kind)}#rule-${rule.id}`} className="px-2 py-2 text-sm text-slate-700 hover:underline">
            Clear search
          </Link>
        ) : null}
      </form>
      <RuleForm
        key={`${rule.id}:${q}:${formError?.message ?? ""}`}
        connectionId={connectionId}
        ruleId={rule.id}
        sourceName={rule.sourceName}
        kinds={kinds}
        initial={initial}
        targets={targets.options}
        targetNoun={meta.qboSubNoun ? `${meta.qboNoun.toLowerCase()} or ${meta.qboSubNoun.toLowerCase()}` : meta.qboNoun.toLowerCase()}
        parents={parents?.options ?? null}
        parentNoun={category === "project" ? "customer" : "service item"}
        incomeAccounts={incomeAccounts}
        nameHint={nameHint}
        listsTruncated={targets.truncated || (parents?.truncated ?? false)}
        error={formError}
        cancelHref={`/settings/${slug}#rule-${rule.id}`}
      />
    </div>
  );
}

const byLabel = (a: SelectOption, b: SelectOption) => a.label.localeCompare(b.label, "en", { sensitivity: "base" });

/** Active entries the category can link to: employees; customers and sub-customers; service items and sub-services. */
function targetOptions(category: MappingCategory, directory: QboDirectory): SelectOption[] {
  if (category === "user") return directory.employees.filter((e) => e.active).map((e) => ({ value: e.id, label: e.name })).sort(byLabel);
  if (category === "project") return directory.customers.filter((c) => c.active).map((c) => ({ value: c.id, label: c.fullyQualifiedName })).sort(byLabel);
  return directory.items
    .filter((i) => i.active && i.type === QBO_SERVICE_ITEM_TYPE)
    .map((i) => ({ value: i.id, label: i.fullyQualifiedName }))
    .sort(byLabel);
}

/** Active entries a new sub-customer / sub-service can sit under (QuickBooks nests at most 5 levels). */
function parentOptions(category: MappingCategory, directory: QboDirectory): SelectOption[] {
  if (category === "project") {
    return directory.customers
      .filter((c) => c.active && qboLevelOf(c.fullyQualifiedName) < QBO_MAX_NESTING_LEVEL)
      .map((c) => ({ value: c.id, label: c.fullyQualifiedName }))
      .sort(byLabel);
  }
  return directory.items
    .filter((i) => i.active && (i.type === QBO_SERVICE_ITEM_TYPE || i.type === QBO_CATEGORY_ITEM_TYPE) && qboLevelOf(i.fullyQualifiedName) < QBO_MAX_NESTING_LEVEL)
    .map((i) => ({ value: i.id, label: i.fullyQualifiedName }))
    .sort(byLabel);
}

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

function filterOptions(options: SelectOption[], q: string): { all: SelectOption[]; shown: SelectOption[] } {
  if (q === "") return { all: options, shown: options };
  const needle = fold(q);
  return { all: options, shown: options.filter((o) => fold(o.label).includes(needle)) };
}

/** At most OPTION_LIMIT options, always keeping the one already chosen. */
function limited(list: { all: SelectOption[]; shown: SelectOption[] }, selected: string): { options: SelectOption[]; truncated: boolean } {
  const options = list.shown.slice(0, OPTION_LIMIT);
  if (selected !== "" && !options.some((o) => o.value === selected)) {
    const chosen = list.all.find((o) => o.value === selected);
    if (chosen) options.unshift(chosen);
  }
  return { options, truncated: list.shown.length > OPTION_LIMIT };
}

/** The cached QuickBooks lists, or read them now when there is no cache yet; null when QuickBooks can't be read. */
async function readDirectory(db: Db, connection: QboConnection): Promise<{ directory: QboDirectory; fetchedAt: Date } | null> {
  const cached = await getCachedDirectory(db, connection.id);
  if (cached) return cached;
  if (connection.status !== "connected") return null;
  try {
    const directory = await loadQboDirectory(db, connection.id, qboClientFor(db, connection));
    return { directory, fetchedAt: new Date() };
  } catch {
    return null;
  }
}

/** actiTIME's type-of-work rates by id, or null when actiTIME hides rates or can't be read. */
async function readRates(db: Db, session: AppSession): Promise<Map<number, number> | null> {
  try {
    const client = await actitimeClientForAdmin(db, session.accountId, session.adminId);
    const typesOfWork = await client.listTypesOfWork();
    const withRates = typesOfWork.filter((t): t is typeof t & { rate: number } => t.rate !== null);
    return withRates.length > 0 ? new Map(withRates.map((t) => [t.id, t.rate])) : null;
  } catch {
    return null;
  }
}
