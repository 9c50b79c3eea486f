import Link from "next/link";
import { EmptyState, LinkButton, PageHeader } from "@/app/_components/ui";
import { MAPPING_CATEGORIES, MAPPING_CATEGORY_META, type MappingCategory } from "@/lib/mapping/rules";

/** Settings / Users Projects …, the category's title, and its Rules | History tabs. */
export function Header({ category, view, refresh }: { category: MappingCategory; view: "rules" | "history"; refresh?: React.ReactNode }) {
  const meta = MAPPING_CATEGORY_META[category];
  const slug = meta.slug;
  const tab = (active: boolean) =>
    `rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`;
  return (
    <>
      <nav aria-label="Settings sections" className="mb-4 flex flex-wrap items-center gap-1 text-sm">
        <Link href="/settings" className="rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-100">
          Settings
        </Link>
        <span aria-hidden className="text-slate-400">/</span>
        {MAPPING_CATEGORIES.map((c) => MAPPING_CATEGORY_META[c]).map((m) => (
          <Link
            key={m.slug}
            href={`/settings/${m.slug}`}
            aria-current={m.slug === slug ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 ${m.slug === slug ? "bg-slate-100 font-semibold text-slate-900" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {m.label}
          </Link>
        ))}
      </nav>
      <PageHeader title={meta.label} description={`${meta.blurb} Changes apply to future imports only.`} actions={view === "rules" ? refresh : undefined} />
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


/** A category's pages before any QuickBooks company is connected. */
export function NoCompanyYet({ category }: { category: MappingCategory }) {
  return (
    <>
      <PageHeader title={MAPPING_CATEGORY_META[category].label} />
      <EmptyState title="Connect a QuickBooks company first" action={<LinkButton href="/companies" variant="secondary">View QuickBooks companies</LinkButton>}>
        Mapping rules belong to a QuickBooks company.
      </EmptyState>
    </>
  );
}
