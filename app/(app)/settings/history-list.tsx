import { EmptyState } from "@/app/_components/ui";
import type { HistoryEntry } from "@/db/queries/mappings";
import { describeRuleStateText, type NameLookup } from "@/lib/mapping/history";
import { MAPPING_CATEGORY_META } from "@/lib/mapping/rules";
import { formatWhen } from "./format";

/** Who changed which rule when, before → after, in plain words; newest first. */
export function HistoryList({ entries, lookup, showEntity }: { entries: HistoryEntry[]; lookup: NameLookup; showEntity: boolean }) {
  if (entries.length === 0) {
    return (
      <EmptyState title="No changes recorded yet">
        Every change to a rule is listed here: when an import saves the rules it used, and when an admin edits one in Settings.
      </EmptyState>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">When</th>
            <th scope="col" className="px-4 py-3">Who</th>
            {showEntity ? <th scope="col" className="px-4 py-3">actiTIME {MAPPING_CATEGORY_META[entries[0]!.category].sourceNoun}</th> : null}
            <th scope="col" className="px-4 py-3">Change</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((entry) => (
            <tr key={entry.id} className="align-top">
              <td className="whitespace-nowrap px-4 py-3 text-slate-700">
                <time dateTime={entry.changedAt.toISOString()}>{formatWhen(entry.changedAt)}</time>
              </td>
              <td className="px-4 py-3">
                <span className="text-slate-900">{entry.changedByName ?? "An admin no longer in this account"}</span>
                <span className="block text-xs text-slate-500">{entry.importId ? "Saved by completing an import" : "Edited in Settings"}</span>
              </td>
              {showEntity ? <td className="px-4 py-3 font-medium text-slate-900">{entry.sourceName}</td> : null}
              <td className="px-4 py-3">
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
                  <dt className="text-slate-500">Before</dt>
                  <dd className="text-slate-700">{entry.before ? describeRuleStateText(entry.category, entry.before, lookup) : "No rule yet"}</dd>
                  <dt className="text-slate-500">After</dt>
                  <dd className="text-slate-900">
                    {describeRuleStateText(entry.category, entry.after, lookup)}
                    {typeof entry.after?.validFrom === "string" ? <span className="block text-xs text-slate-600">Applies from {entry.after.validFrom}</span> : null}
                    {entry.after?.validFrom === null ? <span className="block text-xs text-slate-600">Applies to all dates</span> : null}
                  </dd>
                </dl>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
