import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and applied at start-up (db/migrate.ts) to PGlite or PostgreSQL alike.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  strict: true,
});
