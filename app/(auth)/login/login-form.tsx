"use client";

import { useActionState } from "react";
import { Button } from "@/app/_components/ui";
import { signInAction, type LoginFormState } from "./actions";

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";

/**
 * A plain POST form bound to a server action: it signs in with or without client JavaScript (with
 * it, the page does not reload), and nothing typed here ever lands in a URL.
 */
export function LoginForm({ defaultUrl, initialError }: { defaultUrl: string; initialError?: string }) {
  const [state, formAction, pending] = useActionState<LoginFormState, FormData>(signInAction, { error: initialError });
  return (
    // A server action: React renders this form as method="POST" (and posts it without JavaScript).
    <form action={formAction} className="space-y-4" noValidate>
      <div>
        <label htmlFor="actitimeUrl" className="block text-sm font-medium text-slate-800">
          actiTIME URL
        </label>
        <input
          id="actitimeUrl"
          name="actitimeUrl"
          type="url"
          required
          defaultValue={state.actitimeUrl ?? defaultUrl}
          placeholder="https://online.actitime.com/yourcompany"
          className={inputClass}
          autoComplete="url"
        />
      </div>
      <div>
        <label htmlFor="username" className="block text-sm font-medium text-slate-800">
          Username
        </label>
        <input id="username" name="username" type="text" required defaultValue={state.username} autoComplete="username" className={inputClass} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-800">
          Password
        </label>
        <input id="password" name="password" type="password" required autoComplete="current-password" className={inputClass} />
      </div>
      {state.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending} aria-busy={pending}>
        {pending ? "Checking with actiTIME…" : "Log in"}
      </Button>
    </form>
  );
}
