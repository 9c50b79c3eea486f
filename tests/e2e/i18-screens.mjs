#!/usr/bin/env node
// Browser check of issue 18's screens against a running demo server (SANDBOX=1) on E2E_BASE:
// Settings → Schedule (saved and read back), the Preview's Checks panel with a blocking check (Start
// Import disabled with the reason), and the health banner (after the caller makes the token expire).
// Screenshots go to test-results/i18/. Loopback only.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const base = process.env.E2E_BASE ?? "http://127.0.0.1:3650";
const phase = process.argv[2] ?? "main";
const OUT = "test-results/i18";
const browser = await chromium.launch({ executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
page.setDefaultTimeout(30_000);
const shot = (name, full = true) => page.screenshot({ path: `${OUT}/${name}.png`, fullPage: full });
async function control(command, body) {
  const r = await fetch(`${base}/sandbox/control/${command}`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!j.ok) throw new Error(`${command}: ${j.error}`);
  return j;
}
try {
  await page.goto(`${base}/login`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/imports(\?|$)/);
  if (phase === "main") {
    await page.goto(`${base}/companies`);
    if (process.env.SKIP_CONNECT) await page.goto(`${base}/companies?connected=1`);
    else await page.getByRole("link", { name: "Connect to QuickBooks" }).first().click();
    await page.waitForURL(/\/sandbox\/qbo\/oauth2\/authorize/);
    await page.getByRole("link", { name: "Sandbox Consulting LLC" }).click();
    await page.waitForURL(/\/companies\?connected=/);
    await shot("companies-health");

    // Schedule.
    await page.goto(`${base}/settings#schedule`);
    await page.getByRole("radio", { name: "Weekly" }).check();
    await page.getByLabel("Day (weekly)").selectOption("1");
    await page.getByLabel("At").fill("07:30");
    await page.getByLabel("Company time zone").selectOption("America/New_York");
    await page.getByLabel("Number of days").fill("21");
    await page.getByLabel("Only approved time").check();
    await page.getByRole("button", { name: "Save schedule" }).click();
    await page.waitForURL(/scheduleSaved=1/);
    await page.getByText("Schedule saved.").waitFor();
    assert.equal(await page.getByLabel("Company time zone").inputValue(), "America/New_York");
    assert.equal(await page.getByLabel("Number of days").inputValue(), "21");
    assert.ok(await page.getByRole("radio", { name: "Weekly" }).isChecked());
    assert.match(await page.locator("form[aria-labelledby=schedule]").innerText(), /by Margaret Hale\. Next run/);
    await page.locator("#schedule").scrollIntoViewIfNeeded();
    await page.locator("form[aria-labelledby=schedule]").screenshot({ path: `${OUT}/schedule-settings.png` });
    // Bad input: clear message, nothing changed.
    await page.getByLabel("Number of days").evaluate((el) => { el.removeAttribute("max"); el.value = "400"; });
    await page.getByRole("button", { name: "Save schedule" }).click();
    await page.waitForURL(/scheduleError=/);
    await page.getByText("Enter a number of days from 1 to 90.").waitFor();
    assert.equal(await page.getByLabel("Number of days").inputValue(), "21");

    // Checks: books closed inside the range.
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
    const iso = (d) => d.toISOString().slice(0, 10);
    await control("qbo-settings", { realmId: "9130350000000001", bookCloseDate: iso(new Date(first.getTime() + 9 * 86_400_000)) });
    await page.goto(`${base}/imports`);
    await page.getByRole("button", { name: "New Import" }).first().click();
    await page.waitForURL(/\/select/);
    await page.getByLabel("From", { exact: true }).fill(iso(first));
    await page.getByLabel("To", { exact: true }).fill(iso(last));
    await page.getByRole("button", { name: "Continue to mapping" }).click();
    await page.waitForURL(/\/map(\?|$)/, { timeout: 60_000 });
    await page.getByRole("button", { name: "Confirm Mapping & Continue" }).click();
    await page.waitForURL(/\/preview/, { timeout: 90_000 });
    const checks = page.locator("section[aria-labelledby=checks-heading]");
    await checks.waitFor();
    assert.equal(await checks.locator('[data-check="closed_books"]').getAttribute("data-status"), "blocking");
    assert.ok(await page.getByRole("button", { name: "Start Import" }).isDisabled(), "Start Import is disabled while a check blocks");
    assert.match(await page.locator("#start-blocked").innerText(), /Start Import is unavailable: The books are closed through/);
    await shot("checks-blocking-page");
    await checks.screenshot({ path: `${OUT}/checks-blocking.png` });
    await page.locator("#start-blocked").evaluate((el) => el.closest("div").scrollIntoView());
    await page.locator("#start-blocked").locator("xpath=ancestor::div[1]").screenshot({ path: `${OUT}/checks-start-disabled.png` });
    // Re-opened: Refresh preview, the check passes and Start is enabled.
    await control("qbo-settings", { realmId: "9130350000000001", bookCloseDate: null });
    await page.getByRole("button", { name: "Refresh preview" }).click();
    await page.waitForURL(/refreshed=1/, { timeout: 90_000 });
    assert.equal(await checks.locator('[data-check="closed_books"]').getAttribute("data-status"), "passed");
    assert.ok(await page.getByRole("button", { name: "Start Import" }).isEnabled());
    await checks.screenshot({ path: `${OUT}/checks-passed.png` });
    // Run it, so the company has saved rules for the Schedule.
    await page.getByRole("button", { name: "Start Import" }).click();
    await page.waitForURL(/\/imports\/[^/]+$/);
    await page.getByText(/^Completed$/).first().waitFor({ timeout: 150_000 });
  } else if (phase === "scheduled") {
    // The caller removed one user's rule and made the Schedule due; the in-process scheduler runs it within a minute or two.
    await page.goto(`${base}/outbox`);
    await page.getByLabel(/When a scheduled import ends/).check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Notification choices saved.").waitFor();
    const deadline = Date.now() + 200_000;
    for (;;) {
      await page.goto(`${base}/imports`);
      if ((await page.getByText("Needs mapping").count()) > 0 && (await page.getByText(/Schedule \(set by Margaret Hale\)/).count()) > 0) break;
      if (Date.now() > deadline) throw new Error("no scheduled run appeared in Import History");
      await page.waitForTimeout(5_000);
    }
    await page.getByRole("heading", { name: "Import History" }).waitFor();
    await page.getByText("Needs mapping").first().waitFor();
    await shot("history-scheduled-needs-mapping", false);
    for (;;) {
      await page.goto(`${base}/outbox`);
      if ((await page.getByText(/Scheduled import (completed|ended|was)/).count()) > 0) break;
      if (Date.now() > deadline + 120_000) throw new Error("the scheduled import's notification did not reach the Outbox");
      await page.waitForTimeout(5_000);
    }
    await shot("outbox", false);
  } else {
    // The caller made the company's authorization expire in 5 days, or revoked it.
    await page.goto(`${base}/settings`);
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    const banner = page.locator("[data-health]").first();
    await banner.waitFor();
    assert.match(await banner.innerText(), /Reconnect/);
    await shot(`health-banner-${phase}`, false);
    await page.goto(`${base}/imports`);
    await page.locator("[data-health]").first().waitFor();
    await page.goto(`${base}/companies`);
    await shot(`companies-${phase}`);
  }
  console.log(`i18 screens (${phase}): passed`);
} catch (error) {
  await shot(`failure-${phase}`).catch(() => {});
  console.error(`i18 screens (${phase}): FAILED ${error.stack}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
