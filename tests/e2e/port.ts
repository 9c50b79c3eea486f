// Where the browser tests' server listens: E2E_PORT (engineers sharing a machine each have a range), else 3420.
import os from "node:os";
import path from "node:path";

export const e2ePort = Number(process.env.E2E_PORT ?? 3420);
export const base = `http://127.0.0.1:${e2ePort}`;
/** tests/e2e/server.mjs writes the server's output here. */
export const serverLogPath = path.join(os.tmpdir(), `actitime-qbo-e2e-${e2ePort}`, "server.log");

/**
 * The issue-19 specs (vendors and classes, dated rules) start from a fresh company too, each on its own
 * server: product.spec.ts's scenarios leave every user mapped, which would hide the suggestions they test.
 */
export const vendorsPort = e2ePort + 1;
export const datedPort = e2ePort + 2;
