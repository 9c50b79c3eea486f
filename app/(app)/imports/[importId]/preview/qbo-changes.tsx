// The Preview's section on changes made inside QuickBooks in its range (lib/import/drift.ts), with
// the same two choices as the QuickBooks changes page; choosing rebuilds the preview.
import type { Db } from "@/db/client";
import { listOpenQboChanges, type QboChangeRow } from "@/lib/import/drift";
import { getCachedDirectory } from "@/lib/qbo/directory";
import { decideInPreviewAction } from "../../../quickbooks-changes/actions";
import { QboChangesTable, refNamesFrom, type RefNames } from "../../../quickbooks-changes/changes-table";

/** What the section shows: the open changes of the preview's range and the names to show them with. */
export async function loadPreviewQboChanges(db: Db, connectionId: string, range: { dateFrom: string; dateTo: string }): Promise<{ changes: QboChangeRow[]; names: RefNames }> {
  const [changes, cached] = await Promise.all([listOpenQboChanges(db, connectionId, range), getCachedDirectory(db, connectionId)]);
  return { changes, names: refNamesFrom(cached?.directory ?? null) };
}

export function PreviewQboChanges({ importId, changes, names }: { importId: string; changes: QboChangeRow[]; names: RefNames }) {
  if (changes.length === 0) return null;
  const pending = changes.filter((c) => c.decision === "pending").length;
  return (
    <section className="mt-6 overflow-x-auto rounded-lg border border-amber-300 bg-white shadow-sm" aria-labelledby="qbo-changes-heading">
      <div className="border-b border-amber-200 bg-amber-50 px-4 py-3">
        <h2 id="qbo-changes-heading" className="text-base font-semibold text-amber-950">
          Changed in QuickBooks since imported ({changes.length.toLocaleString("en-US")})
        </h2>
        <p className="mt-1 text-sm text-amber-900">
          Choose before Start Import. Keep QuickBooks version: this import leaves them as they are. Restore from actiTIME: this import writes ours back (listed as corrections).
          {pending > 0 ? ` ${pending.toLocaleString("en-US")} without a choice: an edit stays as QuickBooks has it unless actiTIME changed that record, and a deleted activity is created again.` : ""}
        </p>
      </div>
      <QboChangesTable changes={changes} names={names} action={decideInPreviewAction.bind(null, importId)} />
    </section>
  );
}
