// Issue 19 §3 with the closed-books check (issue 18 §2): per-week activities are dated on the week's
// Monday, so a range starting mid-week grows back to that Monday (prepare.ts timeScope). Books closed
// through the Tuesday before a Wednesday–Sunday range: the weekly activities' TxnDate (Monday) is in
// the closed period, and both the pre-flight check and QuickBooks (through the executor) refuse them.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { importItems, qboConnections } from "@/db/schema";
import { getConnection } from "@/db/queries/connections";
import { getImport } from "@/db/queries/imports";
import { preflightChecks } from "@/lib/import/checks";
import { startImport } from "@/lib/import/lifecycle";
import type { ActivityItemPayload, TimeSettings } from "@/lib/import/types";
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
