import type { Metadata } from "next";
import { Alert, Button, Card, EmptyState, NoCompanyPage, PageHeader } from "@/app/_components/ui";
import { getDb } from "@/db/client";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { listOpenQboChanges } from "@/lib/import/drift";
import { getCachedDirectory } from "@/lib/qbo/directory";
import { decideAction, scanAction } from "./actions";
import { QboChangesTable, refNamesFrom } from "./changes-table";

export const metadata: Metadata = { title: "QuickBooks changes" };

export default async function QuickBooksChangesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = await searchParams;
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) return <NoCompanyPage page="QuickBooks changes">Changes made inside QuickBooks to imported activities are listed here.</NoCompanyPage>;
  const db = await getDb();
  const [changes, cached] = await Promise.all([listOpenQboChanges(db, current.id), getCachedDirectory(db, current.id)]);
  const names = refNamesFrom(cached?.directory ?? null);
  const pending = changes.filter((c) => c.decision === "pending").length;
  return (
    <>
      <PageHeader
        title="QuickBooks changes"
        description={`Imported activities that someone changed or deleted inside ${current.companyName} since we wrote them. Keep QuickBooks version: later imports leave them as they are unless actiTIME changes that record again. Restore from actiTIME: the next import of that range writes ours back.`}
        actions={
          <form action={scanAction}>
            <Button type="submit" variant="secondary">
              Check QuickBooks now
            </Button>
          </form>
        }
      />
      <div className="mb-4 space-y-3">
        {query.error ? <Alert tone="error">{query.error}</Alert> : null}
        {query.scanned ? <Alert tone="success">Checked {Number(query.scanned).toLocaleString("en-US")} imported activities against QuickBooks.</Alert> : null}
        {query.done ? (
          <Alert tone="success">
            {query.decision === "keep" ? "QuickBooks version kept" : "Will be restored from actiTIME at the next import of their range"} for {query.done} {query.done === "1" ? "activity" : "activities"}.
          </Alert>
        ) : null}
      </div>
      {changes.length === 0 ? (
        <EmptyState title="No changes found in QuickBooks">
          Every imported activity we know of is in QuickBooks as we wrote it. Check QuickBooks now to look again; every import&apos;s Preview checks its range too.
        </EmptyState>
      ) : (
        <Card className="overflow-x-auto">
          <p className="border-b border-slate-200 px-4 py-3 text-sm text-slate-700">
            {changes.length.toLocaleString("en-US")} {changes.length === 1 ? "activity differs" : "activities differ"} from what we imported; {pending.toLocaleString("en-US")} {pending === 1 ? "needs" : "need"} a choice. Until you choose, an
            import leaves an edit as QuickBooks has it (unless actiTIME changed that record) and creates a deleted activity again.
          </p>
          <QboChangesTable changes={changes} names={names} action={decideAction} />
        </Card>
      )}
    </>
  );
}
