import Link from "next/link";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { CompanySwitcher } from "./company-switcher";
import { UserMenu } from "./user-menu";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await requireSession();
  const { current, all } = await getCurrentCompany(session);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-6 py-3">
          <div className="flex items-center gap-6">
            <CompanySwitcher
              current={current ? { id: current.id, name: current.companyName, status: current.status } : null}
              companies={all.map((c) => ({ id: c.id, name: c.companyName, status: c.status }))}
            />
            <nav aria-label="Main" className="flex items-center gap-1 text-sm">
              <Link href="/imports" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
                Import History
              </Link>
              <Link href="/quickbooks-changes" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
                QuickBooks changes
              </Link>
              <Link href="/billed-differences" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
                Billed differences
              </Link>
              <Link href="/companies" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
                QuickBooks Companies
              </Link>
              <Link href="/settings" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
                Settings
              </Link>
            </nav>
          </div>
          <UserMenu name={session.adminName} accountUrl={session.accountUrl} />
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}
