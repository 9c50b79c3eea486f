// The periods of a rule that applies from a date (issue 19 §2), oldest first, in words.
import type { RulePeriod } from "@/lib/mapping/rules";
import { describeRuleStateText, type NameLookup } from "@/lib/mapping/history";
import type { MappingCategory } from "@/lib/mapping/rules";

/** "Until 2026-11-14" / "From 2026-11-15" / "All dates" for each period of a rule. */
export function periodLabel(periods: readonly RulePeriod[], index: number): string {
  const period = periods[index]!;
  const next = periods[index + 1];
  const until = next?.validFrom ? dayBefore(next.validFrom) : null;
  if (period.validFrom === null) return until === null ? "All dates" : `Until ${until}`;
  return until === null ? `From ${period.validFrom}` : `${period.validFrom} to ${until}`;
}

function dayBefore(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

export function RulePeriods({ category, periods, lookup }: { category: MappingCategory; periods: readonly RulePeriod[]; lookup: NameLookup }) {
  return (
    <section aria-labelledby="rule-periods-title" className="mb-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 id="rule-periods-title" className="text-sm font-semibold text-slate-900">
        Periods
      </h3>
      <p className="mt-1 text-xs text-slate-500">Each import takes, for every record, the rule in force on the record&apos;s date.</p>
      <ol className="mt-2 space-y-1 text-sm" aria-label="Rule periods, oldest first">
        {periods.map((period, index) => (
          <li key={period.validFrom ?? "start"} className="flex flex-wrap gap-x-3">
            <span className="min-w-44 font-medium text-slate-700">{periodLabel(periods, index)}</span>
            <span className="text-slate-900">{describeRuleStateText(category, period.rule, lookup)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
