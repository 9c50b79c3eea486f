import type { ReactNode } from "react";

/** A header cell: its text, right-aligned for numbers, or read only by screen readers (a column of buttons or checkboxes). */
export type DataColumn = string | { label: string; align?: "right"; srOnly?: boolean };

/** A column of numbers. */
export function numeric(label: string): DataColumn {
  return { label, align: "right" };
}

/** The classes of the table, its head and its header cells; the defaults are the app's list look. */
export interface TableLook {
  table: string;
  head: string;
  headerCell: string;
}

export const APP_TABLE_LOOK: TableLook = {
  table: "min-w-full text-sm",
  head: "bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500",
  headerCell: "px-4 py-2",
};

/**
 * A semantic table: `<caption>` (read only by screen readers unless `captionClassName` shows it),
 * one `<th scope="col">` a column, and `children` as the body's rows.
 */
export function DataTable({
  columns,
  caption,
  captionClassName = "sr-only",
  className,
  look = APP_TABLE_LOOK,
  children,
}: {
  columns: readonly DataColumn[];
  caption?: ReactNode;
  captionClassName?: string;
  /** Extra classes on the table (a margin). */
  className?: string;
  look?: TableLook;
  children: ReactNode;
}) {
  return (
    <table className={className ? `${className} ${look.table}` : look.table}>
      {caption !== undefined ? <caption className={captionClassName}>{caption}</caption> : null}
      <thead className={look.head}>
        <tr>
          {columns.map((column) => {
            const { label, align, srOnly } = typeof column === "string" ? { label: column } : column;
            return (
              <th key={label} scope="col" className={align === "right" ? `${look.headerCell} text-right` : look.headerCell}>
                {srOnly ? <span className="sr-only">{label}</span> : label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">{children}</tbody>
    </table>
  );
}
