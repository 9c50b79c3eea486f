import { DEMO_ADMIN_USERNAME, DEMO_PASSWORD } from "./actitime";

/** Shown on the login page in demo mode: the emulated actiTIME account's admin. */
export const DEMO_CREDENTIALS = { username: DEMO_ADMIN_USERNAME, password: DEMO_PASSWORD } as const;
