import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { CompanySwitcher } from "./company-switcher";
import { MainNav } from "./main-nav";
import { UserMenu } from "./user-menu";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await requireSession();
  const { current, all } = await getCurrentCompany(session);
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
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}
