// Translation between our activities and QBO TimeActivity JSON (reference qbo-api.md §2.1).
import { qboQuote, type QboClient } from "@/lib/qbo/client";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { canonicalRate, qboIdOf } from "./plan/keys";
import type { QboActivityState, QboTargetRef, TargetRef, WrittenActivity } from "./types";

function refValue(ref: TargetRef): string {
  const id = qboIdOf(ref);
  if (id === null) throw new Error(`Unresolved reference ${ref}: its entity must be created first`);
  return id;
}

/** The body of a TimeActivity create or full update. Never sends HasBeenBilled (QBO sets it). */
export function timeActivityBody(activity: WrittenActivity): Record<string, unknown> {
  const vendor = activity.nameOf === "Vendor";
  const body: Record<string, unknown> = {
    TxnDate: activity.txnDate,
    // A contractor's time goes to a Vendor: NameOf "Vendor" with VendorRef, never both refs (reference §2.1, 6290).
    NameOf: vendor ? "Vendor" : "Employee",
    [vendor ? "VendorRef" : "EmployeeRef"]: { value: refValue(activity.employeeRef) },
    ItemRef: { value: refValue(activity.itemRef) },
    BillableStatus: activity.billableStatus,
    Taxable: false,
    Hours: activity.hours,
    Minutes: activity.minutes,
  };
  if (activity.customerRef) body.CustomerRef = { value: refValue(activity.customerRef) };
  if (activity.hourlyRate !== null) body.HourlyRate = activity.hourlyRate;
  if (activity.description) body.Description = activity.description;
  // Only when the company tracks classes / locations (the planner gets no such targets otherwise).
  if (activity.classRef) body.ClassRef = { value: refValue(activity.classRef) };
  if (activity.departmentRef) body.DepartmentRef = { value: refValue(activity.departmentRef) };
  return body;
}

/**
 * The worker, NameOf and class / department of a QBO TimeActivity in our terms, each field only when
 * QBO has it (as planned activities carry them), for the diff's state, drift and reconciliation.
 */
export function workerAndDimensionsFromQbo(ta: QboTimeActivity): Pick<WrittenActivity, "nameOf" | "classRef" | "departmentRef"> & { employeeRef?: TargetRef } {
  const vendor = ta.NameOf === "Vendor" || (!ta.EmployeeRef && ta.VendorRef !== undefined);
  const worker = vendor ? ta.VendorRef : ta.EmployeeRef;
  const out: Pick<WrittenActivity, "nameOf" | "classRef" | "departmentRef"> & { employeeRef?: TargetRef } = {};
  if (worker) out.employeeRef = `qbo:${worker.value}`;
  if (vendor) out.nameOf = "Vendor";
  if (ta.ClassRef) out.classRef = `qbo:${ta.ClassRef.value}` as QboTargetRef;
  if (ta.DepartmentRef) out.departmentRef = `qbo:${ta.DepartmentRef.value}` as QboTargetRef;
  return out;
}

/** What QBO holds, in our terms, for the diff and for reconciliation. */
export function activityStateFromQbo(ta: QboTimeActivity): QboActivityState {
  return {
    qboId: ta.Id,
    syncToken: ta.SyncToken,
    hasBeenBilled: ta.BillableStatus === "HasBeenBilled",
    txnDate: ta.TxnDate,
    employeeRef: undefined,
    ...workerAndDimensionsFromQbo(ta),
    customerRef: ta.CustomerRef ? (`qbo:${ta.CustomerRef.value}` as TargetRef) : null,
    itemRef: ta.ItemRef ? (`qbo:${ta.ItemRef.value}` as TargetRef) : undefined,
    billableStatus: ta.BillableStatus === "Billable" ? "Billable" : "NotBillable",
    hourlyRate: ta.HourlyRate ?? null,
    hours: ta.Hours ?? 0,
    minutes: ta.Minutes ?? 0,
    description: ta.Description ?? null,
  };
}

/**
 * True when a TimeActivity found in QBO is the one we meant to write: used to adopt a create
 * whose answer was lost (crash, timeout) instead of sending it again.
 */
export function qboActivityMatches(ta: QboTimeActivity, wanted: WrittenActivity): boolean {
  if (ta.TxnDate !== wanted.txnDate) return false;
  const held = workerAndDimensionsFromQbo(ta);
  if (held.employeeRef !== wanted.employeeRef || (held.nameOf ?? "Employee") !== (wanted.nameOf ?? "Employee")) return false;
  if ((held.classRef ?? null) !== (wanted.classRef ?? null) || (held.departmentRef ?? null) !== (wanted.departmentRef ?? null)) return false;
  if (`qbo:${ta.ItemRef?.value}` !== wanted.itemRef) return false;
  if ((ta.CustomerRef ? `qbo:${ta.CustomerRef.value}` : null) !== wanted.customerRef) return false;
  if ((ta.Hours ?? 0) !== wanted.hours || (ta.Minutes ?? 0) !== wanted.minutes) return false;
  const status = ta.BillableStatus === "HasBeenBilled" ? "Billable" : ta.BillableStatus ?? "NotBillable";
  if (status !== wanted.billableStatus) return false;
  if (wanted.billableStatus === "Billable" && canonicalRate(ta.HourlyRate) !== canonicalRate(wanted.hourlyRate)) return false;
  return (ta.Description ?? "") === (wanted.description ?? "");
}

/** Ids per bulk read (`Id IN (…)`): one query reads this many activities. */
export const QBO_READ_IDS_PER_QUERY = 500;

/** Current QBO copies of activities, read in bulk (`Id IN (…)`, 500 per query): never one read per activity. */
export async function readActivitiesById(qbo: Pick<QboClient, "query">, ids: string[], signal?: AbortSignal): Promise<Map<string, QboTimeActivity>> {
  const found = new Map<string, QboTimeActivity>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += QBO_READ_IDS_PER_QUERY) {
    const part = unique.slice(i, i + QBO_READ_IDS_PER_QUERY);
    const rows = await qbo.query("TimeActivity", `Id IN (${part.map(qboQuote).join(",")})`, "Id", { signal });
    for (const row of rows) found.set(row.Id, row);
  }
  return found;
}
