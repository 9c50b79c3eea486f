// Read step of the pipeline: actiTIME time and leave for an import's date range and selection,
// with the users, tasks, projects, types of work and leave types they reference.
import type { Db } from "@/db/client";
import { adminPasswordContext, getAdmin } from "@/db/queries/accounts";
import { ACTITIME_OVERALL_DEADLINE_MS, createActitimeClient, type ActitimeClient } from "@/lib/actitime";
import { open } from "@/lib/crypto";
import type { ImportScope, LeaveRecord, LeaveTypeInfo, ProjectInfo, TaskInfo, TimeTrackRecord, TypeOfWorkInfo, UserInfo } from "./types";

export interface SourceData {
  timeTrack: TimeTrackRecord[];
  leave: LeaveRecord[];
  tasks: TaskInfo[];
  projects: ProjectInfo[];
  typesOfWork: TypeOfWorkInfo[];
  leaveTypes: LeaveTypeInfo[];
  users: (UserInfo & { email: string | null })[];
  customers: { id: number; name: string }[];
  /** False when actiTIME hides rates (billing feature off or no permission): no rates are shown. */
  ratesVisible: boolean;
}

/** The actiTIME client of the admin who owns an import: background reads use their sealed password. */
export async function actitimeClientForAdmin(db: Db, accountId: string, adminId: string, deps: { fetch?: typeof fetch; overallDeadlineMs?: number } = {}): Promise<ActitimeClient> {
  const row = await getAdmin(db, accountId, adminId);
  if (!row?.admin.sealedPassword) throw new Error("Sign in to actiTIME again: the saved sign-in for background reads is missing.");
  return createActitimeClient({
    baseUrl: row.account.baseUrl,
    username: row.admin.username,
    password: open(row.admin.sealedPassword, adminPasswordContext(row.admin.id)),
    fetch: deps.fetch,
    // Callers make one client per preview or page: that is the one overall deadline of its reads.
    overallDeadlineMs: deps.overallDeadlineMs ?? ACTITIME_OVERALL_DEADLINE_MS,
  });
}

export async function readSource(client: ActitimeClient, scope: ImportScope, options: { includeLeave?: boolean } = {}): Promise<SourceData> {
  const selected = (ids: readonly number[] | null) => (ids === null ? undefined : ids);
  const [users, customers, projects, tasks, typesOfWork, leaveTypes, timeTrack, leave] = await Promise.all([
    client.listUsers(),
    client.listCustomers(),
    client.listProjects(),
    client.listTasks(),
    client.listTypesOfWork(),
    client.listLeaveTypes(),
    client.listTimeTrack({ dateFrom: scope.dateFrom, dateTo: scope.dateTo, userIds: selected(scope.userIds), projectIds: selected(scope.projectIds) }),
    options.includeLeave === false || (scope.leaveTypeIds !== null && scope.leaveTypeIds.length === 0)
      ? Promise.resolve([])
      : client.listLeaveTime({ dateFrom: scope.dateFrom, dateTo: scope.dateTo, userIds: selected(scope.userIds), leaveTypeIds: selected(scope.leaveTypeIds) }),
  ]);
  // A task without a type of work takes actiTIME's default one (reference §3.4–3.5).
  const defaultTypeOfWork = typesOfWork.find((t) => t.default) ?? typesOfWork[0];
  return {
    timeTrack: timeTrack.map((r) => ({ userId: r.userId, date: r.date, taskId: r.taskId, minutes: r.timeMinutes, comment: r.comment, approved: r.approved })),
    leave: leave.map((r) => ({ userId: r.userId, date: r.date, leaveTypeId: r.leaveTypeId, minutes: r.leaveTimeMinutes })),
    tasks: tasks.map((t) => ({ id: t.id, name: t.name, projectId: t.projectId, customerId: t.customerId, typeOfWorkId: t.typeOfWorkId ?? defaultTypeOfWork?.id ?? 0 })),
    projects: projects.map((p) => ({ id: p.id, name: p.name, customerId: p.customerId })),
    typesOfWork: typesOfWork.map((t) => ({ id: t.id, name: t.name, billable: t.billable, rate: t.rate })),
    leaveTypes: leaveTypes.map((l) => ({ id: l.id, name: l.name })),
    users: users.map((u) => ({ id: u.id, fullName: `${u.firstName} ${u.lastName}`.trim(), email: u.email ?? null })),
    customers: customers.map((c) => ({ id: c.id, name: c.name })),
    ratesVisible: typesOfWork.some((t) => t.rate !== null),
  };
}
