// Browser test of issue 19 parts 1 and 4 (contractors as QuickBooks vendors; Class and Location), in
// demo mode like tests/e2e/run.mjs: the app with SANDBOX=1 at the configured baseURL, the sandbox
// control endpoints (POST /sandbox/control/<command>) only for what a person would do inside
// QuickBooks (add a vendor, switch class tracking) and to read what QuickBooks holds afterwards.
//
// Written for @playwright/test (the suite's runner after the run.mjs port): it needs a config giving
// `baseURL` (a `next start` with SANDBOX=1, DEMO_PUBLIC=1, ALLOW_EMBEDDED_DB=1, IMPORT_RUNNER=inline, a
// fresh DATA_DIR, as run.mjs starts it) and Chromium. The tests run in order and share one signed-in,
// connected session, so the data must be fresh. Scenario:
//   1. sign in, connect the sandbox company;
//   2. New Import: a user with no matching employee, once QuickBooks has a vendor of that name, is
//      suggested in the Map step as Link to QB Vendor; the import writes that user's time as the
//      vendor's (NameOf Vendor) in QuickBooks;
//   3. Settings → Users: another user is set to Link to QB Vendor "Jane Contractor";
//   4. with class tracking on, Settings → Projects shows the Class rule and saves one; with it off,
//      neither Settings nor the Map step shows a Class or Location control.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

const SANDBOX_REALM = "9130350000000001";
const SANDBOX_COMPANY = "Sandbox Consulting LLC";
const ADMIN = { username: "admin", password: "demo" };
const EXISTING_VENDOR = "Jane Contractor";

test.describe.configure({ mode: "serial" });

let page: Page;
/** The user suggested (and imported) as a vendor in step 2. */
let contractor = "";

async function control<T = unknown>(request: APIRequestContext, command: string, body: Record<string, unknown>): Promise<T> {
  const response = await request.post(`/sandbox/control/${command}`, { data: body });
  const json = (await response.json()) as { ok: boolean; data?: T; error?: string };
  expect(response.ok() && json.ok, `sandbox ${command}: ${json.error ?? response.status()}`).toBe(true);
  return json.data as T;
}

/** Last month in UTC calendar days (the Select step's "Last month" quick pick). */
function lastMonth(): { from: string; to: string } {
  const now = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { from: iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))), to: iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0))) };
}

async function newImportToMap(p: Page) {
  await p.goto("/imports");
  await p.getByRole("button", { name: "New Import" }).first().click();
  await p.waitForURL(/\/imports\/[^/]+\/select/);
  await p.getByRole("link", { name: "Last month" }).click();
  await p.waitForURL(/from=/);
  await expect(p.getByLabel("From", { exact: true })).toHaveValue(lastMonth().from);
  await p.getByRole("button", { name: "Continue to mapping" }).click();
  await p.waitForURL(/\/map(\?|$)/);
  await expect(p.getByRole("heading", { name: "Map", exact: true })).toBeVisible();
}

const userRows = (p: Page) => p.locator('section[aria-labelledby="section-user"] > ul > li');
const rowName = async (row: ReturnType<Page["locator"]>) => (await row.locator("p.font-medium").innerText()).trim();

/** Settings → a category → Edit the rule of `name`. */
async function editRule(p: Page, slug: string, name: string) {
  await p.goto(`/settings/${slug}`);
  await p.getByRole("link", { name: `Edit the rule for ${name}` }).click();
  await p.waitForURL(/edit=/);
  return p.getByRole("form", { name: `Edit the rule for ${name}` });
}

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext({ locale: "en-US", timezoneId: "UTC" })).newPage();
});

test.afterAll(async () => {
  await page.context().close();
});

test("sign in and connect the sandbox company", async () => {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/imports(\?|$)/);
  await page.getByRole("link", { name: "QuickBooks Companies" }).click();
  await page.getByRole("link", { name: "Connect to QuickBooks" }).first().click();
  await page.waitForURL(/\/sandbox\/qbo\/oauth2\/authorize/);
  await page.getByRole("link", { name: SANDBOX_COMPANY }).click();
  await page.waitForURL(/\/companies\?connected=/);
  await expect(page.getByText(`Connected to ${SANDBOX_COMPANY}.`)).toBeVisible();
});

test("the Map step suggests a user matching a QuickBooks vendor (and no employee) as that vendor; the import writes the vendor's time", async ({ request }) => {
  // A fresh company's first import creates its employees, customers and items first: minutes, not seconds.
  test.setTimeout(240_000);
  await newImportToMap(page);
  // A user QuickBooks has no similar employee for (suggested as Create new QB Employee).
  const rows = userRows(page).filter({ hasText: "no similar QuickBooks employee" });
  const count = await rows.count();
  let candidate: string | null = null;
  for (let i = 0; i < count && candidate === null; i++) {
    const name = await rowName(rows.nth(i));
    if ((await rows.nth(i).getByLabel(`Rule for ${name}`).inputValue()) === "create") candidate = name;
  }
  expect(candidate, "a user without a matching employee").not.toBeNull();
  contractor = candidate!;

  // The company's admin adds the contractor as a vendor in QuickBooks; the Map step reads the lists again.
  await control(request, "qbo-add-vendor", { realmId: SANDBOX_REALM, displayName: contractor });
  await page.getByRole("button", { name: "Refresh QuickBooks lists" }).click();
  await expect(page.getByText("QuickBooks lists refreshed.")).toBeVisible();

  const row = userRows(page).filter({ has: page.locator("p.font-medium", { hasText: contractor }) });
  await expect(row.getByLabel(`Rule for ${contractor}`)).toHaveValue("vendor_link");
  await expect(row.getByText("(QuickBooks vendor)")).toBeVisible();
  const vendorSelect = row.getByLabel("QuickBooks vendor");
  await expect(vendorSelect.locator("option:checked")).toHaveText(contractor);
  // Both vendor rules are offered beside the employee ones.
  await expect(row.getByLabel(`Rule for ${contractor}`).locator("option")).toContainText(["Link to QB Vendor", "Create new QB Vendor"]);

  await page.getByRole("button", { name: "Confirm Mapping & Continue" }).click();
  await page.waitForURL(/\/(preview|map\?invalid)/, { timeout: 90_000 });
  expect(page.url(), "the Map step refused the rules").toContain("/preview");
  await page.getByRole("button", { name: "Start Import" }).click();
  await expect(page.getByRole("heading", { name: /^Import (completed|interrupted|stopped with an error|ended with errors)$/ })).toHaveText("Import completed", { timeout: 150_000 });

  // QuickBooks holds the contractor's time as the vendor's: NameOf Vendor, the vendor as the worker.
  const range = lastMonth();
  const { activities } = await control<{ activities: { nameOf: string | null; worker: string | null }[] }>(request, "qbo-time-activities", { realmId: SANDBOX_REALM, from: range.from, to: range.to, limit: 1000 });
  const vendorTime = activities.filter((a) => a.nameOf === "Vendor");
  expect(vendorTime.length).toBeGreaterThan(0);
  expect(new Set(vendorTime.map((a) => a.worker))).toEqual(new Set([contractor]));
  expect(activities.filter((a) => a.worker === contractor && a.nameOf !== "Vendor")).toEqual([]);
});

test("Settings → Users: Link to QB Vendor", async () => {
  await page.goto("/settings/users");
  const names = (await page.locator("table tbody th[scope=row]").allInnerTexts()).map((n) => n.trim());
  const other = names.find((n) => n !== contractor);
  expect(other, "another user with a rule").toBeDefined();
  const form = await editRule(page, "users", other!);
  const kind = form.getByLabel("Rule", { exact: true });
  await expect(kind.locator("option")).toContainText(["Link to QB Vendor", "Create new QB Vendor"]);
  await kind.selectOption({ label: "Link to QB Vendor" });
  await form.getByLabel("QuickBooks vendor").selectOption({ label: EXISTING_VENDOR });
  await form.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText(`Saved: “${other}” now uses Link to QB Vendor "${EXISTING_VENDOR}"`)).toBeVisible();
  const savedRow = page.locator("tr", { has: page.locator("th", { hasText: other! }) });
  await expect(savedRow).toContainText("Link to QB Vendor");
  await expect(savedRow).toContainText(EXISTING_VENDOR);
});

test("a company tracking classes shows the Class rule in Settings and saves it", async ({ request }) => {
  await control(request, "qbo-settings", { realmId: SANDBOX_REALM, classTracking: true, trackDepartments: false });
  await page.goto("/settings/projects");
  await page.getByRole("button", { name: "Refresh QuickBooks lists" }).click();
  await expect(page.getByText("QuickBooks lists refreshed.")).toBeVisible();
  // A project whose time is imported (a Do not import rule shows no class in the list).
  const project = (await page.locator("table tbody tr", { hasNotText: "Do not import" }).locator("th[scope=row]").first().innerText()).trim();
  const form = await editRule(page, "projects", project);
  const classSelect = form.getByLabel("QuickBooks Class");
  await expect(classSelect).toBeVisible();
  await expect(form.getByLabel("QuickBooks Location")).toHaveCount(0);
  const options = (await classSelect.locator("option").allInnerTexts()).map((o) => o.trim());
  expect(options.slice(0, 2)).toEqual(["No rule: use the user's class, if any", "Leave it empty"]);
  const chosen = options[2];
  expect(chosen, "the company has classes").toBeDefined();
  await classSelect.selectOption({ label: chosen! });
  await form.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText(`Saved: “${project}”`)).toBeVisible();
  await expect(page.locator("tr", { has: page.locator("th", { hasText: project }) })).toContainText(`class "${chosen}"`);
});

test("a company not tracking classes or locations shows neither, in Settings nor in the Map step", async ({ request }) => {
  await control(request, "qbo-settings", { realmId: SANDBOX_REALM, classTracking: false, trackDepartments: false });
  await page.goto("/settings/projects");
  await page.getByRole("button", { name: "Refresh QuickBooks lists" }).click();
  await expect(page.getByText("QuickBooks lists refreshed.")).toBeVisible();
  const project = (await page.locator("table tbody th[scope=row]").first().innerText()).trim();
  const form = await editRule(page, "projects", project);
  await expect(form.getByLabel("Rule", { exact: true })).toBeVisible();
  await expect(form.getByLabel("QuickBooks Class")).toHaveCount(0);
  await expect(form.getByLabel("QuickBooks Location")).toHaveCount(0);
  const users = await editRule(page, "users", contractor);
  await expect(users.getByLabel("QuickBooks Class")).toHaveCount(0);

  await newImportToMap(page);
  await expect(page.getByLabel("QuickBooks class")).toHaveCount(0);
  await expect(page.getByLabel("QuickBooks location")).toHaveCount(0);
});
