"use client";

import { signOut } from "next-auth/react";

/** Upper right: the admin's name opens Log out. */
export function UserMenu({ name, accountUrl }: { name: string; accountUrl: string }) {
  return (
    <details className="group relative">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100" aria-label="Account menu">
        <span className="font-medium text-slate-800">{name}</span>
        <span aria-hidden className="text-slate-500 group-open:rotate-180">▾</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-72 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        <p className="truncate px-4 py-2 text-xs text-slate-500" title={accountUrl}>
          actiTIME: {accountUrl}
        </p>
        <button type="button" onClick={() => signOut({ callbackUrl: "/login" })} className="block w-full px-4 py-2 text-left text-sm text-slate-800 hover:bg-slate-50">
          Log out
        </button>
      </div>
    </details>
  );
}
