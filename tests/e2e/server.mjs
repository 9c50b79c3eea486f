#!/usr/bin/env node
// The browser tests' server (playwright.config.ts webServer): `next start` of the production build on
// 127.0.0.1:<port> in demo mode, with a fresh DATA_DIR and none of the caller's database, Intuit, Inngest
// or auth settings. Builds first when `.next` is missing. The server's output goes to
// <os tmpdir>/actitime-qbo-e2e-<port>/server.log (tests/e2e/port.ts serverLogPath), which the last
// scenario reads to check that no log line carries a password.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error("usage: node tests/e2e/server.mjs <port>");
const base = `http://127.0.0.1:${port}`;

// `--wait-build`: another server of the same run builds; wait for its build instead of building twice.
if (process.argv.includes("--wait-build")) {
  const until = Date.now() + 15 * 60_000;
  while (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    if (Date.now() > until) throw new Error("no production build appeared in 15 minutes");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
} else if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
  console.error("No production build found: running next build…");
  const build = spawnSync("npx", ["next", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) process.exit(1);
}

const dataDir = path.join(os.tmpdir(), `actitime-qbo-e2e-${port}`);
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const env = { ...process.env };
for (const key of Object.keys(env)) {
  if (/^(DATABASE_URL|INTUIT_|QBO_API|INNGEST_|IMPORT_RUNNER|NEXTAUTH_|ENCRYPTION_KEY)/.test(key)) delete env[key];
}
Object.assign(env, {
  NODE_ENV: "production",
  SANDBOX: "1",
  // One long-running server: imports run in its process.
  IMPORT_RUNNER: "inline",
  // A production build refuses SANDBOX=1 and the embedded database unless told these are meant (issue 13 §5).
  DEMO_PUBLIC: "1",
  ALLOW_EMBEDDED_DB: "1",
  DATA_DIR: dataDir,
  NEXTAUTH_URL: base,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  NEXT_TELEMETRY_DISABLED: "1",
});

const log = createWriteStream(path.join(dataDir, "server.log"));
const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const server = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
server.stdout.pipe(log);
server.stderr.on("data", (chunk) => {
  log.write(chunk);
  process.stderr.write(chunk);
});
server.on("exit", (code, signal) => {
  log.end();
  process.exit(code ?? (signal ? 1 : 0));
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
