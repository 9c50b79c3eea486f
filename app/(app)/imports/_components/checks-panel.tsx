import Link from "next/link";
import type { Check, CheckStatus } from "@/lib/import/checks";
import { Badge } from "@/app/_components/ui";

const STATUS: Record<CheckStatus, { label: string; tone: "green" | "amber" | "red" }> = {
  passed: { label: "Passed", tone: "green" },
  warning: { label: "Warning", tone: "amber" },
  blocking: { label: "Blocking", tone: "red" },
};

/** The pre-flight Checks (lib/import/checks.ts): blocking first, then warnings, then passed ones. */
export function ChecksPanel({ checks }: { checks: Check[] }) {
  const order: CheckStatus[] = ["blocking", "warning", "passed"];
  const sorted = [...checks].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  const blocking = checks.filter((c) => c.status === "blocking").length;
  const warnings = checks.filter((c) => c.status === "warning").length;
  return (
    <section aria-labelledby="checks-heading" className="mb-6 rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <h2 id="checks-heading" className="text-base font-semibold">Checks</h2>
        <p className="text-sm text-slate-600">
          {blocking > 0 ? `${blocking} blocking` : "Nothing blocking"}
          {warnings > 0 ? `, ${warnings} ${warnings === 1 ? "warning" : "warnings"}` : ""}
        </p>
      </div>
      <ul className="divide-y divide-slate-100">
        {sorted.map((c) => (
          <li key={c.id} className="px-4 py-3" data-check={c.id} data-status={c.status}>
            <div className="flex flex-wrap items-start gap-3">
              <Badge tone={STATUS[c.status].tone}>{STATUS[c.status].label}</Badge>
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">{c.title}</p>
                <p className="text-sm text-slate-600">{c.summary}</p>
                {c.action ? (
                  <p className="mt-1 text-sm">
                    <span className="text-slate-600">What to do: </span>
                    <Link href={c.action.href} className="font-medium text-sky-700 underline">{c.action.text}</Link>
                  </p>
                ) : null}
                {c.rows.length > 0 ? (
                  <details className="mt-2" open={c.status === "blocking"}>
                    <summary className="cursor-pointer text-sm text-slate-700">Affected ({c.rowsTotal.toLocaleString("en-US")})</summary>
                    <table className="mt-2 w-full text-left text-sm">
                      <caption className="sr-only">Rows affected by {c.title}</caption>
                      <thead>
                        <tr className="text-xs uppercase tracking-wide text-slate-500">
                          <th scope="col" className="py-1 pr-4 font-medium">Row</th>
                          <th scope="col" className="py-1 font-medium">Detail</th>
                        </tr>
                      </thead>
                      <tbody>
                        {c.rows.map((r, i) => (
                          <tr key={`${r.label}-${i}`} className="border-t border-slate-100">
                            <td className="py-1 pr-4">{r.label}</td>
                            <td className="py-1 text-slate-600">{r.detail}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    {c.rowsTotal > c.rows.length ? <p className="mt-1 text-xs text-slate-500">and {(c.rowsTotal - c.rows.length).toLocaleString("en-US")} more</p> : null}
                  </details>
                ) : null}
              </div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
