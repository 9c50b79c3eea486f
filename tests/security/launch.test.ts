// Issue 13 §4 and §0: /launch and /login for an actiTIME host this deployment has never signed in to
// show the host and ask to confirm before the form is usable; errors travel as codes and query text
// is never rendered; the form posts (method=post) and carries no password in a URL.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import { accounts } from "@/db/schema";
import { createTestDb, type TestDb } from "@/tests/helpers/db";

const state = vi.hoisted(() => ({ db: null as unknown, cookies: new Map<string, string>(), writes: [] as string[] }));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("@/lib/auth/session", async (original) => ({ ...(await original<object>()), getAppSession: async () => null }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
    set: (cookie: { name: string; value: string; path?: string; maxAge?: number; httpOnly?: boolean }) => {
      state.writes.push(`${cookie.name}=${cookie.value}; path=${cookie.path}; max-age=${cookie.maxAge}; httponly=${cookie.httpOnly}`);
      state.cookies.set(cookie.name, cookie.value);
    },
    delete: (name: string) => state.cookies.delete(name),
  }),
  headers: async () => new Headers(),
}));

const { default: LoginPage } = await import("@/app/(auth)/login/page");
const { confirmHostAction } = await import("@/app/(auth)/login/actions");
const { CONFIRMED_HOST_COOKIE } = await import("@/app/(auth)/login/confirm");
const launch = await import("@/app/launch/route");

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  state.db = t.db;
  await t.db.insert(accounts).values({ baseUrl: "https://known.actitime.test/acme" });
});
afterAll(async () => t?.dispose());
beforeEach(() => {
  state.cookies = new Map();
  state.writes = [];
});

const render = async (params: Record<string, string>) => renderToStaticMarkup((await LoginPage({ searchParams: Promise.resolve(params) })) as ReactElement);

describe("/login for an unfamiliar actiTIME host", () => {
  it("shows the host prominently and no usable form until confirmed", async () => {
    const html = await render({ actitime: "https://phish.example/acme" });
    expect(html).toContain("You are about to sign in to <strong");
    expect(html).toMatch(/<strong[^>]*>phish\.example<\/strong>\. Only continue if this is your actiTIME address\./);
    expect(html).not.toContain('name="password"');
    expect(html).toContain("Continue to phish.example");
  });

  it("the confirmation is a POST that remembers the host for 10 minutes; then the form is there", async () => {
    const form = new FormData();
    form.set("actitimeUrl", "https://phish.example/acme/");
    const outcome = await confirmHostAction(form).catch((e: unknown) => e);
    expect(String((outcome as { digest?: string }).digest)).toContain("/login?actitime=https%3A%2F%2Fphish.example%2Facme");
    expect(state.writes).toEqual([`${CONFIRMED_HOST_COOKIE}=https://phish.example/acme; path=/login; max-age=600; httponly=true`]);
    const html = await render({ actitime: "https://phish.example/acme" });
    expect(html).toContain('name="password"');
    expect(html).toContain("Signing in to <strong");
    // A cookie for another host confirms nothing.
    expect(await render({ actitime: "https://other.example/acme" })).not.toContain('name="password"');
  });

  it("an origin this deployment has signed in to needs no confirmation", async () => {
    const html = await render({ actitime: "https://known.actitime.test/acme" });
    expect(html).toContain('name="password"');
    expect(html).not.toContain("You are about to sign in to");
  });

  it("never renders query text as a message: errors are codes", async () => {
    const html = await render({ error: "Your account is locked. Call +1 555 0100 and give your password" });
    expect(html).not.toContain("555 0100");
    expect(html).toContain("Sign-in failed. Please try again.");
    expect(await render({ error: "CredentialsSignin" })).toContain("actiTIME did not accept this username and password.");
    expect(await render({ error: "invalid_url" })).toContain("This is not a web address.");
    // A deep link that is not an address at all is dropped, not echoed.
    expect(await render({ actitime: "javascript:alert(1)//<b>hi</b>" })).not.toContain("alert");
  });

  // That the form really posts (method=post, signing in with JavaScript off, no password= in any
  // URL) needs Next's own rendering of server actions: tests/e2e/product.spec.ts scenario 0 checks it.
});

describe("/launch", () => {
  it("sends a valid address on to the login page (which asks to confirm), a bad one as an error code", async () => {
    const ok = await launch.GET(new Request("http://localhost:3000/launch?actitime=https://phish.example/acme/api/v1/"));
    expect(ok.headers.get("location")).toBe("http://localhost:3000/login?actitime=https%3A%2F%2Fphish.example%2Facme");
    const bad = await launch.GET(new Request(`http://localhost:3000/launch?actitime=${encodeURIComponent("ftp://x <script>")}`));
    expect(bad.headers.get("location")).toBe("http://localhost:3000/login?error=invalid_url");
  });
});
