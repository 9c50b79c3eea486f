// The app's QBO client (lib/qbo/client.ts) against the QBO emulator, through the real connect flow and
// a real token source: paging, CRUD, batch, deterministic requestids, faults and retries.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { QboConnection } from "@/db/queries/connections";
import { deterministicRequestId, QBO_QUERY_PAGE_SIZE } from "@/lib/qbo/client";
import { QboFault } from "@/lib/qbo/faults";
import { Pacer, resetRealmPacers } from "@/lib/qbo/pace";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { http } from "msw";
import { server } from "@/tests/setup/server";
import { APP_API_BASE, clientFor, connectCompany, CONSULTING, entityId, rejection, seedTimeActivities, startAppEmulator, timeActivityBody } from "./helpers";

let t: TestDb;
let emu: QboEmulator;
let connection: QboConnection;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());

beforeEach(async () => {
  emu = startAppEmulator({ faults: { shuffleBatchResponses: true } });
  connection = await connectCompany(t.db);
  emu.resetStats();
});
afterEach(() => resetRealmPacers());

/** A generous pacer of its own, so tests in this file never wait on the process-wide realm pacer. */
const client = () => clientFor(t.db, connection, { pacer: new Pacer({ minuteMs: 60_000, requestsPerMinute: 100_000, batchRequestsPerMinute: 10_000 }) });

describe("paged query", () => {
  it("reads every row of a >1000-row result with STARTPOSITION paging, each row once", async () => {
    const ids = seedTimeActivities(emu, 2_345);
    const rows = await client().query("TimeActivity");
    expect(rows).toHaveLength(2_345);
    expect(new Set(rows.map((r) => r.Id))).toEqual(new Set(ids));
    // 1–1000, 1001–2000, 2001–2345: three pages, the last one short.
    expect(emu.stats(CONSULTING).query).toBe(3);
  });

  it("asks for one more (empty) page when the result is an exact multiple of the page size", async () => {
    seedTimeActivities(emu, 2 * QBO_QUERY_PAGE_SIZE);
    const rows = await client().query("TimeActivity");
    expect(rows).toHaveLength(2_000);
    expect(emu.stats(CONSULTING).query).toBe(3);
  });

  it("applies the WHERE clause on every page and reads name lists (active only by default)", async () => {
    seedTimeActivities(emu, 1_500);
    const recent = await client().query("TimeActivity", "TxnDate >= '2022-01-01'");
    const expected = emu.list(CONSULTING, "TimeActivity").filter((r) => String(r["TxnDate"]) >= "2022-01-01");
    expect(recent.map((r) => r.Id).sort()).toEqual(expected.map((r) => String(r["Id"])).sort());
    expect(recent.every((r) => r.TxnDate >= "2022-01-01")).toBe(true);

    const employees = await client().query("Employee");
    const names = employees.map((e) => e.DisplayName);
    expect(names).toEqual(expect.arrayContaining(["Jose Muller", "Siobhan OBrien", "Zoe Lambert", "Bob Smith"]));
    expect(names).not.toContain("Tom Baker");
    expect(employees.find((e) => e.DisplayName === "Bob Smith")?.PrimaryEmailAddr?.Address).toBe("bob.smith@halepartners.test");
    const customers = (await client().query("Customer")).map((c) => c.DisplayName);
    expect(customers).toEqual(expect.arrayContaining(["ACME Corporation", "OReilly and Sons", "Muller Logistik GmbH", "Northwind Traders Inc."]));
    expect(await client().query("Item", "Name = 'Project Management'")).toEqual([]);
  });
});

describe("read, create, update, delete", () => {
  it("creates, reads, fully updates and deletes a TimeActivity", async () => {
    const qbo = client();
    const created = await qbo.create("TimeActivity", timeActivityBody(emu), deterministicRequestId(["create", 1]));
    expect(created).toMatchObject({ SyncToken: "0", Hours: 3, Minutes: 15, BillableStatus: "Billable", Description: "actiTIME task #123" });
    expect(emu.get(CONSULTING, "TimeActivity", created.Id)).toBeDefined();

    const read = await qbo.read("TimeActivity", created.Id);
    expect(read).toMatchObject({ Id: created.Id, SyncToken: "0", TxnDate: "2026-03-02" });

    const updated = await qbo.update(
      "TimeActivity",
      { ...timeActivityBody(emu, { Hours: 5, Minutes: 0, Description: "corrected" }), Id: read.Id, SyncToken: read.SyncToken },
      deterministicRequestId(["update", read.Id, read.SyncToken]),
    );
    expect(updated).toMatchObject({ Id: created.Id, SyncToken: "1", Hours: 5, Minutes: 0, Description: "corrected" });
    expect(emu.get(CONSULTING, "TimeActivity", created.Id)).toMatchObject({ Hours: 5, Description: "corrected" });

    await qbo.remove("TimeActivity", updated.Id, updated.SyncToken, deterministicRequestId(["delete", updated.Id]));
    expect(emu.get(CONSULTING, "TimeActivity", created.Id)).toBeUndefined();
    expect(emu.stats(CONSULTING)).toMatchObject({ create: 1, read: 1, update: 1, delete: 1 });

    const gone = await rejection(qbo.read("TimeActivity", created.Id));
    expect(gone).toBeInstanceOf(QboFault);
    expect(gone).toMatchObject({ kind: "validation", code: "610" });
  });

  it("creates a customer and a sub-customer and reads CompanyInfo and Preferences", async () => {
    const qbo = client();
    const parent = await qbo.create("Customer", { DisplayName: "Hooli" }, deterministicRequestId(["customer", "Hooli"]));
    const child = await qbo.create("Customer", { DisplayName: "Phase 1", Job: true, ParentRef: { value: parent.Id } }, deterministicRequestId(["customer", "Hooli:Phase 1"]));
    expect(child).toMatchObject({ FullyQualifiedName: "Hooli:Phase 1", Job: true, ParentRef: { value: parent.Id } });
    expect((await qbo.companyInfo()).CompanyName).toBe("Sandbox Consulting LLC");
    expect((await qbo.preferences()).TimeTrackingPrefs).toMatchObject({ UseServices: true });
  });

  it("sends the same deterministic requestid for the same logical write, so a resend is answered from QBO's memory", async () => {
    const qbo = client();
    const requestId = deterministicRequestId(["import-1", "record-42"]);
    expect(requestId).toBe(deterministicRequestId(["import-1", "record-42"]));
    expect(requestId).not.toBe(deterministicRequestId(["import-1", "record-43"]));
    expect(requestId.length).toBeLessThanOrEqual(50);
    const first = await qbo.create("TimeActivity", timeActivityBody(emu), requestId);
    const again = await qbo.create("TimeActivity", timeActivityBody(emu), requestId);
    expect(again.Id).toBe(first.Id);
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(1);
    expect(emu.stats(CONSULTING)).toMatchObject({ create: 1, replayed: 1 });
  });
});

describe("batch", () => {
  it("matches shuffled results by bId, reports one item's Fault on that item and the rest as ok", async () => {
    const qbo = client();
    const acme = entityId(emu, CONSULTING, "Customer", "ACME Corporation");
    const results = await qbo.batch(
      [
        { bId: "ta1", operation: "create", entity: "TimeActivity", body: timeActivityBody(emu, { Description: "first" }) },
        { bId: "dup", operation: "create", entity: "Customer", body: { DisplayName: "ACME Corporation" } },
        { bId: "ta2", operation: "create", entity: "TimeActivity", body: timeActivityBody(emu, { Description: "second" }) },
        { bId: "cust", operation: "create", entity: "Customer", body: { DisplayName: "Umbrella Corp" } },
        { bId: "q", query: `SELECT * FROM Customer WHERE Id = '${acme}'` },
      ],
      deterministicRequestId(["batch", 1], 36),
    );
    expect([...results.keys()].sort()).toEqual(["cust", "dup", "q", "ta1", "ta2"]);

    const dup = results.get("dup")!;
    expect(dup.ok).toBe(false);
    if (!dup.ok) {
      expect(dup.fault).toBeInstanceOf(QboFault);
      expect(dup.fault).toMatchObject({ kind: "validation", code: "6240", type: "ValidationFault" });
      expect(dup.fault.retryable).toBe(false);
    }
    const ta1 = results.get("ta1")!;
    const ta2 = results.get("ta2")!;
    expect(ta1).toMatchObject({ ok: true, entity: { Description: "first" } });
    expect(ta2).toMatchObject({ ok: true, entity: { Description: "second" } });
    expect(results.get("cust")).toMatchObject({ ok: true, entity: { DisplayName: "Umbrella Corp" } });
    expect(results.get("q")).toMatchObject({ ok: true, queryResponse: { Customer: [{ Id: acme }] } });

    // What the results say happened did happen, and nothing else.
    const descriptions = emu.list(CONSULTING, "TimeActivity").map((r) => r["Description"]);
    expect(descriptions.sort()).toEqual(["first", "second"]);
    expect(emu.list(CONSULTING, "Customer").filter((c) => c["DisplayName"] === "ACME Corporation")).toHaveLength(1);
    expect(emu.stats(CONSULTING)).toMatchObject({ batch: 1, batchItems: 5, requests: 1 });
  });

  it("reports an answered entity without SyncToken as a malformed fault on that item, not an entity missing a field", async () => {
    const qbo = client();
    // The company answers the create, but its TimeActivity lacks SyncToken (what a NOT NULL ledger column needs).
    server.use(
      http.post(`${APP_API_BASE}/v3/company/:realm/batch`, async ({ request }) => {
        const answer = (await (await emu.handle(request)).json()) as { BatchItemResponse: Record<string, unknown>[] };
        for (const item of answer.BatchItemResponse) if (item["bId"] === "bad") delete (item["TimeActivity"] as Record<string, unknown>)["SyncToken"];
        return Response.json(answer);
      }),
    );
    const results = await qbo.batch([
      { bId: "bad", operation: "create", entity: "TimeActivity", body: timeActivityBody(emu, { Description: "no token" }) },
      { bId: "good", operation: "create", entity: "TimeActivity", body: timeActivityBody(emu, { Description: "with token" }) },
    ]);
    const bad = results.get("bad")!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.fault).toBeInstanceOf(QboFault);
      expect(bad.fault).toMatchObject({ kind: "malformed", message: "QuickBooks sent a TimeActivity we could not read" });
      expect(bad.fault.detail).toContain("SyncToken");
    }
    const good = results.get("good")!;
    expect(good.ok && typeof good.entity?.SyncToken).toBe("string");
  });

  it("refuses more than 30 operations before sending anything", async () => {
    const ops = Array.from({ length: 31 }, (_, i) => ({ bId: `b${i}`, query: "SELECT * FROM Item" }));
    await expect(client().batch(ops)).rejects.toBeInstanceOf(RangeError);
    expect(emu.stats(CONSULTING).requests).toBe(0);
  });
});

describe("faults and retries", () => {
  it("does not retry a validation fault (6240 duplicate name): one attempt, the fault surfaces", async () => {
    const fault = await rejection(client().create("Customer", { DisplayName: "ACME Corporation" }, deterministicRequestId(["dup"])));
    expect(fault).toBeInstanceOf(QboFault);
    expect(fault).toMatchObject({ kind: "validation", status: 400, code: "6240", message: "Duplicate Name Exists Error" });
    expect(emu.stats(CONSULTING)).toMatchObject({ requests: 1, create: 1, faults: 1 });
  });

  it("retries reads through a 30% share of 500/503 answers until each succeeds", async () => {
    const ids = seedTimeActivities(emu, 30);
    // Seed 1 never injects more than three 5xx in a row over these requests. The client gives up after
    // 4 retries (5 attempts), so at a 30% share about 1 request in 400 would still fail (0.3^5): seed 7
    // injects six in a row.
    emu.faults = { serverErrorShare: 0.3, seed: 1 };
    const qbo = client();
    for (const id of ids) expect((await qbo.read("TimeActivity", id)).Id).toBe(id);
    const rows = await qbo.query("TimeActivity");
    expect(rows).toHaveLength(30);
    const stats = emu.stats(CONSULTING);
    expect(stats.injectedServerErrors).toBeGreaterThan(3);
    // Every answer the emulator gave was either an injected 5xx or the one success of a read.
    expect(stats.read).toBe(30);
    expect(stats.query).toBe(1);
    expect(stats.requests).toBe(31 + stats.injectedServerErrors);
  });

  it("does not blindly resend a write answered 500 (the outcome is unknown), though a read under the same faults is retried", async () => {
    emu.faults = { serverErrorShare: 1, seed: 3 };
    const qbo = client();
    const fault = await rejection(qbo.create("Customer", { DisplayName: "Maybe Written" }, deterministicRequestId(["maybe"])));
    expect(fault).toMatchObject({ kind: "server" });
    // 503 says "not processed" and is retried; 500 stops at once. Either way the last answer was a 500.
    expect((fault as QboFault).status).toBe(500);
    const writeAttempts = emu.stats(CONSULTING).requests;

    emu.resetStats();
    emu.faults = { serverErrorShare: 1, seed: 3 };
    await rejection(qbo.query("Customer"));
    expect(writeAttempts).toBeLessThan(emu.stats(CONSULTING).requests);
  });
});
