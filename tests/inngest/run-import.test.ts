// The durable driver: slices as Inngest steps until done (a bounded number of steps, never one per
// record), one run per company, cancelled by an interrupt of its own import, and an *Error* ending
// with a readable message when its retries run out; plus the function that finishes an interrupt.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { importItems, imports } from "@/db/schema";
import { importInterruptRequested, importRunRequested } from "@/inngest/events";
import { createFinishInterruptFunction, finishInterruptedImport } from "@/inngest/functions/finish-interrupt";
import { functions } from "@/inngest/functions";
import { createRunImportFunction, inngestRunnerId, RUN_IMPORT_FUNCTION_ID } from "@/inngest/functions/run-import";
import { IMPORT_HEARTBEAT_STALE_MS, IMPORT_MAX_SLICES } from "@/lib/import/runner";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { fakeEngine, importRow, realEngineDeps, seedImport } from "./fixtures";

// A run's slice budget, small here so the give-up path runs in a moment (the real one is 900; Inngest allows 1,000 steps per run).
vi.mock("@/lib/import/runner", async (importOriginal) => ({ ...(await importOriginal<typeof import("@/lib/import/runner")>()), IMPORT_MAX_SLICES: 6 }));

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.dispose();
});

function runEvent(imp: { id: string; connectionId: string }) {
  return { name: "import/run.requested", data: { importId: imp.id, connectionId: imp.connectionId } };
}

function stepIds(calls: unknown[][]): string[] {
  return calls.map((call) => String(call[0]));
}

describe("run-import", () => {
  it("runs the import as one step per slice until a slice says done, then returns how it ended", async () => {
    const imp = await seedImport(t.db);
    const engine = fakeEngine(t.db, { slicesUntilDone: 3 });
    const fn = createRunImportFunction(engine.deps);
    const { result, ctx } = await new InngestTestEngine({ function: fn }).execute({ events: [runEvent(imp)] });

    expect(result).toEqual({ done: true, status: "completed" });
    expect(stepIds(ctx.step.run.mock.calls)).toEqual(["claim", "slice-1", "slice-2", "slice-3"]);
    // Memoized steps are not run again when Inngest replays the function.
    expect(engine.slices()).toBe(3);
    const row = await importRow(t.db, imp.id);
    expect(row.status).toBe("completed");
    expect(row.progressDone).toBe(3);
  });

  it("gives up an import that never finishes after its slice budget of steps, as an Error saying so", async () => {
    const imp = await seedImport(t.db);
    const engine = fakeEngine(t.db, { slicesUntilDone: Number.POSITIVE_INFINITY });
    const { result, ctx } = await new InngestTestEngine({ function: createRunImportFunction(engine.deps) }).execute({ events: [runEvent(imp)] });
    const steps = [...new Set(stepIds(ctx.step.run.mock.calls))];

    expect(result).toEqual({ done: true, status: "error" });
    expect(engine.slices()).toBe(IMPORT_MAX_SLICES);
    expect(steps).toEqual(["claim", ...Array.from({ length: IMPORT_MAX_SLICES }, (_, i) => `slice-${i + 1}`), "give-up"]);
    const row = await importRow(t.db, imp.id);
    expect(row.status).toBe("error");
    expect(row.errorMessage).toContain(`did not finish within ${IMPORT_MAX_SLICES} rounds of work`);
  });

  it("writes the Inngest run as the import's runner", async () => {
    const imp = await seedImport(t.db, { runnerId: null });
    let runnerSeen: string | null = null;
    const engine = fakeEngine(t.db, {
      slicesUntilDone: 1,
      beforeSlice: async () => {
        runnerSeen = (await importRow(t.db, imp.id)).runnerId;
      },
    });
    await new InngestTestEngine({ function: createRunImportFunction(engine.deps) }).execute({ events: [runEvent(imp)] });
    // The test engine gives every replay its own run id, so only the shape can be compared here.
    expect(runnerSeen).toMatch(new RegExp(`^${inngestRunnerId("")}\\w+$`));
  });

  it("is one run per company and cancelled by an interrupt of the same import only: its keys read the events the app sends", () => {
    const fn = createRunImportFunction(fakeEngine(t.db, { slicesUntilDone: 1 }).deps);
    // The expressions Inngest evaluates, evaluated here on the events the app creates (lib/import/runner sends these).
    const at = (path: string, scope: Record<string, unknown>): unknown => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], scope);
    const run = (importId: string, connectionId: string) => importRunRequested.create({ importId, connectionId });
    const singletonKey = (event: ReturnType<typeof run>) => at(fn.opts.singleton!.key!, { event });
    expect(singletonKey(run("i-1", "c-1"))).toBe("c-1");
    expect(singletonKey(run("i-2", "c-1"))).toBe(singletonKey(run("i-1", "c-1")));
    expect(singletonKey(run("i-3", "c-2"))).not.toBe(singletonKey(run("i-1", "c-1")));
    expect(fn.opts.singleton!.mode).toBe("skip");

    const [cancel] = fn.opts.cancelOn ?? [];
    expect(cancel?.event).toMatchObject({ name: importInterruptRequested.create({ importId: "i-1", connectionId: "c-1" }).name });
    const cancels = (runEvent: ReturnType<typeof run>, interrupt: { data: unknown }) => {
      const [left, right] = cancel!.if!.split(" == ") as [string, string];
      return at(left, { async: interrupt, event: runEvent }) === at(right, { async: interrupt, event: runEvent });
    };
    expect(cancels(run("i-1", "c-1"), importInterruptRequested.create({ importId: "i-1", connectionId: "c-1" }))).toBe(true);
    expect(cancels(run("i-1", "c-1"), importInterruptRequested.create({ importId: "i-2", connectionId: "c-1" }))).toBe(false);
  });

  it("when its retries run out, ends the import as Error with a readable message", async () => {
    const imp = await seedImport(t.db);
    const fn = createRunImportFunction(fakeEngine(t.db, { slicesUntilDone: 1 }).deps);
    const onFailure = fn.opts.onFailure;
    expect(onFailure).toBeTypeOf("function");
    // @inngest/test does not run onFailure handlers; call it with the failure event Inngest sends.
    type FailureCtx = Parameters<NonNullable<typeof onFailure>>[0];
    const failureCtx = {
      // What Inngest hands over: a copy of the thrown QboFault (name and fields kept, class lost).
      error: Object.assign(new Error("QuickBooks did not answer within 30 s"), { name: "QboFault", kind: "timeout" }),
      event: {
        name: "inngest/function.failed",
        data: { function_id: RUN_IMPORT_FUNCTION_ID, run_id: "01TESTRUN", error: { name: "Error", message: "QuickBooks did not answer within 30 s" }, event: runEvent(imp) },
      },
    } as unknown as FailureCtx;
    await onFailure!(failureCtx);

    const row = await importRow(t.db, imp.id);
    expect(row.status).toBe("error");
    expect(row.errorMessage).toContain("(code qbo_timeout): QuickBooks did not answer within 30 s");
    expect(row.errorMessage).toMatch(/Run the same import again/);
    expect(row.finishedAt).not.toBeNull();
    expect(row.runnerId).toBeNull();
  });

  it("a slice that keeps failing fails the run (so Inngest retries it, then onFailure ends the import)", async () => {
    const imp = await seedImport(t.db);
    const engine = fakeEngine(t.db, { slicesUntilDone: 1, fail: new Error("database went away") });
    const { error } = await new InngestTestEngine({ function: createRunImportFunction(engine.deps) }).execute({ events: [runEvent(imp)] });
    expect(error).toMatchObject({ message: "database went away" });
  });

  it("is served by app/api/inngest together with the interrupt finisher", () => {
    expect(functions.map((fn) => fn.id())).toEqual(["run-import", "finish-interrupted-import", "scheduled-imports", "scheduled-import-run"]);
  });
});

describe("finish-interrupted-import", () => {
  it("finishes an interrupted import whose run is no longer active: pending items cancelled, status interrupted", async () => {
    const longAgo = new Date(Date.now() - IMPORT_HEARTBEAT_STALE_MS - 60_000);
    const imp = await seedImport(t.db, { status: "interrupting", heartbeatAt: longAgo, runnerId: "inngest:01OLDRUN" });
    await t.db.insert(importItems).values({ importId: imp.id, seq: 1, entity: "TimeActivity", operation: "create", sourceKey: "k1", status: "pending" });
    const fn = createFinishInterruptFunction(realEngineDeps(t.db));
    const { result, ctx } = await new InngestTestEngine({ function: fn }).execute({
      events: [{ name: "import/interrupt.requested", data: { importId: imp.id, connectionId: imp.connectionId } }],
    });
    expect(result).toEqual({ done: true, status: "interrupted" });
    expect(stepIds(ctx.step.run.mock.calls)).toEqual(["check-1"]);
    const row = await importRow(t.db, imp.id);
    expect(row.status).toBe("interrupted");
    const [item] = await t.db.select().from(importItems).where(eq(importItems.importId, imp.id));
    expect(item?.status).toBe("cancelled");
  });

  it("waits while the cancelled run's last slice may still be sending, and finishes as soon as nothing is out", async () => {
    const now = new Date();
    const justNow = new Date(now.getTime() - 5_000);
    const imp = await seedImport(t.db, { status: "interrupting", heartbeatAt: justNow });
    const deps = realEngineDeps(t.db);

    // A request is still out (an item `sending`) and its run is alive: wait.
    await t.db.insert(importItems).values({ importId: imp.id, seq: 1, entity: "TimeActivity", operation: "create", sourceKey: "k1", status: "sending", sentAt: justNow });
    expect(await finishInterruptedImport(deps, imp.id, { force: false, now })).toEqual({ done: false, status: "interrupting" });
    expect(await finishInterruptedImport(deps, imp.id, { force: false, now: new Date(now.getTime() + 20_000) })).toEqual({ done: false, status: "interrupting" });
    expect((await importRow(t.db, imp.id)).status).toBe("interrupting");

    // The request answered and was committed: it finishes at the next check (no claim can succeed once interrupting).
    await t.db.update(importItems).set({ status: "created", qboId: "1" }).where(eq(importItems.importId, imp.id));
    expect(await finishInterruptedImport(deps, imp.id, { force: false, now })).toEqual({ done: true, status: "interrupted" });
  });

  it("does nothing to an import the run already finished", async () => {
    const imp = await seedImport(t.db, { status: "interrupting" });
    await t.db.update(imports).set({ status: "interrupted", finishedAt: new Date() }).where(eq(imports.id, imp.id));
    expect(await finishInterruptedImport(realEngineDeps(t.db), imp.id, { force: false })).toEqual({ done: true, status: "interrupted" });
  });
});
