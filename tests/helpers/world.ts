// A whole world for engine tests: a fresh database, the actiTIME and QBO emulators behind msw at the
// URLs the app's configuration points to, a signed-in admin and a connected QuickBooks company.
import { eq } from "drizzle-orm";
import { imports } from "@/db/schema";
import { verifyLogin } from "@/lib/auth/login";
import { getEnv } from "@/lib/env";
import { createDraft, startImport, type Actor } from "@/lib/import/lifecycle";
import { createExecutor, type ExecuteDeps } from "@/lib/import/execute";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { proposedRules } from "@/tests/helpers/proposed-rules";
import type { ImportSelection } from "@/lib/import/prepare";
import { confirmMapping, ruleFormFields, saveSelection } from "@/lib/import/wizard";
import { actitimeClientForAdmin, readSource } from "@/lib/import/source";
import type { ResolvedTargets, TimeDescriptionSettings } from "@/lib/import/types";
import type { RuleForEntity } from "@/lib/mapping/rules";
import { createQboClient } from "@/lib/qbo/client";
import { completeConnection, newOAuthState } from "@/lib/qbo/connect";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { authorizeUrl } from "@/lib/qbo/oauth";
import { getRealmPacer, Pacer, resetRealmPacers } from "@/lib/qbo/pace";
import { dbPacingStore } from "@/lib/qbo/pace-store";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { actitimeMswHandlers, createActitimeEmulator, type ActitimeEmulatorOptions } from "@/lib/sandbox/actitime";
import { createQboEmulator, type QboEmulatorOptions } from "@/lib/sandbox/qbo";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server } from "@/tests/setup/server";
import { createTestDb } from "./db";

export const WORLD_ACTITIME_URL = "https://actitime.world.test/acme";
export const WORLD_TODAY = "2025-05-15";
export const SANDBOX_REALM = "9130350000000001";
export const PAYROLL_REALM = "9130350000000002";
/** msw runs the emulator in this process: a write whose answer was lost has landed well within a second. */
export const WORLD_RECONCILE_AFTER_MS = 1_000;

export interface WorldOptions {
  qbo?: QboEmulatorOptions;
  actitime?: ActitimeEmulatorOptions;
  realmId?: string;
  /**
   * A pacer for the app's client; "realm": the app's own (getRealmPacer, reading and budget shared through
   * this world's database, minute from QBO_PACE_TIME_SCALE); default: no practical limit (the emulator's
   * limits are off by default).
   */
  pacer?: Pacer | "realm";
  /** With pacer "realm": its minute (ms) when it is first made, instead of QBO_PACE_TIME_SCALE's. */
  pacerMinuteMs?: number;
}

export async function createWorld(options: WorldOptions = {}) {
  const t = await createTestDb();
  const actitime = createActitimeEmulator({ today: WORLD_TODAY, ...options.actitime });
  const qbo = createQboEmulator({ limits: false, ...options.qbo });
  const env = getEnv();
  server.use(
    ...actitimeMswHandlers(actitime, WORLD_ACTITIME_URL),
    ...qboMswHandlers(qbo, { apiBase: env.intuit.apiBaseUrl, oauthBase: new URL(env.intuit.tokenUrl).origin + "/sandbox/qbo" }),
  );
  const admin = await verifyLogin(t.db, { actitimeUrl: WORLD_ACTITIME_URL, username: "admin", password: "demo" });
  const actor: Actor = { accountId: admin.accountId, adminId: admin.adminId };

  async function connect(realmId: string) {
    const state = newOAuthState(actor);
    const url = new URL(authorizeUrl(state));
    url.searchParams.set("sandbox_realm", realmId);
    const response = await fetch(url, { redirect: "manual" });
    const callbackUrl = response.headers.get("location");
    if (!callbackUrl) throw new Error(`authorize did not redirect (${response.status})`);
    return completeConnection(t.db, { accountId: admin.accountId, adminId: admin.adminId, callbackUrl, expectedState: state });
  }

  const connection = await connect(options.realmId ?? SANDBOX_REALM);
  // The connect flow made the realm's pacer with the process defaults: the world's own starts afresh.
  if (options.pacer === "realm") resetRealmPacers();
  const pacer =
    options.pacer === "realm"
      ? getRealmPacer(connection.realmId, { store: dbPacingStore(t.db), ...(options.pacerMinuteMs ? { minuteMs: options.pacerMinuteMs } : {}) })
      : (options.pacer ?? new Pacer({ requestsPerMinute: 1_000_000, batchRequestsPerMinute: 1_000_000, maxConcurrent: 10 }));
  const client = createQboClient({
    realmId: connection.realmId,
    apiBaseUrl: env.intuit.apiBaseUrl,
    tokens: connectionTokenSource(t.db, connection.id),
    pacer,
    backoffScale: 0.001,
    timeoutMs: 2_000,
  });
  const actitimeClient = await actitimeClientForAdmin(t.db, admin.accountId, admin.adminId);

  /**
   * New Import as a bookkeeper would do it: a draft for the range, every suggestion accepted except
   * `override`, then the preview. Returns the draft (status draft, step preview) and its summary.
   */
  async function preview(
    range: { dateFrom: string; dateTo: string },
    opts: {
      selection?: Partial<ImportSelection>;
      override?: (rules: RuleForEntity[]) => RuleForEntity[];
      settings?: TimeDescriptionSettings;
      actor?: Actor;
      /** Targets set directly (vendor, class, department), over those the rules resolve to. */
      targets?: (fromRules: ResolvedTargets) => ResolvedTargets;
      /** More fields the Map form posts (its Apply from: `applyFrom`, `applyFromDate`). */
      form?: Record<string, string>;
    } = {},
  ) {
    const who = opts.actor ?? actor;
    const draft = await createDraft(t.db, who, connection.id);
    const selection: ImportSelection = { userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false, ...opts.selection };
    const scope = { ...range, ...selection };
    const source = await readSource(actitimeClient, scope);
    const directory = await fetchQboDirectory(client, connection.payrollEnabled === true);
    const saved = await listSavedRules(t.db, connection.id);
    const rules = (opts.override ?? ((r) => r))(proposedRules(mapStepEntities(source, saved, directory)));
    // Step 1 as the Select form saves it, then step 2 through the Map form's own use case.
    await saveSelection(t.db, who, draft.id, { ...range, ...selection });
    const form = Object.assign({}, ...rules.map(ruleFormFields), opts.form) as Record<string, string>;
    const settings = opts.settings ?? { importTaskNames: false, importComments: false };
    const confirmed = await confirmMapping({ db: t.db, qbo: client, actitime: actitimeClient, directory, settings, refreshFacts: false, ...(opts.targets ? { targets: opts.targets } : {}) }, who, draft.id, form);
    if (!confirmed.ok) throw new Error(`the Map step refused the rules: ${JSON.stringify(confirmed)}`);
    const summary = confirmed.summary;
    return { importId: draft.id, summary };
  }

  /** Start Import and run it to the end in-process. */
  async function run(importId: string, deps: Partial<ExecuteDeps> = {}, who: Actor = actor) {
    await startImport(t.db, who, importId);
    return runToEnd(importId, deps);
  }

  async function runToEnd(importId: string, deps: Partial<ExecuteDeps> = {}) {
    const executor = createExecutor({ db: t.db, qbo: client, reconcileAfterMs: WORLD_RECONCILE_AFTER_MS, ...deps });
    for (let i = 0; i < 10_000; i++) {
      const result = await executor.runSlice(importId);
      if (result.done) return result;
    }
    throw new Error("import did not finish");
  }

  async function importRow(importId: string) {
    const [row] = await t.db.select().from(imports).where(eq(imports.id, importId));
    return row!;
  }

  return { t, db: t.db, actitime, qbo, admin, actor, connection, client, actitimeClient, connect, preview, run, runToEnd, importRow, dispose: () => t.dispose() };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
