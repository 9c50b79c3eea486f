// Shared by the security and bad-input tests: a second actiTIME account beside a createWorld()
// world (its own emulator at another base URL, its own admin, QuickBooks connection, completed
// import, draft and rules), and a snapshot of everything the app stores or writes, for
// "nothing changed" assertions.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { imports } from "@/db/schema";
import type { QboConnection } from "@/db/queries/connections";
import { verifyLogin, type SignedInAdmin } from "@/lib/auth/login";
import { getEnv } from "@/lib/env";
import type { ActitimeClient } from "@/lib/actitime";
import { createExecutor, type SnapshotRule } from "@/lib/import/execute";
import { createDraft, startImport, type Actor } from "@/lib/import/lifecycle";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { proposedRules } from "@/tests/helpers/proposed-rules";
import { preparePreview, type ImportSelection } from "@/lib/import/prepare";
import { snapshotFromRule } from "@/lib/mapping/rules";
import { actitimeClientForAdmin, readSource } from "@/lib/import/source";
import type { RuleForEntity } from "@/lib/mapping/rules";
import { createQboClient, type QboClient } from "@/lib/qbo/client";
import { completeConnection, newOAuthState } from "@/lib/qbo/connect";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { authorizeUrl } from "@/lib/qbo/oauth";
import { Pacer } from "@/lib/qbo/pace";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { actitimeMswHandlers, createActitimeEmulator, type ActitimeEmulator } from "@/lib/sandbox/actitime";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import { server } from "@/tests/setup/server";
import { createWorld, PAYROLL_REALM, SANDBOX_REALM, WORLD_TODAY, type World } from "@/tests/helpers/world";

export const B_ACTITIME_URL = "https://actitime.beta.test/beta";
export const WEEK1 = { dateFrom: "2025-03-03", dateTo: "2025-03-09" };
export const WEEK2 = { dateFrom: "2025-03-10", dateTo: "2025-03-16" };

/** The OAuth dance of the app against the emulator, for any admin. */
export async function connectAs(db: Db, admin: { accountId: string; adminId: string }, realmId: string): Promise<QboConnection> {
  const state = newOAuthState(admin);
  const url = new URL(authorizeUrl(state));
  url.searchParams.set("sandbox_realm", realmId);
  const response = await fetch(url, { redirect: "manual" });
  const callbackUrl = response.headers.get("location");
  if (!callbackUrl) throw new Error(`authorize did not redirect (${response.status})`);
  return completeConnection(db, { accountId: admin.accountId, adminId: admin.adminId, callbackUrl, expectedState: state });
}

export function appQboClient(db: Db, connection: QboConnection): QboClient {
  return createQboClient({
    realmId: connection.realmId,
    apiBaseUrl: getEnv().intuit.apiBaseUrl,
    tokens: connectionTokenSource(db, connection.id),
    pacer: new Pacer({ requestsPerMinute: 1_000_000, batchRequestsPerMinute: 1_000_000, maxConcurrent: 10 }),
    backoffScale: 0.001,
    timeoutMs: 2_000,
  });
}

export interface AccountCtx {
  admin: SignedInAdmin;
  actor: Actor;
  connection: QboConnection;
  client: QboClient;
  actitimeClient: ActitimeClient;
}

/** What world.preview does, for any account: a draft at the preview step with its planned items. */
export async function previewAs(
  db: Db,
  ctx: AccountCtx,
  range: { dateFrom: string; dateTo: string },
  override: (rules: RuleForEntity[]) => RuleForEntity[] = (r) => r,
): Promise<string> {
  const draft = await createDraft(db, ctx.actor, ctx.connection.id);
  const selection: ImportSelection = { userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false };
  const source = await readSource(ctx.actitimeClient, { ...range, ...selection });
  const directory = await fetchQboDirectory(ctx.client, ctx.connection.payrollEnabled === true);
  const saved = await listSavedRules(db, ctx.connection.id);
  const rules = override(proposedRules(mapStepEntities(source, saved, directory)));
  const snapshot: SnapshotRule[] = rules.map(snapshotFromRule);
  const [withScope] = await db
    .update(imports)
    .set({ dateFrom: range.dateFrom, dateTo: range.dateTo, selection, mappingSnapshot: { rules: snapshot }, step: "map" })
    .where(and(eq(imports.id, draft.id)))
    .returning();
  await preparePreview({ db, qbo: ctx.client, actitime: ctx.actitimeClient, directory, source }, withScope!, { importTaskNames: false, importComments: false });
  return draft.id;
}

export async function runAs(db: Db, ctx: AccountCtx, importId: string): Promise<void> {
  await startImport(db, ctx.actor, importId);
  const executor = createExecutor({ db, qbo: ctx.client });
  for (let i = 0; i < 10_000; i++) if ((await executor.runSlice(importId)).done) return;
  throw new Error("import did not finish");
}

/** Payroll is on in B's company: new employees cannot be created there, so users are skipped. */
const skipNewEmployees = (rules: RuleForEntity[]) =>
  rules.map((r) => (r.category === "user" && r.rule.kind === "create" ? { ...r, rule: { kind: "skip" as const } } : r));

export interface TwoAccounts {
  w: World;
  db: Db;
  qbo: QboEmulator;
  actitimeB: ActitimeEmulator;
  a: AccountCtx & { completedId: string; draftId: string };
  b: AccountCtx & { completedId: string; draftId: string };
}

/**
 * Account A (the world: sandbox company) and account B (another actiTIME at another URL, the
 * Payroll company), each with a completed import of one week, a previewed draft of the next, and the
 * rules the first import saved.
 */
export async function createTwoAccounts(): Promise<TwoAccounts> {
  const w = await createWorld();
  const actitimeB = createActitimeEmulator({ today: WORLD_TODAY, seed: 4242 });
  server.use(...actitimeMswHandlers(actitimeB, B_ACTITIME_URL));
  const adminB = await verifyLogin(w.db, { actitimeUrl: B_ACTITIME_URL, username: "admin", password: "demo" });
  const actorB = { accountId: adminB.accountId, adminId: adminB.adminId };
  const connectionB = await connectAs(w.db, actorB, PAYROLL_REALM);
  const b: AccountCtx = {
    admin: adminB,
    actor: actorB,
    connection: connectionB,
    client: appQboClient(w.db, connectionB),
    actitimeClient: await actitimeClientForAdmin(w.db, adminB.accountId, adminB.adminId),
  };
  const a: AccountCtx = { admin: w.admin, actor: w.actor, connection: w.connection, client: w.client, actitimeClient: w.actitimeClient };

  const aCompleted = (await w.preview(WEEK1)).importId;
  await w.run(aCompleted);
  const bCompleted = await previewAs(w.db, b, WEEK1, skipNewEmployees);
  await runAs(w.db, b, bCompleted);
  const aDraft = (await w.preview(WEEK2)).importId;
  const bDraft = await previewAs(w.db, b, WEEK2, skipNewEmployees);
  return {
    w,
    db: w.db,
    qbo: w.qbo,
    actitimeB,
    a: { ...a, completedId: aCompleted, draftId: aDraft },
    b: { ...b, completedId: bCompleted, draftId: bDraft },
  };
}

/** Every table the app writes, rows sorted, as JSON-comparable values. */
export async function dbState(db: Db) {
  const tables = {
    accounts: schema.accounts,
    admins: schema.admins,
    qboConnections: schema.qboConnections,
    qboEntityCache: schema.qboEntityCache,
    imports: schema.imports,
    importItems: schema.importItems,
    ledger: schema.ledger,
    mappingRules: schema.mappingRules,
    mappingHistory: schema.mappingHistory,
    timeDescriptionSettings: schema.timeDescriptionSettings,
  } as const;
  const out: Record<string, unknown[]> = {};
  for (const [name, table] of Object.entries(tables)) {
    const rows = (await db.select().from(table as typeof schema.accounts)) as Record<string, unknown>[];
    out[name] = JSON.parse(JSON.stringify(rows)).sort((x: Record<string, unknown>, y: Record<string, unknown>) =>
      JSON.stringify(x).localeCompare(JSON.stringify(y)),
    );
  }
  return out;
}

/** What QuickBooks holds (both seeded companies): entities and settings, not counters. */
export function qboState(qbo: QboEmulator) {
  const realms = [SANDBOX_REALM, PAYROLL_REALM];
  const kinds = ["TimeActivity", "Employee", "Customer", "Item", "Vendor"] as const;
  return Object.fromEntries(
    realms.map((realm) => [realm, { settings: qbo.settings(realm), ...Object.fromEntries(kinds.map((k) => [k, qbo.list(realm, k)])) }]),
  );
}

/** QuickBooks writes so far (both companies). */
export function qboWrites(qbo: QboEmulator) {
  return [SANDBOX_REALM, PAYROLL_REALM].map((realm) => {
    const s = qbo.stats(realm);
    return { create: s.create, update: s.update, delete: s.delete, batchItems: s.batchItems };
  });
}
