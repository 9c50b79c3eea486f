// Rules that apply from a date, end to end against the emulators (issue 19 §2): import March, change a
// project's rule in Settings from 15 March, re-import March → only the activities from 15 March move
// to the new customer; then "all dates" → every activity moves.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { imports, ledger } from "@/db/schema";
import { findRule, listHistory, listRulePeriods } from "@/db/queries/mappings";
import type { DatedSnapshot } from "@/lib/import/prepare";
import { readSource } from "@/lib/import/source";
import type { QboTargetRef, WrittenActivity } from "@/lib/import/types";
import type { RuleForEntity } from "@/lib/mapping/rules";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { applyRuleEdit } from "@/lib/mapping/edit";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const BOUNDARY = "2025-03-15";
const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

async function ledgerRows(w: World) {
  const rows = await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id));
  return rows.map((r) => ({ qboId: r.qboId, key: r.sourceKey, txnDate: r.txnDate, written: r.written as WrittenActivity, projectIds: (r.sources as { projectIds: number[] }).projectIds }));
}

/** A project with activities on both sides of the boundary. */
function projectAcrossBoundary(rows: Awaited<ReturnType<typeof ledgerRows>>): number {
  return [...new Set(rows.flatMap((r) => r.projectIds))].find(
    (id) => rows.some((r) => r.projectIds.includes(id) && r.txnDate < BOUNDARY) && rows.some((r) => r.projectIds.includes(id) && r.txnDate >= BOUNDARY),
  )!;
}

describe("a project's rule from 15 March", () => {
  it("re-importing March moves only the activities from that date; all dates then moves the rest", async () => {
    const w = await createWorld();
    worlds.push(w);
    await w.run((await w.preview(MARCH)).importId);

    // A project with activities on both sides of the boundary, and a customer it is not linked to.
    const first = await ledgerRows(w);
    const projectId = projectAcrossBoundary(first);
    expect(projectId).toBeDefined();
    const rule = (await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!;
    const oldRef = `qbo:${rule.targetQboId}`;
    const customers = w.qbo.list(SANDBOX_REALM, "Customer") as { Id: string; Active?: boolean; Job?: boolean }[];
    const newCustomer = customers.find((c) => c.Id !== rule.targetQboId && c.Active !== false && !c.Job)!;
    const newRef = `qbo:${newCustomer.Id}`;
    const ofProject = (rows: Awaited<ReturnType<typeof ledgerRows>>) => rows.filter((r) => r.projectIds.includes(projectId));

    const session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const loadDirectory = () => fetchQboDirectory(w.client, w.connection.payrollEnabled === true);
    const edit = (values: Record<string, string>) => applyRuleEdit(w.db, session, { connectionId: w.connection.id, ruleId: rule.id, kind: "link", targetQboId: newCustomer.Id, ...values }, loadDirectory);
    expect(await edit({ applyFrom: "date", applyFromDate: BOUNDARY })).toMatchObject({ ok: true, changed: true });

    const dated = await w.preview(MARCH);
    // The snapshot records both periods in force in March; the Preview says what moves.
    const snapshot = (await w.importRow(dated.importId)).mappingSnapshot as DatedSnapshot;
    expect(snapshot.rules!.find((r) => r.category === "project" && r.sourceId === projectId)).toMatchObject({ targetQboId: newCustomer.Id, validFrom: BOUNDARY });
    expect(snapshot.periods).toEqual([expect.objectContaining({ category: "project", sourceId: projectId, targetQboId: rule.targetQboId, validFrom: null })]);
    const effect = dated.summary.datedRules?.find((d) => d.category === "project" && d.sourceId === projectId);
    const source = await readSource(w.actitimeClient, { ...MARCH, userIds: null, projectIds: null, leaveTypeIds: null });
    const recordsFrom = source.timeTrack.filter((r) => r.date >= BOUNDARY && source.tasks.find((t) => t.id === r.taskId)?.projectId === projectId);
    expect(effect).toMatchObject({ from: BOUNDARY, records: recordsFrom.length });
    expect(dated.summary.counts.create).toBeGreaterThan(0);
    await w.run(dated.importId);

    const second = ofProject(await ledgerRows(w));
    const before = ofProject(first).filter((r) => r.txnDate < BOUNDARY);
    // Earlier activities unchanged: same QBO activities, same customer.
    expect(second.filter((r) => r.txnDate < BOUNDARY).map((r) => [r.qboId, r.written.customerRef]).sort()).toEqual(before.map((r) => [r.qboId, oldRef]).sort());
    // From the boundary on: the new customer.
    const fromBoundary = second.filter((r) => r.txnDate >= BOUNDARY);
    expect(fromBoundary.length).toBeGreaterThan(0);
    expect(new Set(fromBoundary.map((r) => r.written.customerRef))).toEqual(new Set([newRef]));
    const qboNow = w.qbo.list(SANDBOX_REALM, "TimeActivity") as { Id: string; CustomerRef?: { value: string } }[];
    for (const row of fromBoundary) expect(qboNow.find((a) => a.Id === row.qboId)?.CustomerRef?.value).toBe(newCustomer.Id);

    // A re-import with nothing changed writes nothing: the dated rule is stable.
    const again = await w.preview(MARCH);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });

    // All dates: the earlier activities move too.
    expect(await edit({ applyFrom: "all" })).toMatchObject({ ok: true, changed: true });
    const all = await w.preview(MARCH);
    expect(((await w.importRow(all.importId)).mappingSnapshot as DatedSnapshot).periods).toBeUndefined();
    expect(all.summary.datedRules).toBeUndefined();
    await w.run(all.importId);
    const third = ofProject(await ledgerRows(w));
    expect(third.length).toBeGreaterThan(0);
    expect(new Set(third.map((r) => r.written.customerRef))).toEqual(new Set([newRef]));
    // The completed imports kept the rule as Settings left it.
    const saved = (await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!;
    expect(saved).toMatchObject({ targetQboId: newCustomer.Id, validFrom: null });
  });

  it("completing an import keeps the rule's periods, and a range after the date records no earlier period", async () => {
    const w = await createWorld();
    worlds.push(w);
    await w.run((await w.preview(MARCH)).importId);
    const [row] = await w.db.select().from(ledger).where(and(eq(ledger.connectionId, w.connection.id)));
    const projectId = (row!.sources as { projectIds: number[] }).projectIds[0]!;
    const rule = (await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!;
    const customers = w.qbo.list(SANDBOX_REALM, "Customer") as { Id: string; Active?: boolean; Job?: boolean }[];
    const other = customers.find((c) => c.Id !== rule.targetQboId && c.Active !== false && !c.Job)!;
    const session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const loadDirectory = () => fetchQboDirectory(w.client, false);
    expect(await applyRuleEdit(w.db, session, { connectionId: w.connection.id, ruleId: rule.id, kind: "link", targetQboId: other.Id, applyFrom: "date", applyFromDate: BOUNDARY }, loadDirectory)).toMatchObject({ ok: true });

    const april = await w.preview({ dateFrom: "2025-04-01", dateTo: "2025-04-30" });
    const snapshot = (await w.importRow(april.importId)).mappingSnapshot as DatedSnapshot;
    expect(snapshot.periods).toBeUndefined();
    await w.run(april.importId);
    const march = await w.preview(MARCH);
    await w.run(march.importId);
    // Completion saved the snapshot's rules without collapsing the periods.
    expect(await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId })).toMatchObject({ targetQboId: other.Id, validFrom: BOUNDARY });
    const marchSnapshot = (await w.importRow(march.importId)).mappingSnapshot as DatedSnapshot;
    expect(marchSnapshot.periods?.map((p) => [p.sourceId, p.targetQboId, p.validFrom])).toEqual([[projectId, rule.targetQboId, null]]);
  });
});

describe("a project's Class and Location from 15 March (issue 19 §2 with §4)", () => {
  it("re-importing March writes the earlier Class / Location before the date and the new ones from it", { timeout: 120_000 }, async () => {
    const w = await createWorld();
    worlds.push(w);
    w.qbo.updateSettings(SANDBOX_REALM, { classTracking: true, trackDepartments: true });
    const idOf = (kind: "Class" | "Department", name: string) => String(w.qbo.list(SANDBOX_REALM, kind).find((r) => r["Name"] === name)!["Id"]);
    const [consulting, mobile, boston, remote] = [idOf("Class", "Consulting"), idOf("Class", "Mobile"), idOf("Department", "Boston"), idOf("Department", "Remote")];
    // Every project: class Consulting, location Boston (through the Map step).
    const override = (rules: RuleForEntity[]) => rules.map((r): RuleForEntity => (r.category === "project" ? { ...r, rule: { ...r.rule, dimensions: { class: { qboId: consulting, name: "" }, location: { qboId: boston, name: "" } } } } : r));
    await w.run((await w.preview(MARCH, { override })).importId);

    const first = await ledgerRows(w);
    const projectId = projectAcrossBoundary(first);
    const rule = (await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!;
    expect(rule.dimensions).toMatchObject({ class: { qboId: consulting }, location: { qboId: boston } });

    // Same customer, class Mobile and location Remote from 15 March.
    const session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const loadDirectory = () => fetchQboDirectory(w.client, w.connection.payrollEnabled === true);
    const edit = { connectionId: w.connection.id, ruleId: rule.id, kind: "link", targetQboId: rule.targetQboId!, classQboId: mobile, locationQboId: remote, applyFrom: "date", applyFromDate: BOUNDARY };
    expect(await applyRuleEdit(w.db, session, edit, loadDirectory)).toMatchObject({ ok: true, changed: true });

    const dated = await w.preview(MARCH);
    const snapshot = (await w.importRow(dated.importId)).mappingSnapshot as DatedSnapshot;
    expect(snapshot.periods).toEqual([expect.objectContaining({ category: "project", sourceId: projectId, dimensions: expect.objectContaining({ class: expect.objectContaining({ qboId: consulting }) }) })]);
    expect((await w.run(dated.importId)).status).toBe("completed");

    const ref = (id: string) => `qbo:${id}` as QboTargetRef;
    const rows = (await ledgerRows(w)).filter((r) => r.projectIds.includes(projectId));
    const qboById = new Map((w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[]).map((a) => [a.Id, a]));
    expect(rows.some((r) => r.txnDate < BOUNDARY) && rows.some((r) => r.txnDate >= BOUNDARY)).toBe(true);
    for (const row of rows) {
      const [wantClass, wantLocation] = row.txnDate < BOUNDARY ? [consulting, boston] : [mobile, remote];
      expect([row.written.classRef, row.written.departmentRef], row.key).toEqual([ref(wantClass), ref(wantLocation)]);
      const ta = qboById.get(row.qboId)!;
      expect([ta.ClassRef?.value, ta.DepartmentRef?.value], row.key).toEqual([wantClass, wantLocation]);
    }
    // The earlier activities were not touched: same QBO activities as the first import.
    const before = first.filter((r) => r.projectIds.includes(projectId) && r.txnDate < BOUNDARY).map((r) => r.qboId).sort();
    expect(rows.filter((r) => r.txnDate < BOUNDARY).map((r) => r.qboId).sort()).toEqual(before);
    // Nothing changed since: a re-import writes nothing.
    expect((await w.preview(MARCH)).summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
  });
});

/** March imported with the suggestions; a project with time on both sides of 15 March, its rule, and another customer. */
async function imported() {
  const w = await createWorld();
  worlds.push(w);
  await w.run((await w.preview(MARCH)).importId);
  const first = await ledgerRows(w);
  const projectId = projectAcrossBoundary(first);
  const rule = (await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!;
  const customers = (w.qbo.list(SANDBOX_REALM, "Customer") as { Id: string; DisplayName: string; Active?: boolean; Job?: boolean }[]).filter((c) => c.Id !== rule.targetQboId && c.Active !== false && !c.Job);
  const relink = (customer: { Id: string; DisplayName: string }) => (rules: RuleForEntity[]) =>
    rules.map((r): RuleForEntity => (r.category === "project" && r.sourceId === projectId ? { ...r, rule: { kind: "link", targetQboId: customer.Id, targetName: customer.DisplayName } } : r));
  const periodsNow = async () => [...(await listRulePeriods(w.db, w.connection.id, [(await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!])).values()][0]!.map((p) => [p.validFrom, p.rule.targetQboId]);
  const customerOf = async () => (await ledgerRows(w)).filter((r) => r.projectIds.includes(projectId)).map((r) => [r.txnDate < BOUNDARY ? "before" : "from", r.written.customerRef] as const);
  return { w, projectId, rule, customers, relink, periodsNow, customerOf };
}

describe("an earlier period's Create new QB Customer (issue 19 §2)", () => {
  it("re-importing the dates before the change creates the customer once, links the period to it, and the next import creates nothing", { timeout: 120_000 }, async () => {
    const { w, projectId, rule, customers } = await imported();
    const other = customers[0]!;
    const session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const loadDirectory = () => fetchQboDirectory(w.client, w.connection.payrollEnabled === true);
    const edit = (values: Record<string, string>) => applyRuleEdit(w.db, session, { connectionId: w.connection.id, ruleId: rule.id, ...values }, loadDirectory);
    // "Create new QB Customer" for all dates, then "Link to QB Customer" from 15 March: the create is the earlier period.
    const NAME = "Dated Newco";
    expect(await edit({ kind: "create", name: NAME, applyFrom: "all" })).toMatchObject({ ok: true, changed: true });
    expect(await edit({ kind: "link", targetQboId: other.Id, applyFrom: "date", applyFromDate: BOUNDARY })).toMatchObject({ ok: true, changed: true });

    const dated = await w.preview(MARCH);
    // Not "needs mapping": the period's create is a rule.
    expect(dated.summary.unmapped.filter((u) => u.category === "project")).toEqual([]);
    expect(dated.summary.entitiesToCreate).toEqual([expect.objectContaining({ category: "project", name: NAME, entity: "Customer" })]);
    expect((await w.run(dated.importId)).status).toBe("completed");

    const created = (w.qbo.list(SANDBOX_REALM, "Customer") as { Id: string; DisplayName: string }[]).filter((c) => c.DisplayName === NAME);
    expect(created).toHaveLength(1);
    const rows = (await ledgerRows(w)).filter((r) => r.projectIds.includes(projectId));
    for (const row of rows) expect(row.written.customerRef, row.key).toBe(row.txnDate < BOUNDARY ? `qbo:${created[0]!.Id}` : `qbo:${other.Id}`);
    // The period is now a link to what was created; the current rule is untouched.
    const [periods] = [...(await listRulePeriods(w.db, w.connection.id, [(await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!])).values()];
    expect(periods!.map((p) => [p.validFrom, p.rule.kind, p.rule.targetQboId])).toEqual([
      [null, "link", created[0]!.Id],
      [BOUNDARY, "link", other.Id],
    ]);
    const history = await listHistory(w.db, w.connection.id, { ruleId: rule.id });
    expect(history[0]).toMatchObject({ importId: dated.importId, before: { kind: "create", validFrom: null }, after: { kind: "link", targetQboId: created[0]!.Id, validFrom: null } });

    // Re-importing March again: nothing to create, nothing to write.
    const again = await w.preview(MARCH);
    expect(again.summary.entitiesToCreate).toEqual([]);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
  });
});

describe("the Map step's Apply from (issue 19 §2)", () => {
  it("a changed saved rule from a date: the import uses the earlier rule before it, and completing it saves the period", { timeout: 120_000 }, async () => {
    const { w, projectId, rule, customers, relink, periodsNow, customerOf } = await imported();
    const other = customers[0]!;
    const dated = await w.preview(MARCH, { override: relink(other), form: { applyFrom: "date", applyFromDate: BOUNDARY } });
    const snapshot = (await w.importRow(dated.importId)).mappingSnapshot as DatedSnapshot & { applyFrom?: unknown };
    expect(snapshot.applyFrom).toEqual({ validFrom: BOUNDARY, keys: [`project:${projectId}`] });
    expect(snapshot.rules!.find((r) => r.category === "project" && r.sourceId === projectId)).toMatchObject({ targetQboId: other.Id, validFrom: BOUNDARY });
    expect(snapshot.periods).toEqual([expect.objectContaining({ category: "project", sourceId: projectId, targetQboId: rule.targetQboId, validFrom: null })]);
    expect(dated.summary.datedRules).toEqual([expect.objectContaining({ category: "project", sourceId: projectId, from: BOUNDARY })]);
    // Nothing is the company's before the import completes.
    expect(await periodsNow()).toEqual([[null, rule.targetQboId]]);
    expect((await w.run(dated.importId)).status).toBe("completed");
    expect(new Set((await customerOf()).map((c) => c.join(" ")))).toEqual(new Set([`before qbo:${rule.targetQboId}`, `from qbo:${other.Id}`]));
    expect(await periodsNow()).toEqual([
      [null, rule.targetQboId],
      [BOUNDARY, other.Id],
    ]);
    expect(await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId })).toMatchObject({ targetQboId: other.Id, validFrom: BOUNDARY });

    // The next import without a change keeps the periods (Apply from only applies to changed rules).
    const again = await w.preview(MARCH);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(((await w.importRow(again.importId)).mappingSnapshot as { applyFrom?: { keys: string[] } }).applyFrom?.keys).toEqual([]);
  });

  it("all dates (the default) replaces the rule for every date as before, a dated rule's earlier periods too", { timeout: 120_000 }, async () => {
    const { w, projectId, rule, customers, relink, periodsNow, customerOf } = await imported();
    // First a period from 15 March (through the Map step), then another customer for all dates.
    await w.run((await w.preview(MARCH, { override: relink(customers[0]!), form: { applyFrom: "date", applyFromDate: BOUNDARY } })).importId);
    expect(await periodsNow()).toEqual([
      [null, rule.targetQboId],
      [BOUNDARY, customers[0]!.Id],
    ]);
    const third = customers[1]!;
    const all = await w.preview(MARCH, { override: relink(third) });
    const snapshot = (await w.importRow(all.importId)).mappingSnapshot as DatedSnapshot & { applyFrom?: unknown };
    expect(snapshot.applyFrom).toEqual({ validFrom: null, keys: [`project:${projectId}`] });
    expect(snapshot.periods).toBeUndefined();
    expect(snapshot.rules!.find((r) => r.category === "project" && r.sourceId === projectId)!.validFrom).toBeUndefined();
    expect((await w.run(all.importId)).status).toBe("completed");
    expect(new Set((await customerOf()).map((c) => c[1]))).toEqual(new Set([`qbo:${third.Id}`]));
    expect(await periodsNow()).toEqual([[null, third.Id]]);
  });

  it("a saved Create new QB Customer changed from a date in the Map step: the dates before it create the customer once, and it stays their link", { timeout: 120_000 }, async () => {
    const { w, projectId, rule, customers, relink, periodsNow } = await imported();
    const session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const loadDirectory = () => fetchQboDirectory(w.client, w.connection.payrollEnabled === true);
    const NAME = "Map Step Newco";
    expect(await applyRuleEdit(w.db, session, { connectionId: w.connection.id, ruleId: rule.id, kind: "create", name: NAME, applyFrom: "all" }, loadDirectory)).toMatchObject({ ok: true, changed: true });
    const other = customers[0]!;
    const dated = await w.preview(MARCH, { override: relink(other), form: { applyFrom: "date", applyFromDate: BOUNDARY } });
    expect(dated.summary.entitiesToCreate).toEqual([expect.objectContaining({ category: "project", name: NAME })]);
    expect((await w.run(dated.importId)).status).toBe("completed");
    const created = (w.qbo.list(SANDBOX_REALM, "Customer") as { Id: string; DisplayName: string }[]).filter((c) => c.DisplayName === NAME);
    expect(created).toHaveLength(1);
    expect(await periodsNow()).toEqual([
      [null, created[0]!.Id],
      [BOUNDARY, other.Id],
    ]);
    const [first] = [...(await listRulePeriods(w.db, w.connection.id, [(await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!])).values()];
    expect(first![0]!.rule.kind).toBe("link");
    const again = await w.preview(MARCH);
    expect(again.summary.entitiesToCreate).toEqual([]);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
  });

  it("From a date without a real date refuses the step and keeps the rules on the draft", { timeout: 60_000 }, async () => {
    const { w, projectId, customers, relink } = await imported();
    await expect(w.preview(MARCH, { override: relink(customers[0]!), form: { applyFrom: "date", applyFromDate: "2025-02-30" } })).rejects.toThrow(/"reason":"apply_from".*real date/);
    const [draft] = await w.db.select().from(imports).where(and(eq(imports.connectionId, w.connection.id), eq(imports.status, "draft")));
    expect(draft).toMatchObject({ step: "map" });
    const kept = (draft!.mappingSnapshot as DatedSnapshot & { applyFrom?: unknown }).rules!.find((r) => r.category === "project" && r.sourceId === projectId);
    expect(kept).toMatchObject({ targetQboId: customers[0]!.Id });
    expect((draft!.mappingSnapshot as { applyFrom?: unknown }).applyFrom).toBeUndefined();
  });
});
