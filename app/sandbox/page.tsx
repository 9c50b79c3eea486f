import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert, Button, Card } from "@/app/_components/ui";
import { getEnv } from "@/lib/env";
import { DEMO_CREDENTIALS } from "@/lib/sandbox/demo-credentials";
import { isDemoEnabled } from "@/lib/sandbox/demo";
import { resetAction } from "./actions";
import { ActitimePanel } from "./_components/actitime-panel";
import { CardHeader, ViewFields } from "./_components/fields";
import { QboPanel } from "./_components/qbo-panel";
import { parseView, viewQuery, type SearchParams } from "./_lib/view";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sandbox controls (demo only)", robots: { index: false, follow: false } };

export default async function SandboxPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  if (!isDemoEnabled()) notFound();
  const view = parseView(await searchParams);
  const env = getEnv();
  const query = viewQuery(view);

  return (
    <main id="top" className="mx-auto max-w-7xl space-y-8 px-4 py-8 sm:px-6">
      <header className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Sandbox controls (demo only)</h1>
        <Alert tone="warning" title="This is the emulated actiTIME and QuickBooks Online, not the real products">
          <p>
            In demo mode the app talks to built-in stand-ins: actiTIME at <code className="font-mono">{env.sandbox.actitimeUrl}</code> (log in as{" "}
            <code className="font-mono">{DEMO_CREDENTIALS.username}</code> / <code className="font-mono">{DEMO_CREDENTIALS.password}</code>) and QuickBooks at{" "}
            <code className="font-mono">{env.intuit.apiBaseUrl}</code>. Use this page to do what a person would do inside those products (invoice time, edit
            or delete it, change settings, track time, reorganise tasks) and then see how the import reacts. Their data is kept in{" "}
            <code className="font-mono">{env.dataDir}/sandbox/</code> across restarts.
          </p>
        </Alert>
        {view.ok ? <Alert tone="success">{view.ok}</Alert> : null}
        {view.error ? (
          <Alert tone="error" title="Nothing was changed">
            {view.error}
          </Alert>
        ) : null}
        {view.ignored.length > 0 ? <Alert tone="info">Ignored in the address: {view.ignored.join(", ")}.</Alert> : null}
      </header>

      <section aria-labelledby="qbo" className="space-y-4">
        <h2 id="qbo" className="text-xl font-semibold text-slate-900">
          QuickBooks Online (emulated)
        </h2>
        <QboPanel view={view} />
      </section>

      <section aria-labelledby="actitime" className="space-y-4">
        <h2 id="actitime" className="text-xl font-semibold text-slate-900">
          actiTIME (emulated)
        </h2>
        <ActitimePanel view={view} />
      </section>

      <section aria-labelledby="reset">
        <Card>
          <CardHeader
            id="reset"
            title="Reset to the seed data"
            description="Throws away every change, including time activities the import created. Resetting QuickBooks also revokes every token, so the app must connect again."
          />
          <div className="flex flex-wrap gap-3 p-5">
            {(
              [
                ["both", "Reset both"],
                ["qbo", "Reset QuickBooks only"],
                ["actitime", "Reset actiTIME only"],
              ] as const
            ).map(([target, label]) => (
              <form key={target} action={resetAction}>
                <ViewFields query={query} section="top" />
                <input type="hidden" name="target" value={target} />
                <Button type="submit" variant={target === "both" ? "danger" : "secondary"}>
                  {label}
                </Button>
              </form>
            ))}
          </div>
        </Card>
      </section>
    </main>
  );
}
