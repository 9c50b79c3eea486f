// The app's QBO client reads vendors, classes, departments and the two tracking preferences, and the
// entity cache holds one row per entity type (Class / Department only while the company tracks them).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { QboConnection } from "@/db/queries/connections";
import { readEntityCache, replaceEntityCache } from "@/db/queries/entity-cache";
import { qboEntityCache } from "@/db/schema";
import { QboFault } from "@/lib/qbo/faults";
import { fetchQboDirectory, getCachedDirectory, loadQboDirectory } from "@/lib/qbo/directory";
import { Pacer, resetRealmPacers } from "@/lib/qbo/pace";
import { dimensionTracking } from "@/lib/qbo/schemas";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { server } from "@/tests/setup/server";
import { http, HttpResponse } from "msw";
import { APP_API_BASE, clientFor, connectCompany, CONSULTING, startAppEmulator } from "./helpers";

let t: TestDb;
let emu: QboEmulator;
let connection: QboConnection;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  emu = startAppEmulator();
  connection = await connectCompany(t.db);
  emu.resetStats();
});
afterEach(() => resetRealmPacers());

const client = () => clientFor(t.db, connection, { pacer: new Pacer({ minuteMs: 60_000, requestsPerMinute: 100_000, batchRequestsPerMinute: 10_000 }) });

describe("client: vendors, classes, departments, tracking preferences", () => {
  it("parses Vendor, Class and Department lists and single reads", async () => {
    const vendors = await client().query("Vendor", "Active IN (true, false)");
    expect(vendors.map((v) => v.DisplayName)).toEqual(["Freelance Dev Co", "Jane Contractor"]);
    const classes = await client().query("Class", "Active IN (true, false)");
    expect(classes.map((c) => [c.Name, c.FullyQualifiedName, c.Active, c.SubClass])).toEqual([
      ["Consulting", "Consulting", true, false],
      ["Development", "Development", true, false],
      ["Mobile", "Development:Mobile", true, true],
      ["Retired", "Retired", false, false],
    ]);
    const mobile = classes.find((c) => c.Name === "Mobile")!;
    expect(mobile.ParentRef?.value).toBe(classes.find((c) => c.Name === "Development")!.Id);
    expect((await client().read("Department", (await client().query("Department"))[0]!.Id)).Name).toBe("Boston");
    expect((await client().read("Vendor", vendors[1]!.Id)).DisplayName).toBe("Jane Contractor");
  });

  it("reads ClassTrackingPerTxn and TrackDepartments from Preferences (absent = off)", async () => {
    expect(dimensionTracking(await client().preferences())).toEqual({ classTracking: false, departmentTracking: false });
    emu.updateSettings(CONSULTING, { classTracking: true });
    expect(dimensionTracking(await client().preferences())).toEqual({ classTracking: true, departmentTracking: false });
    expect(dimensionTracking({})).toEqual({ classTracking: false, departmentTracking: false });
  });

  it("a Class without Name is a typed malformed-answer fault, not undefined", async () => {
    server.use(http.post(`${APP_API_BASE}/v3/company/${CONSULTING}/query`, () => HttpResponse.json({ QueryResponse: { Class: [{ Id: "1", SyncToken: "0" }] } })));
    const failure = await client().query("Class").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(QboFault);
    expect(failure).toMatchObject({ kind: "malformed" });
  });
});

describe("directory and entity cache", () => {
  it("reads classes and departments only when the company tracks them", async () => {
    const off = await fetchQboDirectory(client(), false);
    expect(off.classes).toBeNull();
    expect(off.departments).toBeNull();
    expect(emu.stats(CONSULTING).query).toBe(5); // Employee, Customer, Vendor, Item, Account

    emu.updateSettings(CONSULTING, { classTracking: true, trackDepartments: true });
    const on = await fetchQboDirectory(client(), false);
    expect(on.classes?.map((c) => [c.fullyQualifiedName, c.active])).toEqual([["Consulting", true], ["Development", true], ["Development:Mobile", true], ["Retired", false]]);
    expect(on.departments?.map((d) => d.name)).toEqual(["Boston", "Remote", "London"]);
    expect(on.vendors.map((v) => v.name)).toEqual(["Freelance Dev Co", "Jane Contractor"]);
  });

  it("stores one row per entity type, each holding that type's list; Class / Department rows only while tracked", async () => {
    await loadQboDirectory(t.db, connection.id, client());
    const rowsOf = () => t.db.select().from(qboEntityCache).where(eq(qboEntityCache.connectionId, connection.id));
    const untracked = await rowsOf();
    expect(untracked.map((r) => r.entityType).sort()).toEqual(["Account", "Customer", "Employee", "Item", "Vendor"]);
    const byType = new Map(untracked.map((r) => [r.entityType, r.entities as { name: string }[]]));
    expect(byType.get("Vendor")!.map((v) => v.name)).toEqual(["Freelance Dev Co", "Jane Contractor"]);
    expect(byType.get("Employee")!.some((e) => e.name === "Jose Muller")).toBe(true);
    expect(byType.get("Account")!.map((a) => a.name)).toContain("Services");

    emu.updateSettings(CONSULTING, { classTracking: true, trackDepartments: true });
    const refreshed = await loadQboDirectory(t.db, connection.id, client(), { refresh: true });
    expect((await rowsOf()).map((r) => r.entityType).sort()).toEqual(["Account", "Class", "Customer", "Department", "Employee", "Item", "Vendor"]);
    const cached = await getCachedDirectory(t.db, connection.id);
    expect(cached?.directory).toEqual(refreshed);

    // Tracking turned off again: the next refresh drops the Class and Department rows.
    emu.updateSettings(CONSULTING, { classTracking: false, trackDepartments: false });
    await loadQboDirectory(t.db, connection.id, client(), { refresh: true });
    expect((await rowsOf()).map((r) => r.entityType)).not.toContain("Class");
    expect((await getCachedDirectory(t.db, connection.id))?.directory.classes).toBeNull();
  });

  it("a cache from before one row per type (one Employee row holding everything) is read again, not trusted", async () => {
    const directory = await fetchQboDirectory(client(), false);
    await replaceEntityCache(t.db, connection.id, { Employee: directory as unknown as unknown[] }, new Date());
    expect(await getCachedDirectory(t.db, connection.id)).toBeNull();
    emu.resetStats();
    await loadQboDirectory(t.db, connection.id, client());
    expect(emu.stats(CONSULTING).query).toBe(5);
    expect(Object.keys((await readEntityCache(t.db, connection.id)).lists).sort()).toEqual(["Account", "Customer", "Employee", "Item", "Vendor"]);
  });
});
