// End to end against the emulators: a contractor's time written to an existing QBO Vendor and to a
// Vendor the import creates, with ClassRef and DepartmentRef: the first test through vendor and
// Class / Location rules (the Map step's confirmMapping), the second with targets set directly.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { importItems, ledger } from "@/db/schema";
import { qboRef } from "@/lib/import/plan";
import { qboActivityMatches } from "@/lib/import/qbo-activity";
import type { ActivitySources, QboTargetRef, ResolvedTargets, Target, WrittenActivity } from "@/lib/import/types";
import { listSavedRules } from "@/lib/import/mapping-step";
import type { RuleForEntity, SnapshotRule } from "@/lib/mapping/rules";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const NEW_VENDOR = "Priya Contracting";
const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

function idOf(w: World, kind: "Vendor" | "Class" | "Department", name: string): string {
  const field = kind === "Vendor" ? "DisplayName" : "Name";
  return String(w.qbo.list(SANDBOX_REALM, kind).find((r) => r[field] === name)!["Id"]);
}

describe("contractors as vendors, with class and location", () => {
  it("writes NameOf Vendor + VendorRef (existing and created vendor) with ClassRef / DepartmentRef, then re-runs to nothing and replaces the activities of a project whose class changed", async () => {
    const w = await createWorld();
    worlds.push(w);
    w.qbo.updateSettings(SANDBOX_REALM, { classTracking: true, trackDepartments: true });
    const jane = idOf(w, "Vendor", "Jane Contractor");
    const value = (ref: QboTargetRef) => ref.slice("qbo:".length);
    const [consulting, mobile, boston, remote] = [idOf(w, "Class", "Consulting"), idOf(w, "Class", "Mobile"), idOf(w, "Department", "Boston"), idOf(w, "Department", "Remote")].map((id) => qboRef(id)) as [QboTargetRef, QboTargetRef, QboTargetRef, QboTargetRef];

    // Two users with time in March: one is linked to Jane Contractor (Link to QB Vendor, location Boston),
    // the other gets a new vendor (Create new QB Vendor, class Mobile); projects get their classes and
    // the first one a location, all as rules through the Map step's use case (confirmMapping), no targets hook.
    let contractor = 0;
    let newContractor = 0;
    let firstProject = 0;
    let projectClass: QboTargetRef = mobile;
    const choice = (ref: QboTargetRef) => ({ qboId: ref.slice("qbo:".length), name: "" });
    const override = (rules: RuleForEntity[]) => {
      const users = rules.filter((r) => r.category === "user").sort((a, b) => a.sourceId - b.sourceId);
      contractor = users[0]!.sourceId;
      newContractor = users[1]!.sourceId;
      firstProject = Math.min(...rules.filter((r) => r.category === "project").map((r) => r.sourceId));
      return rules.map((r): RuleForEntity => {
        if (r.category === "user" && r.sourceId === contractor) {
          return { ...r, rule: { kind: "link", targetQboId: jane, targetName: "Jane Contractor", nameOf: "Vendor", dimensions: { location: choice(boston) } } };
        }
        if (r.category === "user" && r.sourceId === newContractor) {
          // Once created, the saved rule is a Link to QB Vendor (kept as it is); first, Create new QB Vendor.
          const saved = r.rule.kind === "link" && r.rule.nameOf === "Vendor";
          return { ...r, rule: saved ? r.rule : { kind: "create", name: NEW_VENDOR, parentQboId: null, targetQboId: null, nameOf: "Vendor", dimensions: { class: choice(mobile) } } };
        }
        if (r.category === "project") {
          const first = r.sourceId === firstProject;
          return { ...r, rule: { ...r.rule, dimensions: first ? { class: choice(projectClass), location: choice(remote) } : { class: choice(consulting) } } };
        }
        return r;
      });
    };
    const targets = undefined;
    const first = await w.preview(MARCH, { override, targets });
    // The import's mapping snapshot records the vendor and class / location rules it used.
    const snapshot = ((await w.importRow(first.importId)).mappingSnapshot as { rules: SnapshotRule[] }).rules;
    expect(snapshot.find((r) => r.category === "user" && r.sourceId === contractor)).toMatchObject({ kind: "link", targetQboId: jane, nameOf: "Vendor", dimensions: { location: { qboId: value(boston), name: "Boston" } } });
    expect(snapshot.find((r) => r.category === "user" && r.sourceId === newContractor)).toMatchObject({ kind: "create", nameOf: "Vendor", dimensions: { class: { qboId: value(mobile), name: "Development:Mobile" } } });
    expect(first.summary.entitiesToCreate.filter((e) => e.entity === "Vendor")).toEqual([expect.objectContaining({ category: "user", name: NEW_VENDOR })]);
    expect((await w.run(first.importId)).status).toBe("completed");
    expect((await w.importRow(first.importId)).failedCount).toBe(0);

    const created = w.qbo.list(SANDBOX_REALM, "Vendor").find((v) => v["DisplayName"] === NEW_VENDOR);
    expect(created, "the new vendor exists in QBO").toBeDefined();
    expect(w.qbo.list(SANDBOX_REALM, "Employee").some((e) => e["DisplayName"] === NEW_VENDOR)).toBe(false);
    const [vendorItem] = await w.db.select().from(importItems).where(eq(importItems.importId, first.importId)).then((items) => items.filter((i) => i.entity === "Vendor"));
    expect(vendorItem).toMatchObject({ status: "created", qboId: String(created!["Id"]) });

    // Every activity in QBO: the worker, class and department its sources call for, and exactly the ledger's content.
    const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
    const byId = new Map((w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[]).map((a) => [a.Id, a]));
    expect(byId.size).toBe(rows.length);
    let vendorActivities = 0;
    for (const row of rows) {
      const ta = byId.get(row.qboId)!;
      const sources = row.sources as ActivitySources;
      const [userId] = sources.userIds;
      const projectId = sources.projectIds[0];
      expect(qboActivityMatches(ta, row.written as WrittenActivity), row.sourceKey).toBe(true);
      if (userId === contractor || userId === newContractor) {
        vendorActivities += 1;
        expect(ta.NameOf).toBe("Vendor");
        expect(ta.EmployeeRef).toBeUndefined();
        expect(ta.VendorRef?.value).toBe(userId === contractor ? jane : String(created!["Id"]));
      } else {
        expect(ta.NameOf).toBe("Employee");
        expect(ta.VendorRef).toBeUndefined();
      }
      const wantClass = projectId !== undefined ? (projectId === firstProject ? mobile : consulting) : userId === newContractor ? mobile : undefined;
      expect(ta.ClassRef?.value, `class of ${row.sourceKey}`).toBe(wantClass && value(wantClass));
      const wantDepartment = projectId === firstProject ? remote : userId === contractor ? boston : undefined;
      expect(ta.DepartmentRef?.value, `department of ${row.sourceKey}`).toBe(wantDepartment && value(wantDepartment));
    }
    expect(vendorActivities).toBeGreaterThan(0);
    expect(rows.some((r) => (r.written as WrittenActivity).classRef === mobile && (r.sources as ActivitySources).projectIds.length === 0)).toBe(rows.some((r) => (r.sources as ActivitySources).userIds[0] === newContractor && (r.sources as ActivitySources).leaveTypeIds.length > 0));

    // The created vendor's rule is saved as Link to QB Vendor (never as an employee link), its class kept.
    const saved = (await listSavedRules(w.db, w.connection.id)).find((r) => r.category === "user" && r.sourceId === newContractor);
    expect(saved).toMatchObject({ kind: "link", targetQboId: String(created!["Id"]), nameOf: "Vendor", dimensions: { class: { qboId: value(mobile) } } });

    // The same rules again: nothing to write.
    const again = await w.preview(MARCH, { override, targets });
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    await w.run(again.importId);
    expect(w.qbo.list(SANDBOX_REALM, "Vendor").filter((v) => v["DisplayName"] === NEW_VENDOR)).toHaveLength(1);

    // The first project's class changes. In combined mode the class is part of what an activity stands
    // for (like its customer): exactly that project's activities are replaced, nothing else is touched.
    // (A same-key change of worker, class or department is an update: tests/import/vendor-dimensions.test.ts.)
    const firstProjectRows = rows.filter((r) => (r.sources as ActivitySources).projectIds.includes(firstProject));
    expect(firstProjectRows.length).toBeGreaterThan(0);
    projectClass = consulting;
    const changed = await w.preview(MARCH, { override, targets });
    expect(changed.summary.counts).toMatchObject({ update: 0, delete: firstProjectRows.length });
    expect(changed.summary.counts.create).toBeGreaterThan(0);
    await w.run(changed.importId);
    for (const row of firstProjectRows) expect(w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId)).toBeUndefined();
    const after = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
    for (const row of after.filter((r) => (r.sources as ActivitySources).projectIds.includes(firstProject))) {
      expect((w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity).ClassRef?.value).toBe(value(consulting));
    }
  });

  it("separate mode: a changed class or a user moved from employee to vendor updates the same QBO activities in place", async () => {
    const w = await createWorld();
    worlds.push(w);
    w.qbo.updateSettings(SANDBOX_REALM, { classTracking: true });
    const jane = idOf(w, "Vendor", "Jane Contractor");
    const [consulting, development] = [idOf(w, "Class", "Consulting"), idOf(w, "Class", "Development")].map((id) => qboRef(id)) as [QboTargetRef, QboTargetRef];
    const SEPARATE = { importTaskNames: true, importComments: false };
    let klass = consulting;
    let contractor: number | null = null;
    const targets = (fromRules: ResolvedTargets): ResolvedTargets => {
      const users = new Map<number, Target>(fromRules.users);
      if (contractor !== null) users.set(contractor, { kind: "qbo", ref: qboRef(jane), name: "Jane Contractor", nameOf: "Vendor" });
      return { ...fromRules, users, classes: { projects: new Map([...fromRules.projects.keys()].map((p) => [p, klass])) } };
    };
    await w.run((await w.preview(MARCH, { settings: SEPARATE, targets })).importId);
    const before = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
    const withProject = before.filter((r) => (r.sources as ActivitySources).projectIds.length > 0);
    contractor = (before[0]!.sources as ActivitySources).userIds[0]!;
    const contractorRows = before.filter((r) => (r.sources as ActivitySources).userIds[0] === contractor);
    klass = development;

    const changed = await w.preview(MARCH, { settings: SEPARATE, targets });
    expect(changed.summary.counts).toMatchObject({ create: 0, delete: 0, update: new Set([...withProject, ...contractorRows]).size });
    await w.run(changed.importId);
    for (const row of withProject) {
      const ta = w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity;
      expect(ta.ClassRef?.value).toBe(development.slice("qbo:".length));
    }
    for (const row of contractorRows) {
      const ta = w.qbo.get(SANDBOX_REALM, "TimeActivity", row.qboId) as unknown as QboTimeActivity;
      expect(ta).toMatchObject({ NameOf: "Vendor", VendorRef: { value: jane } });
      expect(ta.EmployeeRef).toBeUndefined();
    }
    const third = await w.preview(MARCH, { settings: SEPARATE, targets });
    expect(third.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
  });
});
