import Link from "next/link";
import { Badge } from "@/app/_components/ui";
import type { MappingRuleListRow } from "@/db/queries/mappings";
import { describeRuleState, type NameLookup } from "@/lib/mapping/history";
import { MAPPING_CATEGORY_META, type MappingCategory } from "@/lib/mapping/rules";
import { formatRate, formatWhen } from "../format";

const KIND_TONE = { create: "green", link: "blue", skip: "neutral" } as const;

export function RuleRows({
  rule,
  category,
  lookup,
  rate,
  columns,
  edit,
}: {
  rule: MappingRuleListRow;
  category: MappingCategory;
  lookup: NameLookup;
  /** undefined: no rate column; null: actiTIME shows no rate for this one. */
  rate: number | null | undefined;
  columns: number;
  edit: React.ReactNode;
}) {
  const description = describeRuleState(category, rule, lookup);
  const slug = MAPPING_CATEGORY_META[category].slug;
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
          {rule.validFrom ? <span className="block text-xs text-slate-600">From {rule.validFrom}; earlier dates keep earlier rules (see History)</span> : null}
        </td>
        <td className="whitespace-nowrap px-4 py-3 text-slate-700">
          <time dateTime={rule.updatedAt.toISOString()}>{formatWhen(rule.updatedAt)}</time>
          {rule.updatedByName ? <span className="block text-xs text-slate-500">by {rule.updatedByName}</span> : null}
        </td>
        <td className="whitespace-nowrap px-4 py-3 text-right">
          <Link href={`/settings/${slug}?edit=${rule.id}#rule-${rule.id}`} className="font-medium text-brand-700 hover:underline">
            Edit<span className="sr-only"> the rule for {rule.sourceName}</span>
          </Link>
          <Link href={`/settings/${slug}/${rule.id}/history`} className="ml-4 font-medium text-brand-700 hover:underline">
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

