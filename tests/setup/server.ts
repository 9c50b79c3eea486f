import { setupServer } from "msw/node";
import { setDefaultResolver } from "@/lib/actitime/outbound";

/** The one msw server of a test file; tests add the emulators' handlers with `server.use(...)`. */
export const server = setupServer();

// The test world's DNS: every name is this machine. msw answers before any connection is made (an
// unanswered request fails the test), so no test ever asks a real DNS server or dials out.
setDefaultResolver(async () => [{ address: "127.0.0.1", family: 4 }]);
