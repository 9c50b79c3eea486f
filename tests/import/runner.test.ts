// The in-process driver and start-up recovery: an inline run loops slices until done, runs once per
// process, and an import a dead process left active is picked up, while one a live runner holds is not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toInngestEvent } from "@/inngest/deps";
import { eq } from "drizzle-orm";
import { importItems, imports } from "@/db/schema";
import { recoverImportsOnStart } from "@/lib/import/recovery";
import {
  IMPORT_HEARTBEAT_STALE_MS,
  isRunningInline,
  PROCESS_RUNNER_ID,
  requestImportRun,
  requestImportInterrupt,
  runImportInline,
  type ImportDriverDeps,
} from "@/lib/import/runner";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { deferred, fakeEngine, importRow, realEngineDeps, seedImport } from "@/tests/inngest/fixtures";

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.dispose();
});

const staleHeartbeat = () => new Date(Date.now() - IMPORT_HEARTBEAT_STALE_MS - 60_000);

describe("inline run", () => {
  it("loops slices until one says done, as this process's runner", async () => {
    const imp = await seedImport(t.db, { runnerId: null });
    const runners: (string | null)[] = [];
    const engine = fakeEngine(t.db, { slicesUntilDone: 4, beforeSlice: async () => void runners.push((await importRow(t.db, imp.id)).runnerId) });

    expect(await runImportInline(imp.id, engine.deps)).toEqual({ done: true, status: "completed" });
    expect(engine.slices()).toBe(4);
    expect(new Set(runners)).toEqual(new Set([PROCESS_RUNNER_ID]));
    expect((await importRow(t.db, imp.id)).status).toBe("completed");
    expect(isRunningInline(imp.id)).toBe(false);
  });

  it("a second request for the same import in this process joins the running loop instead of starting another", async () => {
    const imp = await seedImport(t.db, { runnerId: null });
    const gate = deferred();
    const engine = fakeEngine(t.db, { slicesUntilDone: 2, beforeSlice: () => gate.promise });
    const data = { importId: imp.id, connectionId: imp.connectionId };

    await requestImportRun(data, engine.deps);
    await requestImportRun(data, engine.deps);
    const joined = runImportInline(imp.id, engine.deps);
    expect(isRunningInline(imp.id)).toBe(true);
    gate.resolve();

    expect(await joined).toEqual({ done: true, status: "completed" });
    expect(engine.executors()).toBe(1);
    expect(engine.slices()).toBe(2);
  });

  it("ends the import as Error with the reason when a slice throws unexpectedly", async () => {
    const imp = await seedImport(t.db, { runnerId: null });
    const engine = fakeEngine(t.db, { slicesUntilDone: 1, fail: new Error("relation \"import_items\" is locked") });
    expect(await runImportInline(imp.id, engine.deps)).toEqual({ done: true, status: "error" });
    const row = await importRow(t.db, imp.id);
    expect(row.status).toBe("error");
    // A code and a safe sentence, not the driver's text (issue 13 §7).
    expect(row.errorMessage).toContain("(code internal)");
    expect(row.errorMessage).not.toContain("import_items");
    expect(row.runnerId).toBeNull();
  });

  it("does not run an import another live process holds", async () => {
    const imp = await seedImport(t.db, { runnerId: "other-host:4242:beef", heartbeatAt: new Date() });
    const engine = fakeEngine(t.db, { slicesUntilDone: 1 });
    expect(await runImportInline(imp.id, engine.deps)).toEqual({ done: false, status: "running" });
    expect(engine.slices()).toBe(0);
    expect((await importRow(t.db, imp.id)).runnerId).toBe("other-host:4242:beef");
  });

  it("an interrupt with no loop running here starts one, and the real engine ends the import as interrupted", async () => {
    const imp = await seedImport(t.db, { status: "interrupting", runnerId: null });
    await t.db.insert(importItems).values({ importId: imp.id, seq: 1, entity: "TimeActivity", operation: "create", sourceKey: "k1", status: "pending" });
    const deps = realEngineDeps(t.db);

    await requestImportInterrupt({ importId: imp.id, connectionId: imp.connectionId }, deps);
    expect(await runImportInline(imp.id, deps)).toEqual({ done: true, status: "interrupted" });
    const [item] = await t.db.select().from(importItems).where(eq(importItems.importId, imp.id));
    expect(item?.status).toBe("cancelled");
  });
});

describe("recovery on start", () => {
  it("resumes an import a dead process left running (stale heartbeat) and runs it to completion here", async () => {
    const imp = await seedImport(t.db, { runnerId: "dead-host:1:cafe", heartbeatAt: staleHeartbeat() });
    const engine = fakeEngine(t.db, { slicesUntilDone: 2 });

    const report = await recoverImportsOnStart(engine.deps, { sweep: false });
    expect(report.resumed).toContain(imp.id);
    expect(await runImportInline(imp.id, engine.deps)).toEqual({ done: true, status: "completed" });
    expect(engine.executors()).toBe(1); // the test's call joined the resumed run
    expect(engine.slices()).toBe(2);
    expect((await importRow(t.db, imp.id)).status).toBe("completed");
  });

  it("leaves alone an import whose runner in another process is alive (fresh heartbeat)", async () => {
    const imp = await seedImport(t.db, { runnerId: "live-host:7:f00d", heartbeatAt: new Date() });
    const engine = fakeEngine(t.db, { slicesUntilDone: 1 });

    const report = await recoverImportsOnStart(engine.deps, { sweep: false });
    expect(report.leftAlone).toContain(imp.id);
    expect(report.resumed).not.toContain(imp.id);
    expect(isRunningInline(imp.id)).toBe(false);
    expect(engine.slices()).toBe(0);
    const row = await importRow(t.db, imp.id);
    expect(row.status).toBe("running");
    expect(row.runnerId).toBe("live-host:7:f00d");
  });

  it("with Inngest on, re-requests the run (or the interrupt) of stale imports instead of running them here", async () => {
    const running = await seedImport(t.db, { heartbeatAt: staleHeartbeat() });
    const interrupting = await seedImport(t.db, { status: "interrupting", heartbeatAt: staleHeartbeat() });
    const alive = await seedImport(t.db, { heartbeatAt: new Date() });
    const sent: { name: string; data: unknown }[] = [];
    const engine = fakeEngine(t.db, { slicesUntilDone: 1 });
    const deps: ImportDriverDeps = {
      ...engine.deps,
      inngestEnabled: true,
      sendEvent: async (event) => void sent.push({ name: event.name, data: event.data }),
    };

    const report = await recoverImportsOnStart(deps, { sweep: false });
    expect(sent).toContainEqual({ name: "import/run.requested", data: { importId: running.id, connectionId: running.connectionId } });
    expect(sent).toContainEqual({ name: "import/interrupt.requested", data: { importId: interrupting.id, connectionId: interrupting.connectionId } });
    expect(sent.map((e) => (e.data as { importId: string }).importId)).not.toContain(alive.id);
    expect(report.requested).toEqual(expect.arrayContaining([running.id, interrupting.id]));
    expect(engine.slices()).toBe(0);
  });

  it("requestImportRun with Inngest on sends a valid run event and runs nothing here", async () => {
    const imp = await seedImport(t.db);
    const engine = fakeEngine(t.db, { slicesUntilDone: 1 });
    const sent: { name: string; validate: () => Promise<void> }[] = [];
    await requestImportRun({ importId: imp.id, connectionId: imp.connectionId }, { ...engine.deps, inngestEnabled: true, sendEvent: async (e) => void sent.push(toInngestEvent(e)) });
    expect(sent.map((e) => e.name)).toEqual(["import/run.requested"]);
    await expect(sent[0]!.validate()).resolves.toBeUndefined();
    expect(isRunningInline(imp.id)).toBe(false);
  });
});

it("a finished import is not touched again", async () => {
  const imp = await seedImport(t.db);
  await t.db.update(imports).set({ status: "completed", finishedAt: new Date() }).where(eq(imports.id, imp.id));
  const engine = fakeEngine(t.db, { slicesUntilDone: 1 });
  expect(await runImportInline(imp.id, engine.deps)).toEqual({ done: true, status: "completed" });
  expect(engine.slices()).toBe(0);
});
