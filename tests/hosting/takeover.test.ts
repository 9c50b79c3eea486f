// Issue 12, exactly once under real hosting: two REAL app processes (`next start`, the production
// build) on one PostgreSQL database, both with the in-process runner, both pointed at one QBO
// emulator served over HTTP by this test (requestid replay OFF, so only the executor's fencing keeps
// QuickBooks exact). An import starts on instance A; A is frozen with SIGSTOP mid-import (requests in
// flight) until B takes the import over through its recovery sweep; B writes; A is resumed with
// SIGCONT while B still runs. QuickBooks must end with exactly the desired activities. Then the same
// with SIGKILL instead of SIGSTOP.
//
// Not in the default `npm test` (it needs `next build` and PostgreSQL): run with
//   npx vitest run --config vitest.hosting.config.ts
// (.ci/run does, after the production build). Shortened timings through the test-only knobs
// IMPORT_LEASE_STALE_MS / IMPORT_RECONCILE_AFTER_MS (production refuses them unless ALLOW_TEST_KNOBS=1).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { http, passthrough } from "msw";
import postgres from "postgres";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DbHandle } from "@/db/client";
import { imports } from "@/db/schema";
import { startImport } from "@/lib/import/lifecycle";
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

const ROOT = path.resolve(import.meta.dirname, "../..");
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** Ports of this test's two app instances (loopback only). */
const PORTS = [Number(process.env.HOSTING_PORT_A ?? 3231), Number(process.env.HOSTING_PORT_B ?? 3232)] as const;
const RECORDS = 1_200;
const RANGE = { dateFrom: "2025-01-01", dateTo: "2025-04-30" };
const SEPARATE = { importTaskNames: true, importComments: true };
/** Test knobs: a lease unrenewed for 6 s is stale; an unanswered write is looked up after 20 s (send deadline 5 s). */
const LEASE_STALE_MS = 6_000;
const RECONCILE_AFTER_MS = 20_000;
/** Each emulated QBO request takes this long, so A is frozen with requests in flight. */
const QBO_LATENCY_MS = 120;
const STEP_TIMEOUT_MS = 150_000;

import { sleep } from "@/lib/sleep";

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = STEP_TIMEOUT_MS, everyMs = 100): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ── the QBO emulator over HTTP (survives either app instance) ─────────────────────────────

async function serveEmulator(qbo: QboEmulator): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const httpServer: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const response = await qbo.handle(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body }));
        const payload = Buffer.from(await response.arrayBuffer());
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
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}

// ── one app instance: `next start` of the production build ────────────────────────────────

interface App {
  name: string;
  child: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

async function startApp(name: string, port: number, env: Record<string, string>): Promise<App> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `qbo-hosting-${name}-`));
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    detached: true, // its own process group: signals reach next-server whatever it forks
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR: dataDir,
      SANDBOX: "1",
      DEMO_PUBLIC: "1",
      IMPORT_RUNNER: "inline",
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
      ALLOW_TEST_KNOBS: "1",
      // The emulator enforces no limits here: a fast pacer minute keeps the first window's probe (issue 15) short.
      QBO_PACE_TIME_SCALE: "20",
      IMPORT_LEASE_STALE_MS: String(LEASE_STALE_MS),
      IMPORT_RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const app: App = {
    name,
    child,
    log: () => log,
    async stop() {
      try {
        process.kill(-child.pid!, "SIGCONT");
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await Promise.race([exited, sleep(5_000)]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await until(`${name} to answer on port ${port}\n${log}`, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${log}`);
    const r = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    return r?.ok ? true : undefined;
  }, 60_000, 250);
  return app;
}

/** The pid inside a lease's runner id (`host:pid:random`). */
function pidOf(runnerId: string | null): number | undefined {
  const pid = runnerId?.split(":")[1];
  return pid ? Number(pid) : undefined;
}

// ── setup: a database, a company, a preview ───────────────────────────────────────────────

async function freshDatabase(cleanups: (() => Promise<void>)[]) {
  const name = `qbo_hosting_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle: DbHandle = await openDatabase({ url: url.toString() });
  await migrateDatabase(handle);
  cleanups.push(async () => {
    await handle.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end({ timeout: 5 });
  });
  return { url: url.toString(), db: handle.db };
}

async function prepared(cleanups: (() => Promise<void>)[]) {
  const { url, db } = await freshDatabase(cleanups);
  const qbo = createQboEmulator({ limits: false, replayRequestId: false, latencyMs: QBO_LATENCY_MS });
  const emulator = await serveEmulator(qbo);
  cleanups.push(() => emulator.close());
  const actitime = createActitimeEmulator({ today: WORLD_TODAY, scale: { records: RECORDS } });
  const env = getEnv();
  msw.resetHandlers();
  msw.use(
    // This process's own requests to the two app instances go out for real (loopback only).
    ...PORTS.map((port) => http.all(`http://127.0.0.1:${port}/*`, () => passthrough())),
    ...actitimeMswHandlers(actitime, WORLD_ACTITIME_URL),
    ...qboMswHandlers(qbo, { apiBase: env.intuit.apiBaseUrl, oauthBase: new URL(env.intuit.tokenUrl).origin + "/sandbox/qbo" }));
  const admin = await verifyLogin(db, { actitimeUrl: WORLD_ACTITIME_URL, username: "admin", password: "demo" });
  const actor = { accountId: admin.accountId, adminId: admin.adminId };
  const state = newOAuthState(actor);
  const authorize = new URL(authorizeUrl(state));
  authorize.searchParams.set("sandbox_realm", SANDBOX_REALM);
  const callbackUrl = (await fetch(authorize, { redirect: "manual" })).headers.get("location")!;
  const connection = await completeConnection(db, { ...actor, callbackUrl, expectedState: state });
  const { importId, summary } = await previewImport(db, actor, connection, RANGE, { settings: SEPARATE });
  expect(summary.activities).toBeGreaterThan(1_000);
  const reference = await plannedActivities(db, importId);
  const activitiesBefore = qbo.list(SANDBOX_REALM, "TimeActivity").length;
  const appEnv = { DATABASE_URL: url, QBO_API_BASE_URL: emulator.baseUrl, INTUIT_TOKEN_URL: `${emulator.baseUrl}/oauth2/tokens/bearer`, INTUIT_REVOKE_URL: `${emulator.baseUrl}/oauth2/tokens/revoke` };
  return { db, qbo, actor, connection, importId, summary, reference, activitiesBefore, appEnv };
}

const written = (qbo: QboEmulator, before: number) => qbo.list(SANDBOX_REALM, "TimeActivity").length - before;

async function scenario(signal: "SIGSTOP" | "SIGKILL", cleanups: (() => Promise<void>)[]) {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build: run `npm run build` first");
  const w = await prepared(cleanups);
  const importRow = async () => (await w.db.select().from(imports).where(eq(imports.id, w.importId)))[0]!;

  // Start Import, then A picks it up at start-up (its recovery finds it unowned and stale).
  await startImport(w.db, w.actor, w.importId);
  await w.db.update(imports).set({ heartbeatAt: new Date(Date.now() - 60_000) }).where(eq(imports.id, w.importId));
  const a = await startApp("A", PORTS[0], w.appEnv);
  cleanups.push(() => a.stop());
  const heldByA = await until("A to take the import", async () => {
    const row = await importRow();
    return row.runnerId && row.leaseGeneration > 0 ? row : undefined;
  });
  const b = await startApp("B", PORTS[1], w.appEnv);
  cleanups.push(() => b.stop());
  await until("A to write 150 activities", () => written(w.qbo, w.activitiesBefore) >= 150 || undefined);
  expect((await importRow()).status, "still running when A is frozen").toBe("running");

  const frozenAt = Date.now();
  const atFreeze = written(w.qbo, w.activitiesBefore);
  process.kill(-a.child.pid!, signal);
  const takenOver = await until("B to take the import over", async () => {
    const row = await importRow();
    return row.leaseGeneration > heldByA.leaseGeneration && pidOf(row.runnerId) !== pidOf(heldByA.runnerId) ? row : undefined;
  });
  const takeoverMs = Date.now() - frozenAt;
  const trace = setInterval(() => {
    void importRow().then((r) => process.env.HOSTING_TRACE && console.info(`[trace +${((Date.now() - frozenAt) / 1000).toFixed(1)}s] written ${written(w.qbo, w.activitiesBefore)} gen ${r.leaseGeneration} done ${r.progressDone} status ${r.status}`));
  }, 2_000);
  cleanups.push(async () => clearInterval(trace));
  await until("B to write", () => written(w.qbo, w.activitiesBefore) > atFreeze + 60 || undefined);
  const firstWriteMs = Date.now() - frozenAt;
  if (signal === "SIGSTOP") {
    // Resumed only once B may have reconciled what A left in flight (the hardest moment: A still holds
    // claimed items and answers in memory, B has already decided about them).
    await sleep(Math.max(0, frozenAt + RECONCILE_AFTER_MS + 2_000 - Date.now()));
    process.kill(-a.child.pid!, "SIGCONT");
  }
  const finished = await until("the import to finish", async () => {
    const row = await importRow();
    return row.status !== "running" && row.status !== "interrupting" ? row : undefined;
  }, 300_000, 250);
  const doneMs = Date.now() - frozenAt;
  // Give the woken A every chance to write what it still held.
  await sleep(3_000);

  console.info(
    `[hosting ${signal}] ${w.summary.activities} activities; A wrote ${atFreeze} before ${signal}; B took the lease over after ${(takeoverMs / 1000).toFixed(1)} s ` +
      `(generation ${heldByA.leaseGeneration} → ${takenOver.leaseGeneration}), wrote 60 more by ${(firstWriteMs / 1000).toFixed(1)} s, finished ${(doneMs / 1000).toFixed(1)} s after the ${signal}`,
  );
  if (process.env.HOSTING_TRACE) console.info(`[B log]\n${b.log().slice(-4000)}\n[A log]\n${a.log().slice(-2000)}`);
  expect(finished.status, `${a.log()}\n${b.log()}`).toBe("completed");
  expect(finished.failedCount).toBe(0);
  const end = await expectExactEndState({ db: w.db, qbo: w.qbo, realmId: SANDBOX_REALM, connectionId: w.connection.id, importId: w.importId, reference: w.reference, activitiesBefore: w.activitiesBefore });
  expect(end.itemsByStatus).toEqual({ created: w.summary.activities + w.summary.entitiesToCreate.length });
  expectNoDuplicateNames(w.qbo, SANDBOX_REALM);
  await a.stop();
  await b.stop();
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

describe("two app instances on one PostgreSQL: a stalled or killed instance never makes QuickBooks inexact", () => {
  it("SIGSTOP the instance running an import until the other takes over, then SIGCONT it", { timeout: 420_000 }, async () => {
    await scenario("SIGSTOP", cleanups);
  });
  it("SIGKILL the instance running an import: the other takes over", { timeout: 420_000 }, async () => {
    await scenario("SIGKILL", cleanups);
  });
});
