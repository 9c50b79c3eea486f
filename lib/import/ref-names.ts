// Names of the QuickBooks entities an import's activities refer to, per role (employee, customer,
// item): QBO numbers Ids per entity type, so "41" may be an employee and a service item at once.
// Correction rows show the names of both sides, including entities the rules no longer use (a
// re-mapped project's old customer, the service item of time now set to Do not import).
import type { QboDirectory } from "@/lib/mapping/directory";
import type { SnapshotRule } from "./types";
import type { NamesByRole } from "@/db/types";
import type { WrittenActivity } from "./types";

export type { NamesByRole };

/** Names of the QBO entities an import's rules point to, for previews and detail pages. */
export function refNames(rules: readonly SnapshotRule[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const rule of rules) {
    if (rule.kind === "skip") continue;
    const name = rule.targetName ?? rule.sourceName;
    if (rule.targetQboId) names.set(`qbo:${rule.targetQboId}`, name);
    if (rule.kind === "create") names.set(`new:${rule.category}:${rule.sourceId}`, name);
  }
  return names;
}

const ROLE_OF_CATEGORY = { user: "employee", project: "customer", type_of_work: "item", leave_type: "item" } as const;

/** Names of every ref the activities use (before and after), from the directory and the rules. */
export function namesByRole(activities: Iterable<(Pick<WrittenActivity, "employeeRef" | "customerRef" | "itemRef"> & Partial<Pick<WrittenActivity, "nameOf">>) | null | undefined>, rules: readonly SnapshotRule[], directory: QboDirectory | null): NamesByRole {
  const out: NamesByRole = { employee: {}, customer: {}, item: {} };
  const employees = new Map((directory?.employees ?? []).map((e) => [e.id, e.name]));
  const customers = new Map((directory?.customers ?? []).map((c) => [c.id, c.fullyQualifiedName]));
  const items = new Map((directory?.items ?? []).map((i) => [i.id, i.fullyQualifiedName]));
  // A contractor's activity names a Vendor in the worker's place (NameOf "Vendor").
  const vendors = new Map((directory?.vendors ?? []).map((v) => [v.id, v.name]));
  for (const rule of rules) {
    if (rule.kind === "skip") continue;
    const role = ROLE_OF_CATEGORY[rule.category];
    const name = rule.targetName ?? rule.sourceName;
    if (rule.targetQboId) out[role][`qbo:${rule.targetQboId}`] = name;
    if (rule.kind === "create") out[role][`new:${rule.category}:${rule.sourceId}`] = name;
  }
  const put = (role: keyof NamesByRole, ref: string | null | undefined, list: Map<string, string>) => {
    if (!ref?.startsWith("qbo:")) return;
    const known = list.get(ref.slice(4));
    if (known) out[role][ref] = known;
  };
  for (const a of activities) {
    if (!a) continue;
    put("employee", a.employeeRef, a.nameOf === "Vendor" ? vendors : employees);
    put("customer", a.customerRef, customers);
    put("item", a.itemRef, items);
  }
  return out;
}
