// zod schemas for every actiTIME response we read (reference §2–§3). Objects are non-strict:
// unknown fields are ignored so a newer actiTIME version does not break the import, while the
// fields we use are checked. Where the reference marks a field uncertain, the schema accepts
// null or absence.
import { z } from "zod";

const isoDateSchema = z.iso.date("expected a YYYY-MM-DD date");
const idSchema = z.number().int();
const minutesSchema = z.number().int().nonnegative();

/** Any list except time-track and leave-time: `{ offset, limit, items }` (reference §2.1). */
export function listEnvelopeSchema<T extends z.ZodType>(item: T) {
  return z.object({ offset: z.number().int(), limit: z.number().int(), items: z.array(item) });
}

export const actitimeErrorBodySchema = z.object({
  key: z.string().optional(),
  message: z.string().optional(),
  fields: z.union([z.string(), z.array(z.string())]).optional().nullable(),
});

export const actitimeUserSchema = z.object({
  id: idSchema,
  departmentId: idSchema.nullable().optional(),
  timeZoneGroupId: idSchema.nullable().optional(),
  // Only visible to callers with Manage Accounts & Permissions (reference §3.1).
  username: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  hired: isoDateSchema.nullable().optional(),
  releaseDate: isoDateSchema.nullable().optional(),
  fullName: z.string().nullable().optional(),
  firstName: z.string(),
  middleName: z.string().nullable().optional(),
  lastName: z.string(),
  active: z.boolean(),
  allowedActions: z.object({ canSubmitTimetrack: z.boolean().optional() }).optional(),
});

const allowedActionsSchema = z.object({ canModify: z.boolean().optional(), canDelete: z.boolean().optional() }).optional();

/** What actiTIME's customers and projects both carry. */
const containerFields = {
  id: idSchema,
  name: z.string(),
  archived: z.boolean(),
  created: z.number().nullable().optional(),
  description: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  allowedActions: allowedActionsSchema,
};

export const actitimeCustomerSchema = z.object(containerFields);

export const actitimeProjectSchema = z.object({
  ...containerFields,
  customerId: idSchema,
  customerName: z.string().nullable().optional(),
});

export const actitimeTaskSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string().nullable().optional(),
  created: z.number().nullable().optional(),
  status: z.enum(["open", "completed"]),
  // Null is tolerated: with the Types of Work feature off a task may carry none [I].
  typeOfWorkId: idSchema.nullable(),
  typeOfWorkName: z.string().nullable().optional(),
  customerId: idSchema,
  customerName: z.string().nullable().optional(),
  projectId: idSchema,
  projectName: z.string().nullable().optional(),
  // Wire format uncertain (reference §3.4): date string or epoch ms.
  deadline: z.union([z.string(), z.number()]).nullable().optional(),
  estimatedTime: z.number().nullable().optional(),
  url: z.string().nullable().optional(),
  allowedActions: allowedActionsSchema,
});

export const actitimeTypeOfWorkSchema = z.object({
  id: idSchema,
  name: z.string(),
  // Null when unset or hidden from the caller (reference §3.5).
  rate: z.number().nullable().optional().transform((rate) => rate ?? null),
  archived: z.boolean(),
  billable: z.boolean(),
  default: z.boolean().optional(),
});

export const actitimeLeaveTypeSchema = z.object({
  id: idSchema,
  name: z.string(),
  balance: z.string().nullable().optional(),
  archived: z.boolean(),
});

const customNameSchema = z.object({ singular: z.string(), plural: z.string() });

export const actitimeInfoSchema = z.object({
  company: z.object({ name: z.string().nullable().optional(), logoUri: z.string().nullable().optional() }).optional(),
  customNames: z
    .object({
      firstLevel: customNameSchema.optional(),
      secondLevel: customNameSchema.optional(),
      thirdLevel: customNameSchema.optional(),
      department: customNameSchema.optional(),
    })
    .optional(),
  format: z.object({ currency: z.string().nullable().optional(), timeFormat: z.string().optional() }).optional(),
  features: z.object({ typesOfWork: z.boolean() }),
  limits: z.object({ maxQueryLimit: z.number().int().positive(), maxBatchSize: z.number().int().optional() }),
  serverUUID: z.string().optional(),
});

export const actitimeTimeTrackRecordSchema = z.object({
  taskId: idSchema,
  time: minutesSchema,
  comment: z.string().nullable().optional(),
});

export const actitimeTimeTrackDaySchema = z.object({
  userId: idSchema,
  date: isoDateSchema,
  dayOffset: z.number().int().optional(),
  approved: z.boolean().nullable().optional(),
  records: z.array(actitimeTimeTrackRecordSchema),
});

/** `/timetrack` is windowed by date, not offset (reference §2.2, §3.7). */
export const actitimeTimeTrackListSchema = z.object({
  dateFrom: isoDateSchema,
  dateTo: isoDateSchema,
  nextDateFrom: isoDateSchema.nullable().optional(),
  data: z.array(actitimeTimeTrackDaySchema),
});

export const actitimeLeaveTimeEntrySchema = z.object({
  userId: idSchema,
  date: isoDateSchema,
  dayOffset: z.number().int().optional(),
  leaveTypeId: idSchema,
  leaveTime: minutesSchema,
});

export const actitimeLeaveTimeListSchema = z.object({
  dateFrom: isoDateSchema,
  dateTo: isoDateSchema,
  nextDateFrom: isoDateSchema.nullable().optional(),
  data: z.array(actitimeLeaveTimeEntrySchema),
});

export type ActitimeUser = z.infer<typeof actitimeUserSchema>;
export type ActitimeCustomer = z.infer<typeof actitimeCustomerSchema>;
export type ActitimeProject = z.infer<typeof actitimeProjectSchema>;
export type ActitimeTask = z.infer<typeof actitimeTaskSchema>;
export type ActitimeTypeOfWork = z.infer<typeof actitimeTypeOfWorkSchema>;
export type ActitimeLeaveType = z.infer<typeof actitimeLeaveTypeSchema>;
export type ActitimeInfo = z.infer<typeof actitimeInfoSchema>;
export type ActitimeTimeTrackList = z.infer<typeof actitimeTimeTrackListSchema>;
export type ActitimeLeaveTimeList = z.infer<typeof actitimeLeaveTimeListSchema>;

/** One time-track record, flattened out of its user-day. Key: (userId, date, taskId). */
export interface ActitimeTimeTrackEntry {
  userId: number;
  date: string;
  taskId: number;
  timeMinutes: number;
  comment: string | null;
  /** Day-level approval status; null when actiTIME does not report it. */
  approved: boolean | null;
}

/** One leave entry. Key: (userId, date, leaveTypeId). */
export interface ActitimeLeaveEntry {
  userId: number;
  date: string;
  leaveTypeId: number;
  leaveTimeMinutes: number;
}
