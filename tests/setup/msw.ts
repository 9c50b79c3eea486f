// Unit and database tests never touch the network: every outbound request must be
// answered by a handler registered through `tests/setup/server.ts` (the emulators),
// and an unhandled one fails the test.
import { afterAll, afterEach, beforeAll } from "vitest";
import { server } from "./server";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
