import { beforeEach, describe, expect, it } from "vitest";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import type { JsonObject } from "@/lib/sandbox/qbo/json";
import { apiClient, connect, CONSULTING, entityId, faultCode, fakeClock, PAYROLL, rows, startEmulator, timeActivity, type ApiClient } from "./helpers";

let emu: QboEmulator;
let api: ApiClient;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  clock = fakeClock();
  emu = startEmulator({ now: clock.now });
  api = apiClient((await connect()).access_token);
});

describe("seeded companies", () => {
  it("holds the near-miss names, sub-customers and sub-items with FullyQualifiedName and Level", () => {
    const employees = emu.list(CONSULTING, "Employee").map((e) => e["DisplayName"]);
    expect(employees).toEqual(expect.arrayContaining(["Jose Muller", "Sarah O'Brien", "Chen Wei"]));
    const sub = emu.list(CONSULTING, "Customer").find((c) => c["FullyQualifiedName"] === "Globex:Website Redesign");
    expect(sub).toMatchObject({ Job: true, Level: 1, ParentRef: { value: entityId(emu, CONSULTING, "Customer", "Globex") } });
    const items = emu.list(CONSULTING, "Item").map((i) => i["FullyQualifiedName"]);
    expect(items).toEqual(expect.arrayContaining(["Development", "Consulting Services", "Design", "Vacation", "Sick Leave", "Development:Backend Development"]));
    expect(emu.companies().map((c) => c.companyName)).toEqual(["Sandbox Consulting LLC", "Northwind Payroll Co"]);
  });

  it("reports payroll in CompanyInfo NameValue and time tracking in Preferences OtherPrefs", async () => {
    const info = await api.get(`companyinfo/${CONSULTING}`);
    expect((info.body["CompanyInfo"] as JsonObject)["NameValue"]).toContainEqual({ Name: "PayrollFeature", Value: "false" });
    const payrollApi = apiClient((await connect(PAYROLL)).access_token, PAYROLL);
    const payrollInfo = await payrollApi.get(`companyinfo/${PAYROLL}`);
    expect((payrollInfo.body["CompanyInfo"] as JsonObject)["NameValue"]).toContainEqual({ Name: "PayrollFeature", Value: "true" });
    const prefs = (await payrollApi.get("preferences")).body["Preferences"] as JsonObject;
    expect(prefs["AccountingInfoPrefs"]).toMatchObject({ BookCloseDate: "2025-12-31" });
    expect(prefs["TimeTrackingPrefs"]).toMatchObject({ UseServices: true, BillCustomers: true });
    expect((prefs["OtherPrefs"] as JsonObject)["NameValue"]).toContainEqual({ Name: "TimeTrackingFeatureEnabled", Value: "true" });
  });
});

describe("entity operations", () => {
  it("creates, reads, fully updates, sparse-updates and deletes a TimeActivity with string Ids and SyncTokens", async () => {
    const created = await api.post("timeactivity", timeActivity(emu));
    expect(created.status).toBe(200);
    const ta = created.body["TimeActivity"] as JsonObject;
    expect(ta).toMatchObject({ Id: expect.any(String), SyncToken: "0", domain: "QBO", EmployeeRef: { name: "Jose Muller" } });
    expect((ta["MetaData"] as JsonObject)["CreateTime"]).toBe("2026-03-10T04:00:00-08:00");
    const id = String(ta["Id"]);

    expect((await api.get(`timeactivity/${id}`)).body["TimeActivity"]).toMatchObject({ Id: id, Hours: 3, Minutes: 15 });

    clock.advance(60_000);
    const full = await api.post("timeactivity", { ...timeActivity(emu, { Description: undefined }), Id: id, SyncToken: "0", Hours: 5 });
    const fullRow = full.body["TimeActivity"] as JsonObject;
    expect(fullRow).toMatchObject({ SyncToken: "1", Hours: 5 });
    expect(fullRow["Description"]).toBeUndefined();
    expect((fullRow["MetaData"] as JsonObject)["LastUpdatedTime"]).toBe("2026-03-10T04:01:00-08:00");

    const sparse = await api.post("timeactivity", { Id: id, SyncToken: "1", sparse: true, Minutes: 45 });
    expect(sparse.body["TimeActivity"]).toMatchObject({ SyncToken: "2", Hours: 5, Minutes: 45 });

    const deleted = await api.post("timeactivity?operation=delete", { Id: id, SyncToken: "2" });
    expect(deleted.body["TimeActivity"]).toEqual({ status: "Deleted", domain: "QBO", Id: id });
    expect(faultCode((await api.get(`timeactivity/${id}`)).body)).toBe("610");
    expect(emu.stats(CONSULTING)).toMatchObject({ create: 1, update: 2, delete: 1, read: 2 });
  });

  it("creates sub-customers and sub-items whose FullyQualifiedName follows the parent", async () => {
    const parent = await api.post("customer", { DisplayName: "Hooli" });
    const parentId = String((parent.body["Customer"] as JsonObject)["Id"]);
    const child = await api.post("customer", { DisplayName: "Hooli Phase 1", Job: true, ParentRef: { value: parentId } });
    expect(child.body["Customer"]).toMatchObject({ FullyQualifiedName: "Hooli:Hooli Phase 1", Level: 1, Job: true });

    const services = entityId(emu, CONSULTING, "Account", "Services");
    const item = await api.post("item", { Name: "QA", Type: "Service", IncomeAccountRef: { value: services }, UnitPrice: 95 });
    const subItem = await api.post("item", {
      Name: "QA Automation",
      Type: "Service",
      SubItem: true,
      ParentRef: { value: String((item.body["Item"] as JsonObject)["Id"]) },
      IncomeAccountRef: { value: services },
    });
    expect(subItem.body["Item"]).toMatchObject({ FullyQualifiedName: "QA:QA Automation", Level: 1, SubItem: true, IncomeAccountRef: { name: "Services" } });

    const renamed = await api.post("customer", { ...(parent.body["Customer"] as JsonObject), DisplayName: "Hooli Inc" });
    expect(renamed.status).toBe(200);
    const refreshedChild = emu.list(CONSULTING, "Customer").find((c) => c["DisplayName"] === "Hooli Phase 1");
    expect(refreshedChild?.["FullyQualifiedName"]).toBe("Hooli Inc:Hooli Phase 1");
  });

  it("fills ItemRef with the default time item when none is sent (reference §8)", async () => {
    const res = await api.post("timeactivity", timeActivity(emu, { ItemRef: undefined }));
    expect(res.body["TimeActivity"]).toMatchObject({ ItemRef: { name: "Hours" } });
  });
});

describe("query language", () => {
  beforeEach(() => {
    const base = timeActivity(emu);
    emu.insertTimeActivities(
      CONSULTING,
      Array.from({ length: 25 }, (_, i) => ({ ...base, TxnDate: `2026-02-${String(i + 1).padStart(2, "0")}`, Hours: i % 5 })),
    );
  });

  it("supports =, <, >, <=, >=, IN, LIKE and AND", async () => {
    const range = await api.query("SELECT * FROM TimeActivity WHERE TxnDate >= '2026-02-10' AND TxnDate < '2026-02-15'");
    expect(rows(range.body, "TimeActivity").map((r) => r["TxnDate"])).toEqual(["2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13", "2026-02-14"]);
    const gtLe = await api.query("select * from TimeActivity where TxnDate > '2026-02-23' and TxnDate <= '2026-02-25'");
    expect(rows(gtLe.body, "TimeActivity")).toHaveLength(2);
    const eq = await api.query("select * from TimeActivity where TxnDate = '2026-02-03'");
    expect(rows(eq.body, "TimeActivity")).toHaveLength(1);
    const inDates = await api.query("select * from TimeActivity where TxnDate IN ('2026-02-01', '2026-02-05', '2030-01-01')");
    expect(rows(inDates.body, "TimeActivity")).toHaveLength(2);
    const like = await api.query("select * from Customer where DisplayName LIKE '%corp%'");
    expect(rows(like.body, "Customer").map((c) => c["DisplayName"])).toEqual(["ACME Corporation"]);
    const escaped = await api.query("select * from Employee where DisplayName = 'Sarah O\\'Brien'");
    expect(rows(escaped.body, "Employee").map((e) => e["GivenName"])).toEqual(["Sarah"]);
    const ids = emu.list(CONSULTING, "Item").slice(0, 2).map((i) => `'${String(i["Id"])}'`);
    const byId = await api.query(`select * from Item where Id IN (${ids.join(",")})`);
    expect(rows(byId.body, "Item")).toHaveLength(2);
  });

  it("pages with STARTPOSITION/MAXRESULTS, counts with COUNT(*), orders and returns {} when nothing matches", async () => {
    const page = await api.query("select * from TimeActivity ORDERBY TxnDate DESC STARTPOSITION 11 MAXRESULTS 10");
    const qr = page.body["QueryResponse"] as JsonObject;
    expect(qr["startPosition"]).toBe(11);
    expect(qr["maxResults"]).toBe(10);
    expect(rows(page.body, "TimeActivity")[0]?.["TxnDate"]).toBe("2026-02-15");
    const last = await api.query("select * from TimeActivity STARTPOSITION 21 MAXRESULTS 10");
    expect((last.body["QueryResponse"] as JsonObject)["maxResults"]).toBe(5);
    const count = await api.query("select count(*) from TimeActivity where TxnDate >= '2026-02-20'");
    expect(count.body["QueryResponse"]).toEqual({ totalCount: 6 });
    const none = await api.query("select * from TimeActivity where TxnDate > '2030-01-01'");
    expect(none.body["QueryResponse"]).toEqual({});
  });

  it("accepts POST queries with application/text and filters on MetaData.LastUpdatedTime", async () => {
    clock.advance(30 * 60_000);
    await api.post("timeactivity", timeActivity(emu, { TxnDate: "2026-03-05" }));
    const res = await api.postQuery("select * from TimeActivity where MetaData.LastUpdatedTime > '2026-03-10T12:15:00Z'");
    expect(rows(res.body, "TimeActivity").map((r) => r["TxnDate"])).toEqual(["2026-03-05"]);
  });

  it("returns only active name-list records unless Active is filtered", async () => {
    const active = await api.query("select * from Employee");
    expect(rows(active.body, "Employee").some((e) => e["DisplayName"] === "Tom Baker")).toBe(false);
    const all = await api.query("select * from Employee where Active IN (true, false)");
    expect(rows(all.body, "Employee").some((e) => e["DisplayName"] === "Tom Baker")).toBe(true);
    const income = await api.query("select * from Account where AccountType = 'Income' and Active = true");
    expect(rows(income.body, "Account").map((a) => a["Name"])).toEqual(["Services", "Consulting Income", "Sales of Product Income"]);
  });

  it("rejects syntax errors with 4000, non-queryable properties and MAXRESULTS over 1000 with 4001", async () => {
    expect(faultCode((await api.query("select * from Customer where DisplayName = 'a' OR Active = true")).body)).toBe("4000");
    expect(faultCode((await api.query("select * from Customer where DisplayName != 'a'")).body)).toBe("4000");
    expect(faultCode((await api.query("select * from TimeActivity where Description = 'x'")).body)).toBe("4001");
    expect(faultCode((await api.query("select * from TimeActivity MAXRESULTS 1001")).body)).toBe("4001");
    const res = await api.query("select * from TimeActivity where Hours = 1");
    expect(res.status).toBe(400);
    expect((res.body["Fault"] as JsonObject)["Error"]).toMatchObject([{ Detail: "QueryValidationError: property 'Hours' is not queryable" }]);
  });
});
