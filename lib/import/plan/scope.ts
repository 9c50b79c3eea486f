import type { ActivitySources, ImportScope } from "@/lib/import/types";

/**
 * The scope predicate, shared by plan (which activities this import produces) and diff (which
 * ledger rows this import owns and may delete). Using one predicate on both sides is what keeps
 * a partial selection from deleting or shrinking activities it does not own.
 *
 * An activity is in scope when its date is in the range, one of its users is selected, and one
 * of its projects is selected or it is leave with a selected leave type. A combined-mode activity
 * can aggregate several projects; it is in scope as a whole when any of them is selected (it is
 * one TimeActivity in QBO, so it cannot be half owned).
 */
export interface CompiledScope {
  dateFrom: string;
  dateTo: string;
  userIds: ReadonlySet<number> | null;
  projectIds: ReadonlySet<number> | null;
  leaveTypeIds: ReadonlySet<number> | null;
}

export function compileScope(scope: ImportScope): CompiledScope {
  const toSet = (ids: readonly number[] | null) => (ids === null ? null : new Set(ids));
  return {
    dateFrom: scope.dateFrom,
    dateTo: scope.dateTo,
    userIds: toSet(scope.userIds),
    projectIds: toSet(scope.projectIds),
    leaveTypeIds: toSet(scope.leaveTypeIds),
  };
}

/** Dates are YYYY-MM-DD, so string order is calendar order (no Date, no time zone). */
export function dateInScope(date: string, scope: CompiledScope): boolean {
  return date >= scope.dateFrom && date <= scope.dateTo;
}

function anySelected(ids: readonly number[], selected: ReadonlySet<number> | null): boolean {
  if (ids.length === 0) return false;
  if (selected === null) return true;
  for (const id of ids) if (selected.has(id)) return true;
  return false;
}

export function sourcesInSelection(sources: ActivitySources, scope: CompiledScope): boolean {
  return (
    anySelected(sources.userIds, scope.userIds) &&
    (anySelected(sources.projectIds, scope.projectIds) || anySelected(sources.leaveTypeIds, scope.leaveTypeIds))
  );
}

export function activityInScope(txnDate: string, sources: ActivitySources, scope: CompiledScope): boolean {
  return dateInScope(txnDate, scope) && sourcesInSelection(sources, scope);
}
