// Demo mode's emulated products: the process-wide singletons the /sandbox routes serve, and the
// emulator factories for tests and scripts. Server-only (the demo state lives on disk).
export {
  DEMO_SAVE_DELAY_MS,
  flushDemoState,
  getDemoActitime,
  getDemoQbo,
  isDemoEnabled,
  markDemoDirty,
  resetDemoForTests,
  SandboxDisabledError,
  sandboxEnabled,
  type DemoConfig,
  type DemoProduct,
} from "./demo";
export { DEMO_CREDENTIALS } from "./demo-credentials";
export { createActitimeEmulator, type ActitimeEmulator, type ActitimeSnapshot } from "./actitime";
export { createQboEmulator, type QboEmulator, type QboSnapshot } from "./qbo";
