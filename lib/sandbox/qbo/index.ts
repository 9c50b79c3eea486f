export { createQboEmulator, BATCH_MAX_ITEMS, DEFAULT_FAULT_SETTINGS } from "./emulator";
export type { QboEmulator, QboEmulatorOptions, QboFaultSettings, QboRealmStats, QboSnapshot } from "./emulator";
export type { CompanySettings, EntityName } from "./company";
export type { CompanySeed } from "./seed";
export { SEED_COMPANIES, SANDBOX_CONSULTING_REALM_ID, NORTHWIND_PAYROLL_REALM_ID } from "./seed";
export { ACCOUNTING_SCOPE } from "./oauth";
export type { QboLimits } from "./limits";
export type { JsonObject, JsonValue } from "./json";
