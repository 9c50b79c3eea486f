import Link from "next/link";
import type { ImportRow } from "@/db/queries/imports";
import { DRAFT_STEP_LABEL, draftHref } from "@/lib/import/drafts";
import { Button } from "@/app/_components/ui";
import { DataTable, numeric } from "@/app/_components/data-table";
import { discardDraftAction } from "./actions";
import { formatDateTime } from "./_components/steps";

/** Import History's drafts: only the signed-in admin's own, last changed first, with Continue and Discard. */
export function DraftsList({ drafts }: { drafts: ImportRow[] }) {
  if (drafts.length === 0) return null;
  return (
    <section aria-labelledby="drafts-title" className="mb-6 rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="drafts-title" className="px-4 pt-4 text-base font-semibold">Your drafts</h2>
      <p className="px-4 text-sm text-slate-500">Imports you began and have not started. Only you see them.</p>
      <DataTable className="mt-2" caption="Your drafts, last changed first" columns={["Date range", "Reached", "Last change", numeric("Actions")]}>
          {drafts.map((d) => {
            const range = d.dateFrom ? `${d.dateFrom} – ${d.dateTo}` : "No range chosen yet";
            return (
              <tr key={d.id} data-draft={d.id}>
                <td className="px-4 py-3">{range}</td>
                <td className="px-4 py-3 text-slate-600">{DRAFT_STEP_LABEL[d.step]}</td>
                <td className="px-4 py-3 text-slate-600">{formatDateTime(d.updatedAt)}</td>
                <td className="px-4 py-3">
                  <div className="flex justify-end gap-2">
                    <Link href={draftHref(d)} aria-label={`Continue draft ${range}`} className="inline-flex items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                      Continue
                    </Link>
                    <form action={discardDraftAction.bind(null, d.id)}>
                      <Button type="submit" variant="secondary" aria-label={`Discard draft ${range}`}>Discard</Button>
                    </form>
                  </div>
                </td>
              </tr>
            );
          })}
      </DataTable>
    </section>
  );
}
