import { getEnv } from "@/lib/env";

// Rendered per request: it reads configuration, and later the session.
export const dynamic = "force-dynamic";

export default function HomePage() {
  const env = getEnv();
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-2xl font-semibold">actiTIME → QuickBooks Online</h1>
      <p className="mt-3 text-slate-600">
        Import the hours your team tracked in actiTIME into QuickBooks Online as TimeActivity records: map people,
        projects and types of work once, preview, and import. A re-run applies corrections and never duplicates or
        touches billed time.
      </p>
      <div role="status" className="mt-8 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
        Sign-in with actiTIME is not available yet in this build. The app, its database and configuration are in
        place; sign-in, QuickBooks connections and imports arrive in the next releases.
      </div>
      {env.sandbox.enabled ? (
        <p className="mt-4 text-sm text-slate-500">Demo mode is on: the app talks to its built-in actiTIME and QuickBooks emulators.</p>
      ) : null}
    </main>
  );
}
