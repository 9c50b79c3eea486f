"use server";

// The login form posts here (method="post", a server action): it works without client JavaScript,
// and the password never travels in a URL. The same sign-in as next-auth's credentials provider,
// limits included; the session is next-auth's own JWT cookie.
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { normalizeActitimeBaseUrl } from "@/lib/actitime";
import { LoginError } from "@/lib/auth/login";
import { sessionCookieFor, signInAdmin } from "@/lib/auth/sign-in";
import { clientAddressFrom } from "@/lib/auth/throttle";
import { getEnv } from "@/lib/env";
import { parseForm } from "@/lib/forms";
import { CONFIRMED_HOST_COOKIE } from "./confirm";

export interface LoginFormState {
  error?: string;
  /** What was typed, so a failed attempt does not empty the form (never the password). */
  actitimeUrl?: string;
  username?: string;
}

const text = z.string().default("");
const signInSchema = z.object({ actitimeUrl: text, username: text, password: text });

export async function signInAction(_previous: LoginFormState, form: FormData): Promise<LoginFormState> {
  const parsed = parseForm(signInSchema, form);
  if (!parsed.ok) return { error: "Enter your actiTIME address, username and password." };
  const input = parsed.data;
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
const confirmHostSchema = z.object({
  actitimeUrl: z
    .string()
    .default("")
    .transform((value, ctx) => {
      try {
        return normalizeActitimeBaseUrl(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "invalid_url" });
        return z.NEVER;
      }
    }),
});

export async function confirmHostAction(form: FormData): Promise<never> {
  const parsed = parseForm(confirmHostSchema, form);
  if (!parsed.ok) redirect("/login?error=invalid_url");
  const url = parsed.data.actitimeUrl;
  (await cookies()).set({ name: CONFIRMED_HOST_COOKIE, value: url, httpOnly: true, sameSite: "lax", path: "/login", secure: getEnv().secureCookies, maxAge: 600 });
  redirect(`/login?actitime=${encodeURIComponent(url)}`);
}
