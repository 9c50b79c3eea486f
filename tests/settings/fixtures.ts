// Shared set-up of the Settings tests: two accounts, their admins and connections, a QuickBooks
// directory, and the rules each connection starts every test with.
import { accounts, admins, mappingHistory, mappingRules, qboConnections, timeDescriptionSettings } from "@/db/schema";
import type { Db } from "@/db/client";
import type { QboDirectory } from "@/lib/mapping/directory";

export const directory: QboDirectory = {
  employees: [
    { id: "11", name: "Alice Smith", email: "alice@example.com", active: true },
    { id: "12", name: "Bob Jones", email: "bob@example.com", active: true },
    { id: "13", name: "Old Timer", email: null, active: false },
  ],
  customers: [
    { id: "21", name: "Acme", fullyQualifiedName: "Acme", parentId: null, active: true },
    { id: "22", name: "Web", fullyQualifiedName: "Acme:Web", parentId: "21", active: true },
    { id: "23", name: "Globex", fullyQualifiedName: "Globex", parentId: null, active: true },
    { id: "24", name: "Gone Inc", fullyQualifiedName: "Gone Inc", parentId: null, active: false },
  ],
  vendors: [{ id: "31", name: "Paper Supplies", active: true }],
  items: [
    { id: "41", name: "Consulting", fullyQualifiedName: "Consulting", parentId: null, type: "Service", active: true, unitPrice: 100 },
    { id: "42", name: "Design", fullyQualifiedName: "Design", parentId: null, type: "Service", active: true, unitPrice: 80 },
    { id: "43", name: "Hardware", fullyQualifiedName: "Hardware", parentId: null, type: "Inventory", active: true, unitPrice: 5 },
    { id: "44", name: "Services", fullyQualifiedName: "Services", parentId: null, type: "Category", active: true, unitPrice: null },
  ],
  incomeAccounts: [
    { id: "51", name: "Services Income" },
    { id: "52", name: "Consulting Income" },
  ],
  payrollEnabled: false,
};

export interface World {
  accountA: string;
  adminA: string;
  adminA2: string;
  /** Account A, Payroll off. */
  connA: string;
  /** Account A, Payroll on. */
  connPayroll: string;
  accountB: string;
  adminB: string;
  connB: string;
}

export async function createWorld(db: Db): Promise<World> {
  const [a, b] = await db
    .insert(accounts)
    .values([{ baseUrl: "https://actitime.test/settings-a" }, { baseUrl: "https://actitime.test/settings-b" }])
    .returning();
  const [adminA, adminA2, adminB] = await db
    .insert(admins)
    .values([
      { accountId: a!.id, actitimeUserId: 1, username: "ada", fullName: "Ada Admin" },
      { accountId: a!.id, actitimeUserId: 2, username: "grace", fullName: "Grace Hopper" },
      { accountId: b!.id, actitimeUserId: 1, username: "mallory", fullName: "Mallory Other" },
    ])
    .returning();
  const [connA, connPayroll, connB] = await db
    .insert(qboConnections)
    .values([
      { accountId: a!.id, realmId: "9001", companyName: "Alpha Books", payrollEnabled: false, timeTrackingEnabled: true },
      { accountId: a!.id, realmId: "9002", companyName: "Payroll Books", payrollEnabled: true, timeTrackingEnabled: true },
      { accountId: b!.id, realmId: "9003", companyName: "Other Books", payrollEnabled: false, timeTrackingEnabled: true },
    ])
    .returning();
  return {
    accountA: a!.id,
    adminA: adminA!.id,
    adminA2: adminA2!.id,
    connA: connA!.id,
    connPayroll: connPayroll!.id,
    accountB: b!.id,
    adminB: adminB!.id,
    connB: connB!.id,
  };
}

export type RuleKey = "alice" | "bob" | "website" | "mobile" | "development" | "vacation" | "payrollUser" | "otherAlice" | "otherProject";

/** Clears rules, history and settings, then seeds the same rules again; returns rule ids by key. */
export async function seedRules(db: Db, world: World): Promise<Record<RuleKey, string>> {
  await db.delete(mappingHistory);
  await db.delete(mappingRules);
  await db.delete(timeDescriptionSettings);
  const at = new Date("2026-01-10T09:00:00Z");
  const rows: (typeof mappingRules.$inferInsert & { key: RuleKey })[] = [
    { key: "alice", connectionId: world.connA, category: "user", sourceId: 1, sourceName: "Alice", kind: "link", targetQboId: "11", targetName: "Alice Smith" },
    { key: "bob", connectionId: world.connA, category: "user", sourceId: 2, sourceName: "Bob", kind: "link", targetQboId: "12", targetName: "Bob Jones" },
    { key: "website", connectionId: world.connA, category: "project", sourceId: 10, sourceName: "Website", kind: "link", targetQboId: "22", targetName: "Acme:Web" },
    { key: "mobile", connectionId: world.connA, category: "project", sourceId: 11, sourceName: "Mobile", kind: "create", targetName: "Mobile App", createOptions: {} },
    { key: "development", connectionId: world.connA, category: "type_of_work", sourceId: 20, sourceName: "Development", kind: "link", targetQboId: "41", targetName: "Consulting" },
    { key: "vacation", connectionId: world.connA, category: "leave_type", sourceId: 30, sourceName: "Vacation", kind: "skip" },
    { key: "payrollUser", connectionId: world.connPayroll, category: "user", sourceId: 1, sourceName: "Alice", kind: "link", targetQboId: "11", targetName: "Alice Smith" },
    { key: "otherAlice", connectionId: world.connB, category: "user", sourceId: 1, sourceName: "Alice", kind: "link", targetQboId: "11", targetName: "Alice Smith" },
    { key: "otherProject", connectionId: world.connB, category: "project", sourceId: 10, sourceName: "Website", kind: "skip" },
  ];
  const inserted = await db
    .insert(mappingRules)
    .values(rows.map(({ key: _key, ...row }) => ({ ...row, createdAt: at, updatedAt: at })))
    .returning({ id: mappingRules.id });
  return Object.fromEntries(rows.map((row, index) => [row.key, inserted[index]!.id])) as Record<RuleKey, string>;
}

/** Everything Settings can change, for "nothing changed" assertions. */
export async function snapshotTables(db: Db) {
  const rules = await db.select().from(mappingRules);
  const history = await db.select().from(mappingHistory);
  const settings = await db.select().from(timeDescriptionSettings);
  const byId = <T extends { id: unknown }>(list: T[]) => [...list].sort((x, y) => String(x.id).localeCompare(String(y.id)));
  return { rules: byId(rules), history: byId(history), settings };
}
