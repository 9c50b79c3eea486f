// The login check of spec §3: the actiTIME user must be able to manage accounts and see
// cost & billing data, and the Types of Work feature must be on. The API has no permission
// flags, so both permissions are detected from what the user can see (reference §4).
import type { ActitimeClient } from "./client";
import type { ActitimeInfo, ActitimeUser } from "./schemas";

export const ACTITIME_ADMIN_REQUIREMENTS = {
  manageAccounts: "Admin rights to manage accounts (the actiTIME permission “Manage Accounts & Permissions”)",
  costBilling: "Access to cost & billing data, so billing rates are visible (the actiTIME permission “Manage Cost & Billing Data”)",
  typesOfWork: "The Types of Work feature turned on in actiTIME (Settings → Types of Work)",
} as const;

export type ActitimeAdminRequirement = keyof typeof ACTITIME_ADMIN_REQUIREMENTS;

export type AdminAccessResult =
  | { ok: true; me: ActitimeUser; info: ActitimeInfo }
  | { ok: false; me: ActitimeUser; info: ActitimeInfo; missing: string[]; missingRequirements: ActitimeAdminRequirement[] };

/** Throws ActitimeError when actiTIME cannot be read at all (wrong password, unreachable…). */
export async function checkAdminAccess(client: ActitimeClient): Promise<AdminAccessResult> {
  const me = await client.getMe();
  const info = await client.getInfo();
  // One page of each is enough to tell (and keeps a sign-in to four bounded reads, issue 13 §2).
  const [users, typesOfWork] = await Promise.all([client.listUsers({ firstPageOnly: true }), client.listTypesOfWork({ firstPageOnly: true })]);

  const missingRequirements: ActitimeAdminRequirement[] = [];
  // Only Manage Accounts & Permissions reveals other users' usernames. An account with a
  // single user has no "other" to look at, and that user is necessarily its admin.
  const others = users.filter((user) => user.id !== me.id);
  if (others.length > 0 && !others.some((user) => typeof user.username === "string" && user.username !== "")) {
    missingRequirements.push("manageAccounts");
  }
  // Rates are null without billing permission or with the billing feature off (reference §3.5).
  if (!typesOfWork.some((typeOfWork) => typeOfWork.rate !== null)) missingRequirements.push("costBilling");
  if (!info.features.typesOfWork) missingRequirements.push("typesOfWork");

  if (missingRequirements.length === 0) return { ok: true, me, info };
  return {
    ok: false,
    me,
    info,
    missingRequirements,
    missing: missingRequirements.map((requirement) => ACTITIME_ADMIN_REQUIREMENTS[requirement]),
  };
}
