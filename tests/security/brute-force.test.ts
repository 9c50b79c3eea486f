// Issue 13 §3: failed sign-ins are limited per client address and per (account URL, username),
// counted in the database so that two app instances share the count. On PostgreSQL
// (TEST_DATABASE_URL) the two "instances" are two separate connection pools to one database; on
// PGlite (single-process by nature) they share the one handle.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db, type DbHandle } from "@/db/client";
import { loginFailures } from "@/db/schema";
import { LoginError } from "@/lib/auth/login";
import { signInAdmin } from "@/lib/auth/sign-in";
import { clientAddressFrom, LOGIN_FAILURE_WINDOW_MS, tooManyAttemptsMessage } from "@/lib/auth/throttle";
import type { ActitimeEmulator } from "@/lib/sandbox/actitime";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { setupEmulator } from "@/tests/sandbox/actitime/helpers";

const ACTITIME = "https://actitime.brute.test/acme";
const ADDRESS = "198.51.100.23";

let t: TestDb;
let second: DbHandle | undefined;
let instances: [Db, Db];
let emulator: ActitimeEmulator;

beforeAll(async () => {
  t = await createTestDb();
  second = t.url ? await openDatabase({ url: t.url }) : undefined;
  instances = [t.db, second?.db ?? t.db];
});
afterAll(async () => {
  await second?.close();
  await t?.dispose();
});
beforeEach(async () => {
  emulator = setupEmulator({}, ACTITIME);
  await t.db.delete(loginFailures);
});

async function attempt(instance: 0 | 1, password: string, options: { username?: string; address?: string; now?: Date } = {}) {
  try {
    await signInAdmin(instances[instance], { actitimeUrl: ACTITIME, username: options.username ?? "admin", password }, { clientAddress: options.address ?? ADDRESS, now: options.now });
    return "signed in";
  } catch (error) {
    if (error instanceof LoginError) return error.code === "too_many_attempts" ? error.message : error.code;
    throw error;
  }
}

describe("sign-in limits across two app instances", () => {
  it("after 5 failures in 15 minutes refuses further attempts without contacting actiTIME, on either instance", async () => {
    const start = new Date();
    for (let i = 0; i < 5; i += 1) expect(await attempt((i % 2) as 0 | 1, `wrong-${i}`, { now: start })).toBe("unauthorized");
    const contacted = emulator.stats.total;
    expect(await attempt(0, "wrong-again", { now: start })).toBe(tooManyAttemptsMessage(15));
    expect(await attempt(1, "demo", { now: new Date(start.getTime() + 60_000) })).toBe(tooManyAttemptsMessage(14)); // even the right password
    // The address is limited too: another username from it is refused; another address for another user is not.
    expect(await attempt(1, "demo", { username: "aokafor", now: start })).toBe(tooManyAttemptsMessage(15));
    expect(emulator.stats.total).toBe(contacted);
    expect(await attempt(0, "demo", { username: "aokafor", address: "203.0.113.50", now: start })).toBe("signed in");
    // The username is limited whatever address it comes from.
    expect(await attempt(0, "demo", { address: "203.0.113.51", now: start })).toBe(tooManyAttemptsMessage(15));
    // Once the failures have aged out of the window, the right password works.
    expect(await attempt(1, "demo", { now: new Date(start.getTime() + LOGIN_FAILURE_WINDOW_MS + 1000) })).toBe("signed in");
  });

  it("a success clears the username's failures (not the address's)", async () => {
    const now = new Date();
    for (let i = 0; i < 4; i += 1) expect(await attempt(0, "wrong", { now })).toBe("unauthorized");
    expect(await attempt(1, "demo", { now })).toBe("signed in");
    expect(await attempt(1, "wrong", { address: "203.0.113.9", now })).toBe("unauthorized");
    expect(await attempt(0, "demo", { address: "203.0.113.9", now })).toBe("signed in");
    // The address still carries its 4 failures: one more and it is over.
    expect(await attempt(0, "wrong", { username: "aokafor", now })).toBe("unauthorized");
    expect(await attempt(1, "demo", { username: "aokafor", now })).toMatch(/^Too many failed attempts; try again in \d+ minutes?\.$/);
  });

  it("parallel attempts on both instances cannot slip past the limit together", async () => {
    const now = new Date();
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt((i % 2) as 0 | 1, `wrong-${i}`, { now })));
    expect(outcomes.filter((o) => o === "unauthorized").length).toBeLessThanOrEqual(5);
    expect(outcomes.filter((o) => o.startsWith("Too many failed attempts")).length).toBeGreaterThanOrEqual(7);
  });

  it("stores only hashes: neither the address nor the username is in the table", async () => {
    await attempt(0, "wrong");
    const rows = await t.db.select().from(loginFailures);
    expect(rows.length).toBe(2);
    expect(JSON.stringify(rows)).not.toContain(ADDRESS);
    expect(JSON.stringify(rows)).not.toContain("admin");
  });

  it("takes the address the nearest proxy appended", () => {
    expect(clientAddressFrom(new Headers({ "x-forwarded-for": "10.9.9.9, 198.51.100.23" }))).toBe("198.51.100.23");
    expect(clientAddressFrom(new Headers({ "x-real-ip": "198.51.100.24" }))).toBe("198.51.100.24");
    expect(clientAddressFrom(new Headers())).toBe("unknown");
  });
});
