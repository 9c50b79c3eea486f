// Deep-link phishing (issue 13 §4): /launch?actitime=… (or /login?actitime=…) for a host this
// deployment has never signed in to shows the host and asks to confirm before the form is usable.
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts } from "@/db/schema";

export const CONFIRMED_HOST_COOKIE = "actitime_confirmed";

/** Whether any account of this deployment lives at this URL's origin. */
export async function isKnownActitimeOrigin(db: Db, accountUrl: string): Promise<boolean> {
  const origin = new URL(accountUrl).origin;
  const escaped = origin.replace(/[\\%_]/g, (c) => `\\${c}`);
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(sql`${accounts.baseUrl} = ${origin} or ${accounts.baseUrl} like ${`${escaped}/%`}`)
    .limit(1);
  return row !== undefined;
}

/** Error codes the login page may be sent (by next-auth or by us); anything else reads as a generic failure. */
export const LOGIN_ERROR_MESSAGES: Record<string, string> = {
  CredentialsSignin: "actiTIME did not accept this username and password.",
  SessionRequired: "Log in to continue.",
  invalid_url: "This is not a web address. Enter your actiTIME address, e.g. https://online.actitime.com/yourcompany.",
};

export function loginErrorMessage(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return LOGIN_ERROR_MESSAGES[code] ?? "Sign-in failed. Please try again.";
}
