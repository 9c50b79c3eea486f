// Issue 8, "Concurrency":
//  - two admins of one account press Start for the same company at the same moment: exactly one
//    import runs, the other admin is refused with the reason, naming who runs it;
//  - two companies import at the same time against an emulator enforcing Intuit's limits (scaled down
//    and in scaled time, the app's pacers set to the same numbers): each company keeps the pace it gets
//    alone, i.e. the limits are per company and one company's import does not eat the other's allowance.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { admins, imports } from "@/db/schema";
import { ACTIVE_IMPORT_STATUSES } from "@/db/queries/imports";
import { ImportRuleError, startImport, type Actor } from "@/lib/import/lifecycle";
import { runImportInline, type ImportDriverDeps } from "@/lib/import/runner";
import type { RuleForEntity } from "@/lib/mapping/rules";
import { qboClientFor } from "@/lib/qbo/connect";
import { getRealmPacer, resetRealmPacers } from "@/lib/qbo/pace";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import { createWorld, PAYROLL_REALM, SANDBOX_REALM, WORLD_RECONCILE_AFTER_MS, type World } from "@/tests/helpers/world";
import { createExecutor } from "@/lib/import/execute";
import { expectExactEndState, plannedActivities } from "./end-state";
import { previewImport } from "./preview";

const worlds: World[] = [];
afterEach(async () => {
  resetRealmPacers();
  while (worlds.length) await worlds.pop()!.dispose();
});

describe("two admins start imports for one company at the same moment", () => {
  it("exactly one runs; the other is refused with the reason naming who runs it", async () => {
    const w = await createWorld();
    worlds.push(w);
    const [firstAdmin] = await w.db.select().from(admins).where(eq(admins.id, w.actor.adminId));
    const [secondAdmin] = await w.db
      .insert(admins)
      .values({ accountId: w.actor.accountId, actitimeUserId: 9_001, username: "dana", fullName: "Dana Second-Admin" })
      .returning();
    const one: Actor = w.actor;
    const two: Actor = { accountId: w.actor.accountId, adminId: secondAdmin!.id };
    const names = new Map([
      [one.adminId, firstAdmin!.fullName],
      [two.adminId, secondAdmin!.fullName],
    ]);

    // Twice, the calls in either order: the database decides, not who called first.
    for (const order of [
      [one, two],
      [two, one],
    ] as const) {
      const drafts = new Map<string, string>();
      for (const [actor, range] of [
        [order[0], { dateFrom: "2025-03-01", dateTo: "2025-03-15" }],
        [order[1], { dateFrom: "2025-03-16", dateTo: "2025-03-31" }],
      ] as const) {
        drafts.set(actor.adminId, (await w.preview(range, { actor })).importId);
      }
      const results = await Promise.allSettled(order.map((actor) => startImport(w.db, actor, drafts.get(actor.adminId)!)));
      const started = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ actor: order[i]!, row: r.value }] : []));
      const refused = results.flatMap((r, i) => (r.status === "rejected" ? [{ actor: order[i]!, reason: r.reason as unknown }] : []));
      expect(started, "exactly one start succeeds").toHaveLength(1);
      expect(refused).toHaveLength(1);
      const winner = started[0]!;
      const loser = refused[0]!;
      expect(loser.reason).toBeInstanceOf(ImportRuleError);
      expect((loser.reason as ImportRuleError).code).toBe("already_running");
      expect((loser.reason as Error).message).toContain(`${names.get(winner.actor.adminId)} is running an import for this company`);

      const active = await w.db
        .select({ id: imports.id, by: imports.createdByAdminId })
        .from(imports)
        .where(and(eq(imports.connectionId, w.connection.id), inArray(imports.status, [...ACTIVE_IMPORT_STATUSES])));
      expect(active).toEqual([{ id: winner.row.id, by: winner.actor.adminId }]);
      expect((await w.importRow(drafts.get(loser.actor.adminId)!)).status).toBe("draft");

      // The winner's import runs to the end; only then may the next one start.
      expect((await w.runToEnd(winner.row.id)).status).toBe("completed");
    }
  });
});

// ── two companies at once ────────────────────────────────────────────────────────────────────

/** Intuit's limits scaled down so that pacing, not the machine, sets an import's speed… */
const LIMITS = { requestsPerMinute: 40, batchRequestsPerMinute: 4, concurrentRequests: 10 };
/** …and one emulated minute every 1.5 s. */
const TIME_SCALE = 40;
const SCALED_MINUTE_MS = 60_000 / TIME_SCALE;
/** Two weeks of ~48 records a workday, separate mode: ~500 activities, 16+ batches, 3+ scaled minutes each. */
const ALONE_RANGE = { dateFrom: "2025-02-03", dateTo: "2025-02-14" };
const TOGETHER_RANGE = { dateFrom: "2025-03-03", dateTo: "2025-03-14" };
const SEPARATE = { importTaskNames: true, importComments: false };
/** A company importing alongside another keeps at least this share of its pace alone (one shared allowance would give ~0.5). */
const MIN_SHARE_OF_ALONE = 0.7;

/** Every actiTIME entity linked to an existing entity of the company: no creates, so runs compare like for like. */
function linkEverything(qbo: QboEmulator, realmId: string) {
  const active = (rows: Record<string, unknown>[]) => rows.filter((r) => r["Active"] !== false);
  const employees = active(qbo.list(realmId, "Employee"));
  const customers = active(qbo.list(realmId, "Customer"));
  // Priced items, so billable time always has a rate.
  const items = active(qbo.list(realmId, "Item")).filter((i) => i["Type"] === "Service" && Number(i["UnitPrice"] ?? 0) > 0);
  return (rules: RuleForEntity[]): RuleForEntity[] =>
    rules.map((r) => {
      const pool = r.category === "user" ? employees : r.category === "project" ? customers : items;
      const target = pool[r.sourceId % pool.length]!;
      return { ...r, rule: { kind: "link", targetQboId: String(target["Id"]), targetName: String(target["DisplayName"] ?? target["Name"]) } };
    });
}

describe("two companies import at the same time", () => {
  it("neither slows the other's pacing: each keeps about the throughput it has alone", { timeout: 120_000 }, async () => {
    resetRealmPacers();
    const w = await createWorld({
      actitime: { scale: { records: 3_000 } },
      qbo: { limits: LIMITS, timeScale: TIME_SCALE, batchCounting: "request" },
    });
    worlds.push(w);
    // The payroll company: employees are linked, not created, and its books are open for these dates.
    w.qbo.setBookCloseDate(PAYROLL_REALM, null);
    const payroll = await w.connect(PAYROLL_REALM);
    expect(payroll.payrollEnabled).toBe(true);
    const companies = [
      { realmId: SANDBOX_REALM, connection: w.connection },
      { realmId: PAYROLL_REALM, connection: payroll },
    ];

    const activitiesBefore = companies.map((c) => w.qbo.list(c.realmId, "TimeActivity").length);

    // The app's own client per company (qboClientFor → one pacer per realm), its pacer told the scaled
    // limits (connecting made default ones: they go first).
    resetRealmPacers();
    for (const { realmId } of companies) {
      getRealmPacer(realmId, { requestsPerMinute: LIMITS.requestsPerMinute, batchRequestsPerMinute: LIMITS.batchRequestsPerMinute, maxConcurrent: LIMITS.concurrentRequests, minuteMs: SCALED_MINUTE_MS });
    }
    // Requests made while connecting (before these pacers existed) leave the emulator's window first.
    await new Promise((resolve) => setTimeout(resolve, SCALED_MINUTE_MS + 100));
    const deps: ImportDriverDeps = {
      getDb: async () => w.db,
      qboClientFor,
      inngestEnabled: false,
      createExecutor: (d) => createExecutor({ ...d, reconcileAfterMs: WORLD_RECONCILE_AFTER_MS }),
    };

    async function prepare(company: (typeof companies)[number], range: { dateFrom: string; dateTo: string }) {
      // Previews read through the company's paced client too: the emulator's allowance is shared with the runs.
      const { importId, summary } = await previewImport(w.db, w.actor, company.connection, range, {
        settings: SEPARATE,
        override: linkEverything(w.qbo, company.realmId),
        client: qboClientFor(w.db, company.connection),
      });
      expect(summary.entitiesToCreate).toEqual([]);
      expect(summary.counts.create).toBeGreaterThan(400);
      return { importId, activities: summary.activities, reference: await plannedActivities(w.db, importId) };
    }
    // Starting from empty windows, a minute's allowance may leave at once: in T an importer can send at most
    // (T + 1 minute) × the ceiling, so activities ÷ (T + 1 minute) is the rate that the limits bound.
    const ratePerSecond = (activities: number, ms: number) => activities / ((ms + SCALED_MINUTE_MS) / 1000);
    async function run(importId: string) {
      const started = Date.now();
      await startImport(w.db, w.actor, importId);
      const result = await runImportInline(importId, deps);
      expect(result).toEqual({ done: true, status: "completed" });
      return Date.now() - started;
    }

    // Alone: one company after the other.
    const alone: number[] = [];
    const plans: Awaited<ReturnType<typeof prepare>>[][] = [[], []];
    for (const [i, company] of companies.entries()) {
      const plan = await prepare(company, ALONE_RANGE);
      plans[i]!.push(plan);
      const ms = await run(plan.importId);
      alone.push(ratePerSecond(plan.activities, ms));
    }
    // Together: both at once (the two previews first, then both Starts).
    const together = await Promise.all(companies.map((company) => prepare(company, TOGETHER_RANGE))).then((ps) => {
      ps.forEach((p, i) => plans[i]!.push(p));
      return Promise.all(ps.map(async (p) => ratePerSecond(p.activities, await run(p.importId))));
    });

    // The pace each company can get: a scaled minute holds LIMITS.batchRequestsPerMinute batches of 30
    // plus the rest of LIMITS.requestsPerMinute as single writes.
    const ceiling = (LIMITS.batchRequestsPerMinute * 30 + (LIMITS.requestsPerMinute - LIMITS.batchRequestsPerMinute)) / (SCALED_MINUTE_MS / 1000);
    const fmt = (n: number) => n.toFixed(0);
    console.info(
      `[pacing] activities/s alone ${alone.map(fmt).join(", ")}; together ${together.map(fmt).join(", ")}; ceiling per company ~${fmt(ceiling)}; ` +
        `429s ${companies.map((c) => w.qbo.stats(c.realmId).throttled).join(", ")}`,
    );
    for (const [i, company] of companies.entries()) {
      expect(together[i]!, `${company.realmId}: together vs alone (${fmt(together[i]!)} vs ${fmt(alone[i]!)} activities/s)`).toBeGreaterThanOrEqual(alone[i]! * MIN_SHARE_OF_ALONE);
      // Pacing, not the machine, set the speed: no run went meaningfully past what the limits allow…
      expect(alone[i]!, `${company.realmId}: alone within the limits`).toBeLessThanOrEqual(ceiling * 1.05);
      expect(together[i]!, `${company.realmId}: together within the limits`).toBeLessThanOrEqual(ceiling * 1.05);
      // …and the app's pacer kept each company inside them.
      expect(w.qbo.stats(company.realmId).throttled, `${company.realmId}: 429s`).toBe(0);
      // Both imports of the company landed exactly.
      const [first, second] = plans[i]!;
      await expectExactEndState({
        db: w.db,
        qbo: w.qbo,
        realmId: company.realmId,
        connectionId: company.connection.id,
        importId: second!.importId,
        reference: [...first!.reference, ...second!.reference],
        activitiesBefore: activitiesBefore[i]!,
      });
    }
  });
});
