// zod for every QBO answer we read (reference qbo-api.md §2). Objects stay open (`looseObject`):
// QBO adds fields without a new minor version, and we only rely on the ones named here.
import { z } from "zod";
import { faultBodySchema } from "./faults";

export const QBO_MINOR_VERSION = "75";

export const refSchema = z.object({ value: z.string(), name: z.string().optional() });
const metaDataSchema = z.looseObject({
  CreateTime: z.string().optional(),
  LastUpdatedTime: z.string().optional(),
  /** Who changed it last; Intuit's ModificationMetaData names it, the reference does not say when it is filled [I]. */
  LastModifiedByRef: refSchema.optional(),
});

const base = {
  Id: z.string(),
  SyncToken: z.string(),
  MetaData: metaDataSchema.optional(),
};

export const timeActivitySchema = z.looseObject({
  ...base,
  TxnDate: z.string(),
  NameOf: z.string().optional(),
  EmployeeRef: refSchema.optional(),
  VendorRef: refSchema.optional(),
  CustomerRef: refSchema.optional(),
  ItemRef: refSchema.optional(),
  /** Only when Preferences AccountingInfoPrefs.ClassTrackingPerTxn is on (reference §2.1). */
  ClassRef: refSchema.optional(),
  /** A "Location"; only when AccountingInfoPrefs.TrackDepartments is on (reference §2.1). */
  DepartmentRef: refSchema.optional(),
  BillableStatus: z.enum(["Billable", "NotBillable", "HasBeenBilled"]).optional(),
  HourlyRate: z.number().optional(),
  Hours: z.number().int().optional(),
  Minutes: z.number().int().optional(),
  Description: z.string().optional(),
});
export type QboTimeActivity = z.infer<typeof timeActivitySchema>;

/** What QBO's lists of people (Employee, Vendor) share. */
const personFields = {
  ...base,
  DisplayName: z.string(),
  GivenName: z.string().optional(),
  FamilyName: z.string().optional(),
  Active: z.boolean().optional(),
  PrimaryEmailAddr: z.looseObject({ Address: z.string().optional() }).optional(),
};

/** What QBO's lists named by `Name` (Item, Account, Class, Department) share. */
const namedFields = {
  ...base,
  Name: z.string(),
  FullyQualifiedName: z.string().optional(),
  Active: z.boolean().optional(),
};

export const employeeSchema = z.looseObject(personFields);
export type QboEmployee = z.infer<typeof employeeSchema>;

export const customerSchema = z.looseObject({
  ...base,
  DisplayName: z.string(),
  FullyQualifiedName: z.string().optional(),
  Job: z.boolean().optional(),
  ParentRef: refSchema.optional(),
  Level: z.number().optional(),
  Active: z.boolean().optional(),
});
export type QboCustomer = z.infer<typeof customerSchema>;

/** Vendor (contractors' time is written with NameOf "Vendor" + VendorRef, reference §2.1). DisplayName shares one namespace with customers and employees. */
export const vendorSchema = z.looseObject({ ...personFields, CompanyName: z.string().optional() });
export type QboVendor = z.infer<typeof vendorSchema>;

export const itemSchema = z.looseObject({
  ...namedFields,
  Type: z.string().optional(),
  SubItem: z.boolean().optional(),
  ParentRef: refSchema.optional(),
  UnitPrice: z.number().optional(),
  IncomeAccountRef: refSchema.optional(),
});
export type QboItem = z.infer<typeof itemSchema>;

export const accountSchema = z.looseObject({ ...namedFields, AccountType: z.string().optional(), Classification: z.string().optional() });
export type QboAccount = z.infer<typeof accountSchema>;

/**
 * Class and Department (Location): name lists with an optional parent. Their own reference pages
 * were not in the corpora; the fields are the ones every QBO name list has [I].
 */
const dimensionFields = { ...namedFields, ParentRef: refSchema.optional() };
export const classSchema = z.looseObject({ ...dimensionFields, SubClass: z.boolean().optional() });
export type QboClass = z.infer<typeof classSchema>;
export const departmentSchema = z.looseObject({ ...dimensionFields, SubDepartment: z.boolean().optional() });
export type QboDepartment = z.infer<typeof departmentSchema>;

const nameValueSchema = z.object({ Name: z.string(), Value: z.string().optional() });

export const companyInfoSchema = z.looseObject({
  Id: z.string().optional(),
  CompanyName: z.string(),
  NameValue: z.array(nameValueSchema).optional(),
});
export type QboCompanyInfo = z.infer<typeof companyInfoSchema>;

export const preferencesSchema = z.looseObject({
  TimeTrackingPrefs: z.looseObject({ UseServices: z.boolean().optional(), BillCustomers: z.boolean().optional() }).optional(),
  AccountingInfoPrefs: z
    .looseObject({
      BookCloseDate: z.string().optional(),
      /** Classes on transactions (reference §2.6): then a TimeActivity may carry ClassRef. */
      ClassTrackingPerTxn: z.boolean().optional(),
      /** Locations (Departments): then a TimeActivity may carry DepartmentRef. */
      TrackDepartments: z.boolean().optional(),
    })
    .optional(),
  OtherPrefs: z.looseObject({ NameValue: z.array(nameValueSchema).optional() }).optional(),
});
export type QboPreferences = z.infer<typeof preferencesSchema>;

export const QBO_ENTITY_SCHEMAS = {
  TimeActivity: timeActivitySchema,
  Employee: employeeSchema,
  Customer: customerSchema,
  Vendor: vendorSchema,
  Item: itemSchema,
  Account: accountSchema,
  Class: classSchema,
  Department: departmentSchema,
} as const;
export type QboEntityName = keyof typeof QBO_ENTITY_SCHEMAS;
export type QboEntity<E extends QboEntityName> = z.infer<(typeof QBO_ENTITY_SCHEMAS)[E]>;

/** A CDC entry for a deleted object: only Id and MetaData (reference §7). */
export const cdcDeletedSchema = z.looseObject({ Id: z.string(), status: z.literal("Deleted"), MetaData: metaDataSchema.optional() });
export type QboCdcDeleted = z.infer<typeof cdcDeletedSchema>;
/** `CDCResponse[].QueryResponse[]`, each `{ <Entity>: [...], startPosition?, maxResults?, totalCount? }`. */
export const cdcResponseSchema = z.looseObject({
  CDCResponse: z.array(z.looseObject({ QueryResponse: z.array(z.record(z.string(), z.unknown())).optional() })),
});

export const batchItemResponseSchema = z.looseObject({
  bId: z.string(),
  Fault: faultBodySchema.optional(),
  QueryResponse: z.record(z.string(), z.unknown()).optional(),
});
export const batchResponseSchema = z.looseObject({ BatchItemResponse: z.array(batchItemResponseSchema) });

/** `NameValue` names are matched case-insensitively (reference §2.7: OfferingSku vs OfferingSKU). */
export function nameValue(list: { Name: string; Value?: string }[] | undefined, name: string): string | undefined {
  return list?.find((nv) => nv.Name.toLowerCase() === name.toLowerCase())?.Value;
}

/** What the connection page shows and imports check (reference §2.6, §2.7). */
export function companyFacts(info: QboCompanyInfo, prefs: QboPreferences) {
  return {
    companyName: info.CompanyName,
    payrollEnabled: nameValue(info.NameValue, "PayrollFeature")?.toLowerCase() === "true",
    timeTrackingEnabled: nameValue(prefs.OtherPrefs?.NameValue, "TimeTrackingFeatureEnabled")?.toLowerCase() !== "false",
    booksClosedDate: prefs.AccountingInfoPrefs?.BookCloseDate ?? null,
  };
}

/** Whether the company tracks classes / locations on transactions (reference §2.6); absent means off. */
export function dimensionTracking(prefs: QboPreferences): { classTracking: boolean; departmentTracking: boolean } {
  return {
    classTracking: prefs.AccountingInfoPrefs?.ClassTrackingPerTxn === true,
    departmentTracking: prefs.AccountingInfoPrefs?.TrackDepartments === true,
  };
}
