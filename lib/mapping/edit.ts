// Settings' use case: edit one mapping rule (product spec §4), and save the Time Description
// Settings. Plain functions so tests drive them with a test database and a fixed QuickBooks
// directory; app/(app)/settings/actions.ts adds the session, the real directory and the redirects.
import { z } from "zod";
import type { Db } from "@/db/client";
import { getConnection, type QboConnection } from "@/db/queries/connections";
import { lockConnectionRules, saveRuleFrom, saveTimeDescriptionSettings, getRule, type MappingRuleRow } from "@/db/queries/mappings";
import { checkbox, formValues, type FormInput } from "@/lib/forms";
import type { QboDirectory } from "./directory";
import type { RoundingIncrement } from "@/lib/import/types";
import { nameLookupFromDirectory, namesForState } from "./history";
import { isCalendarDate, isItemCategory, keepCreatedEntity, ruleFromStored, storedFromRule, type MappingCategory, type MappingRule, type RuleForEntity, type StoredRule } from "./rules";
import { targetNameOf, withDirectoryNames } from "./targets";
import { parseRuleFromForm, validateMapping, type RuleField } from "./validate";

export type { FormInput } from "@/lib/forms";

/** Who is acting: from requireSession(), never from the form. */
export interface SessionScope {
  accountId: string;
  adminId: string;
}

/** The rule's fields, and "Apply from" (issue 19 §2). */
export type RuleEditField = RuleField | "applyFrom";

export interface RuleEditProblem {
  field: RuleEditField;
  message: string;
}

export interface UpdateRuleInput {
  connectionId: string;
  ruleId: string;
  adminId: string;
  rule: MappingRule;
  /**
   * Runs inside the transaction, with every rule of the connection locked: the edited rule as it is
   * now and all the others. Problems returned → nothing is written. Rule edits of one connection are
   * serialised this way, so two admins cannot, say, link two users to one employee at the same time.
   */
  check?: (context: { rule: MappingRule; existing: MappingRuleRow; others: MappingRuleRow[] }) => RuleEditProblem[];
  /** Names of the parent / income account, kept in the history row beside their ids. */
  names?: StoredRule["names"];
  /** "Apply from": the first date the rule applies to; null or absent = all dates (every period replaced). */
  validFrom?: string | null;
  at?: Date;
}

export type UpdateRuleResult =
  | { ok: true; changed: boolean; rule: MappingRuleRow; before: StoredRule; after: StoredRule }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "invalid"; problems: RuleEditProblem[] };

/**
 * Changes one rule and records the change in mapping_history (saveRule: who, when, before → after;
 * no import), in one transaction. A create rule whose name and parent stay the same keeps the
 * QuickBooks entity it already created. An edit that changes nothing writes nothing.
 */
export async function updateRule(db: Db, input: UpdateRuleInput): Promise<UpdateRuleResult> {
  return db.transaction(async (tx) => {
    const rows = await lockConnectionRules(tx, input.connectionId);
    const existing = rows.find((row) => row.id === input.ruleId);
    if (!existing) return { ok: false as const, reason: "not_found" as const };
    const rule = keepCreatedEntity(input.rule, existing);
    if (input.check) {
      const problems = input.check({ rule, existing, others: rows.filter((row) => row.id !== existing.id) });
      if (problems.length > 0) return { ok: false as const, reason: "invalid" as const, problems };
    }
    const after = storedFromRule(rule);
    const saved = await saveRuleFrom(tx, {
      connectionId: input.connectionId,
      entity: existing,
      rule: input.names ? { ...after, names: input.names } : after,
      changedByAdminId: input.adminId,
      at: input.at ?? new Date(),
      validFrom: input.validFrom ?? null,
    });
    return { ok: true as const, changed: saved.changed, rule: saved.rule, before: saved.before!, after };
  });
}

const idsSchema = z.object({ connectionId: z.uuid(), ruleId: z.uuid() });

export type RuleEditResult =
  | { ok: true; changed: boolean; rule: MappingRuleRow }
  /** The connection is not the account's, or the rule is not the connection's: nothing changes. */
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "disconnected"; rule: MappingRuleRow }
  | { ok: false; reason: "directory_unavailable"; rule: MappingRuleRow }
  | { ok: false; reason: "invalid"; rule: MappingRuleRow; field: RuleEditField; message: string; problems: RuleEditProblem[] };

/** The form's "Apply from": `applyFrom` = "all" (or absent: all dates, today's behaviour) or "date" with `applyFromDate`. */
export const APPLY_FROM_DATE_MESSAGE = "Enter the date the rule applies from as a real date (YYYY-MM-DD), or choose all dates";

export function parseApplyFrom(values: Record<string, unknown>): { ok: true; validFrom: string | null } | { ok: false; problem: RuleEditProblem } {
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  const choice = values.applyFrom === undefined ? "all" : text(values.applyFrom);
  if (choice === "all" || choice === "") return { ok: true, validFrom: null };
  const date = choice === "date" ? text(values.applyFromDate) : choice;
  if (!isCalendarDate(date)) return { ok: false, problem: { field: "applyFrom", message: APPLY_FROM_DATE_MESSAGE } };
  return { ok: true, validFrom: date };
}

/**
 * Validates and saves an edit of one rule: the posted connection must belong to the session's
 * account and the rule to that connection; the rule is shaped from the form, then checked against
 * the QuickBooks directory and all the connection's other rules (one employee per user, unique
 * names to create, Payroll). Any problem → nothing is saved and the first problem is returned
 * with its field. On success the rule and a mapping_history row are written in one transaction.
 */
export async function applyRuleEdit(
  db: Db,
  session: SessionScope,
  input: FormInput,
  loadDirectory: (connection: QboConnection) => Promise<QboDirectory>,
): Promise<RuleEditResult> {
  const values = formValues(input);
  const ids = idsSchema.safeParse({ connectionId: values.connectionId, ruleId: values.ruleId });
  if (!ids.success) return { ok: false, reason: "not_found" };
  const connection = await getConnection(db, session.accountId, ids.data.connectionId);
  if (!connection) return { ok: false, reason: "not_found" };
  const existing = await getRule(db, connection.id, ids.data.ruleId);
  if (!existing) return { ok: false, reason: "not_found" };
  if (connection.status === "disconnected") return { ok: false, reason: "disconnected", rule: existing };

  const invalid = (problems: RuleEditProblem[]): RuleEditResult => ({
    ok: false,
    reason: "invalid",
    rule: existing,
    field: problems[0]!.field,
    message: problems[0]!.message,
    problems,
  });

  const parsed = parseRuleFromForm(values);
  if (!parsed.ok) return invalid(parsed.errors);
  const applyFrom = parseApplyFrom(values);
  if (!applyFrom.ok) return invalid([applyFrom.problem]);

  let directory: QboDirectory;
  try {
    const loaded = await loadDirectory(connection);
    directory = { ...loaded, payrollEnabled: connection.payrollEnabled ?? loaded.payrollEnabled };
  } catch {
    return { ok: false, reason: "directory_unavailable", rule: existing };
  }

  // Vendor names and Class / Location names as QuickBooks has them; untracked dimensions keep the saved rule's.
  const rule = withDirectoryNames(existing.category, shapeForCategory(existing.category, parsed.rule, directory), directory, existing);
  const lookup = nameLookupFromDirectory(directory);
  const result = await updateRule(db, {
    connectionId: connection.id,
    ruleId: existing.id,
    adminId: session.adminId,
    rule,
    names: namesForState(existing.category, storedFromRule(rule), lookup),
    validFrom: applyFrom.validFrom,
    check: ({ rule: edited, existing: current, others }) => problemsOf(edited, current, others, directory),
  });
  if (!result.ok) return result.reason === "not_found" ? { ok: false, reason: "not_found" } : invalid(result.problems);
  return { ok: true, changed: result.changed, rule: result.rule };
}

/** Only what the category uses; a link carries the entry's name as QuickBooks has it, not the form's. */
function shapeForCategory(category: MappingCategory, rule: MappingRule, directory: QboDirectory): MappingRule {
  if (rule.kind === "link") return { ...rule, targetName: targetNameOf(category, directory, rule.targetQboId, rule.nameOf) ?? rule.targetName };
  if (rule.kind === "create" && !isItemCategory(category)) {
    const { incomeAccountId: _income, unitPrice: _price, ...rest } = rule;
    return rest;
  }
  return rule;
}

/** validateMapping over every rule of the connection, keeping only what concerns the edited one. */
function problemsOf(edited: MappingRule, current: MappingRuleRow, others: MappingRuleRow[], directory: QboDirectory): RuleEditProblem[] {
  const entry = (row: MappingRuleRow, rule: MappingRule): RuleForEntity => ({
    category: row.category,
    sourceId: row.sourceId,
    sourceName: row.sourceName,
    rule,
  });
  // The edited rule goes last: a name another rule already creates is reported on the edit, not on the other rule.
  const rules = [...others.map((row) => entry(row, ruleFromStored(row, row.sourceName))), entry(current, edited)];
  const result = validateMapping({ rules, directory });
  if (result.ok) return [];
  return result.errors
    .filter((error) => error.category === current.category && error.sourceId === current.sourceId)
    .map(({ field, message }) => ({ field, message }));
}

const timeDescriptionSchema = z.object({
  connectionId: z.uuid(),
  importTaskNames: checkbox,
  importComments: checkbox,
  // Absent (a form without them): left as stored.
  combine: z.enum(["auto", "record", "day", "week"]).optional(),
  rounding: z.enum(["none", "up", "nearest"]).optional(),
  roundingMinutes: z.enum(["6", "15", "30"]).transform((v) => Number(v) as RoundingIncrement).optional(),
});

export type TimeDescriptionSaveResult = { ok: true } | { ok: false; reason: "not_found" | "invalid" };

/** Saves the Time settings (descriptions, combining, rounding) of a connection of the session's account. */
export async function applyTimeDescriptionSave(db: Db, session: SessionScope, input: FormInput): Promise<TimeDescriptionSaveResult> {
  const values = formValues(input);
  const parsed = timeDescriptionSchema.safeParse(values);
  if (!parsed.success) return { ok: false, reason: z.uuid().safeParse(values.connectionId).success ? "invalid" : "not_found" };
  const connection = await getConnection(db, session.accountId, parsed.data.connectionId);
  if (!connection) return { ok: false, reason: "not_found" };
  await saveTimeDescriptionSettings(db, {
    connectionId: connection.id,
    adminId: session.adminId,
    importTaskNames: parsed.data.importTaskNames,
    importComments: parsed.data.importComments,
    combine: parsed.data.combine,
    rounding: parsed.data.rounding,
    roundingMinutes: parsed.data.roundingMinutes,
  });
  return { ok: true };
}
