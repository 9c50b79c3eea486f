import { describe, expect, it } from "vitest";
import { EnvError, INTUIT_DEFAULT_URLS, loadEnv } from "@/lib/env";

const productionSecrets = {
  NODE_ENV: "production",
  NEXTAUTH_SECRET: "x".repeat(40),
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  INTUIT_CLIENT_ID: "client",
  INTUIT_CLIENT_SECRET: "secret",
  IMPORT_RUNNER: "inline",
  DATABASE_URL: "postgres://app@db.internal:5432/app",
} as const;

describe("loadEnv", () => {
  it("gives a development machine safe defaults: embedded database, demo mode, sandbox endpoints", () => {
    const env = loadEnv({});
    expect(env.nodeEnv).toBe("development");
    expect(env.databaseUrl).toBeUndefined();
    expect(env.dataDir).toBe(".data");
    expect(env.sandbox.enabled).toBe(true);
    expect(env.appUrl).toBe("http://localhost:3000");
    expect(env.intuit.authorizeUrl).toBe("http://localhost:3000/sandbox/qbo/oauth2/authorize");
    expect(env.intuit.apiBaseUrl).toBe("http://localhost:3000/sandbox/qbo");
    expect(env.intuit.redirectUri).toBe("http://localhost:3000/api/quickbooks/callback");
    expect(env.sandbox.actitimeUrl).toBe("http://localhost:3000/sandbox/actitime");
    expect(env.encryption.current).toHaveLength(32);
    expect(env.inngest.enabled).toBe(false);
  });

  it("leaves demo mode off when Intuit keys are configured and uses Intuit's endpoints", () => {
    const env = loadEnv({ INTUIT_CLIENT_ID: "id", INTUIT_CLIENT_SECRET: "s" });
    expect(env.sandbox.enabled).toBe(false);
    expect(env.intuit.authorizeUrl).toBe(INTUIT_DEFAULT_URLS.authorize);
    expect(env.intuit.tokenUrl).toBe(INTUIT_DEFAULT_URLS.token);
    expect(env.intuit.apiBaseUrl).toBe(INTUIT_DEFAULT_URLS.apiSandbox);
    expect(loadEnv({ INTUIT_CLIENT_ID: "id", INTUIT_CLIENT_SECRET: "s", INTUIT_ENVIRONMENT: "production" }).intuit.apiBaseUrl).toBe(
      INTUIT_DEFAULT_URLS.apiProduction,
    );
  });

  it("honours the four endpoint overrides even in demo mode", () => {
    const env = loadEnv({
      INTUIT_AUTHORIZE_URL: "http://127.0.0.1:9/auth",
      INTUIT_TOKEN_URL: "http://127.0.0.1:9/token",
      INTUIT_REVOKE_URL: "http://127.0.0.1:9/revoke",
      QBO_API_BASE_URL: "http://127.0.0.1:9/api/",
    });
    expect(env.intuit).toMatchObject({
      authorizeUrl: "http://127.0.0.1:9/auth",
      tokenUrl: "http://127.0.0.1:9/token",
      revokeUrl: "http://127.0.0.1:9/revoke",
      apiBaseUrl: "http://127.0.0.1:9/api",
    });
  });

  it("refuses to start in production without its secrets, naming each one", () => {
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(EnvError);
    try {
      loadEnv({ NODE_ENV: "production" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("NEXTAUTH_SECRET is required in production");
      expect(message).toContain("ENCRYPTION_KEY is required in production");
      expect(message).toContain("INTUIT_CLIENT_ID and INTUIT_CLIENT_SECRET are required");
    }
  });

  it("starts in production with every secret, with demo mode off by default", () => {
    const env = loadEnv(productionSecrets);
    expect(env.isProduction).toBe(true);
    expect(env.sandbox.enabled).toBe(false);
    expect(env.nextAuthSecret).toBe(productionSecrets.NEXTAUTH_SECRET);
  });

  it("lets `next build` run without runtime secrets", () => {
    expect(() => loadEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).not.toThrow();
  });

  it("turns the demo on in production only when SANDBOX=1 is explicit", () => {
    const env = loadEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "x".repeat(40), ENCRYPTION_KEY: productionSecrets.ENCRYPTION_KEY, SANDBOX: "1", DEMO_PUBLIC: "1", ALLOW_EMBEDDED_DB: "1", IMPORT_RUNNER: "inline" });
    expect(env.sandbox.enabled).toBe(true);
    expect(env.intuit.clientId).toBe("sandbox-client-id");
  });

  it.each([
    [{ ENCRYPTION_KEY: "too-short" }, "ENCRYPTION_KEY must be 32 bytes"],
    [{ NEXTAUTH_SECRET: "short" }, "NEXTAUTH_SECRET must be at least 32 characters"],
    [{ INTUIT_ENVIRONMENT: "staging" }, "INTUIT_ENVIRONMENT"],
    [{ NEXTAUTH_URL: "ftp://example.com" }, "NEXTAUTH_URL"],
    [{ SANDBOX: "maybe" }, "SANDBOX"],
    [{ INTUIT_CLIENT_ID: "id" }, "INTUIT_CLIENT_SECRET is required when INTUIT_CLIENT_ID is set"],
  ])("rejects %o with a message naming the variable", (input, expected) => {
    expect(() => loadEnv(input)).toThrow(expected);
  });

  describe("the import runner is an explicit choice in production", () => {
    const { IMPORT_RUNNER: _inline, ...withoutRunner } = productionSecrets;

    it("refuses to start without Inngest keys unless IMPORT_RUNNER=inline, naming the variable", () => {
      expect(() => loadEnv(withoutRunner)).toThrow(EnvError);
      expect(() => loadEnv(withoutRunner)).toThrow("IMPORT_RUNNER=inline is required to run imports inside the web process in production without Inngest");
      expect(() => loadEnv({ ...withoutRunner, SANDBOX: "1" })).toThrow("IMPORT_RUNNER=inline");
      expect(() => loadEnv({ ...withoutRunner, IMPORT_RUNNER: "inline" })).not.toThrow();
      expect(loadEnv({ ...withoutRunner, IMPORT_RUNNER: "inline" }).inngest.enabled).toBe(false);
    });

    it("needs no IMPORT_RUNNER when Inngest is configured, and runs imports through it", () => {
      const env = loadEnv({ ...withoutRunner, INNGEST_EVENT_KEY: "evt", INNGEST_SIGNING_KEY: "signkey-prod-123" });
      expect(env.inngest.enabled).toBe(true);
      expect(loadEnv({ ...withoutRunner, INNGEST_EVENT_KEY: "evt", INNGEST_SIGNING_KEY: "signkey-prod-123", IMPORT_RUNNER: "inngest" }).inngest.enabled).toBe(true);
    });

    it("IMPORT_RUNNER=inline wins over configured Inngest keys", () => {
      expect(loadEnv({ ...withoutRunner, INNGEST_EVENT_KEY: "evt", INNGEST_SIGNING_KEY: "signkey-prod-123", IMPORT_RUNNER: "inline" }).inngest.enabled).toBe(false);
    });

    it("refuses IMPORT_RUNNER=inngest without Inngest, and anything else than inline/inngest", () => {
      expect(() => loadEnv({ IMPORT_RUNNER: "inngest" })).toThrow("IMPORT_RUNNER=inngest needs INNGEST_EVENT_KEY");
      expect(() => loadEnv({ IMPORT_RUNNER: "threads" })).toThrow("IMPORT_RUNNER");
    });

    it("development and `next build` need no choice", () => {
      expect(loadEnv({}).inngest.enabled).toBe(false);
      expect(() => loadEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).not.toThrow();
    });
  });

  it("accepts a hex key and previous keys for rotation", () => {
    const env = loadEnv({ ENCRYPTION_KEY: "ab".repeat(32), ENCRYPTION_KEYS_PREVIOUS: `${Buffer.alloc(32, 2).toString("base64")}, ${"cd".repeat(32)}` });
    expect(env.encryption.current.equals(Buffer.alloc(32, 0xab))).toBe(true);
    expect(env.encryption.previous).toHaveLength(2);
  });

  describe("production settings refused at start-up (issue 13 §5), each naming its variable", () => {
    it.each([
      [{ SANDBOX: "1" }, "SANDBOX=1 in production publishes the demo emulators: set DEMO_PUBLIC=1"],
      [{ INNGEST_DEV: "1" }, "INNGEST_DEV must not be set in production"],
      [{ INNGEST_DEV: "http://127.0.0.1:8288" }, "INNGEST_DEV must not be set in production"],
      [{ INNGEST_EVENT_KEY: "evt" }, "INNGEST_SIGNING_KEY is required when INNGEST_EVENT_KEY is set"],
      [{ DATABASE_URL: "" }, "DATABASE_URL is required in production"],
      [{ ACTITIME_ALLOWED_HOSTS: "https://actitime.corp/x" }, "ACTITIME_ALLOWED_HOSTS must be comma-separated host[:port] entries"],
    ])("refuses %o", (override, expected) => {
      expect(() => loadEnv({ ...productionSecrets, ...override })).toThrow(expected);
    });

    it("accepts each once it is meant: a public demo, signed Inngest, an embedded database on purpose", () => {
      expect(() => loadEnv({ ...productionSecrets, SANDBOX: "1", DEMO_PUBLIC: "1" })).not.toThrow();
      expect(() => loadEnv({ ...productionSecrets, INNGEST_EVENT_KEY: "evt", INNGEST_SIGNING_KEY: "signkey-prod-1" })).not.toThrow();
      expect(() => loadEnv({ ...productionSecrets, DATABASE_URL: "", ALLOW_EMBEDDED_DB: "1" })).not.toThrow();
      expect(() => loadEnv({ ...productionSecrets, INNGEST_DEV: "0" })).not.toThrow();
      // Development keeps its embedded defaults.
      expect(() => loadEnv({ SANDBOX: "1", INNGEST_DEV: "1" })).not.toThrow();
    });

    it("names every problem at once", () => {
      expect(() => loadEnv({ ...productionSecrets, DATABASE_URL: "", SANDBOX: "1", INNGEST_DEV: "1", INNGEST_EVENT_KEY: "e" })).toThrow(
        /SANDBOX=1[\s\S]*INNGEST_DEV[\s\S]*INNGEST_SIGNING_KEY[\s\S]*DATABASE_URL/,
      );
    });
  });

  it("refuses the pacing time scale in production unless test knobs are allowed, and accepts it elsewhere", () => {
    expect(() => loadEnv({ ...productionSecrets, QBO_PACE_TIME_SCALE: "4" })).toThrow(/QBO_PACE_TIME_SCALE is for tests and benchmarks: refused in production unless ALLOW_TEST_KNOBS=1/);
    expect(loadEnv({ ...productionSecrets, QBO_PACE_TIME_SCALE: "4", ALLOW_TEST_KNOBS: "1" }).qboPaceTimeScale).toBe(4);
    expect(loadEnv({ ...productionSecrets }).qboPaceTimeScale).toBe(1);
    expect(loadEnv({ NODE_ENV: "test", QBO_PACE_TIME_SCALE: "120" }).qboPaceTimeScale).toBe(120);
    expect(() => loadEnv({ NODE_ENV: "test", QBO_PACE_TIME_SCALE: "-2" })).toThrow(/positive/);
    expect(() => loadEnv({ NODE_ENV: "test", QBO_PACE_TIME_SCALE: "fast" })).toThrow(EnvError);
  });
});
