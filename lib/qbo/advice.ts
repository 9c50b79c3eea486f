// What a bookkeeper can do about a QuickBooks refusal, by QuickBooks' own Fault code (never by
// message text). Shown beside QuickBooks' Message, Detail, code and intuit_tid on failed items.
import { QBO_FAULT_CODE } from "./faults";

const ADVICE: Record<string, string> = {
  [QBO_FAULT_CODE.accountPeriodClosed]:
    "The books are closed for this date in QuickBooks: re-open the period (Settings → Account and settings → Advanced → Close the books) or leave this time out, then run the same import again.",
  "5020": "Time tracking is turned off in this QuickBooks company: turn it on (Settings → Account and settings → Time), then run the same import again.",
  [QBO_FAULT_CODE.staleObject]:
    "Someone changed this activity in QuickBooks while it was being imported: run the same import again; it reads the current copy first.",
  [QBO_FAULT_CODE.duplicateName]:
    "QuickBooks already has an entry with this name (perhaps inactive): in Map, choose Link to for it, or give the new one another name.",
  [QBO_FAULT_CODE.objectNotFound]:
    "An employee, customer or service item this activity uses is inactive or was deleted in QuickBooks: make it active again or map the entity to another one, then re-run.",
  [QBO_FAULT_CODE.invalidReference]:
    "An employee, customer or service item this activity uses no longer exists in QuickBooks: map the entity to another one in Settings, then re-run.",
  "6000":
    "QuickBooks refused this change for a business rule (often: the activity was billed, or a limit was reached). Check the activity in QuickBooks; billed activities are left as they are.",
  "6310": "A billable activity needs a customer: map the project to a QuickBooks customer, or mark the type of work not billable.",
  "6320": "Billable time is turned off in this QuickBooks company: turn on billable time (Settings → Time) or make the types of work not billable.",
  "6330": "A billable activity needs an hourly rate: set a rate on the type of work in actiTIME or a price on the QuickBooks service item.",
  "6290": "The employee is also a vendor or missing in QuickBooks: map the user to another employee.",
  "2040": "The name contains a colon, tab or line break, which QuickBooks does not allow: rename it in Map.",
  "2050": "A name or description is longer than QuickBooks allows: shorten it in Map or in Time Description Settings.",
};

/** One sentence of what to do for a refusal we know; undefined when the code is not one we know. */
export function adviceForFault(code: string | null | undefined): string | undefined {
  return code ? ADVICE[code] : undefined;
}

/** Codes that name a QuickBooks Fault (digits), as opposed to our own kinds ("validation", "server"…). */
export function isQboCode(code: string | null | undefined): boolean {
  return !!code && /^\d+$/.test(code);
}
