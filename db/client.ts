// One database handle per process. DATABASE_URL set → PostgreSQL through postgres.js;
// unset → embedded PGlite under DATA_DIR, so a new machine needs no database server.
// The same drizzle-kit migrations serve both.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

import { getEnv } from "@/lib/env";

/**
 * PostgreSQL ends a session idle inside a transaction for this long (its locks released, its work
 * rolled back). Longer than any step a transaction waits for (the token refresh still holds one across
 * its HTTP call), short enough that a frozen instance cannot block a takeover for long.
 */
export const DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000;

export type Schema = typeof schema;
/** Both drivers' databases share this shape; queries take it as their first argument. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  db: Db;
  driver: "pglite" | "postgres";
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");

export async function openDatabase(options: { url?: string; pgliteDir?: string }): Promise<DbHandle> {
  if (options.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    // A process frozen inside a transaction (SIGSTOP, a suspended serverless instance) would hold its
    // row locks forever and block the instance taking its import over: the server ends such sessions.
    const sql = postgres(options.url, { max: 10, onnotice: () => {}, connection: { idle_in_transaction_session_timeout: DB_IDLE_IN_TRANSACTION_TIMEOUT_MS } });
    const db = drizzle(sql, { schema }) as unknown as Db;
    return { db, driver: "postgres", close: () => sql.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  // PGlite does not create missing parent folders.
  if (options.pgliteDir) mkdirSync(path.dirname(path.resolve(options.pgliteDir)), { recursive: true });
  const client = new PGlite(options.pgliteDir);
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, driver: "pglite", close: () => client.close() };
}

export async function migrateDatabase(handle: DbHandle, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (handle.driver === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  }
}

// Kept on globalThis so Next's dev-mode module reloads reuse one connection (and one PGlite instance,
// which must never be opened twice on the same folder).
const globalForDb = globalThis as unknown as { __dbHandle?: Promise<DbHandle> };

/** The process's database, migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.__dbHandle ??= (async () => {
    const env = getEnv();
    const handle = await openDatabase({
      url: env.databaseUrl,
      pgliteDir: env.databaseUrl ? undefined : path.join(env.dataDir, "pglite"),
    });
    await migrateDatabase(handle);
    return handle;
  })().catch((error: unknown) => {
    globalForDb.__dbHandle = undefined;
    throw error;
  });
  return globalForDb.__dbHandle;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
