// Multi-process hosting tests (tests/hosting): real `next start` instances of the production build on
// one PostgreSQL database. Run after `npm run build`: npx vitest run --config vitest.hosting.config.ts
import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/hosting/**/*.test.ts"],
    setupFiles: ["tests/setup/loopback-only.ts", "tests/setup/msw.ts"],
    environment: "node",
    // The app instances and this process seal and open the same connection tokens.
    env: { ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? randomBytes(32).toString("base64") },
    testTimeout: 420_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
