import type { Metadata } from "next";
import Link from "next/link";
import { Alert, Button, PageHeader } from "@/app/_components/ui";
import { DataTable, numeric } from "@/app/_components/data-table";
import { refNames } from "@/lib/import/ref-names";
import type { WrittenActivity } from "@/lib/import/types";
import { planUndo, type UndoStep, type UndoStepKind } from "@/lib/import/undo";
import { qboClientFor } from "@/lib/qbo/connect";
import { loadImport } from "../../_lib/context";
import { formatHours } from "../../_components/steps";
import { startUndoAction } from "./actions";
import { snapshotRulesOf } from "@/lib/import/snapshot";
import { summaryNamesOf } from "@/db/types";

export const metadata: Metadata = { title: "Undo this import" };

/** At most this many activities are listed; the counts above always cover all of them. */
const LISTED = 500;

const WHAT: Record<UndoStepKind, string> = {
  delete: "Delete",
  restore: "Put back",
  recreate: "Create again",
  billed: "Billed: left alone",
  nothing: "Nothing to do",
};

export default async function UndoPage({ params, searchParams }: { params: Promise<{ importId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { importId } = await params;
  const query = await searchParams;
  const { db, imp, connection, actor } = await loadImport(importId);
  const plan = imp.status === "draft" ? undefined : await planUndo(db, qboClientFor(db, connection), actor, importId);
  const title = `${imp.kind === "undo" ? "Undo of" : "Import"} ${imp.dateFrom} – ${imp.dateTo}`;
  const rules = snapshotRulesOf(imp);
  const names = new Map([...refNames(rules), ...Object.entries(summaryNamesOf(imp.summary).names)]);
  for (const e of plan?.entitiesCreated ?? []) if (e.qboId && e.name) names.set(`qbo:${e.qboId}`, e.name);
  const name = (ref: string | null | undefined, none: string) => (ref ? (names.get(ref) ?? ref.replace(/^qbo:/, "QuickBooks #")) : none);
  const hours = (w: WrittenActivity | null) => (w ? formatHours(w.hours + w.minutes / 60) : "—");
  const start = startUndoAction.bind(null, importId);
  // Billed ones first: they are what the undo does not do.
  const shownSteps = (plan?.steps ?? []).filter((s) => s.kind !== "nothing").sort((a, b) => Number(b.kind === "billed") - Number(a.kind === "billed"));
  const n = (count: number, one: string, many: string) => `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
  const c = plan?.counts;
  return (
    <>
      <PageHeader title="Undo this import" description={`${title} · ${connection.companyName}`} />
      {query.error ? <div className="mb-4"><Alert tone="error">{query.error}</Alert></div> : null}
      {!plan ? (
        <Alert tone="error">Only a started import can be undone.</Alert>
      ) : plan.refusal ? (
        <Alert tone="error" title="This import cannot be undone now">{plan.refusal}</Alert>
      ) : (
        <>
          <section aria-labelledby="undo-summary" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h2 id="undo-summary" className="text-base font-semibold">What undoing will do in QuickBooks</h2>
            <ul className="mt-2 list-disc pl-5 text-sm text-slate-700">
              {c!.delete > 0 ? <li>{n(c!.delete, "activity this import created is deleted.", "activities this import created are deleted.")}</li> : null}
              {c!.restore > 0 ? <li>{n(c!.restore, "activity it changed is put back as it was before it.", "activities it changed are put back as they were before it.")}</li> : null}
              {c!.recreate > 0 ? <li>{n(c!.recreate, "activity it deleted is created again.", "activities it deleted are created again.")}</li> : null}
              {c!.billed > 0 ? <li>{n(c!.billed, "activity billed in QuickBooks since then is left alone", "activities billed in QuickBooks since then are left alone")} (listed first below).</li> : null}
              {c!.nothing > 0 ? <li>{n(c!.nothing, "activity is", "activities are")} already as before the import.</li> : null}
            </ul>
            {plan.entitiesCreated.length > 0 ? (
              <div className="mt-3 text-sm text-slate-700">
                <p>QuickBooks cannot delete names, so the {plan.entitiesCreated.length} it created stay:</p>
                <ul className="mt-1 list-disc pl-5">
                  {plan.entitiesCreated.map((e) => (
                    <li key={`${e.entity}-${e.qboId ?? e.name}`}>{e.entity === "Item" ? "Service item" : e.entity} {e.name}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            <form action={start} className="mt-4 flex items-center gap-3">
              <input type="hidden" name="ledgerVersion" value={plan.ledgerVersion} />
              <Button type="submit" disabled={c!.delete + c!.restore + c!.recreate === 0}>Start Undo</Button>
              <Link href={`/imports/${importId}`} className="text-sm text-slate-700 underline">Back to the import</Link>
            </form>
          </section>
          <section className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
            <DataTable
              caption={`Activities${shownSteps.length > LISTED ? ` (the first ${LISTED} of ${shownSteps.length})` : ""}`}
              captionClassName="px-4 pt-4 text-left text-base font-semibold"
              columns={["Undo", "Date", "Employee", "Customer", "Service item", numeric("Now"), numeric("After undo")]}
            >
                {shownSteps.slice(0, LISTED).map((s: UndoStep) => {
                  const a = (s.back ?? s.now)!;
                  return (
                    <tr key={s.key} data-undo={s.kind}>
                      <td className={`whitespace-nowrap px-4 py-2 ${s.kind === "billed" ? "font-medium text-amber-800" : ""}`}>{WHAT[s.kind]}</td>
                      <td className="whitespace-nowrap px-4 py-2 tabular-nums">{a.txnDate}</td>
                      <td className="px-4 py-2">{name(a.employeeRef, "—")}</td>
                      <td className="px-4 py-2">{name(a.customerRef, "No customer (leave)")}</td>
                      <td className="px-4 py-2">{name(a.itemRef, "—")}</td>
                      <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">{hours(s.now)}</td>
                      <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">{s.kind === "billed" ? hours(s.now) : hours(s.back)}</td>
                    </tr>
                  );
                })}
            </DataTable>
            {shownSteps.length === 0 ? <p className="px-4 py-6 text-sm text-slate-500">Nothing in this list.</p> : null}
          </section>
        </>
      )}
    </>
  );
}
