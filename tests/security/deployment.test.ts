// What a production deployment sends to browsers (issue 8 "Security tests"):
// - security response headers from next.config.ts (CSP with frame-ancestors 'none', referrer policy,
//   nosniff, no eval in production);
// - the sandbox answers 404 under a production configuration without SANDBOX=1, decided by the real
//   environment (tests/sandbox/demo*.test.ts switch it off through resetDemoForTests instead), and
//   the login page then shows no demo credentials;
// - no secret reaches client code: client components never import server-only modules, and, when a
//   build exists, the client bundles in .next/static hold none of the development secrets.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
// Loaded before NODE_ENV is stubbed to "production": the JSX of the pages is compiled for the dev runtime.
import "react/jsx-dev-runtime";
import { renderToStaticMarkup } from "react-dom/server";

vi.mock("@/lib/auth/session", async (original) => ({ ...(await original<object>()), getAppSession: async () => null }));
// The login form (a client component) asks for the router; server rendering has none mounted here.
vi.mock("next/navigation", async (original) => ({ ...(await original<object>()), useRouter: () => ({ push: () => undefined, refresh: () => undefined }) }));

const ROOT = path.resolve(import.meta.dirname, "../..");
const PRODUCTION = {
  NODE_ENV: "production",
  NEXTAUTH_URL: "https://import.example.com",
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  INTUIT_CLIENT_ID: "prod-client-id",
  INTUIT_CLIENT_SECRET: "prod-client-secret",
  SANDBOX: "",
  IMPORT_RUNNER: "inline",
  // These tests run on their own test database; the production check for DATABASE_URL is in tests/lib/env.test.ts.
  ALLOW_EMBEDDED_DB: "1",
};

async function freshModules(env: Record<string, string>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
}
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

type HeaderRule = { source: string; headers: { key: string; value: string }[] };
async function configHeaders(env: Record<string, string>): Promise<{ rules: HeaderRule[]; config: { poweredByHeader?: boolean } }> {
  await freshModules(env);
  const { default: config } = await import("@/next.config");
  return { rules: (await config.headers!()) as HeaderRule[], config };
}

async function proxyHeaders(env: Record<string, string>, url = "https://import.example.com/imports"): Promise<Headers> {
  await freshModules(env);
  const { proxy } = await import("@/proxy");
  const { NextRequest } = await import("next/server");
  return proxy(new NextRequest(url)).headers;
}

function cspOf(headers: Headers): Record<string, string[]> {
  return Object.fromEntries(
    headers
      .get("content-security-policy")!
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("security headers (next.config.ts and proxy.ts)", () => {
  it("every path gets X-Frame-Options, Referrer-Policy, nosniff, Permissions-Policy; no X-Powered-By", async () => {
    const { rules, config } = await configHeaders(PRODUCTION);
    expect(config.poweredByHeader).toBe(false);
    const all = rules.find((r) => r.source === "/:path*");
    expect(all, "a rule for every path").toBeDefined();
    const header = (key: string) => all!.headers.find((h) => h.key.toLowerCase() === key.toLowerCase())?.value;
    expect(header("X-Frame-Options")).toBe("DENY");
    expect(header("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(header("X-Content-Type-Options")).toBe("nosniff");
    expect(header("Permissions-Policy")).toMatch(/camera=\(\)/);
  });

  it("every page gets a CSP whose scripts need a fresh nonce: no 'unsafe-inline', no eval in production (issue 13 §6)", async () => {
    const first = await proxyHeaders(PRODUCTION);
    const csp = cspOf(first);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(csp["base-uri"]).toEqual(["'self'"]);
    expect(csp["form-action"]).toEqual(["'self'"]);
    expect(csp["connect-src"]).toEqual(["'self'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["script-src"]).not.toContain("'unsafe-inline'");
    expect(csp["script-src"]).not.toContain("'unsafe-eval'");
    expect(csp["script-src"]).not.toContain("*");
    const nonce = csp["script-src"]!.find((v) => v.startsWith("'nonce-"));
    expect(nonce).toMatch(/^'nonce-[A-Za-z0-9+/=]{22,}'$/);
    const second = cspOf(await proxyHeaders(PRODUCTION));
    expect(second["script-src"]).not.toContain(nonce); // new for every request
  });

  it("HSTS over https only", async () => {
    expect((await proxyHeaders(PRODUCTION)).get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const plain = await proxyHeaders({ ...PRODUCTION, NEXTAUTH_URL: "http://127.0.0.1:3000" }, "http://127.0.0.1:3000/login");
    expect(plain.get("strict-transport-security")).toBeNull();
  });

  it("development allows eval (React dev tooling) but keeps frame-ancestors 'none'", async () => {
    const csp = (await proxyHeaders({ NODE_ENV: "development" }, "http://localhost:3000/")).get("content-security-policy")!;
    expect(csp).toContain("'unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe("sandbox in a production configuration without SANDBOX=1", () => {
  it("is off by the real environment: routes 404, the control page and its actions 404, no demo credentials on the login page", async () => {
    await freshModules(PRODUCTION);
    const { getEnv } = await import("@/lib/env");
    const { isDemoEnabled } = await import("@/lib/sandbox/demo");
    expect(getEnv().sandbox.enabled).toBe(false);
    expect(isDemoEnabled()).toBe(false);

    const qbo = await import("@/app/sandbox/qbo/[...path]/route");
    const actitime = await import("@/app/sandbox/actitime/[...path]/route");
    const control = await import("@/app/sandbox/control/[action]/route");
    const base = "https://import.example.com/sandbox";
    const responses = [
      await qbo.GET(new Request(`${base}/qbo/oauth2/authorize?client_id=sandbox-client-id`)),
      await qbo.POST(new Request(`${base}/qbo/oauth2/tokens/bearer`, { method: "POST", body: "grant_type=refresh_token&refresh_token=x" })),
      await actitime.GET(new Request(`${base}/actitime/api/v1/users/me`, { headers: { authorization: `Basic ${btoa("admin:demo")}` } })),
      await control.POST(new Request(`${base}/control/reset`, { method: "POST", body: "{}" }), { params: Promise.resolve({ action: "reset" }) }),
    ];
    for (const response of responses) expect(response.status).toBe(404);

    const { default: SandboxPage } = await import("@/app/sandbox/page");
    const page = await SandboxPage({ searchParams: Promise.resolve({}) }).catch((e: unknown) => e);
    expect(String((page as { digest?: string }).digest)).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);
    const { resetAction } = await import("@/app/sandbox/actions");
    const action = await resetAction(new FormData()).catch((e: unknown) => e);
    expect(String((action as { digest?: string }).digest)).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);

    const { default: LoginPage } = await import("@/app/(auth)/login/page");
    const { DEMO_CREDENTIALS } = await import("@/lib/sandbox/demo-credentials");
    const html = renderToStaticMarkup((await LoginPage({ searchParams: Promise.resolve({}) })) as React.ReactElement);
    expect(html).toContain("Log in with your actiTIME account");
    expect(html).not.toContain("Demo mode");
    expect(html).not.toContain(`>${DEMO_CREDENTIALS.password}<`);
    expect(html).not.toContain("/sandbox/actitime");
  });
});

// ---------------------------------------------------------------------------------------------
// Client code

const DEV_SECRETS = {
  "development NEXTAUTH_SECRET": "dev-only-nextauth-secret-change-me-in-production",
  "development ENCRYPTION_KEY": Buffer.alloc(32, 7).toString("base64"),
  "sandbox Intuit client secret": "sandbox-client-secret",
};

/** Modules whose code must never be shipped to a browser. */
const SERVER_ONLY = [/^lib\/env\.ts$/, /^lib\/crypto\.ts$/, /^db\//, /^lib\/auth\/(options|login|session)\.ts$/, /^lib\/qbo\//, /^lib\/import\//, /^lib\/actitime\//, /^lib\/sandbox\/demo\.ts$/];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : undefined;
  if (!base) return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Value imports of a file (type-only imports are erased and ship nothing). */
function valueImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specs: string[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+["']([^"']+)["']/gms)) {
    if (match[2]) continue;
    const clause = match[3]!;
    // `import { type A, type B } from` is type-only as well.
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    if (named && named[1]!.split(",").every((part) => part.trim() === "" || part.trim().startsWith("type "))) continue;
    specs.push(match[4]!);
  }
  for (const match of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) specs.push(match[1]!);
  return specs;
}

describe("client code holds no secrets", () => {
  it("no client component reaches a server-only module (env, crypto, database, auth, QBO, import engine)", () => {
    const files = walk(path.join(ROOT, "app")).filter((f) => /\.(ts|tsx)$/.test(f));
    const clientEntries = files.filter((f) => /^\s*["']use client["']/.test(readFileSync(f, "utf8")));
    expect(clientEntries.length).toBeGreaterThan(3);
    const problems: string[] = [];
    for (const entry of clientEntries) {
      const seen = new Set<string>();
      const queue: { file: string; via: string[] }[] = [{ file: entry, via: [] }];
      while (queue.length) {
        const { file, via } = queue.shift()!;
        if (seen.has(file)) continue;
        seen.add(file);
        const rel = path.relative(ROOT, file);
        if (SERVER_ONLY.some((re) => re.test(rel))) {
          problems.push([...via, rel].join(" → "));
          continue;
        }
        // A server action module is replaced by a reference in the client bundle: its imports stay on the server.
        if (via.length > 0 && /^\s*["']use server["']/.test(readFileSync(file, "utf8"))) continue;
        for (const spec of valueImports(file)) {
          const next = resolveImport(file, spec);
          if (next) queue.push({ file: next, via: [...via, rel] });
        }
      }
    }
    expect(problems).toEqual([]);
  });

  const staticDir = path.join(ROOT, ".next", "static");
  it.skipIf(!existsSync(staticDir))("the built client bundles (.next/static) contain no development secret, key or client secret", () => {
    const files = walk(staticDir).filter((f) => /\.(js|css|map|json|txt|html)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const secrets: Record<string, string> = { ...DEV_SECRETS };
    // The secrets of the environment this test runs in, when it has any (CI may build with real ones).
    for (const key of ["NEXTAUTH_SECRET", "ENCRYPTION_KEY", "INTUIT_CLIENT_SECRET", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"]) {
      const value = process.env[key];
      if (value && value.length >= 8) secrets[`$${key}`] = value;
    }
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const [what, secret] of Object.entries(secrets)) if (text.includes(secret)) found.push(`${what} in ${path.relative(ROOT, file)}`);
      // lib/env.ts itself (its messages are unique) must not have been bundled for the browser.
      if (text.includes("must be 32 bytes, base64 or hex encoded")) found.push(`lib/env.ts code in ${path.relative(ROOT, file)}`);
    }
    expect(found).toEqual([]);
  });
});
