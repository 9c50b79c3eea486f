import Link from "next/link";
import { switchCompany } from "./companies/actions";

interface CompanyOption {
  id: string;
  name: string;
  status: "connected" | "needs_reconnect" | "disconnected";
}

/** Upper left: the current company's name opens the list of companies (no client JS needed). */
export function CompanySwitcher({ current, companies }: { current: CompanyOption | null; companies: CompanyOption[] }) {
  const others = companies.filter((c) => c.id !== current?.id && c.status !== "disconnected");
  return (
    // Keyed by the company so the menu closes once a switch has landed (the layout is kept across navigations).
    <details key={current?.id ?? "none"} className="group relative">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 hover:bg-slate-100" aria-label={`QuickBooks company: ${current ? current.name : "none connected"}`}>
        <span className="inline-flex h-7 w-7 items-center justify-center rounded bg-emerald-600 text-xs font-bold text-white" aria-hidden>
          qb
        </span>
        <span className="max-w-[16rem] truncate font-semibold text-slate-900">{current ? current.name : "No QuickBooks company"}</span>
        {current?.status === "needs_reconnect" ? <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900">Reconnect</span> : null}
        <span aria-hidden className="text-slate-500 group-open:rotate-180">▾</span>
      </summary>
      <div className="absolute left-0 z-20 mt-2 w-72 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        {others.length > 0 ? (
          <ul aria-label="Switch company">
            {others.map((company) => (
              <li key={company.id}>
                <form action={switchCompany}>
                  <input type="hidden" name="connectionId" value={company.id} />
                  <button type="submit" className="block w-full truncate px-4 py-2 text-left text-sm text-slate-800 hover:bg-slate-50">
                    {company.name}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : null}
        <a href="/api/quickbooks/connect" className="block px-4 py-2 text-sm font-medium text-brand-700 hover:bg-slate-50">
          + Connect to another QuickBooks
        </a>
        <Link href="/companies" className="block border-t border-slate-100 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50">
          Manage companies (Disconnect)
        </Link>
      </div>
    </details>
  );
}
