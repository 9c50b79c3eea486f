// Shared pieces of the benchmark: environment, the in-process msw server (outside vitest we start it
// ourselves), child-process runs (so each measurement has its own peak RSS) and small formatters.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The app reads its configuration once; the bench runs it as the tests do (sandbox URLs, no Intuit keys). */
export function prepareBenchEnv() {
  const env = process.env as Record<string, string | undefined>;
  env.NODE_ENV ??= "test";
  env.LOG_LEVEL ??= "silent";
  delete env.INTUIT_CLIENT_ID;
  delete env.DATABASE_URL;
}

let listening = false;

/** The msw server of tests/setup/server.ts, listening (vitest's setup file does this for tests). */
export async function startMsw() {
  prepareBenchEnv();
  const { server } = await import("@/tests/setup/server");
  if (!listening) {
    server.listen({ onUnhandledRequest: "error" });
    listening = true;
  }
  return server;
}

export const BYTES_PER_MB = 1024 * 1024;

/** Peak resident set of this process so far, MB (maxRSS is reported in KB). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

/** Marker in a child's stdout before its JSON result (anything the app logs is ignored). */
export const RESULT_MARKER = "@@BENCH_RESULT@@";

export function emitResult(value: unknown) {
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(value)}\n`);
}

/** Runs `tsx <script> args…` in a child process and returns the JSON it emitted. */
export function runChild<T>(script: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: process.cwd(),
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 10 * 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(new Error(`${script} ${args.join(" ")} exited ${code}\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as T);
    });
  });
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** A Markdown table (also readable as plain text in the console). */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(cells[0]!), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join("\n");
}
