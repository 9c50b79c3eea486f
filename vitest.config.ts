import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    // tests/hosting needs a production build and PostgreSQL: vitest.hosting.config.ts (.ci/run).
    exclude: ["tests/e2e/**", "tests/hosting/**", "node_modules/**"],
    setupFiles: ["tests/setup/loopback-only.ts", "tests/setup/msw.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
