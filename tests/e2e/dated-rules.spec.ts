// Browser test of rules that apply from a date (issue 19 §2): project "dated-rules" of playwright.config.ts,
// against a server of its own in demo mode (SANDBOX=1, a fresh DATA_DIR; tests/e2e/server.mjs).
// The company's rules are born in an import, so the test first runs one import of last month with
// the Map step's suggestions, then edits a project's rule in Settings with Apply from a date, and
// reads the rule's periods on its history page. A date that is not one is refused, nothing saved.
import { expect, test, type Page } from "@playwright/test";

import path from "node:path";

import { datedPort } from "./port";
import { ADMIN, iso, SANDBOX_COMPANY, SHOTS } from "./support";

const BASE = `http://127.0.0.1:${datedPort}`;

test.describe.configure({ mode: "serial", timeout: 240_000 });

function lastMonth() {
  const now = new Date();
  return { from: iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))), to: iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0))) };
}
function dayBefore(date: string) {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return iso(new Date(Date.UTC(y, m - 1, d - 1)));
}

async function login(page: Page) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/imports(\?|$)/);
}

/** This spec's server starts with no company: connect the sandbox one (Companies → Connect to QuickBooks). */
async function ensureCompany(page: Page) {
  await page.goto(`${BASE}/companies`);
  if ((await page.locator('header summary[aria-label^="QuickBooks company"]').innerText()).includes(SANDBOX_COMPANY)) return;
  await page.getByRole("link", { name: "Connect to QuickBooks" }).first().click();
  await page.waitForURL(/\/sandbox\/qbo\/oauth2\/authorize/);
  await page.getByRole("link", { name: SANDBOX_COMPANY }).click();
  await page.waitForURL(/\/companies\?connected=/);
  await expect(page.getByText(`Connected to ${SANDBOX_COMPANY}.`)).toBeVisible();
}

/**
 * New Import of last month up to its Preview, with the Map step's suggestions accepted where it offers
 * them. With saved rules (`savedRules`), the Map step offers Apply from for the ones it changes, all dates by default.
 */
async function previewLastMonth(page: Page, savedRules = false) {
  const range = lastMonth();
  await page.goto(`${BASE}/imports`);
  await page.getByRole("button", { name: "New Import" }).first().click();
  await page.waitForURL(/\/imports\/[^/]+\/select/);
  await page.getByLabel("From", { exact: true }).fill(range.from);
  await page.getByLabel("To", { exact: true }).fill(range.to);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await page.waitForURL(/\/map(\?|$)/, { timeout: 45_000 });
  const acceptAll = page.getByRole("button", { name: "Accept all suggestions" });
  if ((await acceptAll.count()) > 0) await acceptAll.click();
  if (savedRules) {
    const applyFrom = page.getByRole("group", { name: "Apply from" });
    await expect(applyFrom).toBeVisible();
    await expect(applyFrom.getByRole("radio", { name: "All dates" })).toBeChecked();
    await expect(applyFrom.getByLabel("First date it applies from")).toBeVisible();
    await applyFrom.screenshot({ path: path.join(SHOTS, "i19-map-apply-from.png") });
  }
  await page.getByRole("button", { name: "Confirm Mapping & Continue" }).click();
  await page.waitForURL(/\/preview/, { timeout: 90_000 });
}

/** One import of last month with the Map step's suggestions, so the company has rules. */
async function importLastMonth(page: Page) {
  await previewLastMonth(page);
  await page.getByRole("button", { name: "Start Import" }).click();
  await expect(page.getByRole("heading", { name: "Import completed" })).toBeVisible({ timeout: 150_000 });
}

test("Settings: a project's rule changed from a date keeps the earlier rule for earlier dates, and its history shows both periods", async ({ page }) => {
  await login(page);
  await ensureCompany(page);
  await importLastMonth(page);

  await page.goto(`${BASE}/settings/projects`);
  await expect(page.getByRole("heading", { name: "Projects", exact: true })).toBeVisible();
  // A project linked to a customer.
  const row = page.locator("tbody tr", { hasText: "Link to QB Customer" }).first();
  const source = (await row.locator("th").innerText()).trim();
  const before = (await row.locator("td").nth(1).innerText()).split("\n")[0]!.trim();
  await row.getByRole("link", { name: `Edit the rule for ${source}` }).click();
  await page.waitForURL(/edit=/);
  const form = page.getByRole("form", { name: `Edit the rule for ${source}` });
  await expect(form.getByRole("group", { name: "Apply from" })).toBeVisible();
  await expect(form.getByRole("radio", { name: "All dates" })).toBeChecked();

  // Another customer, from the 15th of last month.
  const target = form.getByLabel(/^QuickBooks customer/);
  const options = await target.locator("option").evaluateAll((els) => els.map((el) => ({ value: (el as HTMLOptionElement).value, label: el.textContent ?? "" })));
  const other = options.find((o) => o.value !== "" && o.label.trim() !== before)!;
  await target.selectOption(other.value);
  const from = `${lastMonth().from.slice(0, 8)}15`;

  // A date that is not one is refused and nothing is saved (typed into the field as text by script: a date input only takes real dates).
  await form.getByRole("radio", { name: "From a date" }).check();
  await form.getByLabel("First date it applies from").evaluate((el) => {
    const input = el as HTMLInputElement;
    input.type = "text";
    input.value = "2026-02-30";
  });
  await form.getByRole("button", { name: "Save rule" }).click();
  await page.waitForURL(/message=/);
  await expect(page.getByText(`Nothing was saved for “${source}”`)).toBeVisible();
  const refused = page.getByRole("form", { name: `Edit the rule for ${source}` });
  await expect(refused).toContainText("real date (YYYY-MM-DD)");
  await expect(refused.getByLabel("First date it applies from")).toHaveAttribute("aria-invalid", "true");

  // The real date is saved.
  await refused.getByLabel(/^QuickBooks customer/).selectOption(other.value);
  await refused.getByRole("radio", { name: "From a date" }).check();
  await refused.getByLabel("First date it applies from").fill(from);
  await refused.getByRole("button", { name: "Save rule" }).click();
  await page.waitForURL(/saved=/);
  const saved = page.locator("tbody tr", { has: page.locator("th", { hasText: source }) }).first();
  await expect(saved).toContainText(other.label.trim());
  await expect(saved).toContainText(`From ${from}`);

  // The rule's history: its periods, oldest first, and the change with its date.
  await saved.getByRole("link", { name: `History of the rule for ${source}` }).click();
  await page.waitForURL(/\/settings\/projects\/[^/]+\/history/);
  const periods = page.getByRole("list", { name: "Rule periods, oldest first" });
  await expect(periods.getByRole("listitem")).toHaveCount(2);
  await expect(periods.getByRole("listitem").nth(0)).toContainText(`Until ${dayBefore(from)}`);
  await expect(periods.getByRole("listitem").nth(0)).toContainText(before);
  await expect(periods.getByRole("listitem").nth(1)).toContainText(`From ${from}`);
  await expect(periods.getByRole("listitem").nth(1)).toContainText(other.label.trim());
  await expect(page.locator("main")).toContainText(`Applies from ${from}`);

  // All dates again: one period.
  await page.goto(`${BASE}/settings/projects`);
  const again = page.locator("tbody tr", { has: page.locator("th", { hasText: source }) }).first();
  await again.getByRole("link", { name: `Edit the rule for ${source}` }).click();
  const form3 = page.getByRole("form", { name: `Edit the rule for ${source}` });
  await form3.getByRole("radio", { name: "All dates" }).check();
  await form3.getByRole("button", { name: "Save rule" }).click();
  await page.waitForURL(/saved=/);
  await page.locator("tbody tr", { has: page.locator("th", { hasText: source }) }).first().getByRole("link", { name: `History of the rule for ${source}` }).click();
  await expect(page.getByRole("list", { name: "Rule periods, oldest first" }).getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("list", { name: "Rule periods, oldest first" })).toContainText("All dates");
});

test("Time settings: per week, rounded up to 15 minutes; re-importing the month replaces its per-day activities, and QuickBooks holds weekly, rounded ones (issue 19 §3)", async ({ page }) => {
  await login(page);
  await ensureCompany(page);
  await page.goto(`${BASE}/settings`);
  await page.getByRole("radio", { name: /^One activity per week/ }).check();
  await page.getByRole("radio", { name: "Round up" }).check();
  await page.getByLabel("Round to").selectOption("15");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/descriptionSaved/);
  await expect(page.getByText("Time settings saved. They apply to future imports.")).toBeVisible();
  await expect(page.getByRole("radio", { name: /^One activity per week/ })).toBeChecked();

  // The month imported per day by the test above, imported again: the Preview says what is replaced.
  const range = lastMonth();
  await previewLastMonth(page, true);
  await expect(page.getByText(/activit(y|ies) will be replaced because the Time settings changed/)).toBeVisible();
  await expect(page.locator("dt", { hasText: "Tracked hours" })).toBeVisible();
  await page.getByRole("button", { name: "Start Import" }).click();
  await expect(page.getByRole("heading", { name: "Import completed" })).toBeVisible({ timeout: 150_000 });

  // What QuickBooks holds for the month (and the week reaching into it): one activity per week, dated on
  // its Monday, each a whole number of quarter hours.
  const weekBefore = [1, 2, 3, 4, 5, 6].reduce((date) => dayBefore(date), range.from);
  const answer = await page.request.post(`${BASE}/sandbox/control/qbo-time-activities`, { data: { realmId: "9130350000000001", from: weekBefore, to: range.to, limit: 1000 } });
  const { data } = (await answer.json()) as { data: { activities: { txnDate: string; hours: number; minutes: number }[] } };
  expect(data.activities.length).toBeGreaterThan(0);
  for (const a of data.activities) {
    expect(new Date(`${a.txnDate}T00:00:00Z`).getUTCDay(), `${a.txnDate} is not a Monday`).toBe(1);
    expect((a.hours * 60 + a.minutes) % 15, `${a.hours}h ${a.minutes}m is not rounded to 15 minutes`).toBe(0);
  }
});
