// Browser tests of the whole product in demo mode (`npm run test:e2e`, run by .ci/run).
//
// The production build (`next start`, built first when `.next` is missing) is started by tests/e2e/server.mjs
// on 127.0.0.1 with a fresh DATA_DIR, SANDBOX=1 and imports inline; Debian's Chromium drives it like a person
// would (`npx playwright install` is not used). The scenarios share one server and build on each other, so
// they run in order in one worker (tests/e2e/product.spec.ts is serial). Screenshots of every step go to
// test-results/screens/, traces of failed tests to test-results/artifacts/, the HTML report to
// test-results/report/ (never opened automatically).
//
// Env: E2E_PORT (default 3420), E2E_CHROMIUM (default /usr/bin/chromium), E2E_BUDGET_MS (the whole run,
// default 25 minutes), E2E_HEADED=1.
import { defineConfig } from "@playwright/test";
import { base as baseURL, datedPort, e2ePort as port, vendorsPort } from "./tests/e2e/port";

const serverOptions = {
  // Building (when .next is missing) and starting on a loaded machine.
  timeout: 15 * 60_000,
  reuseExistingServer: false,
  stdout: "ignore" as const,
  stderr: "pipe" as const,
  gracefulShutdown: { signal: "SIGTERM" as const, timeout: 5_000 },
};

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "*.spec.ts",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // The old runner's overall budget; each scenario sets its own limit (test.setTimeout).
  globalTimeout: Number(process.env.E2E_BUDGET_MS ?? 25 * 60_000),
  timeout: 60_000,
  reporter: [["list"], ["html", { outputFolder: "test-results/report", open: "never" }]],
  use: {
    baseURL,
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
    actionTimeout: 20_000,
    navigationTimeout: 45_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    headless: !process.env.E2E_HEADED,
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  expect: { timeout: 20_000 },
  webServer: [
    { command: `node tests/e2e/server.mjs ${port}`, url: `${baseURL}/api/health`, ...serverOptions },
    { command: `node tests/e2e/server.mjs ${vendorsPort} --wait-build`, url: `http://127.0.0.1:${vendorsPort}/api/health`, ...serverOptions },
    { command: `node tests/e2e/server.mjs ${datedPort} --wait-build`, url: `http://127.0.0.1:${datedPort}/api/health`, ...serverOptions },
  ],
  // Each project is a fresh company on a server of its own (tests/e2e/port.ts).
  projects: [
    { name: "product", testMatch: "product.spec.ts" },
    { name: "vendors-classes", testMatch: "vendors-classes.spec.ts", use: { baseURL: `http://127.0.0.1:${vendorsPort}` } },
    { name: "dated-rules", testMatch: "dated-rules.spec.ts", use: { baseURL: `http://127.0.0.1:${datedPort}` } },
  ],
});
