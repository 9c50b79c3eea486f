// Mapping rules, their history and the Time Description Settings of one connection (product spec
// §4). Every function is scoped by connectionId; callers pass a connection they have already
// checked against the session's account (db/queries/connections.ts getConnection).
import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { admins, mappingHistory, mappingRules, timeDescriptionSettings } from "@/db/schema";
import {
  keepCreatedEntity,
  parseStoredRuleState,
  sameRuleState,
  storedStateFromRule,
  type StoredRuleState,
} from "@/lib/mapping/history";
import { isUuid } from "./connections";
import type { MappingCategory, MappingRule } from "@/lib/mapping/rules";
import { ROUNDING_INCREMENTS, type CombineMode, type RoundingIncrement, type RoundingMode, type TimeSettings } from "@/lib/import/types";

export type MappingRuleRow = typeof mappingRules.$inferSelect;

export function storedStateOfRow(row: Pick<MappingRuleRow, "kind" | "targetQboId" | "targetName" | "createOptions">): StoredRuleState {
  const options = row.createOptions;
  return {
    kind: row.kind,
    targetQboId: row.targetQboId,
    targetName: row.targetName,
    createOptions: options !== null && typeof options === "object" && !Array.isArray(options) ? (options as Record<string, unknown>) : null,
  };
}

export type MappingRuleListRow = MappingRuleRow & { updatedByName: string | null };

/** The connection's rules of one category, by actiTIME name, with the name of the admin who last changed each. */
export async function listRules(db: Db, connectionId: string, category: MappingCategory): Promise<MappingRuleListRow[]> {
  const rows = await db
    .select({ rule: mappingRules, adminName: admins.fullName })
    .from(mappingRules)
    .leftJoin(admins, eq(admins.id, mappingRules.updatedByAdminId))
    .where(and(eq(mappingRules.connectionId, connectionId), eq(mappingRules.category, category)))
    .orderBy(asc(mappingRules.sourceName), asc(mappingRules.sourceId));
  return rows.map(({ rule, adminName }) => ({ ...rule, updatedByName: adminName }));
}

/** How many rules each category has (the Settings overview). */
export async function countRules(db: Db, connectionId: string): Promise<Record<MappingCategory, number>> {
  const rows = await db.select({ category: mappingRules.category }).from(mappingRules).where(eq(mappingRules.connectionId, connectionId));
  const counts: Record<MappingCategory, number> = { user: 0, project: 0, type_of_work: 0, leave_type: 0 };
  for (const row of rows) counts[row.category] += 1;
  return counts;
}

/** One rule, only when it belongs to the connection (a rule id from elsewhere → undefined). */
export async function getRule(db: Db, connectionId: string, ruleId: string): Promise<MappingRuleRow | undefined> {
  if (!isUuid(ruleId)) return undefined;
  const [row] = await db
    .select()
    .from(mappingRules)
    .where(and(eq(mappingRules.connectionId, connectionId), eq(mappingRules.id, ruleId)));
  return row;
}

export interface RuleEditProblem {
  field: "kind" | "name" | "target" | "parent" | "incomeAccount" | "unitPrice";
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
  names?: StoredRuleState["names"];
  at?: Date;
}

export type UpdateRuleResult =
  | { ok: true; changed: boolean; rule: MappingRuleRow; before: StoredRuleState; after: StoredRuleState }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "invalid"; problems: RuleEditProblem[] };

/**
 * Changes one rule and records the change in mapping_history (who, when, before → after; no
 * import), in one transaction. A create rule whose name and parent stay the same keeps the
 * QuickBooks entity it already created. An edit that changes nothing writes nothing.
 */
export async function updateRule(db: Db, input: UpdateRuleInput): Promise<UpdateRuleResult> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(mappingRules)
      .where(eq(mappingRules.connectionId, input.connectionId))
      .orderBy(asc(mappingRules.category), asc(mappingRules.sourceName), asc(mappingRules.sourceId))
      .for("update");
    const existing = rows.find((row) => row.id === input.ruleId);
    if (!existing) return { ok: false as const, reason: "not_found" as const };

    const before = storedStateOfRow(existing);
    const rule = keepCreatedEntity(input.rule, before);
    if (input.check) {
      const problems = input.check({ rule, existing, others: rows.filter((row) => row.id !== existing.id) });
      if (problems.length > 0) return { ok: false as const, reason: "invalid" as const, problems };
    }

    const after = storedStateFromRule(rule);
    if (sameRuleState(before, after)) return { ok: true as const, changed: false, rule: existing, before, after };

    const at = input.at ?? new Date();
    const [saved] = await tx
      .update(mappingRules)
      .set({ ...stateColumns(after), updatedByAdminId: input.adminId, updatedAt: at })
      .where(and(eq(mappingRules.id, existing.id), eq(mappingRules.connectionId, input.connectionId)))
      .returning();
    const afterWithNames: StoredRuleState = input.names ? { ...after, names: input.names } : after;
    await tx.insert(mappingHistory).values({
      connectionId: input.connectionId,
      ruleId: existing.id,
      category: existing.category,
      sourceId: existing.sourceId,
      sourceName: existing.sourceName,
      changedByAdminId: input.adminId,
      importId: null,
      before: stateColumns(before),
      after: afterWithNames,
      changedAt: at,
    });
    return { ok: true as const, changed: true, rule: saved!, before, after };
  });
}

function stateColumns(state: StoredRuleState) {
  return { kind: state.kind, targetQboId: state.targetQboId, targetName: state.targetName, createOptions: state.createOptions };
}

export interface HistoryEntry {
  id: number;
  ruleId: string | null;
  category: MappingCategory;
  sourceId: number;
  sourceName: string;
  changedAt: Date;
  /** The admin's name; null when that admin no longer exists. */
  changedByName: string | null;
  /** Set when the change came from completing an import. */
  importId: string | null;
  before: StoredRuleState | null;
  after: StoredRuleState | null;
}

/** The connection's mapping history, newest first, optionally for one category or one rule. */
export async function listHistory(
  db: Db,
  connectionId: string,
  filter: { category?: MappingCategory; ruleId?: string; limit?: number } = {},
): Promise<HistoryEntry[]> {
  if (filter.ruleId !== undefined && !isUuid(filter.ruleId)) return [];
  const conditions = [eq(mappingHistory.connectionId, connectionId)];
  if (filter.category !== undefined) conditions.push(eq(mappingHistory.category, filter.category));
  if (filter.ruleId !== undefined) conditions.push(eq(mappingHistory.ruleId, filter.ruleId));
  const rows = await db
    .select({ history: mappingHistory, adminName: admins.fullName })
    .from(mappingHistory)
    .leftJoin(admins, eq(admins.id, mappingHistory.changedByAdminId))
    .where(and(...conditions))
    .orderBy(desc(mappingHistory.changedAt), desc(mappingHistory.id))
    .limit(filter.limit ?? 200);
  return rows.map(({ history, adminName }) => ({
    id: history.id,
    ruleId: history.ruleId,
    category: history.category,
    sourceId: history.sourceId,
    sourceName: history.sourceName,
    changedAt: history.changedAt,
    changedByName: adminName,
    importId: history.importId,
    before: parseStoredRuleState(history.before),
    after: parseStoredRuleState(history.after),
  }));
}

export interface TimeDescriptionSettings {
  importTaskNames: boolean;
  importComments: boolean;
  combine: CombineMode;
  rounding: RoundingMode;
  roundingMinutes: RoundingIncrement;
  updatedAt: Date | null;
  updatedByName: string | null;
}

export const COMBINE_MODES: readonly CombineMode[] = ["auto", "record", "day", "week"];
export const ROUNDING_MODES: readonly RoundingMode[] = ["none", "up", "nearest"];

/** A stored value the code no longer knows (or a hand edit) falls back to today's behaviour. */
function storedCombine(value: string): CombineMode {
  return (COMBINE_MODES as readonly string[]).includes(value) ? (value as CombineMode) : "auto";
}
function storedRounding(value: string): RoundingMode {
  return (ROUNDING_MODES as readonly string[]).includes(value) ? (value as RoundingMode) : "none";
}
function storedIncrement(value: number): RoundingIncrement {
  return (ROUNDING_INCREMENTS as readonly number[]).includes(value) ? (value as RoundingIncrement) : 15;
}

/** The connection's Time settings; descriptions off, combining auto and no rounding when never saved. */
export async function getTimeDescriptionSettings(db: Db, connectionId: string): Promise<TimeDescriptionSettings> {
  const [row] = await db
    .select({ settings: timeDescriptionSettings, adminName: admins.fullName })
    .from(timeDescriptionSettings)
    .leftJoin(admins, eq(admins.id, timeDescriptionSettings.updatedByAdminId))
    .where(eq(timeDescriptionSettings.connectionId, connectionId));
  if (!row) return { importTaskNames: false, importComments: false, combine: "auto", rounding: "none", roundingMinutes: 15, updatedAt: null, updatedByName: null };
  return {
    importTaskNames: row.settings.importTaskNames,
    importComments: row.settings.importComments,
    combine: storedCombine(row.settings.combine),
    rounding: storedRounding(row.settings.rounding),
    roundingMinutes: storedIncrement(row.settings.roundingMinutes),
    updatedAt: row.settings.updatedAt,
    updatedByName: row.adminName,
  };
}

/** The Time settings as the planner takes them (lib/import/plan). */
export async function getPlannerTimeSettings(db: Db, connectionId: string): Promise<TimeSettings> {
  const { importTaskNames, importComments, combine, rounding, roundingMinutes } = await getTimeDescriptionSettings(db, connectionId);
  return { importTaskNames, importComments, combine, rounding, roundingMinutes };
}

export async function saveTimeDescriptionSettings(
  db: Db,
  input: {
    connectionId: string;
    adminId: string;
    importTaskNames: boolean;
    importComments: boolean;
    /** Left as stored when absent. */
    combine?: CombineMode;
    rounding?: RoundingMode;
    roundingMinutes?: RoundingIncrement;
    at?: Date;
  },
): Promise<void> {
  const values = {
    importTaskNames: input.importTaskNames,
    importComments: input.importComments,
    ...(input.combine !== undefined ? { combine: input.combine } : {}),
    ...(input.rounding !== undefined ? { rounding: input.rounding } : {}),
    ...(input.roundingMinutes !== undefined ? { roundingMinutes: input.roundingMinutes } : {}),
    updatedByAdminId: input.adminId,
    updatedAt: input.at ?? new Date(),
  };
  await db
    .insert(timeDescriptionSettings)
    .values({ connectionId: input.connectionId, ...values })
    .onConflictDoUpdate({ target: timeDescriptionSettings.connectionId, set: values });
}
