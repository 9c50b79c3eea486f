// Fixtures and helpers of the browser tests (tests/e2e/product.spec.ts): sessions (browser contexts that
// watch every request for a password in its URL and every 404), the sandbox controls (what a person would
// do inside actiTIME or QuickBooks), screenshots, and the import wizard's steps.
import { expect, test as base, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { base as origin } from "./port";

export { origin as base };
export const STEP_TIMEOUT_MS = 20_000;
export const NAV_TIMEOUT_MS = 45_000;
export const IMPORT_TIMEOUT_MS = 150_000;

export const SANDBOX_REALM = "9130350000000001";
export const SANDBOX_COMPANY = "Sandbox Consulting LLC";
export const PAYROLL_COMPANY = "Northwind Payroll Co";
export const ADMIN = { username: "admin", password: "demo", name: "Margaret Hale" };
export const SECOND_ADMIN = { username: "aokafor", password: "demo", name: "Amara Okafor" };
export type Admin = typeof ADMIN;

export const SHOTS = path.resolve(import.meta.dirname, "../../test-results/screens");
mkdirSync(SHOTS, { recursive: true });

/** Fails the test with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  expect(condition, message).toBeTruthy();
}

export const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Month ranges in UTC calendar days, like the app's quick picks. */
export function monthRange(monthsBack: number, count = 1): { from: string; to: string } {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack + count, 0));
  return { from: iso(first), to: iso(last) };
}

/** POST /sandbox/control/<command>: the sandbox's own JSON twin of its control page. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command answers its own shape
export async function control(command: string, body: object = {}): Promise<{ ok: true; data: any }> {
  const response = await fetch(`${origin}/sandbox/control/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const json = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: string; data?: unknown };
  if (!response.ok || !json.ok) throw new Error(`sandbox ${command} failed (${response.status}): ${json.error ?? "no answer"}`);
  return json as { ok: true; data: never };
}

let shotCount = 0;
/** A full-page screenshot into test-results/screens/NN-name.png (a failed screenshot does not fail the test). */
export async function shot(page: Page, name: string): Promise<string> {
  shotCount += 1;
  const file = path.join(SHOTS, `${String(shotCount).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: STEP_TIMEOUT_MS }).catch((error: Error) => {
    console.log(`  (screenshot ${name} failed: ${error.message.split("\n")[0]})`);
  });
  return file;
}

/** Every URL any page requested that carries a password (issue 13 §0): must stay empty. */
export const passwordInUrls: string[] = [];
/** Same-origin paths the browser got a 404 for (reported at the end, issue 14). */
export const notFound = new Set<string>();

export interface Session {
  context: BrowserContext;
  page: Page;
}

/** A new browser context like a person's browser: en-US, UTC, 1280×900, watched for passwords in URLs and 404s. */
export async function openSession(browser: Browser, { javaScriptEnabled = true } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "UTC", javaScriptEnabled });
  context.on("request", (request) => {
    if (/password=/i.test(request.url())) passwordInUrls.push(request.url());
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`  [browser error] ${error.message.split("\n")[0]}`));
  page.on("response", (response) => {
    if (response.status() === 404 && response.url().startsWith(origin) && !/\/sandbox\//.test(response.url())) notFound.add(new URL(response.url()).pathname);
  });
  return { context, page };
}

/**
 * `sessions.open()` gives a fresh browser context for this test, closed after it (with a screenshot of each
 * page into the test's output when it failed). `keep: true` leaves it open for the scenarios that follow
 * (the first admin's page stays on a running import while the second admin acts).
 */
export const test = base.extend<{ sessions: { open(options?: { keep?: boolean; javaScriptEnabled?: boolean }): Promise<Session> } }>({
  sessions: async ({ browser }, provide, testInfo) => {
    const opened: { session: Session; keep: boolean }[] = [];
    await provide({
      async open({ keep = false, javaScriptEnabled = true } = {}) {
        const session = await openSession(browser, { javaScriptEnabled });
        opened.push({ session, keep });
        return session;
      },
    });
    for (const [i, { session, keep }] of opened.entries()) {
      if (testInfo.status !== testInfo.expectedStatus && !session.page.isClosed()) {
        await session.page.screenshot({ path: testInfo.outputPath(`failed-session-${i}.png`), fullPage: true }).catch(() => {});
        await testInfo.attach(`page ${i} url`, { body: session.page.url() });
      }
      if (!keep) await session.context.close().catch(() => {});
    }
  },
});
export { expect };

// ------------------------------------------------------------------ page helpers

export async function login(page: Page, user: Admin): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/imports(\?|$)/);
}

export const companyMenu = (page: Page) => page.locator('header summary[aria-label^="QuickBooks company"]');

/** Opens the company switcher (upper left) unless it is open already. */
export async function openCompanyMenu(page: Page): Promise<void> {
  const details = page.locator('header details:has(> summary[aria-label^="QuickBooks company"])');
  if ((await details.getAttribute("open")) === null) await companyMenu(page).click();
  await page.getByRole("list", { name: "Switch company" }).or(page.locator("header").getByRole("link", { name: "+ Connect to another QuickBooks" })).first().waitFor();
}

export async function currentCompany(page: Page): Promise<string> {
  return (await companyMenu(page).innerText()).replace(/^qb\s*/, "").replace(/▾/g, "").trim();
}

export const waitForCompany = (page: Page, name: string) =>
  page.waitForFunction((n) => document.querySelector('header summary[aria-label^="QuickBooks company"]')?.textContent?.includes(n), name);

/** Makes `name` the current company through the switcher (upper left). */
export async function ensureCompany(page: Page, name: string): Promise<void> {
  if ((await currentCompany(page)).includes(name)) return;
  await openCompanyMenu(page);
  await page.getByRole("list", { name: "Switch company" }).getByRole("button", { name }).click();
  await waitForCompany(page, name);
}

/** The value shown under a summary label (`<dt>label</dt><dd>value</dd>`). */
export async function statValue(scope: Page | Locator, label: string): Promise<string> {
  const dd = scope.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");
  return (await dd.first().innerText()).trim();
}

/** The cell texts of every `table tbody tr` in `scope`. */
export async function tableRows(scope: Page | Locator): Promise<string[][]> {
  return scope.locator("table tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th,td")].map((c) => (c.textContent ?? "").trim())));
}

/** Import History's imports table (not the drafts): its rows' cell texts. */
export const historyRows = (page: Page): Promise<string[][]> =>
  page
    .getByRole("table", { name: /^Imports,/ })
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th,td")].map((c) => (c.textContent ?? "").trim())));

/** Import History's "Your drafts" rows as [range, reached, last change, actions]. */
export async function draftRows(page: Page): Promise<string[][]> {
  const section = page.locator('section[aria-labelledby="drafts-title"]');
  if ((await section.count()) === 0) return [];
  return tableRows(section);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
export const mapRow = (page: Page, category: string, name: string) =>
  page.locator(`section[aria-labelledby="section-${category}"] > ul > li`, { has: page.locator("p.font-medium", { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) }).first();

// ------------------------------------------------------------------ wizard steps

export async function newImport(page: Page): Promise<string> {
  await page.goto(`${origin}/imports`);
  await page.getByRole("button", { name: "New Import" }).first().click();
  await page.waitForURL(/\/imports\/[^/]+\/select/);
  return page.url().match(/\/imports\/([^/]+)\/select/)![1]!;
}

export async function selectRange(page: Page, range: { from: string; to: string }, { quickPick, shotName }: { quickPick?: string; shotName?: string } = {}): Promise<void> {
  if (quickPick) {
    await page.getByRole("link", { name: quickPick }).click();
    await page.waitForURL(/from=/);
  } else {
    await page.getByLabel("From", { exact: true }).fill(range.from);
    await page.getByLabel("To", { exact: true }).fill(range.to);
  }
  await expect(page.getByLabel("From", { exact: true }), "From shows the range's first day").toHaveValue(range.from);
  await expect(page.getByLabel("To", { exact: true }), "To shows the range's last day").toHaveValue(range.to);
  if (shotName) await shot(page, shotName);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  // The Map step reads actiTIME and QuickBooks; right after an import QuickBooks' rate window may make it wait.
  await page.waitForURL(/\/map(\?|$)/, { timeout: 90_000 });
  await page.getByRole("heading", { name: "Map", exact: true }).waitFor();
}

export async function confirmMapping(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Confirm Mapping & Continue" }).click();
  await page.waitForURL(/\/(preview|map\?invalid)/, { timeout: 90_000 });
  if (page.url().includes("invalid")) {
    const problems = await page.locator('li [role="alert"]').allInnerTexts();
    throw new Error(`Map refused the rules: ${problems.slice(0, 5).join(" | ")}`);
  }
  await page.getByRole("heading", { name: "Preview", exact: true }).waitFor();
}

export async function startImport(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Start Import" }).click();
  await page.waitForURL(/\/imports\/[^/?]+(\?.*)?$/, { timeout: NAV_TIMEOUT_MS });
}

export interface Counts {
  created: number;
  updated: number;
  deleted: number;
  billed: number;
  failed: number;
}

const END_HEADING = /^(Import|Undo) (completed|interrupted|stopped with an error|ended with errors)$/;

/** Waits for the progress panel's end heading, checks it reads `heading`, and returns its counts. */
export async function waitForEnd(page: Page, heading = "Import completed"): Promise<Counts> {
  const end = page.getByRole("heading", { name: END_HEADING });
  await end.waitFor({ timeout: IMPORT_TIMEOUT_MS });
  const shown = (await end.innerText()).trim();
  if (shown !== heading) {
    const error = await page.locator('section[aria-live] [role="alert"]').allInnerTexts();
    throw new Error(`the import ended as "${shown}", expected "${heading}"${error.length ? `: ${error.join(" ")}` : ""}`);
  }
  // The page header (status badge, finished time) follows once the page refreshes itself.
  await page.getByText(/ · finished /).waitFor();
  const progress = page.locator("section[aria-live]");
  return {
    created: Number(await statValue(progress, "Created")),
    updated: Number(await statValue(progress, "Updated")),
    deleted: Number(await statValue(progress, "Deleted")),
    billed: Number(await statValue(progress, "Billed, left alone")),
    failed: Number(await statValue(progress, "Failed")),
  };
}

export async function failedReasons(page: Page): Promise<string> {
  await page.goto(`${page.url().split("?")[0]}?filter=failed`);
  const rows = await page.locator("table tbody tr").allInnerTexts();
  return rows.slice(0, 3).map((r) => r.replace(/\s+/g, " ")).join(" | ");
}

export async function setTaskNames(page: Page, on: boolean): Promise<void> {
  await page.goto(`${origin}/settings`);
  const box = page.getByLabel("Import task names");
  if ((await box.isChecked()) !== on) await box.setChecked(on);
  await page.locator('form[aria-labelledby="time-description"]').getByRole("button", { name: "Save" }).click();
  await page.waitForURL(/descriptionSaved/);
}
