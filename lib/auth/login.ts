// Sign-in with actiTIME credentials (spec §3): verify against the actiTIME API, check the admin
// requirements, then create or update the account and the admin. Messages name what is wrong and
// never echo the password.
import { z } from "zod";
import type { Db } from "@/db/client";
import { accountBaseUrlFor, upsertAccountAndAdmin } from "@/db/queries/accounts";
import { ACTITIME_LOGIN_LIMITS, ActitimeError, checkAdminAccess, createActitimeClient, normalizeActitimeBaseUrl } from "@/lib/actitime";

export const loginInputSchema = z.object({
  actitimeUrl: z.string().trim().min(1, "Enter your actiTIME address.").max(2048, "This actiTIME address is too long."),
  username: z.string().trim().min(1, "Enter your actiTIME username.").max(256, "This username is too long."),
  password: z.string().min(1, "Enter your actiTIME password.").max(1024, "This password is too long."),
});
export type LoginInput = z.infer<typeof loginInputSchema>;

export class LoginError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "LoginError";
  }
}

export interface SignedInAdmin {
  adminId: string;
  accountId: string;
  name: string;
  accountUrl: string;
  /** The admin's session version when signing in (lib/auth/session.ts ends sessions of older versions). */
  sessionVersion: number;
}

const MESSAGE_BY_CODE: Partial<Record<ActitimeError["code"], string>> = {
  unauthorized: "actiTIME did not accept this username and password.",
};

export async function verifyLogin(db: Db, raw: unknown, deps: { fetch?: typeof fetch } = {}): Promise<SignedInAdmin> {
  const parsed = loginInputSchema.safeParse(raw);
  if (!parsed.success) throw new LoginError(parsed.error.issues[0]?.message ?? "Fill in every field.", "invalid_input");
  const input = parsed.data;
  try {
    const baseUrl = await accountBaseUrlFor(db, normalizeActitimeBaseUrl(input.actitimeUrl));
    const client = createActitimeClient({ baseUrl, username: input.username, password: input.password, fetch: deps.fetch, ...ACTITIME_LOGIN_LIMITS });
    const access = await checkAdminAccess(client);
    if (!access.ok) {
      throw new LoginError(`This actiTIME user cannot use the QuickBooks import. Missing: ${access.missing.join("; ")}.`, "missing_requirements");
    }
    const me = access.me;
    // actiTIME's fullName reads "Last, First"; people are greeted the other way round.
    const fullName = `${me.firstName} ${me.lastName}`.trim() || me.fullName?.trim() || input.username;
    const { account, admin } = await upsertAccountAndAdmin(
      db,
      baseUrl,
      { actitimeUserId: me.id, username: me.username ?? input.username, fullName, email: me.email ?? null },
      input.password,
    );
    return { adminId: admin.id, accountId: account.id, name: admin.fullName, accountUrl: account.baseUrl, sessionVersion: admin.sessionVersion };
  } catch (error) {
    if (error instanceof LoginError) throw error;
    if (error instanceof ActitimeError) throw new LoginError(MESSAGE_BY_CODE[error.code] ?? error.message, error.code);
    throw new LoginError("Something went wrong while signing in. Please try again.", "unexpected");
  }
}
