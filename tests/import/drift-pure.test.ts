// applyQboChoices and the comparison, as plain data: when a choice applies and what the diff then sees.
import { describe, expect, it } from "vitest";
import { applyQboChoices, compareWithQbo, differingFields, type QboChangeRow } from "@/lib/import/drift";
import { diffImport } from "@/lib/import/diff";
import type { DesiredActivity, LedgerEntry, QboActivityState, WrittenActivity } from "@/lib/import/types";

const SCOPE = { dateFrom: "2025-03-01", dateTo: "2025-03-31", userIds: null, projectIds: null, leaveTypeIds: null };
const written: WrittenActivity = { txnDate: "2025-03-03", employeeRef: "qbo:1", customerRef: "qbo:2", itemRef: "qbo:3", billableStatus: "Billable", hourlyRate: 100, hours: 3, minutes: 0, description: null };
const sources = { userIds: [1], projectIds: [2], leaveTypeIds: [], taskIds: [5], typeOfWorkIds: [7], recordCount: 1, records: ["tt|1|2025-03-03|5"] };
const row: LedgerEntry = { key: "k1", qboId: "500", syncToken: "0", txnDate: written.txnDate, written, sources };
const desired: DesiredActivity = { ...written, key: "k1", sources };
const edited: WrittenActivity = { ...written, hours: 5, description: "by hand" };

function change(over: Partial<QboChangeRow> = {}): QboChangeRow {
  return { id: "c1", key: "k1", qboId: "500", txnDate: written.txnDate, kind: "changed", written, current: edited, ledgerSyncToken: "0", qboSyncToken: "1", billed: false, changedAt: null, changedBy: null, decision: "keep", decidedAt: null, ...over };
}
const stateEdited: QboActivityState = { qboId: "500", syncToken: "1", hasBeenBilled: false, ...edited };
const stateDeleted: QboActivityState = { qboId: "500", syncToken: "0", hasBeenBilled: false, deleted: true, hours: 0, minutes: 0 };

function diffWith(choices: QboChangeRow[], state: QboActivityState, want: DesiredActivity[] = [desired]) {
  const qboState = new Map([["500", state]]);
  const applied = applyQboChoices(want, [row], qboState, choices);
  return { applied, diff: diffImport({ desired: applied.desired, ledger: applied.ledger, scope: SCOPE, qboState }) };
}

describe("applyQboChoices", () => {
  it("Keep, actiTIME unchanged: nothing is written", () => {
    const { applied, diff } = diffWith([change()], stateEdited);
    expect(applied.kept).toEqual(["k1"]);
    expect(diff.operations.map((o) => o.op)).toEqual(["unchanged"]);
  });
  it("Keep, actiTIME changed the record: actiTIME's content is written over QBO's", () => {
    const { applied, diff } = diffWith([change()], stateEdited, [{ ...desired, hours: 4 }]);
    expect(applied.kept).toEqual([]);
    expect(diff.operations).toMatchObject([{ op: "update", syncToken: "1", desired: { hours: 4 } }]);
  });
  it("Keep a deletion: neither created again nor deleted", () => {
    const { diff } = diffWith([change({ kind: "deleted", current: null, qboSyncToken: null })], stateDeleted);
    expect(diff.operations).toEqual([]);
  });
  it("Restore: an update back to actiTIME's content with QBO's SyncToken; a deletion is created again", () => {
    const { applied, diff } = diffWith([change({ decision: "restore" })], stateEdited);
    expect(applied.restored).toEqual(["k1"]);
    expect(diff.operations).toMatchObject([{ op: "update", syncToken: "1", desired: { hours: 3 } }]);
    const gone = diffWith([change({ decision: "restore", kind: "deleted", current: null, qboSyncToken: null })], stateDeleted);
    expect(gone.diff.operations.map((o) => o.op)).toEqual(["create"]);
  });
  it("not applied when QBO moved on since, the ledger was written again, it is pending, or it is billed", () => {
    expect(diffWith([change()], { ...stateEdited, syncToken: "2" }).applied.kept).toEqual([]);
    expect(diffWith([change({ ledgerSyncToken: "9" })], stateEdited).applied.kept).toEqual([]);
    expect(diffWith([change({ decision: "pending" })], stateEdited).diff.operations.map((o) => o.op)).toEqual(["unchanged"]);
    expect(diffWith([change({ decision: "restore", billed: true })], { ...stateEdited, hasBeenBilled: true }).applied.restored).toEqual([]);
  });
});

describe("compareWithQbo", () => {
  const ta = { Id: "500", SyncToken: "1", TxnDate: written.txnDate, EmployeeRef: { value: "1" }, CustomerRef: { value: "2" }, ItemRef: { value: "3" }, BillableStatus: "Billable" as const, HourlyRate: 100, Hours: 3, Minutes: 0 };
  it("same SyncToken or same content is no change; billing alone is none either", () => {
    expect(compareWithQbo(row, { ...ta, SyncToken: "0", Hours: 9 })).toBeNull();
    expect(compareWithQbo(row, ta)).toBeNull();
    expect(compareWithQbo(row, { ...ta, BillableStatus: "HasBeenBilled" })).toBeNull();
  });
  it("an edit names its fields; a missing activity is a deletion", () => {
    const c = compareWithQbo(row, { ...ta, Hours: 4, CustomerRef: { value: "9" }, MetaData: { LastUpdatedTime: "2025-04-01T10:00:00-08:00", LastModifiedByRef: { value: "7", name: "Pat" } } });
    expect(c).toMatchObject({ kind: "changed", changedBy: "Pat", changedAt: "2025-04-01T10:00:00-08:00" });
    expect(differingFields(written, c!.current!)).toEqual(["customer", "hours"]);
    expect(compareWithQbo(row, undefined)).toMatchObject({ kind: "deleted", current: null });
  });
});
