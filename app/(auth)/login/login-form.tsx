"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/ui";

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";

export function LoginForm({ defaultUrl, initialError }: { defaultUrl: string; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn("actitime", {
      redirect: false,
      actitimeUrl: String(form.get("actitimeUrl") ?? ""),
      username: String(form.get("username") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.replace("/imports");
      router.refresh();
    } else {
      setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "actiTIME did not accept this username and password.");
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <div>
        <label htmlFor="actitimeUrl" className="block text-sm font-medium text-slate-800">
          actiTIME URL
        </label>
        <input id="actitimeUrl" name="actitimeUrl" type="url" required defaultValue={defaultUrl} placeholder="https://online.actitime.com/yourcompany" className={inputClass} autoComplete="url" />
      </div>
      <div>
        <label htmlFor="username" className="block text-sm font-medium text-slate-800">
          Username
        </label>
        <input id="username" name="username" type="text" required autoComplete="username" className={inputClass} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-800">
          Password
        </label>
        <input id="password" name="password" type="password" required autoComplete="current-password" className={inputClass} />
      </div>
      {error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending} aria-busy={pending}>
        {pending ? "Checking with actiTIME…" : "Log in"}
      </Button>
    </form>
  );
}
