// Database tests run on an in-memory PGlite by default, or on a real PostgreSQL when
// TEST_DATABASE_URL is set. Each call gets its own fresh database (PostgreSQL: a new
// database created from the admin URL and dropped afterwards), fully migrated.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { migrateDatabase, openDatabase, type DbHandle } from "@/db/client";

export interface TestDb extends DbHandle {
  /** Drops the database (PostgreSQL) or closes the in-memory instance (PGlite). */
  dispose(): Promise<void>;
  /** PostgreSQL only: the test database's URL, so a test can open a second, separate handle (another "instance"). */
  url?: string;
}

function adminUrl(): string | undefined {
  // Tests may read process.env directly: they configure the harness, not the app.
  return process.env.TEST_DATABASE_URL || undefined;
}

export function testDatabaseKind(): "postgres" | "pglite" {
  return adminUrl() ? "postgres" : "pglite";
}

export async function createTestDb(): Promise<TestDb> {
  const url = adminUrl();
  if (!url) {
    const handle = await openDatabase({});
    await migrateDatabase(handle);
    return { ...handle, dispose: () => handle.close() };
  }
  const name = `qbo_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const handle = await openDatabase({ url: dbUrl.toString() });
  await migrateDatabase(handle);
  return {
    ...handle,
    url: dbUrl.toString(),
    async dispose() {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
