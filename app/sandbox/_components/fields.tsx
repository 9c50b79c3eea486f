import type { ComponentProps, ReactNode } from "react";
import Link from "next/link";
import { DataTable, type DataColumn } from "@/app/_components/data-table";
import { Button, Card } from "@/app/_components/ui";

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";
export const labelClass = "block text-sm font-medium text-slate-700";

export function Field({ id, label, hint, className, children }: { id: string; label: string; hint?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

export function Input({ className = "", ...props }: ComponentProps<"input">) {
  return <input className={`${inputClass} ${className}`} {...props} />;
}

export function Select({ className = "", ...props }: ComponentProps<"select">) {
  return <select className={`${inputClass} ${className}`} {...props} />;
}

/** Carries the page's view (company, filters) through an action so the redirect comes back to it. */
export function ViewFields({ query, section }: { query: string; section: string }) {
  return (
    <>
      <input type="hidden" name="view" value={query} />
      <input type="hidden" name="section" value={section} />
    </>
  );
}

/** A card holding one form that posts to `action`; the redirect comes back to `section` (the card by default) in the view `query`. */
export function FormCard({ id, title, description, action, query, section = id, className, children }: { id: string; title: string; description: string; action: (form: FormData) => Promise<never>; query: string; section?: string; className: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader id={id} title={title} description={description} />
      <form action={action} className={className}>
        <ViewFields query={query} section={section} />
        {children}
      </form>
    </Card>
  );
}

export function CardHeader({ title, description, id }: { title: string; description?: ReactNode; id?: string }) {
  return (
    <div className="border-b border-slate-200 px-5 py-4">
      <h3 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h3>
      {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
    </div>
  );
}

/** A `<select>` with a disabled "Choose a …" first option, so nothing is chosen until the person picks one. */
export function ChoiceField({ id, label, name, placeholder, defaultValue = "", className, children }: { id: string; label: string; name: string; placeholder: string; defaultValue?: string; className?: string; children: ReactNode }) {
  return (
    <Field id={id} label={label} className={className}>
      <Select id={id} name={name} required defaultValue={defaultValue}>
        <option value="" disabled>
          {placeholder}
        </option>
        {children}
      </Select>
    </Field>
  );
}

/** A listing's filter: a GET back to `section` that keeps the rest of the view (`keep`; empty values are left out). */
export function FilterForm({ section, keep, children }: { section: string; keep: Record<string, string | number | undefined>; children: ReactNode }) {
  return (
    <form method="get" action={`/sandbox#${section}`} className="flex flex-wrap items-end gap-3 border-b border-slate-200 px-5 py-3">
      {Object.entries(keep).map(([name, value]) => (value === undefined || value === "" ? null : <input key={name} type="hidden" name={name} value={value} />))}
      {children}
      <Button variant="secondary" type="submit">
        Filter
      </Button>
    </form>
  );
}

/** From and To date fields (ids `<idPrefix>-from`, `<idPrefix>-to`) posting `names`. */
export function DateRangeFields({ idPrefix, names, from, to }: { idPrefix: string; names: readonly [from: string, to: string]; from: string | undefined; to: string | undefined }) {
  return (
    <>
      <Field id={`${idPrefix}-from`} label="From">
        <Input id={`${idPrefix}-from`} type="date" name={names[0]} defaultValue={from ?? ""} />
      </Field>
      <Field id={`${idPrefix}-to`} label="To">
        <Input id={`${idPrefix}-to`} type="date" name={names[1]} defaultValue={to ?? ""} />
      </Field>
    </>
  );
}

export const thClass = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
export const tdClass = "px-3 py-2 align-top text-sm text-slate-800";

/** The sandbox's listings: scrolled sideways when wide, with an sr-only Edit column last. */
export function SandboxTable({ caption, columns, children }: { caption: string; columns: readonly DataColumn[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <DataTable caption={caption} columns={[...columns, { label: "Edit", srOnly: true }]} look={{ table: "min-w-full divide-y divide-slate-200", head: "bg-slate-50", headerCell: thClass }}>
        {children}
      </DataTable>
    </div>
  );
}

/** A row's Edit link cell. */
export function EditCell({ href }: { href: string }) {
  return (
    <td className={tdClass}>
      <Link href={href} className="text-brand-700 hover:underline">
        Edit
      </Link>
    </td>
  );
}
