import { setupServer } from "msw/node";

/** The one msw server of a test file; tests add the emulators' handlers with `server.use(...)`. */
export const server = setupServer();
