// The only reader of process.env. Everything else imports `env` (or calls `loadEnv`
// in tests with a plain object), so configuration is validated once and typed everywhere.
import { z } from "zod";

/** Intuit's own endpoints (reference qbo-api.md §1.1, §1.9); overridable so emulators and harnesses can stand in. */
export const INTUIT_DEFAULT_URLS = {
  authorize: "https://appcenter.intuit.com/connect/oauth2",
  token: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
  revoke: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
  apiSandbox: "https://sandbox-quickbooks.api.intuit.com",
  apiProduction: "https://quickbooks.api.intuit.com",
} as const;

/** Credentials the built-in QBO emulator registers; only ever used in demo (sandbox) mode. */
export const SANDBOX_INTUIT_CLIENT = { id: "sandbox-client-id", secret: "sandbox-client-secret" } as const;

// Development-only fallbacks. They are public (they are in this file), so production refuses them.
const DEV_NEXTAUTH_SECRET = "dev-only-nextauth-secret-change-me-in-production";
const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional());
const flag = z.preprocess(
  emptyToUndefined,
  z.enum(["1", "0", "true", "false"]).transform((v) => v === "1" || v === "true").optional(),
);

const rawEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  NEXT_PHASE: optionalString,
  DATABASE_URL: optionalString,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(".data")),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).default("http://localhost:3000")),
  NEXTAUTH_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters").optional()),
  ENCRYPTION_KEY: optionalString,
  ENCRYPTION_KEYS_PREVIOUS: optionalString,
  INTUIT_CLIENT_ID: optionalString,
  INTUIT_CLIENT_SECRET: optionalString,
  INTUIT_ENVIRONMENT: z.preprocess(emptyToUndefined, z.enum(["sandbox", "production"]).default("sandbox")),
  INTUIT_REDIRECT_URI: optionalUrl,
  QBO_API_BASE_URL: optionalUrl,
  INTUIT_AUTHORIZE_URL: optionalUrl,
  INTUIT_TOKEN_URL: optionalUrl,
  INTUIT_REVOKE_URL: optionalUrl,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_DEV: optionalString,
  /** inline = in this process (a long-running server); inngest = through Inngest. Unset: Inngest when configured. */
  IMPORT_RUNNER: z.preprocess(emptyToUndefined, z.enum(["inline", "inngest"]).optional()),
  SANDBOX: flag,
  /** Test-only: shorter lease and reconciliation times for the multi-process tests. Refused in production unless ALLOW_TEST_KNOBS=1. */
  IMPORT_LEASE_STALE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).optional()),
  IMPORT_RECONCILE_AFTER_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).optional()),
  ALLOW_TEST_KNOBS: flag,
  DEMO_PUBLIC: flag,
  ALLOW_EMBEDDED_DB: flag,
  ACTITIME_ALLOWED_HOSTS: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^\s*(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?\s*(,\s*(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?\s*)*,?\s*$/i, "ACTITIME_ALLOWED_HOSTS must be comma-separated host[:port] entries").optional(),
  ),
  QBO_PACE_TIME_SCALE: z.preprocess(emptyToUndefined, z.coerce.number().positive("QBO_PACE_TIME_SCALE must be a positive number").max(10_000).optional()),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["debug", "info", "warn", "error", "silent"]).default("info")),
  /** Notifications by e-mail (lib/notify); unset → the Outbox page only. */
  SMTP_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL" }).optional()),
  MAIL_FROM: optionalString,
});

export type RawEnv = z.input<typeof rawEnvSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example.`);
    this.name = "EnvError";
  }
}

/** A 32-byte AES key given as base64 or hex. */
function parseKey(name: string, value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new EnvError([`${name} must be 32 bytes, base64 or hex encoded (openssl rand -base64 32)`]);
  return key;
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export function loadEnv(source: Record<string, string | undefined>) {
  const parsed = rawEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === "production";
  // `next build` runs with NODE_ENV=production but must not need runtime secrets.
  const isBuild = raw.NEXT_PHASE === "phase-production-build";

  // Demo mode: explicit SANDBOX wins; otherwise on in development when no Intuit keys are set,
  // so `npm run dev` on a fresh machine works end to end against the built-in emulators.
  const sandbox = raw.SANDBOX ?? (!isProduction && !raw.INTUIT_CLIENT_ID);

  const inngestConfigured = Boolean(raw.INNGEST_EVENT_KEY || (raw.INNGEST_DEV && !/^(0|false)$/i.test(raw.INNGEST_DEV)));
  const problems: string[] = [];
  if (raw.IMPORT_RUNNER === "inngest" && !inngestConfigured) problems.push("IMPORT_RUNNER=inngest needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY (or INNGEST_DEV for a local dev server)");
  if (isProduction && !isBuild && !inngestConfigured && raw.IMPORT_RUNNER !== "inline") {
    // A serverless host freezes or ends the process after the response, and an in-process import with it.
    problems.push(
      "IMPORT_RUNNER=inline is required to run imports inside the web process in production without Inngest: set it only on a single long-running server; on serverless hosts set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY instead",
    );
  }
  if (isProduction && !isBuild) {
    if (!raw.NEXTAUTH_SECRET) problems.push("NEXTAUTH_SECRET is required in production (openssl rand -base64 32)");
    if (!raw.ENCRYPTION_KEY) problems.push("ENCRYPTION_KEY is required in production (openssl rand -base64 32)");
    if (!sandbox && (!raw.INTUIT_CLIENT_ID || !raw.INTUIT_CLIENT_SECRET)) {
      problems.push("INTUIT_CLIENT_ID and INTUIT_CLIENT_SECRET are required in production (or set SANDBOX=1 for the demo)");
    }
    // Settings that are fine on a laptop and unsafe on a public host (issue 13 §5).
    if (raw.SANDBOX && !raw.DEMO_PUBLIC) problems.push("SANDBOX=1 in production publishes the demo emulators: set DEMO_PUBLIC=1 too if this is meant to be a public demo");
    if (raw.INNGEST_DEV && !/^(0|false)$/i.test(raw.INNGEST_DEV)) problems.push("INNGEST_DEV must not be set in production (it trusts an unsigned local Inngest dev server)");
    if (raw.INNGEST_EVENT_KEY && !raw.INNGEST_SIGNING_KEY) problems.push("INNGEST_SIGNING_KEY is required when INNGEST_EVENT_KEY is set (without it /api/inngest cannot check who calls it)");
    if (!raw.DATABASE_URL && !raw.ALLOW_EMBEDDED_DB) problems.push("DATABASE_URL is required in production: the embedded database is single-process and would split data between instances (set ALLOW_EMBEDDED_DB=1 for a single-process demo)");
  }
  const knobs = (["IMPORT_LEASE_STALE_MS", "IMPORT_RECONCILE_AFTER_MS"] as const).filter((k) => raw[k] !== undefined);
  if (isProduction && !isBuild && knobs.length > 0 && !raw.ALLOW_TEST_KNOBS) {
    problems.push(`${knobs.join(" and ")} ${knobs.length > 1 ? "are" : "is"} for tests only: unset ${knobs.length > 1 ? "them" : "it"} in production (or set ALLOW_TEST_KNOBS=1 on a test deployment)`);
  }
  // A test knob changes how fast the app talks to QuickBooks: never by accident in production.
  if (isProduction && !isBuild && raw.QBO_PACE_TIME_SCALE !== undefined && raw.QBO_PACE_TIME_SCALE !== 1 && !raw.ALLOW_TEST_KNOBS) {
    problems.push("QBO_PACE_TIME_SCALE is for tests and benchmarks: refused in production unless ALLOW_TEST_KNOBS=1 is also set");
  }
  if (!sandbox && raw.INTUIT_CLIENT_ID && !raw.INTUIT_CLIENT_SECRET) {
    problems.push("INTUIT_CLIENT_SECRET is required when INTUIT_CLIENT_ID is set");
  }
  if (problems.length > 0) throw new EnvError(problems);

  const appUrl = stripTrailingSlash(raw.NEXTAUTH_URL);
  const sandboxBase = `${appUrl}/sandbox`;
  const qboDefaults = sandbox
    ? {
        authorize: `${sandboxBase}/qbo/oauth2/authorize`,
        token: `${sandboxBase}/qbo/oauth2/tokens/bearer`,
        revoke: `${sandboxBase}/qbo/oauth2/tokens/revoke`,
        api: `${sandboxBase}/qbo`,
      }
    : {
        authorize: INTUIT_DEFAULT_URLS.authorize,
        token: INTUIT_DEFAULT_URLS.token,
        revoke: INTUIT_DEFAULT_URLS.revoke,
        api: raw.INTUIT_ENVIRONMENT === "production" ? INTUIT_DEFAULT_URLS.apiProduction : INTUIT_DEFAULT_URLS.apiSandbox,
      };

  const encryptionKey = parseKey("ENCRYPTION_KEY", raw.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY);
  const previousKeys = (raw.ENCRYPTION_KEYS_PREVIOUS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => parseKey("ENCRYPTION_KEYS_PREVIOUS", k));

  return {
    nodeEnv: raw.NODE_ENV,
    isProduction,
    appUrl,
    /** Cookies are Secure whenever the app is served over https. */
    secureCookies: appUrl.startsWith("https://"),
    databaseUrl: raw.DATABASE_URL,
    dataDir: raw.DATA_DIR,
    nextAuthSecret: raw.NEXTAUTH_SECRET ?? DEV_NEXTAUTH_SECRET,
    encryption: { current: encryptionKey, previous: previousKeys },
    intuit: {
      clientId: raw.INTUIT_CLIENT_ID ?? (sandbox ? SANDBOX_INTUIT_CLIENT.id : ""),
      clientSecret: raw.INTUIT_CLIENT_SECRET ?? (sandbox ? SANDBOX_INTUIT_CLIENT.secret : ""),
      environment: raw.INTUIT_ENVIRONMENT,
      redirectUri: raw.INTUIT_REDIRECT_URI ?? `${appUrl}/api/quickbooks/callback`,
      authorizeUrl: raw.INTUIT_AUTHORIZE_URL ?? qboDefaults.authorize,
      tokenUrl: raw.INTUIT_TOKEN_URL ?? qboDefaults.token,
      revokeUrl: raw.INTUIT_REVOKE_URL ?? qboDefaults.revoke,
      apiBaseUrl: stripTrailingSlash(raw.QBO_API_BASE_URL ?? qboDefaults.api),
    },
    inngest: {
      eventKey: raw.INNGEST_EVENT_KEY,
      signingKey: raw.INNGEST_SIGNING_KEY,
      dev: raw.INNGEST_DEV,
      /** Durable execution through Inngest when it is configured, unless IMPORT_RUNNER=inline chose the in-process runner. */
      enabled: inngestConfigured && raw.IMPORT_RUNNER !== "inline",
    },
    sandbox: {
      enabled: sandbox,
      actitimeUrl: `${sandboxBase}/actitime`,
    },
    logLevel: raw.LOG_LEVEL,
    /** Test-only timings of the executor (undefined = the production defaults in lib/import/execute). */
    importTimings: { leaseStaleMs: raw.IMPORT_LEASE_STALE_MS, reconcileAfterMs: raw.IMPORT_RECONCILE_AFTER_MS },
    /** Hosts an actiTIME may be reached at over http or on a non-public address (lib/actitime/outbound.ts). */
    actitimeAllowedHosts: raw.ACTITIME_ALLOWED_HOSTS ?? "",
    /** The pacer's minute is 60 s divided by this (tests and benchmarks against an emulator at the same scale). */
    qboPaceTimeScale: raw.QBO_PACE_TIME_SCALE ?? 1,
    mail: { smtpUrl: raw.SMTP_URL ?? null, from: raw.MAIL_FROM ?? "actiTIME QuickBooks Import <no-reply@localhost>" },
  };
}

export type Env = ReturnType<typeof loadEnv>;

let cached: Env | undefined;

/** The validated configuration of this process, read on first use (so `next build` can import modules freely). */
export function getEnv(): Env {
  cached ??= loadEnv(process.env);
  return cached;
}
