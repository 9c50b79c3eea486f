// Demo (sandbox) mode: one emulated actiTIME and one emulated QuickBooks per process, served by
// the app itself under /sandbox/*. Their state lives in `${dataDir}/sandbox/*.json` so a restart
// (or a Next dev reload) keeps the demo's data, OAuth tokens included.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { getEnv, type Env } from "@/lib/env";
import { createActitimeEmulator, type ActitimeEmulator, type ActitimeSnapshot } from "./actitime";
import { createQboEmulator, type QboEmulator, type QboSnapshot } from "./qbo";

export type DemoProduct = "actitime" | "qbo";

/** What the demo needs from the configuration; tests pass their own through `resetDemoForTests`. */
export interface DemoConfig {
  enabled: boolean;
  dataDir: string;
  intuit: { clientId: string; clientSecret: string; redirectUri: string };
  /** actiTIME seed date; default the real current date. */
  today?: string;
}

/** How long state may stay unsaved after a change (ms). */
export const DEMO_SAVE_DELAY_MS = 200;

interface DemoStore {
  override: DemoConfig | undefined;
  actitime: ActitimeEmulator | undefined;
  qbo: QboEmulator | undefined;
  /** Dir the current singletons load from and save to (fixed at creation). */
  dirs: Partial<Record<DemoProduct, string>>;
  dirty: Set<DemoProduct>;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Writes run one after another so two renames never race. */
  writing: Promise<void>;
}

const STORE_KEY = Symbol.for("actitime-qbo-import.sandbox.demo");

function store(): DemoStore {
  const holder = globalThis as typeof globalThis & { [STORE_KEY]?: DemoStore };
  holder[STORE_KEY] ??= {
    override: undefined,
    actitime: undefined,
    qbo: undefined,
    dirs: {},
    dirty: new Set(),
    timer: undefined,
    writing: Promise.resolve(),
  };
  return holder[STORE_KEY];
}

/** The guard of every sandbox route: demo mode on (SANDBOX=1, or development without Intuit keys). */
export function sandboxEnabled(env: Pick<Env, "sandbox">): boolean {
  return env.sandbox.enabled;
}

function demoConfig(): DemoConfig {
  const override = store().override;
  if (override) return override;
  const env = getEnv();
  return {
    enabled: sandboxEnabled(env),
    dataDir: env.dataDir,
    intuit: { clientId: env.intuit.clientId, clientSecret: env.intuit.clientSecret, redirectUri: env.intuit.redirectUri },
  };
}

/** Whether this process serves the sandbox (routes, control page, control endpoints). */
export function isDemoEnabled(): boolean {
  return demoConfig().enabled;
}

export class SandboxDisabledError extends Error {
  constructor() {
    super("The sandbox (demo mode) is not enabled in this deployment");
    this.name = "SandboxDisabledError";
  }
}

function sandboxDir(config: DemoConfig): string {
  return path.resolve(config.dataDir, "sandbox");
}

function stateFile(dir: string, product: DemoProduct): string {
  return path.join(dir, `${product}.json`);
}

/**
 * Reads a product's saved state from the sandbox directory (created, and recorded as where the
 * product saves to); a file that cannot be used is moved aside (kept for inspection) and the seed is used.
 */
function loadState<T>(s: DemoStore, config: DemoConfig, product: DemoProduct, apply: (data: T) => void, reseed: () => void): void {
  const dir = sandboxDir(config);
  mkdirSync(dir, { recursive: true });
  s.dirs[product] = dir;
  const file = stateFile(dir, product);
  if (!existsSync(file)) return;
  try {
    apply(JSON.parse(readFileSync(file, "utf8")) as T);
  } catch (error) {
    reseed();
    const aside = `${file}.unreadable-${Date.now()}`;
    try {
      renameSync(file, aside);
    } catch {
      // leave it; the next save overwrites it
    }
    console.warn(`[sandbox] could not load ${file} (${error instanceof Error ? error.message : String(error)}); starting from the seed, old file kept as ${aside}`);
  }
}

function requireEnabled(): DemoConfig {
  const config = demoConfig();
  if (!config.enabled) throw new SandboxDisabledError();
  return config;
}

/** The demo's emulated actiTIME (created on first use, loaded from disk when saved before). */
export function getDemoActitime(): ActitimeEmulator {
  const config = requireEnabled();
  const s = store();
  if (!s.actitime) {
    const emulator = createActitimeEmulator({ today: config.today ?? new Date() });
    loadState<ActitimeSnapshot>(s, config, "actitime", (data) => emulator.fromJSON(data), () => emulator.reset());
    s.actitime = emulator;
  }
  return s.actitime;
}

/** The demo's emulated QuickBooks: real-time rate limits, the app's redirect URI and client credentials. */
export function getDemoQbo(): QboEmulator {
  const config = requireEnabled();
  const s = store();
  if (!s.qbo) {
    const emulator = createQboEmulator({
      clientId: config.intuit.clientId,
      clientSecret: config.intuit.clientSecret,
      redirectUris: [config.intuit.redirectUri],
      timeScale: 1,
    });
    loadState<QboSnapshot>(s, config, "qbo", (data) => emulator.restore(data), () => emulator.reset());
    s.qbo = emulator;
  }
  return s.qbo;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, text, "utf8");
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function serialise(s: DemoStore, product: DemoProduct): { file: string; text: string } | undefined {
  const dir = s.dirs[product];
  if (!dir) return undefined;
  if (product === "actitime") return s.actitime ? { file: stateFile(dir, product), text: JSON.stringify(s.actitime.toJSON()) } : undefined;
  return s.qbo ? { file: stateFile(dir, product), text: JSON.stringify(s.qbo.snapshot()) } : undefined;
}

/** Writes every product changed since the last save. The snapshot is taken now; the write is queued. */
function saveDirty(s: DemoStore): Promise<void> {
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  const jobs = [...s.dirty].map((product) => serialise(s, product)).filter((job) => job !== undefined);
  s.dirty.clear();
  const run = s.writing.then(async () => {
    for (const job of jobs) {
      try {
        await writeAtomically(job.file, job.text);
      } catch (error) {
        console.error(`[sandbox] could not save ${job.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  s.writing = run;
  return run;
}

/**
 * Records that a product's state changed; it is saved within DEMO_SAVE_DELAY_MS. The timer is not
 * pushed back by further changes, so a steady stream of requests still saves every 200 ms.
 */
export function markDemoDirty(...products: DemoProduct[]): void {
  const s = store();
  for (const product of products) s.dirty.add(product);
  if (s.timer || s.dirty.size === 0) return;
  s.timer = setTimeout(() => void saveDirty(s), DEMO_SAVE_DELAY_MS);
  s.timer.unref?.();
}

/** Saves pending changes now and waits for every write (tests, shutdown). */
export async function flushDemoState(): Promise<void> {
  const s = store();
  await saveDirty(s);
  await s.writing;
}

/**
 * Tests: forget the singletons (a simulated restart; call `flushDemoState()` first to keep
 * pending changes) and use this configuration instead of `getEnv()`. No argument = back to getEnv().
 */
export function resetDemoForTests(config?: Partial<DemoConfig> & { dataDir: string }): void {
  const s = store();
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  s.dirty.clear();
  s.actitime = undefined;
  s.qbo = undefined;
  s.dirs = {};
  s.override = config
    ? {
        enabled: config.enabled ?? true,
        dataDir: config.dataDir,
        intuit: config.intuit ?? {
          clientId: "sandbox-client-id",
          clientSecret: "sandbox-client-secret",
          redirectUri: "http://localhost:3000/api/quickbooks/callback",
        },
        ...(config.today ? { today: config.today } : {}),
      }
    : undefined;
}
