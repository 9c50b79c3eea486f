// Admin rights are re-checked against actiTIME at least every 15 minutes of use (issue 13 §6): an
// admin demoted in actiTIME (or whose password changed) loses access to the app within that time.
import type { Db } from "@/db/client";
import { adminPasswordContext, claimRightsCheck, setRightsCheckedAt, type getAdmin } from "@/db/queries/accounts";
import { endAdminSessions } from "@/db/queries/sessions";
import { ACTITIME_LOGIN_LIMITS, ActitimeError, checkAdminAccess, createActitimeClient } from "@/lib/actitime";
import { open } from "@/lib/crypto";

export const RIGHTS_RECHECK_MS = 15 * 60_000;
/** actiTIME not answering is not a demotion: try again after this, keeping access meanwhile. */
const RIGHTS_RETRY_MS = 5 * 60_000;
const RIGHTS_CHECK_TIMEOUT_MS = 10_000;

type AdminRow = NonNullable<Awaited<ReturnType<typeof getAdmin>>>;

/**
 * False when actiTIME says the admin no longer has the rights (or the password stopped working): then
 * every session of the admin is ended and the saved password wiped. One request per admin claims
 * each check (a conditional update), so parallel page loads do not all call actiTIME.
 */
export async function adminRightsStillHeld(db: Db, row: AdminRow, deps: { fetch?: typeof fetch; now?: Date } = {}): Promise<boolean> {
  const now = deps.now ?? new Date();
  const checkedAt = row.admin.rightsCheckedAt;
  if (checkedAt && now.getTime() - checkedAt.getTime() < RIGHTS_RECHECK_MS) return true;
  // Every sign-in saves the password and every Log out or lost right also bumps the session version
  // (checked before this), so a live session without one is only a hand-made row: nothing to ask with.
  if (!row.admin.sealedPassword) return true;
  const cutoff = new Date(now.getTime() - RIGHTS_RECHECK_MS);
  if (!(await claimRightsCheck(db, row.admin.id, now, cutoff))) return true; // another request is checking right now
  try {
    const client = createActitimeClient({
      baseUrl: row.account.baseUrl,
      username: row.admin.username,
      password: open(row.admin.sealedPassword, adminPasswordContext(row.admin.id)),
      timeoutMs: RIGHTS_CHECK_TIMEOUT_MS,
      ...ACTITIME_LOGIN_LIMITS,
      fetch: deps.fetch,
    });
    const access = await checkAdminAccess(client);
    if (access.ok && access.me.id === row.admin.actitimeUserId) return true;
  } catch (error) {
    const lostAccess = error instanceof ActitimeError && (error.code === "unauthorized" || error.code === "forbidden");
    if (!lostAccess) {
      await setRightsCheckedAt(db, row.admin.id, new Date(now.getTime() - RIGHTS_RECHECK_MS + RIGHTS_RETRY_MS));
      return true;
    }
  }
  await endAdminSessions(db, row.account.id, row.admin.id);
  return false;
}
