import Link from "next/link";
import type { Metadata } from "next";
import { Alert, Badge, Button, Card, EmptyState } from "@/app/_components/ui";
import { getDb } from "@/db/client";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { runningImportNotice } from "@/lib/qbo/disconnect";
import { connectionHealth } from "@/lib/qbo/health";
import { disconnectCompany, refreshCompany, switchCompany } from "./actions";

export const metadata: Metadata = { title: "QuickBooks Companies" };

const ERRORS: Record<string, string> = {
  state_mismatch: "That QuickBooks sign-in did not start here or has expired, so nothing was connected. Please connect again.",
  access_denied: "QuickBooks access was not granted, so no company was connected.",
  missing_params: "QuickBooks did not say which company was chosen. Please connect again.",
  exchange_failed: "QuickBooks did not confirm the connection. Please connect again.",
  company_unreadable: "QuickBooks would not tell us about the company. Please try again in a moment.",
  unknown_company: "That company is not connected to your account.",
  disconnected: "That company is disconnected. Connect it again first.",
};

const STATUS = {
  connected: { label: "Connected", tone: "green" },
  needs_reconnect: { label: "Needs reconnect", tone: "amber" },
  disconnected: { label: "Disconnected", tone: "neutral" },
} as const;

export default async function CompaniesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const session = await requireSession();
  const { current, all } = await getCurrentCompany(session);
  const connectedNow = params.connected ? all.find((c) => c.id === params.connected) : undefined;
  // A refused Disconnect: say which import runs and who started it (or that it has ended meanwhile).
  const refusedFor = params.error === "import_running" ? all.find((c) => c.id === params.company) : undefined;
  const running = refusedFor ? await runningImportNotice(await getDb(), refusedFor.id) : undefined;
  return (
    <>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">QuickBooks Companies</h1>
          <p className="mt-1 text-sm text-slate-600">Each company keeps its own mapping rules, settings and import history.</p>
        </div>
        <a href="/api/quickbooks/connect" className="inline-flex items-center rounded-md bg-emerald-600 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-700">
          {all.length === 0 ? "Connect to QuickBooks" : "+ Connect to another QuickBooks"}
        </a>
      </div>
      <div className="space-y-3">
        {params.error === "import_running" ? (
          <Alert tone={running ? "error" : "info"}>
            {running ? running.message : "The import that was running on this company has ended: you can disconnect it now."}
          </Alert>
        ) : params.error ? (
          <Alert tone="error">{ERRORS[params.error] ?? "Something went wrong. Please try again."}</Alert>
        ) : null}
        {connectedNow ? <Alert tone="success">Connected to {connectedNow.companyName}.</Alert> : null}
        {params.disconnected ? <Alert tone="success">Disconnected. Its mapping rules, settings and history are kept if you connect it again.</Alert> : null}
        {params.refreshed ? <Alert tone="success">Company details refreshed from QuickBooks.</Alert> : null}
      </div>
      <div className="mt-6 space-y-4">
        {all.length === 0 ? (
          <EmptyState
            title="No QuickBooks company connected yet"
            action={
              <a href="/api/quickbooks/connect" className="inline-flex items-center rounded-md bg-emerald-600 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-700">
                Connect to QuickBooks
              </a>
            }
          >
            Connect the QuickBooks Online company your hours should go to. You can connect more than one.
          </EmptyState>
        ) : (
          all.map((company) => {
            const status = STATUS[company.status];
            return (
              <Card key={company.id} className="p-5">
                <div className="flex flex-wrap items-start justify-between gap-4">
                  <div>
                    <h2 className="flex items-center gap-2 text-lg font-semibold">
                      {company.companyName}
                      {company.id === current?.id ? <Badge tone="blue">Current</Badge> : null}
                      <Badge tone={status.tone}>{status.label}</Badge>
                    </h2>
                    {company.status === "connected" ? (
                      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                        <dt className="text-slate-500">Time tracking</dt>
                        <dd>
                          {company.timeTrackingEnabled === false ? (
                            <span className="text-red-700">Off. Imports are refused until it is turned on in QuickBooks (Settings → Time).</span>
                          ) : (
                            "On"
                          )}
                        </dd>
                        <dt className="text-slate-500">Payroll</dt>
                        <dd>{company.payrollEnabled ? "On: new employees must be created in QuickBooks" : "Off"}</dd>
                        <dt className="text-slate-500">Authorization</dt>
                        <dd data-health={connectionHealth(company, new Date()).state}>
                          {company.refreshTokenExpiresAt ? `Good until ${company.refreshTokenExpiresAt.toISOString().slice(0, 10)}` : "Expiry not known"}
                          {connectionHealth(company, new Date()).state === "expiring" ? <span className="text-amber-800"> (Reconnect soon)</span> : null}
                          {connectionHealth(company, new Date()).state === "expired" ? <span className="text-red-700"> (expired: Reconnect)</span> : null}
                        </dd>
                        <dt className="text-slate-500">Last used</dt>
                        <dd>{company.accessTokenExpiresAt ? `${new Date(company.accessTokenExpiresAt.getTime() - 3_600_000).toISOString().slice(0, 16).replace("T", " ")} UTC (last token refresh)` : "Not yet"}</dd>
                        {company.booksClosedDate ? (
                          <>
                            <dt className="text-slate-500">Books closed through</dt>
                            <dd>{company.booksClosedDate}</dd>
                          </>
                        ) : null}
                      </dl>
                    ) : company.status === "needs_reconnect" ? (
                      <p className="mt-2 text-sm text-amber-900">QuickBooks needs you to sign in again for this company (its authorization expired or was revoked).</p>
                    ) : (
                      <p className="mt-2 text-sm text-slate-600">
                        Disconnected. Connect it again to bring back its rules, settings and history.{" "}
                        <Link className="text-brand-700 underline" href={`/imports?company=${company.id}`}>View its import history</Link> (read-only).
                      </p>
                    )}
                  </div>
                  <div className="flex flex-wrap gap-2">
                    {company.status === "connected" && company.id !== current?.id ? (
                      <form action={switchCompany}>
                        <input type="hidden" name="connectionId" value={company.id} />
                        <Button variant="secondary" type="submit">Switch to this company</Button>
                      </form>
                    ) : null}
                    {company.status === "connected" ? (
                      <form action={refreshCompany}>
                        <input type="hidden" name="connectionId" value={company.id} />
                        <Button variant="ghost" type="submit">Refresh details</Button>
                      </form>
                    ) : (
                      <a href="/api/quickbooks/connect" className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50">
                        Reconnect
                      </a>
                    )}
                    {company.status !== "disconnected" ? (
                      <details className="relative">
                        <summary className="inline-flex cursor-pointer list-none items-center rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50" aria-label={`Disconnect ${company.companyName}…`}>
                          Disconnect…
                        </summary>
                        <div role="group" aria-label={`Disconnect ${company.companyName}?`} className="absolute right-0 z-10 mt-2 w-80 rounded-md border border-slate-200 bg-white p-4 text-sm shadow-lg">
                          <p className="font-semibold">Disconnect {company.companyName}?</p>
                          <p className="mt-1 text-slate-600">
                            Nothing is deleted in QuickBooks. Its mapping rules, settings and import history stay here (history stays readable) and come back if you connect it again. No import can run until then.
                          </p>
                          <form action={disconnectCompany} className="mt-3 flex justify-end">
                            <input type="hidden" name="connectionId" value={company.id} />
                            <Button variant="danger" type="submit">Disconnect</Button>
                          </form>
                        </div>
                      </details>
                    ) : null}
                  </div>
                </div>
              </Card>
            );
          })
        )}
      </div>
    </>
  );
}
