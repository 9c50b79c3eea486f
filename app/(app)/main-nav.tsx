"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/imports", label: "Import History" },
  { href: "/quickbooks-changes", label: "QuickBooks changes" },
  { href: "/billed-differences", label: "Billed differences" },
  { href: "/companies", label: "QuickBooks Companies" },
  { href: "/settings", label: "Settings" },
  { href: "/outbox", label: "Outbox" },
] as const;

/** The main navigation, with `aria-current="page"` on the section the admin is in. */
export function MainNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex items-center gap-1 text-sm">
      {LINKS.map((link) => {
        const current = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link key={link.href} href={link.href} aria-current={current ? "page" : undefined} className={`rounded-md px-3 py-2 hover:bg-slate-100 ${current ? "font-semibold text-slate-900" : "text-slate-700"}`}>
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
