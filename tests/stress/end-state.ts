// The end state a finished import must leave, checked three independent ways:
//  1. the reference: the activities the preview planned (stored as import_items before anything ran),
//     with the refs of entities the import created resolved to their new QBO Ids;
//  2. the ledger: one row per desired key, its `written` equal to the reference;
//  3. QBO itself (the emulator's store): the activity the ledger points at has exactly that content,
//     and the whole company holds each desired activity once: compared as a multiset of contents,
//     so a duplicate the ledger does not know about is caught too.
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/db/client";
import { importItems, ledger } from "@/db/schema";
import type { ActivityItemPayload } from "@/lib/import/types";
import { canonicalRate, resolveNewRefs } from "@/lib/import/plan/keys";
import type { DesiredActivity, TargetRef, WrittenActivity } from "@/lib/import/types";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import type { QboEmulator } from "@/lib/sandbox/qbo";

/** What an activity is, field by field as the spec lists them (hours, minutes, refs, billable, rate, description, date). */
export function writtenSignature(a: WrittenActivity): string {
  return [
    a.txnDate,
    a.employeeRef,
    a.customerRef ?? "-",
    a.itemRef,
    a.billableStatus,
    a.billableStatus === "Billable" ? canonicalRate(a.hourlyRate) : "-",
    a.hours,
    a.minutes,
    a.description ?? "",
  ].join("|");
}

export function qboSignature(ta: QboTimeActivity): string {
  return [
    ta.TxnDate,
    `qbo:${ta.EmployeeRef?.value}`,
    ta.CustomerRef ? `qbo:${ta.CustomerRef.value}` : "-",
    `qbo:${ta.ItemRef?.value}`,
    ta.BillableStatus ?? "NotBillable",
    ta.BillableStatus === "Billable" ? canonicalRate(ta.HourlyRate ?? null) : "-",
    ta.Hours ?? 0,
    ta.Minutes ?? 0,
    ta.Description ?? "",
  ].join("|");
}

function multiset(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** The activities an import's preview planned (TimeActivity creates), before anything was sent. */
export async function plannedActivities(db: Db, importId: string): Promise<DesiredActivity[]> {
  const rows = await db.select().from(importItems).where(and(eq(importItems.importId, importId), eq(importItems.entity, "TimeActivity")));
  return rows.filter((r) => r.operation === "create").map((r) => (r.desired as ActivityItemPayload).activity!);
}

/** `new:<category>:<id>` → the QBO Id the import created for it. */
export async function createdEntityRefs(db: Db, importId: string): Promise<Map<TargetRef, string>> {
  const rows = await db.select().from(importItems).where(eq(importItems.importId, importId));
  return new Map(rows.filter((r) => r.entity !== "TimeActivity" && r.status === "created" && r.qboId).map((r) => [r.sourceKey as TargetRef, r.qboId!]));
}

export interface EndStateInput {
  db: Db;
  qbo: QboEmulator;
  realmId: string;
  connectionId: string;
  importId: string;
  /** The preview's plan, captured before the run (unresolved `new:` refs allowed). */
  reference: DesiredActivity[];
  /** TimeActivities the company held before the import (none of ours). */
  activitiesBefore: number;
}

/** Asserts the exact end state; returns the numbers for the test's log. */
export async function expectExactEndState(input: EndStateInput) {
  const { db, qbo, realmId, connectionId, importId } = input;
  const refs = await createdEntityRefs(db, importId);
  const reference = input.reference.map((a) => resolveNewRefs(a, refs));
  const referenceByKey = new Map(reference.map((a) => [a.key, a]));
  expect(referenceByKey.size, "the plan has one activity per key").toBe(reference.length);

  // Ledger = reference, per key.
  const rows = await db.select().from(ledger).where(eq(ledger.connectionId, connectionId));
  expect(rows.length, "one ledger row per desired activity").toBe(reference.length);
  expect(new Set(rows.map((r) => r.qboId)).size, "no QBO activity is claimed by two keys").toBe(rows.length);

  // QBO = reference, per key (through the ledger) …
  const activities = qbo.list(realmId, "TimeActivity") as unknown as QboTimeActivity[];
  const byId = new Map(activities.map((a) => [a.Id, a]));
  const mismatches: string[] = [];
  for (const row of rows) {
    const wanted = referenceByKey.get(row.sourceKey);
    if (!wanted) {
      mismatches.push(`ledger key ${row.sourceKey} was never desired`);
      continue;
    }
    const written = row.written as WrittenActivity;
    if (writtenSignature(written) !== writtenSignature(wanted)) mismatches.push(`ledger ${row.sourceKey}: wrote ${writtenSignature(written)}, wanted ${writtenSignature(wanted)}`);
    const ta = byId.get(row.qboId);
    if (!ta) mismatches.push(`ledger ${row.sourceKey}: QBO has no activity ${row.qboId}`);
    else if (qboSignature(ta) !== writtenSignature(wanted)) mismatches.push(`QBO ${row.qboId} (${row.sourceKey}): holds ${qboSignature(ta)}, wanted ${writtenSignature(wanted)}`);
  }
  expect(mismatches.slice(0, 10), `${mismatches.length} per-key mismatches`).toEqual([]);

  // … and as a whole: nothing duplicated, nothing lost, nothing extra (independent of the ledger).
  expect(activities.length, "QBO holds the activities from before plus exactly the desired ones").toBe(input.activitiesBefore + reference.length);
  const have = multiset(activities.map(qboSignature));
  const want = multiset(reference.map(writtenSignature));
  const missing: string[] = [];
  for (const [sig, n] of want) if ((have.get(sig) ?? 0) < n) missing.push(`${sig} ×${n - (have.get(sig) ?? 0)} missing`);
  expect(missing.slice(0, 10), `${missing.length} desired activities missing or short in QBO`).toEqual([]);

  const items = await db.select().from(importItems).where(eq(importItems.importId, importId));
  const byStatus: Record<string, number> = {};
  for (const i of items) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
  return { activities: reference.length, qboActivities: activities.length, itemsByStatus: byStatus };
}

/** Entities of a kind hold no two rows with the same name (a lost entity create was not repeated). */
export function expectNoDuplicateNames(qbo: QboEmulator, realmId: string) {
  for (const kind of ["Employee", "Customer", "Item"] as const) {
    const names = qbo.list(realmId, kind).map((e) => String(e["DisplayName"] ?? e["Name"]));
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dup, `duplicate ${kind} names`).toEqual([]);
  }
}
