import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getRule, listHistory, listRulePeriods } from "@/db/queries/mappings";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { nameLookupFromDirectory } from "@/lib/mapping/history";
import { categoryOfSlug, MAPPING_CATEGORY_META } from "@/lib/mapping/rules";
import { getCachedDirectory } from "@/lib/mapping/settings-view";
import { HistoryList } from "../../../history-list";
import { RulePeriods } from "../../../rule-periods";
import { Header, NoCompanyYet } from "../../header";

type Params = Promise<{ category: string; ruleId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const category = categoryOfSlug((await params).category);
  return { title: category ? `History · ${MAPPING_CATEGORY_META[category].label} · Settings` : "Settings" };
}

/** Settings → one rule's history: who changed it, when, before → after. */
export default async function RuleHistoryPage({ params }: { params: Params }) {
  const { category: slug, ruleId } = await params;
  const category = categoryOfSlug(slug);
  if (!category) notFound();
  const meta = MAPPING_CATEGORY_META[category];
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) return <NoCompanyYet category={category} />;
  const db = await getDb();
  const rule = await getRule(db, current.id, ruleId);
  if (!rule || rule.category !== category) notFound();
  const [entries, cached, periods] = await Promise.all([listHistory(db, current.id, { ruleId: rule.id }), getCachedDirectory(db, current.id), listRulePeriods(db, current.id, [rule])]);
  const lookup = nameLookupFromDirectory(cached?.directory ?? null);
  return (
    <>
      <Header category={category} view="history" />
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold text-slate-900">
          History of the rule for <span className="break-words">{rule.sourceName}</span>
        </h2>
        <Link href={`/settings/${slug}?view=history`} className="text-sm font-medium text-brand-700 hover:underline">
          All {meta.label} changes
        </Link>
      </div>
      <RulePeriods category={category} periods={periods.get(rule.id) ?? []} lookup={lookup} />
      <HistoryList entries={entries} lookup={lookup} showEntity={false} />
    </>
  );
}
