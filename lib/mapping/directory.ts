// A snapshot of the QBO name lists that mapping needs (filled from qbo_entity_cache or live
// queries, reference §9 step 3). Parsed with zod where it enters from storage, so validation and
// suggestions can trust its shape.
import { z } from "zod";

export const QBO_SERVICE_ITEM_TYPE = "Service";
/** With item categories on, sellable items sit under `Category` parents (reference §2.4). */
export const QBO_CATEGORY_ITEM_TYPE = "Category";

const qboIdSchema = z.string().min(1);

/** A person QBO lists by DisplayName: an employee or a vendor. */
const personEntryFields = {
  id: qboIdSchema,
  /** DisplayName. */
  name: z.string(),
  email: z.string().nullable().optional(),
  active: z.boolean(),
};

/**
 * An entry QBO nests (customers, items, classes, departments): `name` is only the last part of a
 * sub-entry's name (reference §2.3), `fullyQualifiedName` the read-only `Parent:Child` one.
 */
const nestedEntryFields = {
  id: qboIdSchema,
  name: z.string(),
  fullyQualifiedName: z.string(),
  parentId: qboIdSchema.nullable().optional(),
  active: z.boolean(),
};

export const qboEmployeeEntrySchema = z.object(personEntryFields);
export type QboEmployeeEntry = z.infer<typeof qboEmployeeEntrySchema>;

export const qboCustomerEntrySchema = z.object(nestedEntryFields);
export type QboCustomerEntry = z.infer<typeof qboCustomerEntrySchema>;

/** Vendors: contractors' time is written to them (NameOf "Vendor"); their DisplayNames share one namespace with customers and employees. */
export const qboVendorEntrySchema = z.object({ ...personEntryFields, active: z.boolean().optional() });
export type QboVendorEntry = z.infer<typeof qboVendorEntrySchema>;

/** A Class or a Department (Location). */
export const qboDimensionEntrySchema = z.object(nestedEntryFields);
export type QboDimensionEntry = z.infer<typeof qboDimensionEntrySchema>;

export const qboItemEntrySchema = z.object({
  ...nestedEntryFields,
  /** `Service`, `Category`, `Inventory`, `NonInventory`, `Group`. */
  type: z.string(),
  unitPrice: z.number().nullable().optional(),
});
export type QboItemEntry = z.infer<typeof qboItemEntrySchema>;

export const qboIncomeAccountEntrySchema = z.object({ id: qboIdSchema, name: z.string() });
export type QboIncomeAccountEntry = z.infer<typeof qboIncomeAccountEntrySchema>;

export const qboDirectorySchema = z.object({
  employees: z.array(qboEmployeeEntrySchema),
  customers: z.array(qboCustomerEntrySchema),
  vendors: z.array(qboVendorEntrySchema),
  items: z.array(qboItemEntrySchema),
  /** Accounts with AccountType = Income (reference §2.5). */
  incomeAccounts: z.array(qboIncomeAccountEntrySchema),
  /** CompanyInfo NameValue PayrollFeature (reference §2.7): then employees are created in QBO only. */
  payrollEnabled: z.boolean(),
  /** Classes, only when the company tracks them (Preferences ClassTrackingPerTxn); absent or null: it does not. */
  classes: z.array(qboDimensionEntrySchema).nullable().optional(),
  /** Departments (Locations), only when the company tracks them (TrackDepartments); absent or null: it does not. */
  departments: z.array(qboDimensionEntrySchema).nullable().optional(),
});
export type QboDirectory = z.infer<typeof qboDirectorySchema>;

/** QBO nests customers and items at most 5 levels: top level (0) plus 4 (reference §2.3, §2.4). */
export const QBO_MAX_NESTING_LEVEL = 4;

/** QBO `Level`, derived from the full name because the snapshot does not carry it. */
export function qboLevelOf(fullyQualifiedName: string): number {
  return fullyQualifiedName.split(":").length - 1;
}

/**
 * Orders QBO Ids for stable tie-breaks. QBO Ids are digit strings ("9" before "10"); anything
 * else falls back to plain code-unit order, never locale order, so results do not depend on the server.
 */
export function compareQboIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
