// Table tests of the executor's pure outcome decisions (lib/import/outcomes.ts, issue 12 item 12):
// what QuickBooks' answer — or its absence — means for an import item.
import { describe, expect, it } from "vitest";
import type { ImportItemRow } from "@/db/queries/imports";
import {
  decideAnswer,
  decideBeforeSend,
  decideFromCurrent,
  decideRequestFailure,
  matchUnknownCreates,
  settled,
  type Decision,
  type ItemAnswer,
} from "@/lib/import/outcomes";
import { QboFault, type QboFaultKind } from "@/lib/qbo/faults";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import type { DesiredActivity, TargetRef } from "@/lib/import/types";

const activity: DesiredActivity = {
  key: "k1",
  txnDate: "2025-01-06",
  employeeRef: "qbo:55",
  customerRef: "new:project:10",
  itemRef: "qbo:8",
  billableStatus: "NotBillable",
  hourlyRate: null,
  hours: 2,
  minutes: 30,
  description: null,
  sources: { userIds: [1], projectIds: [10], leaveTypeIds: [], taskIds: [], typeOfWorkIds: [], recordCount: 1 },
};
const refs = new Map<TargetRef, string>([["new:project:10", "77"]]);

function item(operation: "create" | "update" | "delete", extra: Partial<ImportItemRow> = {}): ImportItemRow {
  return {
    id: 1,
    importId: "00000000-0000-0000-0000-000000000001",
    seq: 3,
    entity: "TimeActivity",
    operation,
    sourceKey: "k1",
    status: "sending",
    desired: operation === "delete" ? { syncToken: "0" } : { activity, syncToken: "1" },
    before: null,
    qboId: operation === "create" ? null : "900",
    requestId: "r",
    attempts: 1,
    leaseGeneration: 1,
    errorCode: null,
    errorMessage: null,
    errorDetail: null,
    intuitTid: null,
    sentAt: new Date("2025-02-01T00:00:00Z"),
    updatedAt: new Date(),
    ...extra,
  };
}

function ta(extra: Partial<QboTimeActivity> = {}): QboTimeActivity {
  return {
    Id: "900",
    SyncToken: "2",
    TxnDate: "2025-01-06",
    NameOf: "Employee",
    EmployeeRef: { value: "55" },
    CustomerRef: { value: "77" },
    ItemRef: { value: "8" },
    BillableStatus: "NotBillable",
    Hours: 2,
    Minutes: 30,
    ...extra,
  } as QboTimeActivity;
}

const fault = (kind: QboFaultKind, status = 400) => new QboFault({ kind, status, message: kind });
const summary = (d: Decision) => (typeof d === "string" ? d : { status: d.status, ...("keepRequestId" in d && d.keepRequestId ? { keepRequestId: true } : {}), ...("recreate" in d && d.recreate ? { recreate: true } : {}) });

describe("decideAnswer: one operation's answer", () => {
  const cases: [string, "create" | "update" | "delete", ItemAnswer | undefined, ReturnType<typeof summary>][] = [
    ["missing from the batch response → unknown (stays sending, reconciled)", "create", undefined, "unknown"],
    ["missing from the batch response (update) → unknown", "update", undefined, "unknown"],
    ["create answered with the activity → created", "create", { ok: true, entity: ta() }, { status: "created" }],
    ["update answered → updated", "update", { ok: true, entity: ta() }, { status: "updated" }],
    ["delete answered → deleted", "delete", { ok: true }, { status: "deleted" }],
    ["create answered without the activity → failed", "create", { ok: true }, { status: "failed" }],
    ["update refused for its state (stale SyncToken) → reread", "update", { ok: false, fault: fault("validation") }, "reread"],
    ["delete refused for its state → reread", "delete", { ok: false, fault: fault("validation") }, "reread"],
    ["create refused (validation) → failed", "create", { ok: false, fault: fault("validation") }, { status: "failed" }],
    ["item throttled → pending", "create", { ok: false, fault: fault("throttle", 429) }, { status: "pending" }],
    ["item 5xx → pending", "update", { ok: false, fault: fault("server", 500) }, { status: "pending" }],
    ["item forbidden → failed", "create", { ok: false, fault: fault("forbidden", 403) }, { status: "failed" }],
  ];
  it.each(cases)("%s", (_name, operation, answer, expected) => {
    expect(summary(decideAnswer(item(operation), refs, answer))).toEqual(expected);
  });
});

describe("decideRequestFailure: a whole request that threw", () => {
  const cases: [string, QboFault, boolean, string][] = [
    ["timeout → unknown", fault("timeout", 0), true, "unknown"],
    ["network → unknown", fault("network", 0), true, "unknown"],
    ["500 → unknown (may have been processed)", fault("server", 500), true, "unknown"],
    ["503 → pending (not processed)", fault("server", 503), true, "pending"],
    ["429 → pending", fault("throttle", 429), true, "pending"],
    ["401 tolerated (a token another request refreshed) → pending", fault("auth", 401), true, "pending"],
    ["401 not tolerated any more → stop", fault("auth", 401), false, "stop"],
    ["403 → stop", fault("forbidden", 403), true, "stop"],
    ["400 → stop", fault("validation", 400), true, "stop"],
  ];
  it.each(cases)("%s", (_name, f, tolerated, expected) => {
    expect(decideRequestFailure(f, () => tolerated)).toBe(expected);
  });
});

describe("decideFromCurrent: an update or delete decided from QuickBooks' copy", () => {
  const cases: [string, ImportItemRow, QboTimeActivity | undefined, ReturnType<typeof summary>][] = [
    ["delete, gone from QBO → deleted", item("delete"), undefined, { status: "deleted" }],
    ["delete, billed since → skipped_billed", item("delete"), ta({ BillableStatus: "HasBeenBilled" }), { status: "skipped_billed" }],
    ["delete, still there → pending with its SyncToken", item("delete"), ta(), { status: "pending" }],
    ["delete, still there after 3 attempts → failed", item("delete", { attempts: 3 }), ta(), { status: "failed" }],
    ["update, gone from QBO → pending as a re-create", item("update"), undefined, { status: "pending", recreate: true }],
    ["update, billed since → skipped_billed", item("update"), ta({ BillableStatus: "HasBeenBilled" }), { status: "skipped_billed" }],
    ["update, QBO already holds it (our lost write landed) → updated", item("update"), ta(), { status: "updated" }],
    ["update, QBO holds something else → pending", item("update"), ta({ Hours: 5 }), { status: "pending" }],
    ["update, something else after 3 attempts → failed", item("update", { attempts: 3 }), ta({ Hours: 5 }), { status: "failed" }],
  ];
  it.each(cases)("%s", (_name, it_, current, expected) => {
    expect(summary(decideFromCurrent(it_, refs, current))).toEqual(expected);
  });

  it("a pending delete carries QuickBooks' current SyncToken", () => {
    const outcome = decideFromCurrent(item("delete"), refs, ta({ SyncToken: "7" }));
    expect(outcome).toMatchObject({ status: "pending", syncToken: "7" });
  });
});

describe("matchUnknownCreates: creates whose outcome was unknown", () => {
  it.each([
    ["found in QBO (same content) → created, adopting that activity", [ta({ Id: "901" })], { status: "created" }, "901"],
    ["not found → pending, re-sent with the SAME requestid", [], { status: "pending", keepRequestId: true }, undefined],
    ["only a different activity that day → pending (same requestid)", [ta({ Id: "902", Hours: 1 })], { status: "pending", keepRequestId: true }, undefined],
    ["same content but another parent customer → pending", [ta({ Id: "903", CustomerRef: { value: "78" } })], { status: "pending", keepRequestId: true }, undefined],
  ] as const)("%s", (_name, candidates, expected, adopted) => {
    const [outcome] = matchUnknownCreates([item("create")], refs, [...candidates]);
    expect(summary(outcome!)).toEqual(expected);
    if (adopted) expect((outcome as { ta?: QboTimeActivity }).ta?.Id).toBe(adopted);
  });

  it("two identical creates never adopt the same QBO activity twice", () => {
    const outcomes = matchUnknownCreates([item("create", { id: 1 }), item("create", { id: 2 })], refs, [ta({ Id: "901" })]);
    expect(outcomes.map((o) => o.status)).toEqual(["created", "pending"]);
  });
});

describe("decideBeforeSend: settled without a request, or ready", () => {
  const cases: [string, ImportItemRow, Map<TargetRef, string>, string][] = [
    ["an ordinary create → ready", item("create", { status: "pending", attempts: 0 }), refs, "ready"],
    ["a delete of an activity already gone (ledger only) → deleted, no request", item("delete", { status: "pending", desired: { ledgerOnly: true } }), refs, "deleted"],
    ["attempts exhausted → failed", item("create", { status: "pending", attempts: 8 }), refs, "failed"],
    ["its new customer could not be created → failed", item("create", { status: "pending", attempts: 0 }), new Map(), "failed"],
  ];
  it.each(cases)("%s", (_name, it_, resolved, expected) => {
    const d = decideBeforeSend(it_, resolved, 8);
    expect(d === "ready" ? d : d.status).toBe(expected);
  });
});

describe("settled: when an unknown outcome may be looked up", () => {
  const sentAt = new Date("2025-02-01T00:00:00Z");
  it.each([
    ["never sent", null, 0, true],
    ["sent a moment ago", sentAt, 1_000, false],
    ["just before the reconcile age", sentAt, 149_999, false],
    ["at the reconcile age", sentAt, 150_000, true],
  ] as const)("%s → %s", (_name, at, elapsed, expected) => {
    expect(settled({ sentAt: at }, sentAt.getTime() + elapsed, 150_000)).toBe(expected);
  });
});
