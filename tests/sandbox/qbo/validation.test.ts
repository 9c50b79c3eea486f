import { beforeEach, describe, expect, it } from "vitest";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import type { JsonObject } from "@/lib/sandbox/qbo/json";
import { apiClient, connect, CONSULTING, entityId, faultCode, PAYROLL, startEmulator, timeActivity, type ApiClient } from "./helpers";

let emu: QboEmulator;
let api: ApiClient;

beforeEach(async () => {
  emu = startEmulator();
  api = apiClient((await connect()).access_token);
});

async function createActivity(overrides: JsonObject = {}): Promise<JsonObject> {
  const res = await api.post("timeactivity", timeActivity(emu, overrides));
  expect(res.status).toBe(200);
  return res.body["TimeActivity"] as JsonObject;
}

describe("name rules", () => {
  it("6240: DisplayName is unique across customers, employees and vendors (case-insensitive)", async () => {
    const res = await api.post("customer", { DisplayName: "jose muller" });
    expect(res.status).toBe(400);
    expect(res.body["Fault"]).toMatchObject({ type: "ValidationFault", Error: [{ code: "6240", Message: "Duplicate Name Exists Error" }] });
    expect(faultCode((await api.post("vendor", { DisplayName: "Globex" })).body)).toBe("6240");
    expect(faultCode((await api.post("employee", { GivenName: "Ann", FamilyName: "Lee", DisplayName: "Freelance Dev Co" })).body)).toBe("6240");
  });

  it("6240 for a taken Item name, 2050 for a name over 100 chars, 2040 for ':' tab or newline", async () => {
    const services = entityId(emu, CONSULTING, "Account", "Services");
    expect(faultCode((await api.post("item", { Name: "Design", Type: "Service", IncomeAccountRef: { value: services } })).body)).toBe("6240");
    const long = await api.post("item", { Name: "x".repeat(103), Type: "Service", IncomeAccountRef: { value: services } });
    expect(long.body["Fault"]).toMatchObject({
      Error: [{ code: "2050", element: "Name", Detail: "String length specified does not match the supported length. Min:0 Max:100 supported. Supplied length:103" }],
    });
    expect(faultCode((await api.post("item", { Name: "A:B", Type: "Service", IncomeAccountRef: { value: services } })).body)).toBe("2040");
    expect(faultCode((await api.post("customer", { DisplayName: "Tab\there" })).body)).toBe("2040");
    expect(faultCode((await api.post("employee", { GivenName: "New\nLine", FamilyName: "X" })).body)).toBe("2040");
  });

  it("2020 for a Service item without IncomeAccountRef, 6430 for a non-income account", async () => {
    expect(faultCode((await api.post("item", { Name: "Audit", Type: "Service" })).body)).toBe("2020");
    const expense = entityId(emu, CONSULTING, "Account", "Office Expenses");
    expect(faultCode((await api.post("item", { Name: "Audit", Type: "Service", IncomeAccountRef: { value: expense } })).body)).toBe("6430");
  });

  it("2500 for an unknown reference, 610 for an inactive one", async () => {
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { EmployeeRef: { value: "99999" } }))).body)).toBe("2500");
    const inactive = entityId(emu, CONSULTING, "Employee", "Tom Baker");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { EmployeeRef: { value: inactive } }))).body)).toBe("610");
    const inactiveCustomer = entityId(emu, CONSULTING, "Customer", "Wayne Enterprises");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { CustomerRef: { value: inactiveCustomer } }))).body)).toBe("610");
    const inactiveAccount = entityId(emu, CONSULTING, "Account", "Legacy Revenue");
    expect(faultCode((await api.post("item", { Name: "Audit", Type: "Service", IncomeAccountRef: { value: inactiveAccount } })).body)).toBe("610");
  });

  it("refuses Account writes as an unsupported operation (500)", async () => {
    expect(faultCode((await api.post("account", { Name: "New", AccountType: "Income" })).body)).toBe("500");
  });
});

describe("SyncToken", () => {
  it("5010 on a stale SyncToken for update and delete", async () => {
    const ta = await createActivity();
    const ok = await api.post("timeactivity", { ...ta, Hours: 4 });
    expect(ok.status).toBe(200);
    expect(faultCode((await api.post("timeactivity", { ...ta, Hours: 6 })).body)).toBe("5010");
    expect(faultCode((await api.post("timeactivity?operation=delete", { Id: ta["Id"] ?? "", SyncToken: "0" })).body)).toBe("5010");
    const customer = emu.list(CONSULTING, "Customer")[0] ?? {};
    expect(faultCode((await api.post("customer", { ...customer, SyncToken: "7", sparse: true })).body)).toBe("5010");
  });
});

describe("TimeActivity rules", () => {
  it("6300 without a valid NameOf, 6290 without EmployeeRef or with both Employee and Vendor refs", async () => {
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { NameOf: "Other" }))).body)).toBe("6300");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { EmployeeRef: undefined }))).body)).toBe("6290");
    const vendor = entityId(emu, CONSULTING, "Vendor", "Jane Contractor");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { VendorRef: { value: vendor } }))).body)).toBe("6290");
    const contractor = await api.post("timeactivity", timeActivity(emu, { NameOf: "Vendor", EmployeeRef: undefined, VendorRef: { value: vendor } }));
    expect(contractor.body["TimeActivity"]).toMatchObject({ VendorRef: { name: "Jane Contractor" } });
  });

  it("Billable needs CustomerRef (6310) and HourlyRate (6330)", async () => {
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { CustomerRef: undefined }))).body)).toBe("6310");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { HourlyRate: undefined }))).body)).toBe("6330");
    const notBillable = await api.post("timeactivity", timeActivity(emu, { BillableStatus: "NotBillable", CustomerRef: undefined, HourlyRate: undefined }));
    expect(notBillable.body["TimeActivity"]).toMatchObject({ BillableStatus: "NotBillable", HourlyRate: 0 });
  });

  it("checks time fields: 6350 missing, 6380 Minutes over 59 or Hours over 8760, 6390 both forms, fractional Hours truncated", async () => {
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { Hours: undefined, Minutes: undefined }))).body)).toBe("6350");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { Minutes: 60 }))).body)).toBe("6380");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { Hours: 8761, Minutes: 0 }))).body)).toBe("6380");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { StartTime: "2026-03-02T09:00:00-08:00", EndTime: "2026-03-02T10:00:00-08:00" }))).body)).toBe("6390");
    const truncated = await api.post("timeactivity", timeActivity(emu, { Hours: 1.5 }));
    expect(truncated.body["TimeActivity"]).toMatchObject({ Hours: 1 });
  });

  it("rejects fractional Hours with 6340 when configured to", async () => {
    emu = startEmulator({ fractionalHours: "reject" });
    api = apiClient((await connect()).access_token);
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { Hours: 1.5 }))).body)).toBe("6340");
  });

  it("2050 for a Description over 4000 chars, 2010 for an impossible TxnDate", async () => {
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { Description: "d".repeat(4001) }))).body)).toBe("2050");
    await createActivity({ Description: "d".repeat(4000) });
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { TxnDate: "2026-02-30" }))).body)).toBe("2010");
  });

  it("2170 when a client sends BillableStatus HasBeenBilled", async () => {
    const res = await api.post("timeactivity", timeActivity(emu, { BillableStatus: "HasBeenBilled" }));
    expect(res.body["Fault"]).toMatchObject({ Error: [{ code: "2170", Detail: "Invalid Enumeration : HAS_BEEN_BILLED" }] });
  });

  it("a billed activity cannot be updated or deleted (6000), and keeps its data", async () => {
    const ta = await createActivity();
    const [billed] = emu.markBilled(CONSULTING, [String(ta["Id"])]);
    expect(billed).toMatchObject({ BillableStatus: "HasBeenBilled", SyncToken: "1" });
    const update = await api.post("timeactivity", { ...billed, BillableStatus: "Billable", Hours: 9 });
    expect(faultCode(update.body)).toBe("6000");
    const del = await api.post("timeactivity?operation=delete", { Id: ta["Id"] ?? "", SyncToken: "1" });
    expect(faultCode(del.body)).toBe("6000");
    expect(emu.get(CONSULTING, "TimeActivity", String(ta["Id"]))).toMatchObject({ Hours: 3, BillableStatus: "HasBeenBilled" });
  });

  it("6210 for writes dated on or before the closed-books date", async () => {
    const ta = await createActivity({ TxnDate: "2026-01-15" });
    emu.setBookCloseDate(CONSULTING, "2026-01-31");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { TxnDate: "2026-01-31" }))).body)).toBe("6210");
    expect((await api.post("timeactivity", timeActivity(emu, { TxnDate: "2026-02-01" }))).status).toBe(200);
    expect(faultCode((await api.post("timeactivity", { ...ta, TxnDate: "2026-02-10" })).body)).toBe("6210");
    expect(faultCode((await api.post("timeactivity?operation=delete", { Id: ta["Id"] ?? "", SyncToken: "0" })).body)).toBe("6210");
    const prefs = (await api.get("preferences")).body["Preferences"] as JsonObject;
    expect(prefs["AccountingInfoPrefs"]).toMatchObject({ BookCloseDate: "2026-01-31" });
  });

  it("time tracking off refuses TimeActivity writes with 5020 and shows in Preferences", async () => {
    emu.setTimeTracking(CONSULTING, false);
    expect(faultCode((await api.post("timeactivity", timeActivity(emu))).body)).toBe("5020");
    const prefs = (await api.get("preferences")).body["Preferences"] as JsonObject;
    expect((prefs["OtherPrefs"] as JsonObject)["NameValue"]).toContainEqual({ Name: "TimeTrackingFeatureEnabled", Value: "false" });
    emu.setTimeTracking(CONSULTING, true);
    expect((await api.post("timeactivity", timeActivity(emu))).status).toBe(200);
  });
});

describe("Payroll", () => {
  it("refuses Employee creation with 10000 when Payroll is on, allows it when off", async () => {
    const payrollApi = apiClient((await connect(PAYROLL)).access_token, PAYROLL);
    const refused = await payrollApi.post("employee", { GivenName: "New", FamilyName: "Hire" });
    expect(refused.status).toBe(400);
    expect(faultCode(refused.body)).toBe("10000");
    expect(emu.list(PAYROLL, "Employee").some((e) => e["FamilyName"] === "Hire")).toBe(false);

    emu.setPayroll(PAYROLL, false);
    expect((await payrollApi.post("employee", { GivenName: "New", FamilyName: "Hire" })).status).toBe(200);
    emu.setPayroll(CONSULTING, true);
    expect(faultCode((await api.post("employee", { GivenName: "Other", FamilyName: "Hire" })).body)).toBe("10000");
  });
});
