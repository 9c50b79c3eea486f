// Deterministic seed shaped like a small consultancy. Names include the edge cases the import
// must survive (apostrophes, accents, a colon, a 120-character name, HTML-like text, emoji) and
// several that are *almost* the names in the QBO emulator seed, to exercise suggestions.
import { addDays, dayToEpochMs, formatDay, isWeekend, parseIsoDate, threeMonthsBefore, todayIso, weekdayOf } from "./dates";
import { createPrng, hashString, type Prng } from "./prng";
import type { ActitimeSnapshot, EmulatedCustomer, EmulatedLeaveType, EmulatedProject, EmulatedTask, EmulatedTypeOfWork, EmulatedUser, LeaveRecord, TimeTrackRecord, UserPermissions } from "./types";

export const DEMO_PASSWORD = "demo";
export const DEMO_ADMIN_USERNAME = "admin";
export const DEMO_NON_ADMIN_USERNAME = "jdoe";
/** Has Manage Cost & Billing Data but not Manage Accounts & Permissions. */
export const DEMO_BILLING_MANAGER_USERNAME = "mbrown";
/** A second full admin of the same account (two admins working at once). */
export const DEMO_SECOND_ADMIN_USERNAME = "aokafor";

/** Exactly 120 characters, to test name-length limits (QBO items allow 100). */
export const LONG_PROJECT_NAME =
  "Northwind Traders enterprise data platform modernisation programme covering warehouse, reporting, integration & training";

const MAX_QUERY_LIMIT = 1000;
const MAX_BATCH_SIZE = 100;
const WORKDAY_MINUTES_MIN = 360;
const WORKDAY_MINUTES_MAX = 540;
const TIME_STEP_MINUTES = 15;
const FULL_DAY_LEAVE_MINUTES = 480;
/** Weeks at the end of the window that are not yet approved, like a real approval backlog. */
const UNAPPROVED_TRAILING_DAYS = 14;
/** Records per user-day when generating benchmark volumes. */
const SCALE_RECORDS_PER_USER_DAY_MAX = 4;

export interface SeedScale {
  /** Total users (the named seed users plus generated ones). */
  users?: number;
  /** About this many time-track records (exactly this many when reachable). */
  records?: number;
}

export interface SeedOptions {
  /** `YYYY-MM-DD` or a Date; time is generated for the three full months before its month. */
  today?: string | Date;
  seed?: number;
  scale?: SeedScale;
}

const NO_PERMISSIONS: UserPermissions = { manageAccounts: false, manageCostBilling: false, manageSystemSettings: false };
const ADMIN_PERMISSIONS: UserPermissions = { manageAccounts: true, manageCostBilling: true, manageSystemSettings: true };

interface UserSeed {
  username: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  email: string;
  permissions: UserPermissions;
  active: boolean;
  departmentId: number;
}

const NAMED_USERS: readonly UserSeed[] = [
  { username: "admin", firstName: "Margaret", middleName: null, lastName: "Hale", email: "margaret.hale@halepartners.test", permissions: ADMIN_PERMISSIONS, active: true, departmentId: 1 },
  { username: "jdoe", firstName: "John", middleName: "M", lastName: "Doe", email: "john.doe@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 2 },
  { username: "mbrown", firstName: "Maria", middleName: null, lastName: "Brown", email: "maria.brown@halepartners.test", permissions: { ...NO_PERMISSIONS, manageCostBilling: true }, active: true, departmentId: 1 },
  { username: "jmuller", firstName: "José", middleName: null, lastName: "Müller", email: "jose.muller@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 2 },
  { username: "sobrien", firstName: "Siobhán", middleName: null, lastName: "O'Brien", email: "siobhan.obrien@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 2 },
  { username: "zlambert", firstName: "Zoë", middleName: null, lastName: "Lambert", email: "zoe.lambert@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 3 },
  { username: "rsmith", firstName: "Robert", middleName: "J", lastName: "Smith", email: "bob.smith@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 3 },
  { username: "pnatarajan", firstName: "Priya", middleName: null, lastName: "Natarajan", email: "priya.natarajan@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 2 },
  { username: "lwei", firstName: "Wei", middleName: null, lastName: "Li", email: "wei.li@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 3 },
  { username: "aokafor", firstName: "Amara", middleName: null, lastName: "Okafor", email: "amara.okafor@halepartners.test", permissions: ADMIN_PERMISSIONS, active: true, departmentId: 2 },
  { username: "ljohansson", firstName: "Lars-Erik", middleName: null, lastName: "Johansson", email: "lars-erik.johansson@halepartners.test", permissions: NO_PERMISSIONS, active: true, departmentId: 3 },
  // Left the company during the window: has early time, then nothing (releaseDate is set below).
  { username: "dwhitfield", firstName: "Dana", middleName: null, lastName: "Whitfield", email: "dana.whitfield@halepartners.test", permissions: NO_PERMISSIONS, active: false, departmentId: 2 },
];

const CUSTOMER_SEEDS: readonly { name: string; archived: boolean; description: string | null }[] = [
  { name: "Acme Corp", archived: false, description: "QBO has this one as \"ACME Corporation\"" },
  { name: "O'Reilly & Sons", archived: false, description: null },
  { name: "Müller Logistik GmbH", archived: false, description: null },
  { name: "Northwind Traders", archived: false, description: null },
  { name: "Initech", archived: true, description: "Contract ended" },
];

/** [customer index, name, archived] */
const PROJECT_SEEDS: readonly [number, string, boolean][] = [
  [0, "Website Redesign", false],
  [0, "Mobile App: Phase 2", false],
  [1, "Bookkeeping Migration", false],
  [1, "Annual Audit Support", false],
  [2, "Warehouse Analytics", false],
  [2, "ERP Rollout", false],
  [3, "Supply Chain Review", false],
  [3, LONG_PROJECT_NAME, false],
  [4, "TPS Reports", true],
  [4, "Legacy Support", false],
];

const TYPE_OF_WORK_SEEDS: readonly Omit<EmulatedTypeOfWork, "id">[] = [
  { name: "Consulting", rate: 150, billable: true, archived: false, isDefault: true },
  { name: "Software Development", rate: 120, billable: true, archived: false, isDefault: false },
  { name: "Design", rate: 95, billable: true, archived: false, isDefault: false },
  { name: "Project Management", rate: 85, billable: true, archived: false, isDefault: false },
  { name: "Internal Admin", rate: 40, billable: false, archived: false, isDefault: false },
];

const LEAVE_TYPE_SEEDS: readonly Omit<EmulatedLeaveType, "id">[] = [
  { name: "Vacation", balance: "PTO", archived: false },
  { name: "Sick Leave", balance: "Sick", archived: false },
  { name: "Unpaid Leave", balance: "None", archived: false },
];

/** Four tasks per project: [name, type-of-work index]. A colon and HTML-like text on purpose. */
const TASK_TEMPLATES: readonly [string, number][] = [
  ["Discovery: requirements", 0],
  ["Implementation", 1],
  ["Design & UX", 2],
  ["Project management", 3],
];
/** Per task id: a special name and optionally a type-of-work index (4 = the non-billable one). */
const TASK_OVERRIDES: Readonly<Record<number, { name: string; typeOfWorkIndex?: number }>> = {
  5: { name: "<b>urgent</b> hotfix" },
  13: { name: "Staff training (café session)", typeOfWorkIndex: 4 },
  30: { name: "Weekly status – internal", typeOfWorkIndex: 4 },
};

const COMMENTS: readonly string[] = [
  "Kick-off call with O'Brien re: scope",
  "<b>urgent</b> fix for the login page",
  "<script>alert(1)</script>",
  "Deployed release 🚀",
  "Reviewed PR #42 ✅",
  "Résumé of findings for Zoë",
  "Workshop with client\nFollow-up notes sent",
  "Data cleanup, 50% done",
  "Budget review (\"phase 2\")",
  "Status meeting",
  "Fixed rounding bug in invoices",
  "Emails & planning",
];

/** Extra first/last names for benchmark users; combined deterministically. */
const SCALE_FIRST_NAMES = ["Ava", "Ben", "Chloé", "Dev", "Elif", "Finn", "Grace", "Hugo", "Ines", "Jonas"] as const;
const SCALE_LAST_NAMES = ["Andersen", "Baker", "Costa", "D'Souza", "Eriksen", "Fischer", "García", "Hughes", "Ito", "Jansen"] as const;

export interface ResolvedSeedOptions {
  today: string;
  seed: number;
  scale: SeedScale | undefined;
}

export function resolveSeedOptions(options: SeedOptions = {}): ResolvedSeedOptions {
  const today = options.today instanceof Date ? todayIso(options.today) : (options.today ?? todayIso());
  if (parseIsoDate(today) === null) throw new Error(`seed option "today" must be YYYY-MM-DD, got ${today}`);
  return { today, seed: options.seed ?? hashString(today), scale: options.scale };
}

function createUsers(prng: Prng, totalUsers: number, windowFirstDay: number, windowLastDay: number): EmulatedUser[] {
  const users: EmulatedUser[] = NAMED_USERS.map((seed, index) => ({
    id: index + 1,
    ...seed,
    password: DEMO_PASSWORD,
    timeZoneGroupId: 1,
    hired: formatDay(windowFirstDay - 400 - index * 37),
    releaseDate: seed.active ? null : formatDay(windowFirstDay + 30),
  }));
  for (let id = users.length + 1; id <= totalUsers; id++) {
    const firstName = prng.pick(SCALE_FIRST_NAMES);
    const lastName = prng.pick(SCALE_LAST_NAMES);
    const username = `user${String(id).padStart(5, "0")}`;
    users.push({
      id,
      username,
      password: DEMO_PASSWORD,
      email: `${username}@halepartners.test`,
      firstName,
      middleName: null,
      lastName,
      departmentId: 2,
      timeZoneGroupId: 1,
      hired: formatDay(windowLastDay - 800),
      releaseDate: null,
      active: true,
      permissions: NO_PERMISSIONS,
    });
  }
  return users;
}

function createCatalog(windowFirstDay: number): {
  customers: EmulatedCustomer[];
  projects: EmulatedProject[];
  tasks: EmulatedTask[];
  typesOfWork: EmulatedTypeOfWork[];
  leaveTypes: EmulatedLeaveType[];
} {
  const createdBaseMs = dayToEpochMs(windowFirstDay - 200);
  const customers = CUSTOMER_SEEDS.map((seed, index) => ({ id: index + 1, ...seed, createdMs: createdBaseMs + index * 86_400_000 }));
  const projects = PROJECT_SEEDS.map(([customerIndex, name, archived], index) => ({
    id: index + 1,
    customerId: customerIndex + 1,
    name,
    archived,
    description: null,
    createdMs: createdBaseMs + (10 + index) * 86_400_000,
  }));
  const tasks: EmulatedTask[] = [];
  for (const project of projects) {
    for (const [name, typeOfWorkIndex] of TASK_TEMPLATES) {
      const id = tasks.length + 1;
      tasks.push({
        id,
        projectId: project.id,
        name: TASK_OVERRIDES[id]?.name ?? name,
        description: null,
        // One completed task per archived project, plus a couple elsewhere.
        status: project.archived || id % 17 === 0 ? "completed" : "open",
        typeOfWorkId: (TASK_OVERRIDES[id]?.typeOfWorkIndex ?? typeOfWorkIndex) + 1,
        estimatedTimeMinutes: id % 3 === 0 ? 40 * 60 : null,
        createdMs: project.createdMs + id * 3_600_000,
      });
    }
  }
  const typesOfWork = TYPE_OF_WORK_SEEDS.map((seed, index) => ({ id: index + 1, ...seed }));
  const leaveTypes = LEAVE_TYPE_SEEDS.map((seed, index) => ({ id: index + 1, ...seed }));
  return { customers, projects, tasks, typesOfWork, leaveTypes };
}

function randomMinutes(prng: Prng, min: number, max: number): number {
  return prng.int(Math.ceil(min / TIME_STEP_MINUTES), Math.floor(max / TIME_STEP_MINUTES)) * TIME_STEP_MINUTES;
}

/** Splits a workday over `count` tasks in 15-minute steps, each part at least one step. */
function splitDay(prng: Prng, count: number): number[] {
  const totalSteps = randomMinutes(prng, WORKDAY_MINUTES_MIN, WORKDAY_MINUTES_MAX) / TIME_STEP_MINUTES;
  const parts = Array.from({ length: count }, () => 1);
  for (let step = count; step < totalSteps; step++) {
    const index = prng.int(0, count - 1);
    parts[index] = (parts[index] ?? 0) + 1;
  }
  return parts.map((steps) => steps * TIME_STEP_MINUTES);
}

function weekdaysBetween(firstDay: number, lastDay: number): number[] {
  const days: number[] = [];
  for (let day = firstDay; day <= lastDay; day++) if (!isWeekend(day)) days.push(day);
  return days;
}

export function createSeedSnapshot(options: SeedOptions = {}): ActitimeSnapshot {
  const { today, seed, scale } = resolveSeedOptions(options);
  const prng = createPrng(seed);
  const window = threeMonthsBefore(today);
  const totalUsers = Math.max(NAMED_USERS.length, scale?.users ?? 0);
  const users = createUsers(prng, totalUsers, window.firstDay, window.lastDay);
  const catalog = createCatalog(window.firstDay);

  // Time goes to open tasks of live projects, and to "Legacy Support" of the archived customer.
  const workableTasks = catalog.tasks.filter((task) => {
    const project = catalog.projects.find((candidate) => candidate.id === task.projectId);
    return task.status === "open" && project !== undefined && !project.archived;
  });
  const assignments = new Map<number, EmulatedTask[]>(
    users.map((user) => [user.id, prng.sample(workableTasks, prng.int(5, 8))]),
  );

  let firstDay = window.firstDay;
  const targetRecords = scale?.records;
  if (targetRecords !== undefined) {
    // Widen the window backwards by whole weeks until it can hold the requested volume.
    const perWeek = users.length * 5 * SCALE_RECORDS_PER_USER_DAY_MAX;
    const weeksNeeded = Math.ceil(targetRecords / perWeek);
    firstDay = Math.min(firstDay, window.lastDay - weeksNeeded * 7 + 1);
  }
  const workdays = weekdaysBetween(firstDay, window.lastDay);

  const timeTrack: TimeTrackRecord[] = [];
  const userDayCount = workdays.length * users.length;
  let userDayIndex = 0;
  for (const day of workdays) {
    const date = formatDay(day);
    for (const user of users) {
      userDayIndex++;
      if (user.releaseDate !== null && date > user.releaseDate) continue;
      const assigned = assignments.get(user.id) ?? [];
      let count: number;
      if (targetRecords === undefined) {
        // Most days 1–3 tasks; the admin tracks a little less (mostly management).
        count = user.id === 1 && prng.chance(0.4) ? 0 : prng.int(1, 3);
      } else {
        // Spread the target evenly: after this user-day, about index/total of it should exist.
        const due = Math.round((userDayIndex * targetRecords) / userDayCount) - timeTrack.length;
        count = Math.max(0, Math.min(due, SCALE_RECORDS_PER_USER_DAY_MAX, assigned.length));
      }
      if (count === 0) continue;
      const tasks = prng.sample(assigned, count);
      const minutes = splitDay(prng, tasks.length);
      tasks.forEach((task, index) => {
        timeTrack.push({
          userId: user.id,
          date,
          taskId: task.id,
          timeMinutes: minutes[index] ?? TIME_STEP_MINUTES,
          comment: prng.chance(0.5) ? prng.pick(COMMENTS) : null,
        });
      });
    }
  }

  const leave: LeaveRecord[] = [];
  const leaveKeys = new Set<string>();
  for (const user of users.slice(0, NAMED_USERS.length)) {
    const leaveDays = prng.sample(workdays.slice(-65), prng.int(1, 3));
    for (const day of leaveDays) {
      const date = formatDay(day);
      if (user.releaseDate !== null && date > user.releaseDate) continue;
      const leaveTypeId = prng.chance(0.7) ? 1 : prng.pick([2, 3]);
      const key = `${user.id}|${date}|${leaveTypeId}`;
      if (leaveKeys.has(key)) continue;
      leaveKeys.add(key);
      leave.push({ userId: user.id, date, leaveTypeId, leaveTimeMinutes: prng.chance(0.8) ? FULL_DAY_LEAVE_MINUTES : FULL_DAY_LEAVE_MINUTES / 2 });
    }
  }
  // Planned leave after `today`: actiTIME returns future leave too.
  const todayDay = parseIsoDate(today) ?? window.lastDay;
  let plannedDay = todayDay + 14;
  while (isWeekend(plannedDay) || weekdayOf(plannedDay) === 1) plannedDay++;
  leave.push({ userId: 2, date: formatDay(plannedDay), leaveTypeId: 1, leaveTimeMinutes: FULL_DAY_LEAVE_MINUTES });
  leave.sort((a, b) => a.date.localeCompare(b.date) || a.userId - b.userId);

  return {
    version: 1,
    settings: {
      companyName: "Hale & Partners Consulting",
      currencySign: "$",
      serverUUID: serverUuidFor(seed),
      maxQueryLimit: MAX_QUERY_LIMIT,
      maxBatchSize: MAX_BATCH_SIZE,
      typesOfWorkEnabled: true,
      billingEnabled: true,
    },
    users,
    ...catalog,
    timeTrack,
    leave,
    approvedThrough: addDays(formatDay(window.lastDay), -UNAPPROVED_TRAILING_DAYS),
    approvalOverrides: {},
  };
}

/** A UUID-shaped id derived from the seed, so a given seed always names the same "server". */
function serverUuidFor(seed: number): string {
  const prng = createPrng(seed ^ 0x5eed);
  const hex = Array.from({ length: 32 }, () => prng.int(0, 15).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
