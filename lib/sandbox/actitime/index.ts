export { createActitimeEmulator, type ActitimeEmulator, type ActitimeEmulatorOptions, type ActitimeFaults, type ActitimeStats, type TimeTrackInput } from "./emulator";
export { actitimeMswHandlers } from "./msw";
export {
  createSeedSnapshot,
  DEMO_ADMIN_USERNAME,
  DEMO_BILLING_MANAGER_USERNAME,
  DEMO_NON_ADMIN_USERNAME,
  DEMO_PASSWORD,
  DEMO_SECOND_ADMIN_USERNAME,
  LONG_PROJECT_NAME,
  type SeedOptions,
  type SeedScale,
} from "./seed";
export type { ActitimeSnapshot, LeaveRecord, TimeTrackRecord } from "./types";
