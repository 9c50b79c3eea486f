// The one sign-in path (issue 13 §0, §3): the login form's server action (which works without
// client JavaScript) and next-auth's credentials provider both come here. Failed attempts are
// limited before actiTIME is contacted; the session cookie is next-auth's own JWT cookie.
import { encode } from "next-auth/jwt";
import type { Db } from "@/db/client";
import { ActitimeError, normalizeActitimeBaseUrl } from "@/lib/actitime";
import { getEnv } from "@/lib/env";
import { LoginError, loginInputSchema, verifyLogin, type SignedInAdmin } from "./login";
import { releaseAfterSuccess, reserveLoginAttempt, throttleKeys, tooManyAttemptsMessage } from "./throttle";

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

export interface SignInDeps {
  clientAddress: string;
  fetch?: typeof fetch;
  now?: Date;
}

/** Checks the limit, then the credentials with actiTIME. Throws LoginError with a sentence for people. */
export async function signInAdmin(db: Db, raw: unknown, deps: SignInDeps): Promise<SignedInAdmin> {
  const parsed = loginInputSchema.safeParse(raw);
  if (!parsed.success) throw new LoginError(parsed.error.issues[0]?.message ?? "Fill in every field.", "invalid_input");
  let accountUrl: string;
  try {
    accountUrl = normalizeActitimeBaseUrl(parsed.data.actitimeUrl);
  } catch (error) {
    if (error instanceof ActitimeError) throw new LoginError(error.message, error.code);
    throw error;
  }
  const keys = throttleKeys(deps.clientAddress, accountUrl, parsed.data.username);
  const reservation = await reserveLoginAttempt(db, [keys.address, keys.user], deps.now);
  if (!reservation.ok) throw new LoginError(tooManyAttemptsMessage(reservation.retryInMinutes), "too_many_attempts");
  // A failure keeps its record (it counts); a success takes it back.
  const admin = await verifyLogin(db, parsed.data, { fetch: deps.fetch });
  await releaseAfterSuccess(db, reservation, keys.user);
  return admin;
}

/** next-auth's session cookie name for this deployment (Secure-prefixed on https). */
export function sessionCookieName(): string {
  return `${getEnv().secureCookies ? "__Secure-" : ""}next-auth.session-token`;
}

/** The JWT next-auth's own sign-in would have issued for this admin. */
export async function sessionCookieFor(admin: SignedInAdmin) {
  const env = getEnv();
  const value = await encode({
    secret: env.nextAuthSecret,
    maxAge: SESSION_MAX_AGE_S,
    token: {
      sub: admin.adminId,
      name: admin.name,
      adminId: admin.adminId,
      accountId: admin.accountId,
      accountUrl: admin.accountUrl,
      sessionVersion: admin.sessionVersion,
    },
  });
  return {
    name: sessionCookieName(),
    value,
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure: env.secureCookies,
    maxAge: SESSION_MAX_AGE_S,
  };
}
