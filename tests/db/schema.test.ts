import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { accounts, admins, imports, ledger, qboConnections } from "@/db/schema";
import { createTestDb, testDatabaseKind, type TestDb } from "@/tests/helpers/db";

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.dispose();
});

async function seedConnection(baseUrl: string) {
  const [account] = await t.db.insert(accounts).values({ baseUrl }).returning();
  const [admin] = await t.db
    .insert(admins)
    .values({ accountId: account!.id, actitimeUserId: 1, username: "admin", fullName: "Admin" })
    .returning();
  const [connection] = await t.db
    .insert(qboConnections)
    .values({ accountId: account!.id, realmId: `realm-${baseUrl.length}`, companyName: "Co" })
    .returning();
  return { account: account!, admin: admin!, connection: connection! };
}

/** The driver's error, or the `cause` drizzle wraps it in, carries the violated constraint's name. */
function constraintOf(error: unknown): string | undefined {
  const e = error as { constraint?: string; constraint_name?: string; cause?: unknown };
  return e.constraint ?? e.constraint_name ?? (e.cause ? constraintOf(e.cause) : undefined);
}

async function violation(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return constraintOf(error) ?? String(error);
  }
  return undefined;
}

describe(`schema on ${testDatabaseKind()}`, () => {
  it("applies every migration and creates the product's tables", async () => {
    const result = await t.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: { table_name: string }[] }).rows).map((r) => r.table_name);
    expect(rows).toEqual(
      expect.arrayContaining([
        "accounts",
        "admins",
        "qbo_connections",
        "qbo_entity_cache",
        "mapping_rules",
        "mapping_history",
        "time_description_settings",
        "imports",
        "import_items",
        "ledger",
      ]),
    );
  });

  it("allows one running import per connection and rejects a second running or interrupting one", async () => {
    const { account, admin, connection } = await seedConnection("https://a.example/one");
    const base = { accountId: account.id, connectionId: connection.id, createdByAdminId: admin.id };
    await t.db.insert(imports).values({ ...base, status: "running" });
    expect(await violation(t.db.insert(imports).values({ ...base, status: "running" }))).toBe("imports_one_active_per_connection");
    expect(await violation(t.db.insert(imports).values({ ...base, status: "interrupting" }))).toBe("imports_one_active_per_connection");
    // Drafts and finished imports are not limited.
    await t.db.insert(imports).values([{ ...base }, { ...base }, { ...base, status: "completed" }, { ...base, status: "error" }]);
    const count = await t.db.$count(imports, eq(imports.connectionId, connection.id));
    expect(count).toBe(5);
  });

  it("lets a new import run once the previous one has finished, and other connections run in parallel", async () => {
    const { account, admin, connection } = await seedConnection("https://a.example/two");
    const other = await seedConnection("https://a.example/two-other");
    const base = { accountId: account.id, connectionId: connection.id, createdByAdminId: admin.id };
    const [first] = await t.db.insert(imports).values({ ...base, status: "running" }).returning();
    await t.db
      .insert(imports)
      .values({ accountId: other.account.id, connectionId: other.connection.id, createdByAdminId: other.admin.id, status: "running" });
    await t.db.update(imports).set({ status: "completed" }).where(eq(imports.id, first!.id));
    await expect(t.db.insert(imports).values({ ...base, status: "running" })).resolves.toBeDefined();
  });

  it("keeps one ledger row per connection and source key", async () => {
    const written = { txnDate: "2026-10-01", employeeRef: "qbo:1", customerRef: null, itemRef: "qbo:2", billableStatus: "NotBillable", hourlyRate: null, hours: 1, minutes: 0, description: null } as const;
    const sources = { userIds: [7], projectIds: [], leaveTypeIds: [], taskIds: [42], typeOfWorkIds: [], recordCount: 1 };
    const { connection } = await seedConnection("https://a.example/three");
    const other = await seedConnection("https://a.example/three-other");
    const row = { sourceKey: "tt|7|2026-10-01|42", qboId: "101", syncToken: "0", txnDate: "2026-10-01", written, sources };
    await t.db.insert(ledger).values({ ...row, connectionId: connection.id });
    expect(await violation(t.db.insert(ledger).values({ ...row, connectionId: connection.id, qboId: "102" }))).toBe(
      "ledger_connection_source_key_unique",
    );
    // The same key in another company is a different activity.
    await expect(t.db.insert(ledger).values({ ...row, connectionId: other.connection.id })).resolves.toBeDefined();
  });

  it("identifies an account by its base URL only once, however it is spelt", async () => {
    await t.db.insert(accounts).values({ baseUrl: "https://online.actitime.com/dup" });
    expect(await violation(t.db.insert(accounts).values({ baseUrl: "https://online.actitime.com/dup" }))).toBe("accounts_account_key_unique");
    expect(await violation(t.db.insert(accounts).values({ baseUrl: "http://online.actitime.com./Dup" }))).toBe("accounts_account_key_unique");
  });
});
