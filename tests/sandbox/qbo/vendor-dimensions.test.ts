// The emulator's contractors (NameOf Vendor + VendorRef) and class / location refs on TimeActivity
// (reference qbo-api.md §2.1, §2.6), and its Class and Department lists.
import { beforeEach, describe, expect, it } from "vitest";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import type { JsonObject } from "@/lib/sandbox/qbo/json";
import { apiClient, connect, CONSULTING, entityId, faultCode, rows, startEmulator, timeActivity, type ApiClient } from "./helpers";

let emu: QboEmulator;
let api: ApiClient;

function idOf(kind: "Class" | "Department", name: string): string {
  const row = emu.list(CONSULTING, kind).find((r) => r["Name"] === name);
  if (!row) throw new Error(`${kind} ${name} not seeded`);
  return String(row["Id"]);
}

function vendorActivity(overrides: JsonObject = {}): JsonObject {
  return timeActivity(emu, { NameOf: "Vendor", EmployeeRef: undefined, VendorRef: { value: entityId(emu, CONSULTING, "Vendor", "Jane Contractor") }, ...overrides });
}

beforeEach(async () => {
  emu = startEmulator();
  api = apiClient((await connect()).access_token);
});

describe("vendors", () => {
  it("creates, reads and queries a Vendor", async () => {
    const created = await api.post("vendor", { DisplayName: "Ada Freelance" });
    expect(created.status).toBe(200);
    const vendor = created.body["Vendor"] as JsonObject;
    expect(vendor).toMatchObject({ DisplayName: "Ada Freelance", Active: true, SyncToken: "0" });
    expect((await api.get(`vendor/${String(vendor["Id"])}`)).body["Vendor"]).toMatchObject({ DisplayName: "Ada Freelance" });
    const found = await api.postQuery("select * from Vendor where DisplayName = 'Ada Freelance'");
    expect(rows(found.body, "Vendor").map((v) => v["Id"])).toEqual([vendor["Id"]]);
  });

  it("a contractor's time: NameOf Vendor with VendorRef is written; the vendor must exist and be active", async () => {
    const ok = await api.post("timeactivity", vendorActivity());
    expect(ok.status).toBe(200);
    expect(ok.body["TimeActivity"]).toMatchObject({ NameOf: "Vendor", VendorRef: { name: "Jane Contractor" } });
    expect((ok.body["TimeActivity"] as JsonObject)["EmployeeRef"]).toBeUndefined();
    expect(faultCode((await api.post("timeactivity", vendorActivity({ VendorRef: { value: "99999" } }))).body)).toBe("2500");
    const vendor = emu.list(CONSULTING, "Vendor").find((v) => v["DisplayName"] === "Freelance Dev Co")!;
    await api.post("vendor", { ...vendor, Active: false });
    expect(faultCode((await api.post("timeactivity", vendorActivity({ VendorRef: { value: String(vendor["Id"]) } }))).body)).toBe("610");
  });

  it("NameOf must agree with the ref: Vendor without VendorRef, or with an EmployeeRef, is 6290; an employee's Id as VendorRef is 2500", async () => {
    expect(faultCode((await api.post("timeactivity", vendorActivity({ VendorRef: undefined }))).body)).toBe("6290");
    const employee = entityId(emu, CONSULTING, "Employee", "Jose Muller");
    expect(faultCode((await api.post("timeactivity", vendorActivity({ EmployeeRef: { value: employee } }))).body)).toBe("6290");
    expect(faultCode((await api.post("timeactivity", vendorActivity({ VendorRef: { value: employee } }))).body)).toBe("2500");
    expect(faultCode((await api.post("timeactivity", vendorActivity({ NameOf: "Contractor" }))).body)).toBe("6300");
  });
});

describe("classes and departments (locations)", () => {
  it("Preferences report ClassTrackingPerTxn and TrackDepartments as the company sets them", async () => {
    const prefs = async () => ((await api.get("preferences")).body["Preferences"] as JsonObject)["AccountingInfoPrefs"];
    expect(await prefs()).toMatchObject({ ClassTrackingPerTxn: false, TrackDepartments: false });
    emu.updateSettings(CONSULTING, { classTracking: true, trackDepartments: true });
    expect(await prefs()).toMatchObject({ ClassTrackingPerTxn: true, TrackDepartments: true });
  });

  it("Class and Department: create, read, query; sub-classes carry FullyQualifiedName; names unique per parent; no delete", async () => {
    const created = await api.post("class", { Name: "Research" });
    expect(created.body["Class"]).toMatchObject({ Name: "Research", FullyQualifiedName: "Research", SubClass: false, Active: true });
    const id = String((created.body["Class"] as JsonObject)["Id"]);
    expect((await api.get(`class/${id}`)).body["Class"]).toMatchObject({ Name: "Research" });
    const sub = await api.post("class", { Name: "Mobile", ParentRef: { value: id } });
    expect(sub.body["Class"]).toMatchObject({ FullyQualifiedName: "Research:Mobile", SubClass: true, ParentRef: { value: id } });
    expect(faultCode((await api.post("class", { Name: "consulting" })).body)).toBe("6240");
    expect(faultCode((await api.post("class", { Name: "A:B" })).body)).toBe("2040");
    expect(faultCode((await api.post("class?operation=delete", { Id: id, SyncToken: "0" })).body)).toBe("500");
    const all = await api.postQuery("select * from Class where Active IN (true, false)");
    expect(rows(all.body, "Class").map((c) => c["FullyQualifiedName"])).toEqual(["Consulting", "Development", "Development:Mobile", "Retired", "Research", "Research:Mobile"]);
    const active = await api.postQuery("select * from Department");
    expect(rows(active.body, "Department").map((d) => d["Name"])).toEqual(["Boston", "Remote"]);
    expect((await api.post("department", { Name: "Berlin" })).body["Department"]).toMatchObject({ Name: "Berlin", SubDepartment: false });
  });

  it("with tracking on, ClassRef / DepartmentRef must name an existing (2500), active (610) class / department", async () => {
    emu.updateSettings(CONSULTING, { classTracking: true, trackDepartments: true });
    const ok = await api.post("timeactivity", vendorActivity({ ClassRef: { value: idOf("Class", "Mobile") }, DepartmentRef: { value: idOf("Department", "Boston") } }));
    expect(ok.status).toBe(200);
    expect(ok.body["TimeActivity"]).toMatchObject({ ClassRef: { value: idOf("Class", "Mobile"), name: "Development:Mobile" }, DepartmentRef: { name: "Boston" } });
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { ClassRef: { value: "99999" } }))).body)).toBe("2500");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { ClassRef: { value: idOf("Class", "Retired") } }))).body)).toBe("610");
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { DepartmentRef: { value: idOf("Department", "London") } }))).body)).toBe("610");
    // A department's Id is no class.
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { ClassRef: { value: idOf("Department", "Boston") } }))).body)).toBe("2500");
  });

  it("with tracking off, a ref is kept by default (still checked), or refused with 6000 when the emulator is told to [I]", async () => {
    const kept = await api.post("timeactivity", timeActivity(emu, { ClassRef: { value: idOf("Class", "Consulting") } }));
    expect(kept.body["TimeActivity"]).toMatchObject({ ClassRef: { name: "Consulting" } });
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { DepartmentRef: { value: idOf("Department", "London") } }))).body)).toBe("610");

    emu = startEmulator({ dimensionWithoutTracking: "reject" });
    api = apiClient((await connect()).access_token);
    const refused = await api.post("timeactivity", timeActivity(emu, { ClassRef: { value: idOf("Class", "Consulting") } }));
    expect(refused.body["Fault"]).toMatchObject({ Error: [{ code: "6000", element: "ClassRef" }] });
    expect(faultCode((await api.post("timeactivity", timeActivity(emu, { DepartmentRef: { value: idOf("Department", "Boston") } }))).body)).toBe("6000");
    emu.updateSettings(CONSULTING, { trackDepartments: true });
    expect((await api.post("timeactivity", timeActivity(emu, { DepartmentRef: { value: idOf("Department", "Boston") } }))).status).toBe(200);
    // An update that drops the ref (full update) clears it.
    const ta = (await api.post("timeactivity", timeActivity(emu, { DepartmentRef: { value: idOf("Department", "Remote") } }))).body["TimeActivity"] as JsonObject;
    const { DepartmentRef: _dropped, ...rest } = ta;
    const updated = await api.post("timeactivity", rest);
    expect((updated.body["TimeActivity"] as JsonObject)["DepartmentRef"]).toBeUndefined();
  });
});
