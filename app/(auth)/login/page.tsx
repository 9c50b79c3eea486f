import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { sameActitimeAccount } from "@/lib/actitime/account-key";
import { getAppSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { DEMO_CREDENTIALS } from "@/lib/sandbox/demo-credentials";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Log in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ actitime?: string; error?: string }> }) {
  const params = await searchParams;
  const session = await getAppSession();
  // Signed in already: go on, unless the deep link names another actiTIME account (then sign in to that one).
  if (session && (!params.actitime || sameActitimeAccount(params.actitime, session.accountUrl))) redirect("/imports");
  const env = getEnv();
  const demo = env.sandbox.enabled ? { url: env.sandbox.actitimeUrl, ...DEMO_CREDENTIALS } : null;
  const defaultUrl = params.actitime ?? demo?.url ?? "";
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-8 text-center">
          <p className="text-sm font-medium uppercase tracking-wide text-brand-700">actiTIME → QuickBooks Online</p>
          <h1 className="mt-2 text-2xl font-semibold text-slate-900">Log in with your actiTIME account</h1>
          <p className="mt-2 text-sm text-slate-600">
            Use an actiTIME admin who can manage accounts and see cost &amp; billing data.
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <LoginForm defaultUrl={defaultUrl} initialError={params.error && params.error !== "CredentialsSignin" ? params.error : undefined} />
        </div>
        {demo ? (
          <div role="note" className="mt-6 rounded-md border border-sky-200 bg-sky-50 p-4 text-sm text-sky-900">
            <p className="font-semibold">Demo mode</p>
            <p className="mt-1">
              This app runs against built-in emulators of actiTIME and QuickBooks. Log in with
            </p>
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
              <dt className="text-sky-700">actiTIME URL</dt>
              <dd className="break-all font-mono">{demo.url}</dd>
              <dt className="text-sky-700">Username</dt>
              <dd className="font-mono">{demo.username}</dd>
              <dt className="text-sky-700">Password</dt>
              <dd className="font-mono">{demo.password}</dd>
            </dl>
          </div>
        ) : null}
      </div>
    </main>
  );
}
