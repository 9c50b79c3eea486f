"use client";

import { useMemo, useState } from "react";
import type { MappingCategory, MappingRule } from "@/lib/mapping/rules";
import type { RuleTargets, TargetOption } from "@/lib/mapping/targets";
import { ApplyFromField } from "@/app/_components/apply-from";

/** A Class / Location the company tracks: its rule per project and user (issue 19). */
export interface MapDimension {
  dimension: "class" | "location";
  label: string;
  /** The posted field (`r:<category>:<id>:<field>`). */
  field: "classQboId" | "locationQboId";
  options: TargetOption[];
  /** The value of "Leave it empty" ("" is no rule). */
  emptyValue: string;
}

export interface MapRow {
  key: string;
  category: MappingCategory;
  sourceId: number;
  name: string;
  detail: string | null;
  hours: number;
  initial: MappingRule;
  suggested: MappingRule | null;
  reason: string | null;
  hasSavedRule: boolean;
  errors: { field: string; message: string }[];
}

interface Props {
  rows: MapRow[];
  /** What each category's rules can point at (lib/mapping/targets.ts ruleTargets). */
  options: Record<MappingCategory, RuleTargets>;
  /** The income account a new service item gets unless the admin picks another (QuickBooks' first). */
  defaultIncomeAccountId: string | null;
  payrollEnabled: boolean;
  /** Active vendors, for users' Link to QB Vendor. */
  vendorTargets?: TargetOption[];
  /** Tracked Class / Location lists; empty when the company tracks neither (then nothing shows). */
  dimensions?: MapDimension[];
  labels: Record<string, { label: string; noun: string; subNoun: string | null }>;
  action: (form: FormData) => void | Promise<void>;
  /** Apply from for the saved rules changed here (issue 19 §2): what was chosen, and a refusal message. */
  applyFrom?: { initial?: { choice?: string; date?: string }; error: string | null };
}

const MAP_APPLY_FROM_HINT = "For saved rules you change here. All dates: every import from now on uses the new choice, re-imports of earlier periods too. From a date: earlier dates keep what they had (the date is used only with From a date).";

interface RowState {
  kind: "create" | "link" | "skip" | "vendor_link" | "vendor_create";
  targetQboId: string;
  name: string;
  parentQboId: string;
  incomeAccountId: string;
  unitPrice: string;
  /** Class / Location choices by form field: "" no rule, the empty value, or a QBO Id. */
  dimensions: Record<string, string>;
}

const DIMENSION_FIELDS = { class: "classQboId", location: "locationQboId" } as const;
const EMPTY_DIMENSION = "none";

function stateOf(rule: MappingRule, fallbackName: string, defaultIncome: string): RowState {
  const base = coreStateOf(rule, fallbackName, defaultIncome);
  const dimensions: Record<string, string> = {};
  for (const [dimension, field] of Object.entries(DIMENSION_FIELDS)) {
    const choice = rule.dimensions?.[dimension as keyof typeof DIMENSION_FIELDS];
    dimensions[field] = choice === undefined ? "" : choice === null ? EMPTY_DIMENSION : choice.qboId;
  }
  const vendor = rule.kind !== "skip" && rule.nameOf === "Vendor";
  return { ...base, kind: vendor ? (base.kind === "link" ? "vendor_link" : "vendor_create") : base.kind, dimensions };
}

function coreStateOf(rule: MappingRule, fallbackName: string, defaultIncome: string): Omit<RowState, "dimensions"> {
  if (rule.kind === "link") return { kind: "link", targetQboId: rule.targetQboId, name: fallbackName, parentQboId: "", incomeAccountId: defaultIncome, unitPrice: "" };
  if (rule.kind === "create")
    return {
      kind: "create",
      targetQboId: "",
      name: rule.name,
      parentQboId: rule.parentQboId ?? "",
      incomeAccountId: rule.incomeAccountId ?? defaultIncome,
      unitPrice: rule.unitPrice === undefined ? "" : String(rule.unitPrice),
    };
  return { kind: "skip", targetQboId: "", name: fallbackName, parentQboId: "", incomeAccountId: defaultIncome, unitPrice: "" };
}

/** Fields a rule kind shows: an error on any other field is shown under the rule select instead. */
function shownFields(kind: RowState["kind"], category: MappingCategory): string[] {
  const dimensions = category === "user" || category === "project" ? ["class", "location"] : [];
  if (kind === "vendor_link") return ["target", ...dimensions];
  if (kind === "vendor_create") return ["name", ...dimensions];
  if (kind === "link") return ["target", ...dimensions];
  if (kind === "skip") return [];
  const item = category === "type_of_work" || category === "leave_type";
  return ["name", ...(category === "user" ? [] : ["parent"]), ...(item ? ["incomeAccount", "unitPrice"] : []), ...dimensions];
}

const CATEGORIES: MappingCategory[] = ["user", "project", "type_of_work", "leave_type"];
const fieldClass = "block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";

export function MapForm({ rows, options, defaultIncomeAccountId, payrollEnabled, vendorTargets = [], dimensions = [], labels, action, applyFrom }: Props) {
  const defaultIncome = defaultIncomeAccountId ?? "";
  const [state, setState] = useState<Record<string, RowState>>(() => Object.fromEntries(rows.map((r) => [r.key, stateOf(r.initial, r.name, defaultIncome)])));
  const [search, setSearch] = useState("");
  const [pending, setPending] = useState(false);
  const visible = useMemo(() => {
    const q = search.trim().toLowerCase();
    return new Set(rows.filter((r) => !q || r.name.toLowerCase().includes(q) || (r.detail ?? "").toLowerCase().includes(q)).map((r) => r.key));
  }, [rows, search]);

  const update = (key: string, patch: Partial<RowState>) => setState((s) => ({ ...s, [key]: { ...s[key]!, ...patch } }));
  const acceptSuggestions = () =>
    setState((s) => Object.fromEntries(rows.map((r) => [r.key, r.suggested && !r.hasSavedRule ? stateOf(r.suggested, r.name, defaultIncome) : s[r.key]!])));
  const skipRemaining = () => setState((s) => Object.fromEntries(rows.map((r) => [r.key, r.hasSavedRule ? s[r.key]! : { ...s[r.key]!, kind: "skip" as const }])));

  return (
    <form action={action} onSubmit={() => setPending(true)} className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div>
          <label htmlFor="map-search" className="text-sm font-medium text-slate-800">Search</label>
          <input id="map-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, customer or e-mail" className={`${fieldClass} mt-1 w-72`} />
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="button" onClick={acceptSuggestions} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50">Accept all suggestions</button>
          <button type="button" onClick={skipRemaining} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50">Do not import all remaining</button>
        </div>
      </div>
      {CATEGORIES.map((category) => {
        const list = rows.filter((r) => r.category === category);
        if (list.length === 0) return null;
        const meta = labels[category]!;
        return (
          <section key={category} className="rounded-lg border border-slate-200 bg-white shadow-sm" aria-labelledby={`section-${category}`}>
            <h2 id={`section-${category}`} className="border-b border-slate-200 px-4 py-3 text-base font-semibold">
              {meta.label} <span className="text-sm font-normal text-slate-500">→ QuickBooks {meta.noun === "Employee" ? "employees" : meta.noun === "Customer" ? "customers" : "service items"}</span>
            </h2>
            <ul className="divide-y divide-slate-100">
              {list.map((row) => (
                <RuleRow key={row.key} row={row} state={state[row.key]!} hidden={!visible.has(row.key)} onChange={(p) => update(row.key, p)} options={options} payrollEnabled={payrollEnabled} noun={meta.noun} subNoun={meta.subNoun} vendorTargets={vendorTargets} dimensions={row.category === "user" || row.category === "project" ? dimensions : []} />
              ))}
            </ul>
          </section>
        );
      })}
      {rows.some((r) => r.hasSavedRule) ? (
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <ApplyFromField idPrefix="map" initial={applyFrom?.initial} error={applyFrom?.error ?? null} hint={MAP_APPLY_FROM_HINT} className="" />
        </div>
      ) : null}
      <div className="sticky bottom-0 flex justify-end gap-3 border-t border-slate-200 bg-slate-50/95 py-4">
        <button type="submit" disabled={pending} aria-busy={pending} className="rounded-md bg-brand-600 px-5 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Checking and building the preview…" : "Confirm Mapping & Continue"}
        </button>
      </div>
    </form>
  );
}

function RuleRow({ row, state, hidden, onChange, options, payrollEnabled, noun, subNoun, vendorTargets, dimensions }: {
  vendorTargets: TargetOption[];
  dimensions: MapDimension[];
  row: MapRow;
  state: RowState;
  hidden: boolean;
  onChange: (patch: Partial<RowState>) => void;
  options: Props["options"];
  payrollEnabled: boolean;
  noun: string;
  subNoun: string | null;
}) {
  const id = `r-${row.category}-${row.sourceId}`;
  const name = (field: string) => `r:${row.category}:${row.sourceId}:${field}`;
  const error = (field: string) => row.errors.find((e) => e.field === field)?.message;
  const isItem = row.category === "type_of_work" || row.category === "leave_type";
  // Link and Link to QB Vendor pick a target the same way, from their own list.
  const linkTo =
    state.kind === "link" ? { idSuffix: "target", label: `QuickBooks ${noun.toLowerCase()}`, options: options[row.category].links } : state.kind === "vendor_link" ? { idSuffix: "vendor", label: "QuickBooks vendor", options: vendorTargets } : null;
  const canCreate = !(row.category === "user" && payrollEnabled);
  const fieldError = (field: string) => {
    const message = error(field);
    return message ? (
      <p id={`${id}-${field}-error`} className="mt-1 text-xs text-red-700" role="alert">
        {message}
      </p>
    ) : null;
  };
  return (
    <li className={`grid gap-3 px-4 py-3 md:grid-cols-[minmax(0,14rem)_minmax(0,15rem)_1fr] ${hidden ? "hidden" : ""}`}>
      <div>
        <p className="font-medium text-slate-900">{row.name}</p>
        <p className="text-xs text-slate-500">
          {row.detail ? `${row.detail} · ` : ""}
          {row.hours.toLocaleString("en-US")} h
        </p>
        {row.reason ? <p className="mt-1 text-xs text-slate-500">{row.reason}</p> : null}
      </div>
      <div>
        <label htmlFor={`${id}-kind`} className="sr-only">Rule for {row.name}</label>
        <select id={`${id}-kind`} name={name("kind")} value={state.kind} onChange={(e) => onChange({ kind: e.target.value as RowState["kind"] })} className={fieldClass} aria-invalid={error("kind") ? true : undefined} aria-describedby={error("kind") ? `${id}-kind-error` : undefined}>
          {canCreate || state.kind === "create" ? <option value="create">Create new QB {noun}</option> : null}
          <option value="link">Link to QB {noun}</option>
          {row.category === "user" ? <option value="vendor_link">Link to QB Vendor</option> : null}
          {row.category === "user" ? <option value="vendor_create">Create new QB Vendor</option> : null}
          <option value="skip">Do not import</option>
        </select>
        {fieldError("kind")}
        {row.errors
          .filter((e) => e.field !== "kind" && !shownFields(state.kind, row.category).includes(e.field))
          .map((e) => (
            <p key={e.field} className="mt-1 text-xs text-red-700" role="alert">
              {e.message}
            </p>
          ))}
      </div>
      <div className="grid gap-2 sm:grid-cols-2">
        {linkTo ? (
          <div className="sm:col-span-2">
            <label htmlFor={`${id}-${linkTo.idSuffix}`} className="text-xs font-medium text-slate-600">{linkTo.label}</label>
            <select id={`${id}-${linkTo.idSuffix}`} name={name("targetQboId")} value={state.targetQboId} onChange={(e) => onChange({ targetQboId: e.target.value })} className={fieldClass} aria-invalid={error("target") ? true : undefined} aria-describedby={error("target") ? `${id}-target-error` : undefined}>
              <option value="">Choose…</option>
              {linkTo.options.map((t) => (
                <option key={t.value} value={t.value}>{t.label}</option>
              ))}
            </select>
            {fieldError("target")}
          </div>
        ) : null}
        {state.kind === "vendor_create" ? (
          <div className="sm:col-span-2">
            <label htmlFor={`${id}-name`} className="text-xs font-medium text-slate-600">New vendor name</label>
            <input id={`${id}-name`} name={name("name")} value={state.name} onChange={(e) => onChange({ name: e.target.value })} className={fieldClass} aria-invalid={error("name") ? true : undefined} aria-describedby={error("name") ? `${id}-name-error` : undefined} />
            {fieldError("name")}
          </div>
        ) : null}
        {state.kind === "create" ? (
          <>
            <div>
              <label htmlFor={`${id}-name`} className="text-xs font-medium text-slate-600">New {noun.toLowerCase()} name</label>
              <input id={`${id}-name`} name={name("name")} value={state.name} onChange={(e) => onChange({ name: e.target.value })} className={fieldClass} aria-invalid={error("name") ? true : undefined} aria-describedby={error("name") ? `${id}-name-error` : undefined} />
              {fieldError("name")}
            </div>
            {row.category !== "user" ? (
              <div>
                <label htmlFor={`${id}-parent`} className="text-xs font-medium text-slate-600">Parent {isItem ? "service" : "customer"} ({subNoun ?? "optional"})</label>
                <select id={`${id}-parent`} name={name("parentQboId")} value={state.parentQboId} onChange={(e) => onChange({ parentQboId: e.target.value })} className={fieldClass} aria-invalid={error("parent") ? true : undefined} aria-describedby={error("parent") ? `${id}-parent-error` : undefined}>
                  <option value="">None (top level)</option>
                  {(options[row.category].parents ?? []).map((t) => (
                    <option key={t.value} value={t.value}>{t.label}</option>
                  ))}
                </select>
                {fieldError("parent")}
              </div>
            ) : null}
            {isItem ? (
              <>
                <div>
                  <label htmlFor={`${id}-income`} className="text-xs font-medium text-slate-600">Income account</label>
                  <select id={`${id}-income`} name={name("incomeAccountId")} value={state.incomeAccountId} onChange={(e) => onChange({ incomeAccountId: e.target.value })} className={fieldClass} aria-invalid={error("incomeAccount") ? true : undefined} aria-describedby={error("incomeAccount") ? `${id}-incomeAccount-error` : undefined}>
                    <option value="">Choose…</option>
                    {(options[row.category].incomeAccounts ?? []).map((a) => (
                      <option key={a.value} value={a.value}>{a.label}</option>
                    ))}
                  </select>
                  {fieldError("incomeAccount")}
                </div>
                <div>
                  <label htmlFor={`${id}-rate`} className="text-xs font-medium text-slate-600">Rate per hour</label>
                  <input id={`${id}-rate`} name={name("unitPrice")} inputMode="decimal" value={state.unitPrice} onChange={(e) => onChange({ unitPrice: e.target.value })} className={fieldClass} aria-invalid={error("unitPrice") ? true : undefined} aria-describedby={error("unitPrice") ? `${id}-unitPrice-error` : undefined} />
                  {fieldError("unitPrice")}
                </div>
              </>
            ) : null}
          </>
        ) : null}
        {state.kind === "skip" ? <p className="self-center text-sm text-slate-500">Time of this {row.category === "user" ? "user" : row.category.replace(/_/g, " ")} is not imported.</p> : null}
        {state.kind !== "skip"
          ? dimensions.map((d) => (
              <div key={d.dimension}>
                <label htmlFor={`${id}-${d.dimension}`} className="text-xs font-medium text-slate-600">QuickBooks {d.label.toLowerCase()}</label>
                <select id={`${id}-${d.dimension}`} name={name(d.field)} value={state.dimensions[d.field] ?? ""} onChange={(e) => onChange({ dimensions: { ...state.dimensions, [d.field]: e.target.value } })} className={fieldClass} aria-invalid={error(d.dimension) ? true : undefined} aria-describedby={error(d.dimension) ? `${id}-${d.dimension}-error` : undefined}>
                  <option value="">{row.category === "project" ? `No rule: the user's ${d.label.toLowerCase()}, if any` : `No ${d.label.toLowerCase()} rule`}</option>
                  <option value={d.emptyValue}>Leave it empty</option>
                  {d.options.map((t) => (
                    <option key={t.value} value={t.value}>{t.label}</option>
                  ))}
                </select>
                {fieldError(d.dimension)}
              </div>
            ))
          : null}
      </div>
    </li>
  );
}
