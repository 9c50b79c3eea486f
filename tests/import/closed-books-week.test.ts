// Issue 19 §3 with the closed-books check (issue 18 §2): per-week activities are dated on the week's
// Monday, so a range starting mid-week grows back to that Monday (prepare.ts timeScope). Books closed
// through the Tuesday before a Wednesday–Sunday range: the weekly activities' TxnDate (Monday) is in
// the closed period, and both the pre-flight check and QuickBooks (through the executor) refuse them.
// Those days also keep the rules in force on them (issue 19 §2): the snapshot covers the whole weeks.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { importItems, ledger, qboConnections } from "@/db/schema";
import { findRule } from "@/db/queries/mappings";
import { getConnection } from "@/db/queries/connections";
import { getImport } from "@/db/queries/imports";
import { preflightChecks } from "@/lib/import/checks";
import { startImport } from "@/lib/import/lifecycle";
import { readSource } from "@/lib/import/source";
import type { ActivityItemPayload, ActivitySources, TimeSettings, WrittenActivity } from "@/lib/import/types";
import { applyRuleEdit } from "@/lib/mapping/edit";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

/** Wednesday 12 to Sunday 16 March 2025; its week starts on Monday 10 March. */
const WED_TO_SUN = { dateFrom: "2025-03-12", dateTo: "2025-03-16" };
const MONDAY = "2025-03-10";
const TUESDAY = "2025-03-11";
const WEEKLY: TimeSettings = { importTaskNames: false, importComments: false, combine: "week" };

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

async function weeklyPreview() {
  const w = await createWorld();
  worlds.push(w);
  const { importId, summary } = await w.preview(WED_TO_SUN, { settings: WEEKLY });
  expect(summary.time?.range).toEqual({ dateFrom: MONDAY, dateTo: WED_TO_SUN.dateTo });
  const items = await w.db.select().from(importItems).where(and(eq(importItems.importId, importId), eq(importItems.entity, "TimeActivity")));
  const dates = items.map((i) => (i.desired as ActivityItemPayload).activity?.txnDate);
  expect(dates.length).toBeGreaterThan(0);
  expect(new Set(dates)).toEqual(new Set([MONDAY]));
  return { w, importId };
}

describe("books closed through the Tuesday before a Wednesday–Sunday range, combined per week", { timeout: 60_000 }, () => {
  it("the pre-flight Closed books check blocks Start: the week's activities are dated Monday", async () => {
    const { w, importId } = await weeklyPreview();
    await w.db.update(qboConnections).set({ booksClosedDate: TUESDAY }).where(eq(qboConnections.id, w.connection.id));
    const imp = (await getImport(w.db, w.actor.accountId, importId, w.actor.adminId))!;
    const connection = (await getConnection(w.db, w.actor.accountId, w.connection.id))!;
    const closed = (await preflightChecks(w.db, imp, connection)).find((c) => c.id === "closed_books")!;
    expect(closed.status).toBe("blocking");
    expect(closed.rowsTotal).toBeGreaterThan(0);
    expect(closed.rows.every((r) => r.label.startsWith(MONDAY))).toBe(true);
    await expect(startImport(w.db, w.actor, importId)).rejects.toMatchObject({ code: "blocked_by_check", message: expect.stringMatching(/closed through 2025-03-11/) });
  });

  it("books closed after the preview: QuickBooks refuses every Monday-dated write (6210) and nothing is written", async () => {
    const { w, importId } = await weeklyPreview();
    // The check saw open books; QuickBooks closes them before Start.
    w.qbo.setBookCloseDate(SANDBOX_REALM, TUESDAY);
    const result = await w.run(importId);
    expect(result.status).toBe("error");
    const items = await w.db.select().from(importItems).where(and(eq(importItems.importId, importId), eq(importItems.entity, "TimeActivity")));
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.status === "failed" && i.errorCode === "6210")).toBe(true);
    expect(w.qbo.list(SANDBOX_REALM, "TimeActivity")).toHaveLength(0);
  });
});

describe("a rule from a Wednesday, re-importing Wednesday–Sunday combined per week", { timeout: 90_000 }, () => {
  it("the week's Monday and Tuesday (planned with the week) keep the earlier rule", async () => {
    const w = await createWorld();
    worlds.push(w);
    const WEEK = { dateFrom: MONDAY, dateTo: WED_TO_SUN.dateTo };
    await w.run((await w.preview(WEEK, { settings: WEEKLY })).importId);
    // A project with time on Monday or Tuesday and on Wednesday or later.
    const source = await readSource(w.actitimeClient, { ...WEEK, userIds: null, projectIds: null, leaveTypeIds: null });
    const projectOf = (taskId: number) => source.tasks.find((t) => t.id === taskId)?.projectId;
    const projectId = [...new Set(source.timeTrack.map((r) => projectOf(r.taskId)))].find(
      (id) => source.timeTrack.some((r) => projectOf(r.taskId) === id && r.date < WED_TO_SUN.dateFrom) && source.timeTrack.some((r) => projectOf(r.taskId) === id && r.date >= WED_TO_SUN.dateFrom),
    )!;
    expect(projectId).toBeDefined();
    const rule = (await findRule(w.db, w.connection.id, { category: "project", sourceId: projectId }))!;
    const other = (w.qbo.list(SANDBOX_REALM, "Customer") as { Id: string; Active?: boolean; Job?: boolean }[]).find((c) => c.Id !== rule.targetQboId && c.Active !== false && !c.Job)!;
    const session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const edit = { connectionId: w.connection.id, ruleId: rule.id, kind: "link", targetQboId: other.Id, applyFrom: "date", applyFromDate: WED_TO_SUN.dateFrom };
    expect(await applyRuleEdit(w.db, session, edit, () => fetchQboDirectory(w.client, false))).toMatchObject({ ok: true, changed: true });

    const { importId } = await w.preview(WED_TO_SUN, { settings: WEEKLY });
    expect((await w.run(importId)).status).toBe("completed");
    const rows = (await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id))).filter((r) => (r.sources as ActivitySources).projectIds.includes(projectId));
    // The project's records (`tt|<user>|<date>|<task>`) each activity holds, by the activity's customer.
    const datesOf = (r: (typeof rows)[number]) =>
      ((r.sources as ActivitySources).records ?? []).map((id) => id.split("|")).filter((parts) => projectOf(Number(parts[3])) === projectId).map((parts) => parts[2]!);
    const byCustomer = new Map<string | null, string[]>();
    for (const r of rows) byCustomer.set((r.written as WrittenActivity).customerRef, [...(byCustomer.get((r.written as WrittenActivity).customerRef) ?? []), ...datesOf(r)]);
    expect(byCustomer.get(`qbo:${rule.targetQboId}`)?.every((d) => d < WED_TO_SUN.dateFrom)).toBe(true);
    expect(byCustomer.get(`qbo:${other.Id}`)?.every((d) => d >= WED_TO_SUN.dateFrom)).toBe(true);
    expect(byCustomer.get(`qbo:${rule.targetQboId}`)?.length).toBeGreaterThan(0);
  });
});
