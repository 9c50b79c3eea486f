"use client";

import Link from "next/link";
import { useState, type ComponentProps, type ReactNode } from "react";
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

/** A field's label above its control, then its error or hint and any notes. */
function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
    </div>
  );
}

function InputField({ id, label, below, ...input }: ComponentProps<"input"> & { id: string; label: string; below: ReactNode }) {
  return (
    <Labelled id={id} label={label}>
      <input id={id} className={inputClass} {...input} />
      {below}
    </Labelled>
  );
}

/** A `<select>` of `options` after the `first` ones. */
function SelectField({ id, label, first, options, below, ...select }: ComponentProps<"select"> & { id: string; label: string; first?: ReactNode; options: SelectOption[]; below: ReactNode }) {
  return (
    <Labelled id={id} label={label}>
      <select id={id} className={inputClass} {...select}>
        {first}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {below}
    </Labelled>
  );
}

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
  /** A field's id, its error under it, and the attributes that tie the two together. */
  const fieldProps = (field: RuleFormField) => ({ id: id(field), below: errorText(field), ...errorProps(field) });
  const noneFound = (what: string) => <p className="mt-1 text-sm text-slate-600">No active {what} match. Search again, or create it in QuickBooks and press Refresh.</p>;
  // Link to a QuickBooks entry and Link to QB Vendor choose the same posted target, each from its own list.
  const linkTo =
    kind === "link"
      ? {
          id: id("target"),
          label: `QuickBooks ${props.targetNoun}`,
          options: props.targets,
          note: props.targets.length === 0 ? noneFound("entries") : props.listsTruncated ? <p className="mt-1 text-sm text-slate-600">Showing the first entries only: search to narrow the list.</p> : null,
        }
      : kind === "vendor_link"
        ? { id: id("vendor"), label: "QuickBooks vendor", options: props.vendorTargets ?? [], note: (props.vendorTargets ?? []).length === 0 ? noneFound("vendors") : null }
        : null;

  return (
    <form action={updateRuleAction} className="space-y-4" aria-label={`Edit the rule for ${props.sourceName}`}>
      <input type="hidden" name="connectionId" value={props.connectionId} />
      <input type="hidden" name="ruleId" value={props.ruleId} />
      <div className="grid gap-4 md:grid-cols-2">
        <SelectField {...fieldProps("kind")} label="Rule" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} options={props.kinds} />

        {linkTo ? (
          <SelectField
            {...fieldProps("target")}
            id={linkTo.id}
            label={linkTo.label}
            name="targetQboId"
            defaultValue={props.initial.targetQboId}
            first={<option value="">Choose…</option>}
            options={linkTo.options}
            below={
              <>
                {errorText("target")}
                {linkTo.note}
              </>
            }
          />
        ) : null}

        {kind === "create" || kind === "vendor_create" ? (
          <InputField
            {...fieldProps("name")}
            {...(fieldError("name") === null ? { "aria-describedby": id("name-hint"), below: <p id={id("name-hint")} className="mt-1 text-xs text-slate-500">{props.nameHint}</p> } : {})}
            label="Name in QuickBooks"
            name="name"
            type="text"
            defaultValue={props.initial.name}
          />
        ) : null}

        {kind === "create" && props.parents !== null ? (
          <SelectField {...fieldProps("parent")} label={`Parent ${props.parentNoun} (optional)`} name="parentQboId" defaultValue={props.initial.parentQboId} first={<option value="">None: a top-level entry</option>} options={props.parents} />
        ) : null}

        {kind === "create" && props.incomeAccounts !== null ? (
          <>
            <SelectField {...fieldProps("incomeAccount")} label="Income account" name="incomeAccountId" defaultValue={props.initial.incomeAccountId} first={<option value="">Choose…</option>} options={props.incomeAccounts} />
            <InputField {...fieldProps("unitPrice")} label="Rate per hour" name="unitPrice" type="number" min="0" step="0.01" inputMode="decimal" defaultValue={props.initial.unitPrice} />
          </>
        ) : null}

        {(props.dimensions ?? []).map((d) => (
          <SelectField
            key={d.dimension}
            {...fieldProps(d.dimension)}
            label={`QuickBooks ${d.label}`}
            name={d.field}
            defaultValue={d.initial}
            first={
              <>
                <option value="">{d.noRuleLabel}</option>
                <option value={d.emptyValue}>Leave it empty</option>
              </>
            }
            options={d.options}
          />
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
