import type { BillableStatus, DesiredActivity, MappingCategory, QboTargetRef, TargetRef, WorkerKind, WrittenActivity } from "@/lib/import/types";

/**
 * Activity keys: what one TimeActivity stands for, and the ledger's source key (spec §6).
 *
 *   per day:     c|<worker>|<date>|<customerRef or ->|<itemRef>|<B or N>|<rate or ->[|k:<classRef or ->|d:<departmentRef or ->]
 *   per week:    w|<worker>|<Monday>|<customerRef or ->|<itemRef>|<B or N>|<rate or ->[|k:…|d:…]
 *                (<worker> is the employeeRef, or `v:<ref>` for a vendor; the class/department
 *                part only when either is set, so keys written before they existed stay the same)
 *   per record:  s|tt|<userId>|<date>|<taskId>        (time-track)
 *                s|lv|<userId>|<date>|<leaveTypeId>   (leave)
 *
 * followed, when rounding is on, by `|ru<minutes>` (up) or `|rn<minutes>` (to nearest), see
 * time-settings.ts; without rounding keys are exactly what they were before rounding existed.
 *
 * The combining is the first field and the rounding the last, so changing the Time settings turns
 * every activity into a delete + create instead of accidentally matching a row written under other
 * settings (keyLayout names the pair; the preview counts the activities so replaced). Fields
 * never contain `|` (refs are `qbo:<digits>` / `new:<category>:<id>`, dates are YYYY-MM-DD, ids
 * and rates are numbers), so the encoding is collision-free.
 */

export const COMBINED_KEY_PREFIX = "c|";
export const WEEKLY_KEY_PREFIX = "w|";
export const SEPARATE_TIME_TRACK_KEY_PREFIX = "s|tt|";
export const SEPARATE_LEAVE_KEY_PREFIX = "s|lv|";
const NO_VALUE = "-";

const RATE_CENTS_PER_UNIT = 100;

/**
 * Rates are money: rounded to cents so 100, 100.0 and 100.004 are the same rate, in the key and
 * in what we write. Returns null for a missing or non-finite rate.
 */
export function canonicalRate(rate: number | null | undefined): number | null {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  return Math.round(rate * RATE_CENTS_PER_UNIT) / RATE_CENTS_PER_UNIT;
}

function rateKeyPart(rate: number | null): string {
  return rate === null ? NO_VALUE : rate.toFixed(2);
}

function billableKeyPart(status: BillableStatus): string {
  return status === "Billable" ? "B" : "N";
}

/** Key tail after the date: shared by every record of one task, so the planner builds it once per task. */
export function combinedKeyTail(
  customerRef: TargetRef | null,
  itemRef: TargetRef,
  billableStatus: BillableStatus,
  hourlyRate: number | null,
): string {
  return `|${customerRef ?? NO_VALUE}|${itemRef}|${billableKeyPart(billableStatus)}|${rateKeyPart(canonicalRate(hourlyRate))}`;
}

export function combinedKeyHead(employeeRef: TargetRef, nameOf?: WorkerKind): string {
  return nameOf === "Vendor" ? `${COMBINED_KEY_PREFIX}v:${employeeRef}|` : `${COMBINED_KEY_PREFIX}${employeeRef}|`;
}

/** The class / department part of a combined key: empty when neither is set. */
export function dimensionKeyPart(classRef: QboTargetRef | null | undefined, departmentRef: QboTargetRef | null | undefined): string {
  if (!classRef && !departmentRef) return "";
  return `|k:${classRef ?? NO_VALUE}|d:${departmentRef ?? NO_VALUE}`;
}

export function combinedKey(
  fields: Pick<WrittenActivity, "employeeRef" | "nameOf" | "txnDate" | "customerRef" | "itemRef" | "billableStatus" | "hourlyRate" | "classRef" | "departmentRef">,
): string {
  return (
    combinedKeyHead(fields.employeeRef, fields.nameOf) +
    fields.txnDate +
    combinedKeyTail(fields.customerRef, fields.itemRef, fields.billableStatus, fields.hourlyRate) +
    dimensionKeyPart(fields.classRef, fields.departmentRef)
  );
}

export function separateTimeTrackKey(userId: number, date: string, taskId: number): string {
  return `${SEPARATE_TIME_TRACK_KEY_PREFIX}${userId}|${date}|${taskId}`;
}

export function separateLeaveKey(userId: number, date: string, leaveTypeId: number): string {
  return `${SEPARATE_LEAVE_KEY_PREFIX}${userId}|${date}|${leaveTypeId}`;
}

export function weeklyKeyHead(employeeRef: TargetRef, nameOf?: WorkerKind): string {
  return nameOf === "Vendor" ? `${WEEKLY_KEY_PREFIX}v:${employeeRef}|` : `${WEEKLY_KEY_PREFIX}${employeeRef}|`;
}

/** A per-day combined key (`c|…`). */
export function isCombinedKey(key: string): boolean {
  return key.startsWith(COMBINED_KEY_PREFIX);
}

export function isWeeklyKey(key: string): boolean {
  return key.startsWith(WEEKLY_KEY_PREFIX);
}

/**
 * The Time settings a key was made under: its combining letter (`c` day, `w` week, `s` record)
 * and its rounding tag ("" without rounding). Two keys of different layouts never match.
 */
export function keyLayout(key: string): string {
  const mark = key.indexOf("#");
  const base = mark === -1 ? key : key.slice(0, mark);
  const tag = /\|r[un][0-9]+$/.exec(base);
  return `${base.charAt(0)}${tag ? tag[0] : ""}`;
}

// ── Target refs ───────────────────────────────────────────────────────────────────────────

const QBO_ID_PATTERN = /^[0-9]+$/;

/** Ref to an existing QBO entity. QBO Ids are digit strings; anything else would break the key encoding. */
export function qboRef(qboId: string): TargetRef {
  if (!QBO_ID_PATTERN.test(qboId)) throw new Error(`QBO Id must be digits, got ${JSON.stringify(qboId)}`);
  return `qbo:${qboId}`;
}

/** Ref to an entity that a `create` rule makes during this import. */
export function newRef(category: MappingCategory, sourceId: number): TargetRef {
  return `new:${category}:${sourceId}`;
}

export function isNewRef(ref: TargetRef | null): boolean {
  return ref !== null && ref.startsWith("new:");
}

/** The QBO Id of a `qbo:` ref, null for a `new:` ref. */
export function qboIdOf(ref: TargetRef): string | null {
  return ref.startsWith("qbo:") ? ref.slice("qbo:".length) : null;
}

/**
 * Replaces `new:` refs with the Ids QBO gave the created entities, and re-keys combined-mode
 * activities accordingly. The executor must call this before it writes a ledger row: ledger keys
 * always hold `qbo:` refs, so the next import (whose rules now link to those Ids) finds the same
 * key instead of deleting and re-creating everything this import made.
 */
export function resolveNewRefs(activity: DesiredActivity, createdQboIds: ReadonlyMap<TargetRef, string>): DesiredActivity {
  const swap = (ref: TargetRef): TargetRef => {
    if (!ref.startsWith("new:")) return ref;
    const qboId = createdQboIds.get(ref);
    if (qboId === undefined) throw new Error(`No QBO Id for ${ref}: the entity must be created before its activities`);
    return qboRef(qboId);
  };
  const resolved: DesiredActivity = {
    ...activity,
    employeeRef: swap(activity.employeeRef),
    customerRef: activity.customerRef === null ? null : swap(activity.customerRef),
    itemRef: swap(activity.itemRef),
  };
  if (!isCombinedKey(activity.key) && !isWeeklyKey(activity.key)) return resolved;
  // Per day or per week: the refs are fields 1 (worker, `v:`-prefixed for a vendor), 3 (customer) and
  // 4 (item); the date, the class/department part (existing refs only), the rounding tag and an
  // overflow tail (`…#2`, beside a billed activity; see lineage.ts) stay.
  const mark = activity.key.indexOf("#");
  const base = mark === -1 ? activity.key : activity.key.slice(0, mark);
  const fields = base.split("|");
  fields[1] = (fields[1]!.startsWith("v:") ? "v:" : "") + resolved.employeeRef;
  fields[3] = resolved.customerRef ?? NO_VALUE;
  fields[4] = resolved.itemRef;
  return { ...resolved, key: fields.join("|") + (mark === -1 ? "" : activity.key.slice(mark)) };
}
