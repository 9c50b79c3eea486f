"use server";

// The login form posts here (method="post", a server action): it works without client JavaScript,
// and the password never travels in a URL. The same sign-in as next-auth's credentials provider,
// limits included; the session is next-auth's own JWT cookie.
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { normalizeActitimeBaseUrl } from "@/lib/actitime";
import { LoginError } from "@/lib/auth/login";
import { sessionCookieFor, signInAdmin } from "@/lib/auth/sign-in";
import { clientAddressFrom } from "@/lib/auth/throttle";
import { getEnv } from "@/lib/env";
import { CONFIRMED_HOST_COOKIE } from "./confirm";

export interface LoginFormState {
  error?: string;
  /** What was typed, so a failed attempt does not empty the form (never the password). */
  actitimeUrl?: string;
  username?: string;
}

export async function signInAction(_previous: LoginFormState, form: FormData): Promise<LoginFormState> {
  const input = {
    actitimeUrl: String(form.get("actitimeUrl") ?? ""),
    username: String(form.get("username") ?? ""),
    password: String(form.get("password") ?? ""),
  };
  let cookie: Awaited<ReturnType<typeof sessionCookieFor>>;
  try {
    const admin = await signInAdmin(await getDb(), input, { clientAddress: clientAddressFrom(await headers()) });
    cookie = await sessionCookieFor(admin);
  } catch (error) {
    const message = error instanceof LoginError ? error.message : "Something went wrong while signing in. Please try again.";
    return { error: message, actitimeUrl: input.actitimeUrl.slice(0, 2048), username: input.username.slice(0, 256) };
  }
  const jar = await cookies();
  jar.set(cookie);
  jar.delete(CONFIRMED_HOST_COOKIE);
  redirect("/imports");
}

/** "Continue" on the confirmation of an unfamiliar actiTIME host (a deep link): remembered for 10 minutes. */
export async function confirmHostAction(form: FormData): Promise<void> {
  let url: string;
  try {
    url = normalizeActitimeBaseUrl(String(form.get("actitimeUrl") ?? ""));
  } catch {
    redirect("/login?error=invalid_url");
  }
  (await cookies()).set({ name: CONFIRMED_HOST_COOKIE, value: url, httpOnly: true, sameSite: "lax", path: "/login", secure: getEnv().secureCookies, maxAge: 600 });
  redirect(`/login?actitime=${encodeURIComponent(url)}`);
}
