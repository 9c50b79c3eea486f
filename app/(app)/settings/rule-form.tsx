"use client";

import Link from "next/link";
import { useState } from "react";
import { Button } from "@/app/_components/ui";
import { updateRuleAction } from "./actions";
import { ApplyFromField } from "@/app/_components/apply-from";

export interface SelectOption {
  value: string;
  label: string;
}

export type RuleFormField = "kind" | "name" | "target" | "parent" | "incomeAccount" | "unitPrice" | "class" | "location" | "applyFrom";

/** A Class / Location choice of a project or user rule (shown only when the company tracks it). */
export interface DimensionField {
  dimension: "class" | "location";
  /** "Class", "Location". */
  label: string;
  /** The posted field (classQboId, locationQboId). */
  field: string;
  options: SelectOption[];
  /** "" = no rule, the empty value = leave it empty, else a QBO Id. */
  initial: string;
  emptyValue: string;
  /** What "no rule" means here ("Use the user's class, if any" for projects). */
  noRuleLabel: string;
}

export interface RuleFormProps {
  connectionId: string;
  ruleId: string;
  /** The actiTIME entity's name, for labels read by screen readers. */
  sourceName: string;
  /** create / link / skip, and for users vendor_link / vendor_create (Link to / Create new QB Vendor). */
  kinds: { value: string; label: string }[];
  initial: { kind: string; name: string; targetQboId: string; parentQboId: string; incomeAccountId: string; unitPrice: string };
  /** QuickBooks entries to link to (active only, full names). */
  targets: SelectOption[];
  targetNoun: string;
  /** Possible parents of a new entry; null when the category has none (users). */
  parents: SelectOption[] | null;
  parentNoun: string;
  /** Income accounts; null when the category creates no service items. */
  incomeAccounts: SelectOption[] | null;
  /** Users only: active vendors for Link to QB Vendor; null for other categories. */
  vendorTargets?: SelectOption[] | null;
  /** Class / Location rules the company tracks (projects and users); empty when none. */
  dimensions?: DimensionField[];
  nameHint: string;
  /** True when the option lists were cut to the first entries; the admin can search. */
  listsTruncated: boolean;
  error: { field: RuleFormField; message: string } | null;
  cancelHref: string;
  /** "Apply from" as posted before a refused save (issue 19 §2). */
  applyFrom?: { choice?: string; date?: string };
}

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-red-500";

/** Inline edit of one rule: the rule kind decides which fields show. */
export function RuleForm(props: RuleFormProps) {
  const [kind, setKind] = useState(props.initial.kind);
  const id = (field: string) => `rule-${props.ruleId}-${field}`;
  const fieldError = (field: RuleFormField) => (props.error?.field === field ? props.error.message : null);
  const errorProps = (field: RuleFormField) =>
    fieldError(field) !== null ? { "aria-invalid": true as const, "aria-describedby": id(`${field}-error`), autoFocus: true } : {};
  const errorText = (field: RuleFormField) => {
    const message = fieldError(field);
    return message === null ? null : (
      <p id={id(`${field}-error`)} className="mt-1 text-sm text-red-700">
        {message}
      </p>
    );
  };

  return (
    <form action={updateRuleAction} className="space-y-4" aria-label={`Edit the rule for ${props.sourceName}`}>
      <input type="hidden" name="connectionId" value={props.connectionId} />
      <input type="hidden" name="ruleId" value={props.ruleId} />
      <div className="grid gap-4 md:grid-cols-2">
        <div>
          <label htmlFor={id("kind")} className="block text-sm font-medium text-slate-700">
            Rule
          </label>
          <select id={id("kind")} name="kind" value={kind} onChange={(e) => setKind(e.target.value)} className={inputClass} {...errorProps("kind")}>
            {props.kinds.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          {errorText("kind")}
        </div>

        {kind === "vendor_link" ? (
          <div>
            <label htmlFor={id("vendor")} className="block text-sm font-medium text-slate-700">
              QuickBooks vendor
            </label>
            <select id={id("vendor")} name="targetQboId" defaultValue={props.initial.targetQboId} className={inputClass} {...errorProps("target")}>
              <option value="">Choose…</option>
              {(props.vendorTargets ?? []).map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {errorText("target")}
            {(props.vendorTargets ?? []).length === 0 ? <p className="mt-1 text-sm text-slate-600">No active vendors match. Search again, or create it in QuickBooks and press Refresh.</p> : null}
          </div>
        ) : null}

        {kind === "link" ? (
          <div>
            <label htmlFor={id("target")} className="block text-sm font-medium text-slate-700">
              QuickBooks {props.targetNoun}
            </label>
            <select id={id("target")} name="targetQboId" defaultValue={props.initial.targetQboId} className={inputClass} {...errorProps("target")}>
              <option value="">Choose…</option>
              {props.targets.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {errorText("target")}
            {props.targets.length === 0 ? (
              <p className="mt-1 text-sm text-slate-600">No active entries match. Search again, or create it in QuickBooks and press Refresh.</p>
            ) : props.listsTruncated ? (
              <p className="mt-1 text-sm text-slate-600">Showing the first entries only: search to narrow the list.</p>
            ) : null}
          </div>
        ) : null}

        {kind === "create" || kind === "vendor_create" ? (
          <div>
            <label htmlFor={id("name")} className="block text-sm font-medium text-slate-700">
              Name in QuickBooks
            </label>
            <input
              id={id("name")}
              name="name"
              type="text"
              defaultValue={props.initial.name}
              className={inputClass}
              aria-describedby={fieldError("name") !== null ? id("name-error") : id("name-hint")}
              {...(fieldError("name") !== null ? { "aria-invalid": true as const, autoFocus: true } : {})}
            />
            {fieldError("name") !== null ? errorText("name") : <p id={id("name-hint")} className="mt-1 text-xs text-slate-500">{props.nameHint}</p>}
          </div>
        ) : null}

        {kind === "create" && props.parents !== null ? (
          <div>
            <label htmlFor={id("parent")} className="block text-sm font-medium text-slate-700">
              Parent {props.parentNoun} (optional)
            </label>
            <select id={id("parent")} name="parentQboId" defaultValue={props.initial.parentQboId} className={inputClass} {...errorProps("parent")}>
              <option value="">None: a top-level entry</option>
              {props.parents.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {errorText("parent")}
          </div>
        ) : null}

        {kind === "create" && props.incomeAccounts !== null ? (
          <>
            <div>
              <label htmlFor={id("incomeAccount")} className="block text-sm font-medium text-slate-700">
                Income account
              </label>
              <select
                id={id("incomeAccount")}
                name="incomeAccountId"
                defaultValue={props.initial.incomeAccountId}
                className={inputClass}
                {...errorProps("incomeAccount")}
              >
                <option value="">Choose…</option>
                {props.incomeAccounts.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
              {errorText("incomeAccount")}
            </div>
            <div>
              <label htmlFor={id("unitPrice")} className="block text-sm font-medium text-slate-700">
                Rate per hour
              </label>
              <input
                id={id("unitPrice")}
                name="unitPrice"
                type="number"
                min="0"
                step="0.01"
                inputMode="decimal"
                defaultValue={props.initial.unitPrice}
                className={inputClass}
                {...errorProps("unitPrice")}
              />
              {errorText("unitPrice")}
            </div>
          </>
        ) : null}

        {(props.dimensions ?? []).map((d) => (
          <div key={d.dimension}>
            <label htmlFor={id(d.dimension)} className="block text-sm font-medium text-slate-700">
              QuickBooks {d.label}
            </label>
            <select id={id(d.dimension)} name={d.field} defaultValue={d.initial} className={inputClass} {...errorProps(d.dimension)}>
              <option value="">{d.noRuleLabel}</option>
              <option value={d.emptyValue}>Leave it empty</option>
              {d.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {errorText(d.dimension)}
          </div>
        ))}

        <ApplyFromField idPrefix={`rule-${props.ruleId}`} initial={props.applyFrom} error={fieldError("applyFrom")} />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit">Save rule</Button>
        <Link href={props.cancelHref} className="rounded-md px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Cancel
        </Link>
        <p className="text-xs text-slate-500">Changes apply to future imports only.</p>
      </div>
    </form>
  );
}
