"use client";

import Link from "next/link";

/** A page that failed to render: say so plainly, offer a retry, never show internals. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-red-800">This page could not be shown</h1>
      <p className="mt-2 text-sm text-slate-700">
        Something went wrong while reading your data. Nothing was sent to QuickBooks. Try again; if it keeps happening, check that actiTIME and QuickBooks are reachable.
      </p>
      {error.digest ? <p className="mt-2 text-xs text-slate-500">Reference: {error.digest}</p> : null}
      <div className="mt-4 flex gap-2">
        <button type="button" onClick={reset} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Try again
        </button>
        <Link href="/imports" className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-50">
          Import History
        </Link>
      </div>
    </div>
  );
}
