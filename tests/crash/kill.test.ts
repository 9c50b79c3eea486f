// Issue 8, crash safety with a real process: the import runs in a child process (tests/crash/worker.ts,
// the app's own runner, recovery and executor on the app's database) against the QBO emulator served
// over real HTTP by this test, so QBO's state survives the child's death. The child is SIGKILLed at
// seeded random points of the import (at least 10 per run):
//   hook    on its Nth QBO answer, after QuickBooks answered and before the database commit;
//   server  right after the emulator did the Nth write, before the answer leaves (the answer is lost);
//   timer   at a random moment of the run.
// Each time it is started again and must pick the import up through start-up recovery. At the end:
// exactly the desired activities in QBO (per key and as a whole), nothing duplicated, the import
// completed and none left running, and a re-run of the same range finds nothing to do. Runs with the
// emulator's requestid replay on and off. The database is the app's: a file-backed PGlite directory
// (reopened by each process in turn), or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DbHandle } from "@/db/client";
import { ACTIVE_IMPORT_STATUSES } from "@/db/queries/imports";
import { imports } from "@/db/schema";
import { verifyLogin } from "@/lib/auth/login";
import { getEnv } from "@/lib/env";
import { completeConnection, newOAuthState } from "@/lib/qbo/connect";
import { authorizeUrl } from "@/lib/qbo/oauth";
import { actitimeMswHandlers, createActitimeEmulator } from "@/lib/sandbox/actitime";
import { createQboEmulator, type QboEmulator } from "@/lib/sandbox/qbo";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server as msw } from "@/tests/setup/server";
import { SANDBOX_REALM, WORLD_ACTITIME_URL, WORLD_TODAY } from "@/tests/helpers/world";
import { expectExactEndState, expectNoDuplicateNames, plannedActivities } from "@/tests/stress/end-state";
import { previewImport } from "@/tests/stress/preview";
import { createPrng } from "@/lib/prng";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORKER = path.join("tests", "crash", "worker.ts");
/** ~1,200 activities: 40 batches, enough for every kill to land while the import still runs. */
const RECORDS = 2_400;
const RANGE = { dateFrom: "2025-01-01", dateTo: "2025-04-30" };
const SEPARATE = { importTaskNames: true, importComments: true };
const KILLS = 11;
const MIN_KILLS_LANDED = 10;
/** A worker that neither finishes nor dies within this is a hang: the test fails. */
const ROUND_TIMEOUT_MS = 60_000;


type Kill =
  | { kind: "hook"; on: "batch" | "any"; afterResponses: number }
  | { kind: "server"; afterWrites: number }
  | { kind: "timer"; afterMs: number };

/** hook after a batch answer, server-side lost answer, timer, hook after any answer (entity creates too), … */
function killPlan(seed: number): Kill[] {
  const random = createPrng(seed);
  const n = () => 1 + Math.floor(random() * 3);
  return Array.from({ length: KILLS }, (_, i): Kill => {
    switch (i % 4) {
      case 0:
        return { kind: "hook", on: "batch", afterResponses: n() };
      case 1:
        return { kind: "server", afterWrites: n() };
      case 2:
        return { kind: "timer", afterMs: Math.floor(random() * 600) };
      default:
        return { kind: "hook", on: "any", afterResponses: n() };
    }
  });
}

function describeKill(kill: Kill | undefined): string {
  if (!kill) return "none";
  if (kill.kind === "hook") return `hook-${kill.on}#${kill.afterResponses}`;
  if (kill.kind === "server") return `server-write#${kill.afterWrites}`;
  return `timer+${kill.afterMs}ms`;
}

// ── the app's database, reachable from another process ────────────────────────────────────

interface SharedDb {
  /** Environment a worker needs to open the same database. */
  env: Record<string, string>;
  open(): Promise<DbHandle>;
  dispose(): Promise<void>;
}

async function sharedDb(dir: string): Promise<SharedDb> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    // PGlite is one process at a time: the test opens it only while no worker runs.
    const open = async () => {
      const handle = await openDatabase({ pgliteDir: path.join(dir, "pglite") });
      await migrateDatabase(handle);
      return handle;
    };
    return { env: { DATA_DIR: dir, DATABASE_URL: "" }, open, dispose: async () => {} };
  }
  const name = `qbo_crash_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dir },
    async open() {
      const handle = await openDatabase({ url: url.toString() });
      await migrateDatabase(handle);
      return handle;
    },
    async dispose() {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

// ── the QBO emulator over real HTTP, with a switch to kill the worker mid-answer ───────────

interface EmulatorServer {
  baseUrl: string;
  /** Kills `child` right after the emulator has done the Nth write from now (its answer never leaves). */
  killOnWrite(child: ChildProcess, afterWrites: number): void;
  disarm(): void;
  close(): Promise<void>;
}

async function serveEmulator(qbo: QboEmulator): Promise<EmulatorServer> {
  let trap: { child: ChildProcess; left: number } | undefined;
  const httpServer: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const url = `http://127.0.0.1${req.url}`;
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const response = await qbo.handle(new Request(url, { method: req.method, headers, body: req.method === "GET" ? undefined : body }));
        const payload = Buffer.from(await response.arrayBuffer());
        const isWrite = req.method === "POST" && new URL(url).searchParams.has("requestid");
        if (trap && isWrite && --trap.left === 0) {
          trap.child.kill("SIGKILL");
          trap = undefined;
          res.destroy();
          return;
        }
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(payload);
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/sandbox/qbo`,
    killOnWrite: (child, afterWrites) => void (trap = { child, left: afterWrites }),
    disarm: () => void (trap = undefined),
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}

// ── the worker's command line ───────────────────────────────────────────────────────────────

/**
 * `node --import tsx tests/crash/worker.ts` transpiles the app on every start; the test starts the
 * worker ~26 times, so it is bundled once (app code only, packages stay external) when esbuild is at
 * hand. Same code either way.
 */
async function workerCommand(): Promise<{ args: string[]; cleanup: () => void }> {
  try {
    const esbuild = await import("esbuild");
    const outDir = path.join(ROOT, "node_modules", ".cache", "qbo-crash-worker");
    const outfile = path.join(outDir, `worker-${process.pid}.mjs`);
    await esbuild.build({
      entryPoints: [path.join(ROOT, WORKER)],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      tsconfig: path.join(ROOT, "tsconfig.json"),
      outfile,
      logLevel: "error",
    });
    return { args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
  } catch {
    return { args: ["--import", "tsx", WORKER], cleanup: () => {} };
  }
}

// ── one round: start the worker, maybe kill it, wait for it to end ─────────────────────────

interface Round {
  outcome: "killed" | "finished";
  result?: { done: boolean; status: string };
  ms: number;
  stderr: string;
}

function runWorker(args: string[], env: Record<string, string>, kill: Kill | undefined, emulator: EmulatorServer): Promise<Round> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        CRASH_KILL_AFTER_RESPONSES: kill?.kind === "hook" ? String(kill.afterResponses) : "0",
        CRASH_KILL_ON: kill?.kind === "hook" ? kill.on : "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const guard = setTimeout(() => child.kill("SIGKILL"), ROUND_TIMEOUT_MS);
    child.stdout!.on("data", (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (before.includes("READY") || !stdout.includes("READY")) return;
      // Armed once the run is under way (and long after any request of the previous, dead worker).
      if (kill?.kind === "timer") setTimeout(() => child.kill("SIGKILL"), kill.afterMs);
      if (kill?.kind === "server") emulator.killOnWrite(child, kill.afterWrites);
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      emulator.disarm();
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      const ms = Date.now() - started;
      if (line) return resolve({ outcome: "finished", result: JSON.parse(line.slice("RESULT ".length)) as Round["result"], ms, stderr });
      if (signal === "SIGKILL" && ms < ROUND_TIMEOUT_MS && stdout.includes("READY")) return resolve({ outcome: "killed", ms, stderr });
      reject(new Error(`worker ended with code ${code} signal ${signal} after ${ms} ms\n${stdout}\n${stderr}`));
    });
  });
}

// ── the setup a bookkeeper would do before pressing Start: login, connect, preview ─────────

async function connectCompany(db: DbHandle["db"], qbo: QboEmulator) {
  const actitime = createActitimeEmulator({ today: WORLD_TODAY, scale: { records: RECORDS } });
  const env = getEnv();
  /** Points this process's msw at this run's emulators (two runs share the process, one at a time). */
  const route = () => {
    msw.resetHandlers();
    msw.use(
      ...actitimeMswHandlers(actitime, WORLD_ACTITIME_URL),
      ...qboMswHandlers(qbo, { apiBase: env.intuit.apiBaseUrl, oauthBase: new URL(env.intuit.tokenUrl).origin + "/sandbox/qbo" }),
    );
  };
  route();
  const admin = await verifyLogin(db, { actitimeUrl: WORLD_ACTITIME_URL, username: "admin", password: "demo" });
  const actor = { accountId: admin.accountId, adminId: admin.adminId };
  const state = newOAuthState(actor);
  const authorize = new URL(authorizeUrl(state));
  authorize.searchParams.set("sandbox_realm", SANDBOX_REALM);
  const callbackUrl = (await fetch(authorize, { redirect: "manual" })).headers.get("location")!;
  const connection = await completeConnection(db, { ...actor, callbackUrl, expectedState: state });
  return { actor, connection, route };
}

// ── the test ──────────────────────────────────────────────────────────────────────────────

/** One import of its own (database, emulator, HTTP server), killed and restarted until it completes. */
async function crashRun(replayRequestId: boolean, workerArgs: string[], cleanups: (() => Promise<void>)[]) {
  const label = `replay ${replayRequestId ? "on" : "off"}`;
  const dir = mkdtempSync(path.join(tmpdir(), "qbo-crash-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const shared = await sharedDb(dir);
  cleanups.push(() => shared.dispose());
  const qbo = createQboEmulator({ limits: false, replayRequestId, latencyMs: 5 });
  const emulator = await serveEmulator(qbo);
  cleanups.push(() => emulator.close());

  // Login, connect, preview: in this process (msw in front of the emulators), then the database is let go.
  let handle = await shared.open();
  const { actor, connection, route } = await connectCompany(handle.db, qbo);
  const { importId, summary } = await previewImport(handle.db, actor, connection, RANGE, { settings: SEPARATE });
  expect(summary.activities, label).toBeGreaterThan(1_000);
  const reference = await plannedActivities(handle.db, importId);
  const activitiesBefore = qbo.list(SANDBOX_REALM, "TimeActivity").length;
  await handle.close();

  async function killUntilDone() {
    const workerEnv = {
      ...shared.env,
      QBO_API_BASE_URL: emulator.baseUrl,
      INTUIT_TOKEN_URL: `${emulator.baseUrl}/oauth2/tokens/bearer`,
      CRASH_IMPORT_ID: importId,
      // The emulator enforces no limits here: a fast pacer minute keeps the first window's probe (issue 15) short.
      QBO_PACE_TIME_SCALE: "20",
    };
    const plan = killPlan(replayRequestId ? 20_251 : 20_252);
    const log: string[] = [];
    const landed: string[] = [];
    for (let round = 0; ; round++) {
      expect(round, `${label}: the import finished within ${KILLS + 1} starts (${log.join(" ")})`).toBeLessThanOrEqual(KILLS);
      const kill = plan[round];
      const r = await runWorker(workerArgs, { ...workerEnv, CRASH_MODE: round === 0 ? "start" : "restart" }, kill, emulator);
      log.push(`${describeKill(kill)}→${r.outcome}(${r.ms}ms)`);
      if (r.outcome === "killed") landed.push(describeKill(kill));
      else return { final: r, log, landed };
    }
  }

  async function verify(run: Awaited<ReturnType<typeof killUntilDone>>) {
    const { final, log, landed } = run;
    const stats = qbo.stats(SANDBOX_REALM);
    console.info(`[crash ${label}] ${summary.activities} activities, ${landed.length} kills landed: ${log.join(" ")}; QBO batches ${stats.batch}, single creates ${stats.create}, replayed ${stats.replayed}`);
    expect(landed.length, `${label}: kills that hit the running import (${log.join(" ")})`).toBeGreaterThanOrEqual(MIN_KILLS_LANDED);
    expect(landed.filter((k) => k.startsWith("hook-batch")).length, `${label}: kills between a batch answer and the commit`).toBeGreaterThanOrEqual(2);
    expect(final.result, label).toEqual({ done: true, status: "completed" });

    handle = await shared.open();
    cleanups.push(() => handle.close());
    const db = handle.db;
    const row = (await db.select().from(imports).where(eq(imports.id, importId)))[0]!;
    expect(row.status, label).toBe("completed");
    expect(row.failedCount, label).toBe(0);
    expect(row.runnerId, label).toBeNull();
    const stillActive = await db.select({ id: imports.id }).from(imports).where(inArray(imports.status, [...ACTIVE_IMPORT_STATUSES]));
    expect(stillActive, `${label}: no import left Running`).toEqual([]);

    const end = await expectExactEndState({ db, qbo, realmId: SANDBOX_REALM, connectionId: connection.id, importId, reference, activitiesBefore });
    expect(end.itemsByStatus, label).toEqual({ created: summary.activities + summary.entitiesToCreate.length });
    expectNoDuplicateNames(qbo, SANDBOX_REALM);

    // Re-run: the same range again finds nothing missing and nothing to correct.
    route();
    const again = await previewImport(db, actor, connection, RANGE, { settings: SEPARATE });
    expect(again.summary.counts, label).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(again.summary.entitiesToCreate, label).toEqual([]);
  }

  return { killUntilDone, verify };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("crash safety: SIGKILL the process running an import, restart it", () => {
  it(
    `SIGKILL at ${MIN_KILLS_LANDED}+ random points (requestid replay on and off) ends with exactly the desired activities and nothing running`,
    { timeout: 240_000 },
    async () => {
      const started = Date.now();
      const worker = await workerCommand();
      cleanups.push(async () => worker.cleanup());
      const on = await crashRun(true, worker.args, cleanups);
      const off = await crashRun(false, worker.args, cleanups);
      // The two imports are independent (own database, emulator and port): their kill loops run side by side.
      const [onRun, offRun] = await Promise.all([on.killUntilDone(), off.killUntilDone()]);
      await on.verify(onRun);
      await off.verify(offRun);
      console.info(`[crash] both runs in ${Date.now() - started} ms`);
    },
  );
});
