// Deep-link phishing (issue 13 §4): /launch?actitime=… (or /login?actitime=…) for a host this
// deployment has never signed in to shows the host and asks to confirm before the form is usable.
import type { Db } from "@/db/client";
import { accountExistsAtOrigin } from "@/db/queries/accounts";

export const CONFIRMED_HOST_COOKIE = "actitime_confirmed";

/** Whether any account of this deployment lives at this URL's origin. */
export async function isKnownActitimeOrigin(db: Db, accountUrl: string): Promise<boolean> {
  return accountExistsAtOrigin(db, new URL(accountUrl).origin);
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
