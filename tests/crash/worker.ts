// The app's import machinery as a real process, for tests/crash/kill.test.ts, which SIGKILLs it and
// starts it again. It opens the database the app would (DATABASE_URL, else PGlite under DATA_DIR),
// talks to the QBO emulator the test serves over HTTP (QBO_API_BASE_URL, INTUIT_TOKEN_URL), and then:
//   CRASH_MODE=start    does what Start Import does: startImport + requestImportRun (in-process run);
//   CRASH_MODE=restart  starts up as the app does after a crash: the import the dead process left
//                       `running` is picked up by lib/import/recovery (instrumentation.ts's register()
//                       itself, unless a kill hook is wanted) and its `sending` items are reconciled.
// CRASH_KILL_AFTER_RESPONSES=N makes the process SIGKILL itself on the Nth QBO answer (with
// CRASH_KILL_ON=batch: the Nth TimeActivity batch answer), after QuickBooks answered and before the
// outcome is committed (ExecuteHooks.afterQboResponse).
// Prints READY once the run is under way and `RESULT {json}` when the import is done.
//
// Run: node --import tsx tests/crash/worker.ts (from the repository root).
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDbHandle } from "@/db/client";
import { ACTIVE_IMPORT_STATUSES } from "@/db/queries/imports";
import { importItems, imports } from "@/db/schema";
import { createExecutor } from "@/lib/import/execute";
import { startImport } from "@/lib/import/lifecycle";
import { recoverImportsOnStart } from "@/lib/import/recovery";
import { defaultImportDriverDeps, IMPORT_HEARTBEAT_STALE_MS, isRunningInline, requestImportRun, runImportInline, type ImportDriverDeps } from "@/lib/import/runner";
import { RECONCILE_AFTER_MS } from "@/lib/import/execute";

const importId = required("CRASH_IMPORT_ID");
const mode = required("CRASH_MODE");
const killAfter = Number(process.env.CRASH_KILL_AFTER_RESPONSES ?? "0");
/** "batch": only TimeActivity batch answers count toward CRASH_KILL_AFTER_RESPONSES; "any": every answer. */
const killOn = process.env.CRASH_KILL_ON === "batch" ? "batch" : "any";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

async function main() {
  const handle = await getDbHandle();
  const db = handle.db;

  let responses = 0;
  let lastAnswer: "batch" | "other" = "other";
  const deps: ImportDriverDeps =
    killAfter > 0
      ? {
          ...defaultImportDriverDeps,
          inngestEnabled: false,
          // The app's client, noting which kind of request answered last.
          qboClientFor: (db, connection) => {
            const client = defaultImportDriverDeps.qboClientFor(db, connection);
            const batch: typeof client.batch = async (...args) => {
              const answer = await client.batch(...args);
              lastAnswer = "batch";
              return answer;
            };
            const create: typeof client.create = async (...args) => {
              const answer = await client.create(...args);
              lastAnswer = "other";
              return answer;
            };
            return { ...client, batch, create };
          },
          createExecutor: (d) =>
            createExecutor({
              ...d,
              hooks: {
                afterQboResponse: () => {
                  if (killOn === "batch" && lastAnswer !== "batch") return;
                  if (++responses === killAfter) process.kill(process.pid, "SIGKILL");
                },
              },
            }),
        }
      : { ...defaultImportDriverDeps, inngestEnabled: false };

  if (mode === "start") {
    const [imp] = await db.select().from(imports).where(eq(imports.id, importId));
    if (!imp) throw new Error("import not found");
    await startImport(db, { accountId: imp.accountId, adminId: imp.createdByAdminId }, importId);
    await requestImportRun({ importId, connectionId: imp.connectionId }, deps);
  } else {
    // The restart comes later than the crash: long enough for the dead runner's heartbeat to go stale
    // and for the answers it never got to have settled at QuickBooks. Instead of sleeping that long,
    // this process's clock is where the database's would be: its timestamps move back by that much.
    const downtimeMs = Math.max(IMPORT_HEARTBEAT_STALE_MS, RECONCILE_AFTER_MS) + 30_000;
    const shift = sql.raw(`interval '${Math.ceil(downtimeMs / 1000)} seconds'`);
    await db
      .update(imports)
      .set({ heartbeatAt: sql`${imports.heartbeatAt} - ${shift}` })
      .where(and(eq(imports.id, importId), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES])));
    await db
      .update(importItems)
      .set({ sentAt: sql`${importItems.sentAt} - ${shift}` })
      .where(and(eq(importItems.importId, importId), eq(importItems.status, "sending")));

    if (killAfter > 0) {
      const report = await recoverImportsOnStart(deps, { sweep: false });
      if (!report.resumed.includes(importId)) throw new Error(`recovery did not resume the import: ${JSON.stringify(report)}`);
    } else {
      // Exactly what the server runs when it starts.
      process.env.NEXT_RUNTIME = "nodejs";
      const { register } = await import("@/instrumentation");
      await register();
      if (!isRunningInline(importId)) throw new Error("start-up recovery did not resume the import");
    }
  }
  say("READY");
  // Joins the run recovery (or requestImportRun) started.
  const result = await runImportInline(importId, deps);
  say(`RESULT ${JSON.stringify(result)}`);
  await handle.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
