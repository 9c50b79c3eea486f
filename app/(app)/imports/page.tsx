import type { Metadata } from "next";
import { EmptyState, LinkButton, PageHeader } from "@/app/_components/ui";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Import History" };

export default async function ImportHistoryPage() {
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) {
    return (
      <>
        <PageHeader title="Import History" />
        <EmptyState title="Connect a QuickBooks company to start" action={<a className="inline-flex rounded-md bg-emerald-600 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-700" href="/api/quickbooks/connect">Connect to QuickBooks</a>}>
          Hours are imported into a QuickBooks Online company. Connect yours, then map people, projects and types of work once.
        </EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Import History" description={`Imports into ${current.companyName}, newest first.`} />
      <EmptyState title="The import wizard is not available in this build yet" action={<LinkButton href="/companies" variant="secondary">View QuickBooks companies</LinkButton>}>
        Sign-in and QuickBooks connections work. Mapping, preview and imports arrive in the next release; nothing has been imported.
      </EmptyState>
    </>
  );
}
