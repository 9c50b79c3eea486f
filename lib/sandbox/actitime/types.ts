// The emulator's own state: plain, JSON-serialisable data. What the API shows is derived from
// it per request (permissions, feature switches), so state never stores a caller's view.

/** actiTIME has no roles, only permissions; these are the ones the import cares about (reference §4). */
export interface UserPermissions {
  manageAccounts: boolean;
  manageCostBilling: boolean;
  manageSystemSettings: boolean;
}

export interface EmulatedUser {
  id: number;
  username: string;
  password: string;
  email: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  departmentId: number;
  timeZoneGroupId: number;
  hired: string;
  releaseDate: string | null;
  active: boolean;
  permissions: UserPermissions;
}

export interface EmulatedCustomer {
  id: number;
  name: string;
  description: string | null;
  archived: boolean;
  createdMs: number;
}

export interface EmulatedProject {
  id: number;
  customerId: number;
  name: string;
  description: string | null;
  archived: boolean;
  createdMs: number;
}

export type TaskStatus = "open" | "completed";

export interface EmulatedTask {
  id: number;
  projectId: number;
  name: string;
  description: string | null;
  status: TaskStatus;
  typeOfWorkId: number;
  estimatedTimeMinutes: number | null;
  createdMs: number;
}

export interface EmulatedTypeOfWork {
  id: number;
  name: string;
  /** Hourly billing rate in the account currency; null when unset. */
  rate: number | null;
  billable: boolean;
  archived: boolean;
  isDefault: boolean;
}

export type LeaveBalance = "None" | "Sick" | "PTO";

export interface EmulatedLeaveType {
  id: number;
  name: string;
  balance: LeaveBalance;
  archived: boolean;
}

/** One time-track record; (userId, date, taskId) is its natural key, there is no record id. */
export interface TimeTrackRecord {
  userId: number;
  date: string;
  taskId: number;
  timeMinutes: number;
  comment: string | null;
}

export interface LeaveRecord {
  userId: number;
  date: string;
  leaveTypeId: number;
  leaveTimeMinutes: number;
}

export interface AccountSettings {
  companyName: string;
  currencySign: string;
  serverUUID: string;
  maxQueryLimit: number;
  maxBatchSize: number;
  typesOfWorkEnabled: boolean;
  /** Cost & billing feature; when off no caller sees type-of-work rates. */
  billingEnabled: boolean;
}

/** Whole state as plain data: what `toJSON()` returns and `fromJSON()` accepts. */
export interface ActitimeSnapshot {
  version: 1;
  settings: AccountSettings;
  users: EmulatedUser[];
  customers: EmulatedCustomer[];
  projects: EmulatedProject[];
  tasks: EmulatedTask[];
  typesOfWork: EmulatedTypeOfWork[];
  leaveTypes: EmulatedLeaveType[];
  timeTrack: TimeTrackRecord[];
  leave: LeaveRecord[];
  /** Days up to and including this date count as approved, unless overridden. */
  approvedThrough: string | null;
  /** `${userId}|${date}` → approved, for days whose status differs from `approvedThrough`. */
  approvalOverrides: Record<string, boolean>;
}
