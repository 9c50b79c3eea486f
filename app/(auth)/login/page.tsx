import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { sameActitimeAccount } from "@/lib/actitime/account-key";
import { Button, LinkButton } from "@/app/_components/ui";
import { getDb } from "@/db/client";
import { normalizeActitimeBaseUrl } from "@/lib/actitime";
import { getAppSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { DEMO_CREDENTIALS } from "@/lib/sandbox/demo-credentials";
import { confirmHostAction } from "./actions";
import { CONFIRMED_HOST_COOKIE, isKnownActitimeOrigin, loginErrorMessage } from "./confirm";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Log in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ actitime?: string; error?: string }> }) {
  const params = await searchParams;
  const session = await getAppSession();
  // The deep link's address, normalised; a malformed one is dropped (query text is never shown as it came).
  let requested: string | null = null;
  try {
    requested = typeof params.actitime === "string" && params.actitime ? normalizeActitimeBaseUrl(params.actitime) : null;
  } catch {
    requested = null;
  }
  // Signed in already: go on, unless the deep link names another actiTIME account (then sign in to that one).
  if (session && (!requested || sameActitimeAccount(requested, session.accountUrl))) redirect("/imports");
  const env = getEnv();
  const demo = env.sandbox.enabled ? { url: env.sandbox.actitimeUrl, ...DEMO_CREDENTIALS } : null;
  const defaultUrl = requested ?? demo?.url ?? "";
  // An address this deployment has never signed in to, arriving by link: confirm before the form is usable.
  const mustConfirm =
    requested !== null &&
    requested !== demo?.url &&
    (await cookies()).get(CONFIRMED_HOST_COOKIE)?.value !== requested &&
    !(await isKnownActitimeOrigin(await getDb(), requested));
  const host = requested ? new URL(requested).host : "";
  const initialError = loginErrorMessage(typeof params.error === "string" ? params.error : undefined);
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
          {mustConfirm ? (
            <section aria-labelledby="confirm-host-title" className="space-y-4">
              <h2 id="confirm-host-title" className="text-base font-semibold text-slate-900">
                Check the actiTIME address
              </h2>
              <p className="text-sm text-slate-700">
                You are about to sign in to <strong className="break-words font-mono text-lg text-slate-900">{host}</strong>. Only continue if this is your actiTIME address.
              </p>
              <form action={confirmHostAction} className="flex flex-wrap gap-3">
                <input type="hidden" name="actitimeUrl" value={requested ?? ""} />
                <Button type="submit">Continue to {host}</Button>
                <LinkButton href="/login" variant="secondary">
                  Use another address
                </LinkButton>
              </form>
            </section>
          ) : (
            <>
              {requested ? (
                <p className="mb-4 text-sm text-slate-700">
                  Signing in to <strong className="break-all font-mono text-slate-900">{host}</strong>
                </p>
              ) : null}
              <LoginForm defaultUrl={defaultUrl} initialError={initialError} />
            </>
          )}
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
