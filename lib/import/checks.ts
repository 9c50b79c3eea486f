// Pre-flight checks (issue 18 §2): before Start, and before a scheduled run, what QuickBooks would
// refuse or what would go wrong, each as passed / warning / blocking with the affected rows and what
// to do. `evaluateChecks` is a pure function over facts gathered once (`gatherCheckFacts`, database
// reads only: the company's facts were re-read from QuickBooks when the preview was built, and the
// directory is the one the preview used), so the Preview page and startImport judge the same way.
import type { Db } from "@/db/client";
import { activitiesInClosedPeriod, countActivitiesInClosedPeriod, unratedBillableByItem } from "@/db/queries/import-checks";
import type { ImportRow } from "@/db/queries/imports";
import type { QboConnection } from "@/db/queries/connections";
import type { QboDirectory } from "@/lib/mapping/directory";
import type { RuleForEntity } from "@/lib/mapping/rules";
import { PAYROLL_CREATE_EMPLOYEE_MESSAGE, validateMapping, type FieldError } from "@/lib/mapping/validate";
import { getCachedDirectory } from "@/lib/qbo/directory";
import { refNames } from "./ref-names";
import { ruleFromSnapshot } from "@/lib/mapping/rules";
import { mappingSnapshotOf, snapshotCreates } from "./snapshot";
import { parseItemBefore, parseStoredActivityItem, summaryNamesOf } from "@/db/types";

export type CheckStatus = "passed" | "warning" | "blocking";
export type CheckId = "closed_books" | "rule_targets" | "payroll_employees" | "time_tracking" | "token_health" | "billable_rates" | "refused_names";

export interface CheckRow {
  label: string;
  detail: string;
}

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One sentence: what was found (or that all is well). */
  summary: string;
  /** The affected rows, at most MAX_CHECK_ROWS; `rowsTotal` counts all. */
  rows: CheckRow[];
  rowsTotal: number;
  /** What to do, when something was found. */
  action?: { text: string; href: string };
}

export const MAX_CHECK_ROWS = 20;
/** A refresh token expiring within this is warned about (issue 18 §3). */
export const TOKEN_EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

export interface ClosedPeriodRow {
  txnDate: string;
  operation: "create" | "update" | "delete";
  employee: string;
  hours: number;
}

export interface CheckFacts {
  now: Date;
  connectionId: string;
  importId: string | null;
  company: { timeTrackingEnabled: boolean | null; payrollEnabled: boolean | null; booksClosedDate: string | null };
  connection: { status: "connected" | "needs_reconnect" | "disconnected"; refreshTokenExpiresAt: Date | null };
  /** The rules the run uses (the import's snapshot). */
  rules: readonly RuleForEntity[];
  /**
   * Earlier periods' "Create new QB …" this import makes (issue 19 §2: re-importing dates before a rule
   * changed creates what the period says): checked against QuickBooks' lists like the rules. Absent: none.
   */
  periodCreates?: readonly RuleForEntity[];
  /** The QuickBooks lists as the preview read them; null when not known (the target checks say so). */
  directory: QboDirectory | null;
  /** Pending activity writes dated on or before the closed-books date (the first rows, and how many in all). */
  closedPeriod: { rows: ClosedPeriodRow[]; total: number };
  /** Billable activities with no rate in actiTIME nor on their service item, per service item. */
  billableWithoutRate: { item: string; activities: number }[];
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const CATEGORY_NOUN = { user: "User", project: "Project", type_of_work: "Type of work", leave_type: "Leave type" } as const;

function limited(rows: CheckRow[]): Pick<Check, "rows" | "rowsTotal"> {
  return { rows: rows.slice(0, MAX_CHECK_ROWS), rowsTotal: rows.length };
}

function ruleRow(rules: readonly RuleForEntity[], e: FieldError): CheckRow {
  const rule = rules.find((r) => r.category === e.category && r.sourceId === e.sourceId);
  return { label: `${CATEGORY_NOUN[e.category]}: ${rule?.sourceName ?? `#${e.sourceId}`}`, detail: e.message };
}

/** The checks, in the order the Checks panel shows them. Pure: same facts, same checks. */
export function evaluateChecks(f: CheckFacts): Check[] {
  const mapHref = f.importId ? `/imports/${f.importId}/map` : `/settings?company=${f.connectionId}`;
  const settingsHref = `/settings?company=${f.connectionId}`;
  const checks: Check[] = [];

  // 1. Closed books.
  const closed = f.company.booksClosedDate;
  if (closed && f.closedPeriod.total > 0) {
    const rows = f.closedPeriod.rows.map((r) => ({
      label: `${r.txnDate} · ${r.employee}`,
      detail: `${r.operation === "create" ? "New" : r.operation === "update" ? "Correction" : "Delete"}, ${r.hours.toLocaleString("en-US", { maximumFractionDigits: 2 })} h`,
    }));
    checks.push({
      id: "closed_books",
      title: "Closed books",
      status: "blocking",
      summary: `The books are closed through ${closed}: QuickBooks refuses ${plural(f.closedPeriod.total, "change", "changes")} dated on or before it.`,
      rows: rows.slice(0, MAX_CHECK_ROWS),
      rowsTotal: f.closedPeriod.total,
      action: { text: `Re-open the period in QuickBooks (Settings → Account and settings → Advanced → Close the books), or choose a range after ${closed}`, href: f.importId ? `/imports/${f.importId}/select` : settingsHref },
    });
  } else {
    checks.push({ id: "closed_books", title: "Closed books", status: "passed", summary: closed ? `The books are closed through ${closed}; nothing in this import is dated on or before it.` : "The books are not closed in QuickBooks.", rows: [], rowsTotal: 0 });
  }

  // 2–3, 7: the rules against QuickBooks' lists (inactive or deleted targets, Payroll, names).
  const directory = f.directory ? { ...f.directory, payrollEnabled: f.company.payrollEnabled ?? f.directory.payrollEnabled } : null;
  const errorsOf = (rules: readonly RuleForEntity[]) => {
    const result = directory && rules.length > 0 ? validateMapping({ rules, directory }) : { ok: true as const };
    return result.ok ? [] : result.errors;
  };
  const errors = [...errorsOf(f.rules), ...errorsOf(f.periodCreates ?? [])];
  const named = [...f.rules, ...(f.periodCreates ?? [])];
  const payroll = errors.filter((e) => e.message === PAYROLL_CREATE_EMPLOYEE_MESSAGE);
  const names = errors.filter((e) => e.field === "name" && e.message !== PAYROLL_CREATE_EMPLOYEE_MESSAGE);
  const targets = errors.filter((e) => !payroll.includes(e) && !names.includes(e));
  const unknown = directory === null;
  const targetCheck: Check = targets.length
    ? { id: "rule_targets", title: "Rule targets in QuickBooks", status: "blocking", summary: `${plural(targets.length, "rule points", "rules point")} to a QuickBooks entity that is inactive, deleted or unusable.`, ...limited(targets.map((e) => ruleRow(named, e))), action: { text: "Make the entity active in QuickBooks, or choose another in Map", href: mapHref } }
    : { id: "rule_targets", title: "Rule targets in QuickBooks", status: unknown ? "warning" : "passed", summary: unknown ? "QuickBooks' lists were not read for this import, so the targets could not be checked. Refresh the list in Map." : "Every rule points to an active QuickBooks entity.", rows: [], rowsTotal: 0, ...(unknown ? { action: { text: "Refresh the QuickBooks list in Map", href: mapHref } } : {}) };
  checks.push(targetCheck);
  checks.push(
    payroll.length
      ? { id: "payroll_employees", title: "New employees while Payroll is on", status: "blocking", summary: `QuickBooks Payroll is on: ${plural(payroll.length, "rule creates", "rules create")} an employee, which QuickBooks refuses.`, ...limited(payroll.map((e) => ruleRow(named, e))), action: { text: "Create the employees in QuickBooks, then link the users to them in Map", href: mapHref } }
      : { id: "payroll_employees", title: "New employees while Payroll is on", status: "passed", summary: f.company.payrollEnabled ? "Payroll is on, and no rule creates an employee." : "Payroll is off.", rows: [], rowsTotal: 0 },
  );

  // 4. Time tracking.
  checks.push(
    f.company.timeTrackingEnabled === false
      ? { id: "time_tracking", title: "Time tracking", status: "blocking", summary: "Time tracking is off in this QuickBooks company, so QuickBooks refuses every time activity.", rows: [], rowsTotal: 0, action: { text: "Turn it on in QuickBooks (Settings → Account and settings → Time), then Refresh preview", href: "https://qbo.intuit.com/app/settings?panel=time" } }
      : { id: "time_tracking", title: "Time tracking", status: f.company.timeTrackingEnabled === null ? "warning" : "passed", summary: f.company.timeTrackingEnabled === null ? "QuickBooks did not say whether time tracking is on; Refresh preview to read it again." : "Time tracking is on.", rows: [], rowsTotal: 0, ...(f.company.timeTrackingEnabled === null ? { action: { text: "Refresh preview", href: f.importId ? `/imports/${f.importId}/preview` : "/companies" } } : {}) },
  );

  // 5. The connection's token.
  const expires = f.connection.refreshTokenExpiresAt;
  const daysLeft = expires ? (expires.getTime() - f.now.getTime()) / DAY_MS : null;
  const reconnect = { text: "Reconnect the company on the Companies page (rules, settings and history are kept)", href: "/companies" };
  if (f.connection.status !== "connected") {
    checks.push({ id: "token_health", title: "Connection", status: "blocking", summary: f.connection.status === "disconnected" ? "This company is disconnected." : "QuickBooks no longer accepts this connection's authorization (expired or revoked).", rows: [], rowsTotal: 0, action: reconnect });
  } else if (daysLeft !== null && daysLeft <= 0) {
    checks.push({ id: "token_health", title: "Connection", status: "blocking", summary: `The connection's authorization expired on ${expires!.toISOString().slice(0, 10)}.`, rows: [], rowsTotal: 0, action: reconnect });
  } else if (daysLeft !== null && daysLeft <= TOKEN_EXPIRY_WARNING_DAYS) {
    checks.push({ id: "token_health", title: "Connection", status: "warning", summary: `The connection's authorization expires in ${plural(Math.max(1, Math.floor(daysLeft)), "day", "days")} (${expires!.toISOString().slice(0, 10)}).`, rows: [], rowsTotal: 0, action: reconnect });
  } else {
    checks.push({ id: "token_health", title: "Connection", status: "passed", summary: expires ? `Connected; the authorization is good until ${expires.toISOString().slice(0, 10)}.` : "Connected.", rows: [], rowsTotal: 0 });
  }

  // 6. Billable time without a rate anywhere.
  const noRate = f.billableWithoutRate.reduce((n, r) => n + r.activities, 0);
  checks.push(
    noRate > 0
      ? { id: "billable_rates", title: "Rates for billable time", status: "warning", summary: `${plural(noRate, "billable activity has", "billable activities have")} no rate in actiTIME nor on the service item; QuickBooks may refuse them.`, ...limited(f.billableWithoutRate.map((r) => ({ label: r.item, detail: plural(r.activities, "activity", "activities") }))), action: { text: "Give the type of work a rate in actiTIME, or the service item a price in QuickBooks", href: settingsHref } }
      : { id: "billable_rates", title: "Rates for billable time", status: "passed", summary: "Every billable activity has a rate.", rows: [], rowsTotal: 0 },
  );

  checks.push(
    names.length
      ? { id: "refused_names", title: "Names QuickBooks accepts", status: "blocking", summary: `QuickBooks would refuse ${plural(names.length, "name", "names")} a rule creates.`, ...limited(names.map((e) => ruleRow(named, e))), action: { text: "Choose another name (or Link to the existing entity) in Map", href: mapHref } }
      : { id: "refused_names", title: "Names QuickBooks accepts", status: unknown ? "warning" : "passed", summary: unknown ? "QuickBooks' lists were not read for this import, so new names could not be checked." : "Every new name is one QuickBooks accepts.", rows: [], rowsTotal: 0, ...(unknown ? { action: { text: "Refresh the QuickBooks list in Map", href: mapHref } } : {}) },
  );
  return checks;
}

export const blockingChecks = (checks: readonly Check[]) => checks.filter((c) => c.status === "blocking");

/** "Start Import is unavailable: …" — the reason shown next to the disabled button and by startImport. */
export function blockedReason(checks: readonly Check[]): string | null {
  const blocking = blockingChecks(checks);
  if (blocking.length === 0) return null;
  return `Start Import is unavailable: ${blocking.map((c) => c.summary).join(" ")} See Checks.`;
}

/** The facts `evaluateChecks` needs, from the database (no QuickBooks call). */
export async function gatherCheckFacts(db: Db, imp: ImportRow, connection: QboConnection, now: Date): Promise<CheckFacts> {
  const mapping = mappingSnapshotOf(imp);
  const snapshot = mapping.rules ?? [];
  // The creates an earlier period makes (the current rule being no create of its own), checked like rules.
  const periodCreates = [...snapshotCreates(mapping).values()].map((c) => c.rule).filter((rule) => !snapshot.includes(rule));
  const names = new Map([...refNames(snapshot), ...Object.entries(summaryNamesOf(imp.summary).names)]);
  const cached = await getCachedDirectory(db, connection.id);
  const unsent = ["pending", "sending"] as const;

  const closedPeriod: CheckFacts["closedPeriod"] = { rows: [], total: 0 };
  if (connection.booksClosedDate) {
    closedPeriod.total = await countActivitiesInClosedPeriod(db, imp.id, connection.booksClosedDate, unsent);
    if (closedPeriod.total > 0) {
      const rows = await activitiesInClosedPeriod(db, imp.id, connection.booksClosedDate, unsent, MAX_CHECK_ROWS);
      closedPeriod.rows = rows.map((r) => {
        const a = parseStoredActivityItem(r.desired).activity;
        const w = parseItemBefore(r.before)?.written;
        const src = a ?? w;
        return { txnDate: src?.txnDate ?? "", operation: r.operation, employee: names.get(src?.employeeRef ?? "") ?? "Unknown employee", hours: (src?.hours ?? 0) + (src?.minutes ?? 0) / 60 };
      });
    }
  }

  const noRate = await unratedBillableByItem(db, imp.id, unsent);

  return {
    now,
    connectionId: connection.id,
    importId: imp.status === "draft" ? imp.id : null,
    company: { timeTrackingEnabled: connection.timeTrackingEnabled, payrollEnabled: connection.payrollEnabled, booksClosedDate: connection.booksClosedDate },
    connection: { status: connection.status, refreshTokenExpiresAt: connection.refreshTokenExpiresAt },
    rules: snapshot.map(ruleFromSnapshot),
    periodCreates: periodCreates.map(ruleFromSnapshot),
    directory: cached?.directory ?? null,
    closedPeriod,
    billableWithoutRate: noRate.map((r) => ({ item: names.get(r.item) ?? "Unknown service item", activities: r.n })).sort((a, b) => b.activities - a.activities || a.item.localeCompare(b.item)),
  };
}

/** The Checks of an import as they stand now. */
export async function preflightChecks(db: Db, imp: ImportRow, connection: QboConnection, now = new Date()): Promise<Check[]> {
  return evaluateChecks(await gatherCheckFacts(db, imp, connection, now));
}
