import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { connectionHealth } from "@/lib/qbo/health";
import { CompanySwitcher } from "./company-switcher";
import { MainNav } from "./main-nav";
import { UserMenu } from "./user-menu";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await requireSession();
  const { current, all } = await getCurrentCompany(session);
  // On every page of a company that needs reconnecting (or soon will): issue 18 §3.
  const health = current ? connectionHealth(current, new Date()) : null;
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-6 py-3">
          <div className="flex items-center gap-6">
            <CompanySwitcher
              current={current ? { id: current.id, name: current.companyName, status: current.status } : null}
              companies={all.map((c) => ({ id: c.id, name: c.companyName, status: c.status }))}
            />
            <MainNav />
          </div>
          <UserMenu name={session.adminName} accountUrl={session.accountUrl} />
        </div>
      </header>
      {health?.message ? (
        <div role="alert" data-health={health.state} className={`border-b px-6 py-3 text-sm ${health.state === "expiring" ? "border-amber-300 bg-amber-50 text-amber-900" : "border-red-300 bg-red-50 text-red-900"}`}>
          <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3">
            <p>{health.message}</p>
            <a href="/api/quickbooks/connect" className="inline-flex items-center rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
              Reconnect<span className="sr-only"> {current!.companyName}</span>
            </a>
          </div>
        </div>
      ) : null}
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}
