import type { LedgerEntry, TargetRef } from "@/lib/import/types";
import { isCombinedKey, SEPARATE_LEAVE_KEY_PREFIX, SEPARATE_TIME_TRACK_KEY_PREFIX } from "./keys";
import { splitRoundingTag } from "./time-settings";

/**
 * Record-level lineage (issue 11, "billed means frozen"). Every activity we write remembers which
 * actiTIME records it stands for, as of the import that wrote it (`sources.records` in the ledger):
 *
 *   tt|<userId>|<date>|<taskId>        a time-track record (actiTIME identifies it by user, date, task)
 *   lv|<userId>|<date>|<leaveTypeId>   a leave record
 *
 * A record covered by a billed activity stays with it: planning never puts it into another
 * activity, whatever changed (hours, rules, description settings, combining). What actiTIME now
 * says for it is reported as a billed difference, never written.
 *
 * Fields never contain `|` or `#`, so ids are collision-free and an overflow key (below) is too.
 */

export const TIME_TRACK_RECORD_PREFIX = "tt|";
export const LEAVE_RECORD_PREFIX = "lv|";

export function timeTrackRecordId(userId: number, date: string, taskId: number): string {
  return `${TIME_TRACK_RECORD_PREFIX}${userId}|${date}|${taskId}`;
}

export function leaveRecordId(userId: number, date: string, leaveTypeId: number): string {
  return `${LEAVE_RECORD_PREFIX}${userId}|${date}|${leaveTypeId}`;
}

/**
 * Overflow keys: when a billed activity holds key K and other records now belong to K too (a
 * combined activity partly billed), those records go to `K#2` (or `K#3` when `K#2` is billed
 * as well), so the billed activity is never changed and its key is never reused.
 */
const OVERFLOW_MARK = "#";

export function baseKey(key: string): string {
  const mark = key.indexOf(OVERFLOW_MARK);
  return mark === -1 ? key : key.slice(0, mark);
}

/** The `#n` tail of an overflow key, "" for a plain key. */
export function overflowSuffix(key: string): string {
  const mark = key.indexOf(OVERFLOW_MARK);
  return mark === -1 ? "" : key.slice(mark);
}

/** The first key of `base`'s family that no billed activity holds. */
export function freeKey(base: string, reserved: ReadonlySet<string>): string {
  if (!reserved.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}${OVERFLOW_MARK}${n}`;
    if (!reserved.has(candidate)) return candidate;
  }
}

/**
 * The records a ledger row stands for. Rows written before lineage was recorded carry none; for
 * them it is derived: a separate-mode key is its record, and a combined row stands for every
 * record of its users on its date with its tasks and leave types (exact unless two actiTIME users
 * map to one employee, where it may freeze a record more, never one less).
 */
export function lineageOf(entry: Pick<LedgerEntry, "key" | "txnDate" | "sources">): readonly string[] {
  if (entry.sources.records) return entry.sources.records;
  const key = splitRoundingTag(baseKey(entry.key)).key;
  if (key.startsWith(SEPARATE_TIME_TRACK_KEY_PREFIX)) return [TIME_TRACK_RECORD_PREFIX + key.slice(SEPARATE_TIME_TRACK_KEY_PREFIX.length)];
  if (key.startsWith(SEPARATE_LEAVE_KEY_PREFIX)) return [LEAVE_RECORD_PREFIX + key.slice(SEPARATE_LEAVE_KEY_PREFIX.length)];
  if (!isCombinedKey(key)) return [];
  const ids: string[] = [];
  for (const userId of entry.sources.userIds) {
    for (const taskId of entry.sources.taskIds) ids.push(timeTrackRecordId(userId, entry.txnDate, taskId));
    for (const leaveTypeId of entry.sources.leaveTypeIds) ids.push(leaveRecordId(userId, entry.txnDate, leaveTypeId));
  }
  return ids;
}

/** True when both lists hold the same record ids (each list is distinct). */
export function sameLineage(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return a[0] === b[0];
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** What billed activities freeze: handed to the planner. */
export interface BilledLineage {
  /** Record id → key of the billed ledger row that stands for it. */
  records: ReadonlyMap<string, string>;
  /** Keys of billed ledger rows: never planned again (other records of the key go to an overflow key). */
  keys: ReadonlySet<string>;
}

export function billedLineage(billedRows: readonly Pick<LedgerEntry, "key" | "txnDate" | "sources">[]): BilledLineage {
  const records = new Map<string, string>();
  const keys = new Set<string>();
  for (const row of billedRows) {
    keys.add(row.key);
    for (const id of lineageOf(row)) if (!records.has(id)) records.set(id, row.key);
  }
  return { records, keys };
}

/**
 * What actiTIME now says for the records that stay with one billed activity: the planner's
 * tally of them, as this import would have written them had they not been billed.
 */
export interface FrozenTally {
  /** Key of the billed ledger row. */
  ledgerKey: string;
  /** Records of its lineage found in actiTIME now. */
  records: number;
  /** Minutes of those records this import would write now (0 for records now skipped or unmapped). */
  minutes: number;
  /** Billable amount of those minutes at today's rates, in cents. */
  amountCents: number;
  /** Distinct targets those records resolve to now (`employee|customer|item|B or N|rate`). */
  targets: string[];
}

const NO_VALUE = "-";

export function targetSignature(fields: {
  employeeRef: TargetRef;
  nameOf?: string;
  customerRef: TargetRef | null;
  itemRef: TargetRef;
  billableStatus: string;
  hourlyRate: number | null;
  classRef?: string | null;
  departmentRef?: string | null;
}): string {
  const rate = fields.hourlyRate === null ? NO_VALUE : fields.hourlyRate.toFixed(2);
  const worker = fields.nameOf === "Vendor" ? `v:${fields.employeeRef}` : fields.employeeRef;
  const dimensions = fields.classRef || fields.departmentRef ? `|${fields.classRef ?? NO_VALUE}|${fields.departmentRef ?? NO_VALUE}` : "";
  return `${worker}|${fields.customerRef ?? NO_VALUE}|${fields.itemRef}|${fields.billableStatus === "Billable" ? "B" : "N"}|${rate}${dimensions}`;
}
