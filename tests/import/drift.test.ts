// Changes made inside QuickBooks: found by the scan (CDC for recent writes, bulk re-read for older),
// listed, and both choices honoured by the next import (end state checked against the emulator).
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { importItems, ledger, qboChanges } from "@/db/schema";
import { decideQboChanges, listOpenQboChanges, QboChangeError, scanQboChanges } from "@/lib/import/drift";
import { qboActivityMatches } from "@/lib/import/qbo-activity";
import type { WrittenActivity } from "@/lib/import/types";
import type { QboTimeActivity } from "@/lib/qbo/schemas";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const worlds: World[] = [];
async function world(options: Parameters<typeof createWorld>[0] = {}) {
  const w = await createWorld(options);
  worlds.push(w);
  return w;
}
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

async function ledgerRows(w: World) {
  return w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id)).orderBy(ledger.sourceKey);
}

function qboActivity(w: World, id: string) {
  return w.qbo.get(SANDBOX_REALM, "TimeActivity", id) as unknown as QboTimeActivity | undefined;
}

/** Every ledger row but `except` is in QBO exactly as written, and QBO holds nothing else but `extra` Ids. */
async function expectQboEqualsLedger(w: World, except: { keptEdit?: string[]; keptDeleted?: string[] } = {}) {
  const rows = await ledgerRows(w);
  const activities = w.qbo.list(SANDBOX_REALM, "TimeActivity") as unknown as QboTimeActivity[];
  const byId = new Map(activities.map((a) => [a.Id, a]));
  let expected = 0;
  for (const row of rows) {
    const ta = byId.get(row.qboId);
    if (except.keptDeleted?.includes(row.sourceKey)) {
      expect(ta, `${row.sourceKey} stays deleted`).toBeUndefined();
      continue;
    }
    expected += 1;
    expect(ta, `ledger ${row.sourceKey} has its activity in QBO`).toBeDefined();
    if (except.keptEdit?.includes(row.sourceKey)) expect(qboActivityMatches(ta!, row.written as WrittenActivity), `${row.sourceKey} keeps QBO's edit`).toBe(false);
    else expect(qboActivityMatches(ta!, row.written as WrittenActivity), `content of ${row.sourceKey}`).toBe(true);
  }
  expect(activities.length).toBe(expected);
}

/** The actiTIME record behind a ledger row (its first record), to change it in actiTIME. */
function recordOf(w: World, row: { sources: unknown }) {
  const id = ((row.sources as { records?: string[] }).records ?? [])[0]!;
  const [, user, date, task] = id.split("|");
  return w.actitime.listTimeTrack().find((r) => r.userId === Number(user) && r.date === date && r.taskId === Number(task))!;
}

describe("QuickBooks changes", () => {
  it("the scan finds activities edited and deleted inside QBO, with who and when, and nothing else", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = await ledgerRows(w);
    const [edited, deleted] = [rows[0]!, rows[1]!];
    const written = edited.written as WrittenActivity;
    w.qbo.editTimeActivity(SANDBOX_REALM, edited.qboId, { Hours: written.hours + 2, Description: "fixed by hand" }, "Pat Bookkeeper");
    w.qbo.deleteTimeActivity(SANDBOX_REALM, deleted.qboId);
    w.qbo.resetStats();
    const stats = await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    expect(stats).toMatchObject({ rows: rows.length, viaCdc: rows.length, viaBulkRead: 0, cdcRequests: 1, changed: 1, deleted: 1, cdcFallback: null });
    expect(w.qbo.stats(SANDBOX_REALM).requests).toBe(1);
    const open = await listOpenQboChanges(w.db, w.connection.id);
    expect(open.map((c) => [c.key, c.kind])).toEqual(
      [
        [edited.sourceKey, "changed"],
        [deleted.sourceKey, "deleted"],
      ].sort((a, b) => (rows.findIndex((r) => r.sourceKey === a[0]) < rows.findIndex((r) => r.sourceKey === b[0]) ? -1 : 1)),
    );
    const change = open.find((c) => c.kind === "changed")!;
    expect(change.current).toMatchObject({ hours: written.hours + 2, description: "fixed by hand" });
    expect(change.written).toEqual(written);
    expect(change.changedBy).toBe("Pat Bookkeeper");
    expect(change.changedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(change.decision).toBe("pending");
    // A second scan finds the same and keeps what was known.
    await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    expect(await listOpenQboChanges(w.db, w.connection.id)).toHaveLength(2);
  });

  it("rows written more than 30 days ago are re-read by Id (500 per query); a CDC refusal falls back to the same", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = await ledgerRows(w);
    w.qbo.editTimeActivity(SANDBOX_REALM, rows[2]!.qboId, { Minutes: 7 });
    await w.db.update(ledger).set({ updatedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000) }).where(eq(ledger.connectionId, w.connection.id));
    w.qbo.resetStats();
    const stats = await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    expect(stats).toMatchObject({ viaCdc: 0, viaBulkRead: rows.length, cdcRequests: 0, changed: 1, deleted: 0 });
    expect(w.qbo.stats(SANDBOX_REALM).query).toBe(Math.ceil(rows.length / 500));
    // CDC refused (Intuit documents it without TimeActivity): the recent rows are re-read instead.
    await w.db.update(ledger).set({ updatedAt: new Date() }).where(eq(ledger.connectionId, w.connection.id));
    const refusing: typeof w.client = { ...w.client, cdc: (() => w.client.cdc("Nonsense" as "TimeActivity", new Date())) as typeof w.client.cdc };
    const fallback = await scanQboChanges({ db: w.db, qbo: refusing }, w.connection.id);
    expect(fallback.cdcFallback).toContain("refused");
    expect(fallback).toMatchObject({ viaCdc: 0, viaBulkRead: rows.length, changed: 1 });
  });

  it("Keep QuickBooks version: later imports leave the edit and the deletion, until actiTIME changes the record", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = await ledgerRows(w);
    const [edited, deleted] = [rows[3]!, rows[4]!];
    w.qbo.editTimeActivity(SANDBOX_REALM, edited.qboId, { Hours: (edited.written as WrittenActivity).hours + 1 });
    w.qbo.deleteTimeActivity(SANDBOX_REALM, deleted.qboId);
    await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    const open = await listOpenQboChanges(w.db, w.connection.id);
    await decideQboChanges(w.db, w.connection.id, w.actor.adminId, open.map((c) => c.id), "keep");

    const again = await w.preview(MARCH);
    expect(again.summary.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(again.summary.qboChanges).toMatchObject({ open: 2, pending: 0, kept: 2, restored: 0 });
    await w.run(again.importId);
    await expectQboEqualsLedger(w, { keptEdit: [edited.sourceKey], keptDeleted: [deleted.sourceKey] });
    expect(qboActivity(w, edited.qboId)!.Hours).toBe((edited.written as WrittenActivity).hours + 1);
    // Kept changes stay listed, as kept.
    expect((await listOpenQboChanges(w.db, w.connection.id)).map((c) => [c.key, c.decision])).toEqual(
      expect.arrayContaining([
        [edited.sourceKey, "keep"],
        [deleted.sourceKey, "keep"],
      ]),
    );

    // actiTIME changes both records again: the import writes actiTIME's new content.
    for (const row of [edited, deleted]) {
      const record = recordOf(w, row);
      w.actitime.upsertTimeTrack({ ...record, timeMinutes: record.timeMinutes + 30 });
    }
    const third = await w.preview(MARCH);
    expect(third.summary.counts).toMatchObject({ create: 1, update: 1 });
    await w.run(third.importId);
    await expectQboEqualsLedger(w);
    expect(await listOpenQboChanges(w.db, w.connection.id)).toEqual([]);
  });

  it("Restore from actiTIME: the next import writes ours back (a correction in the preview) and re-creates the deletion", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = await ledgerRows(w);
    const [edited, deleted, untouchedEdit] = [rows[5]!, rows[6]!, rows[7]!];
    w.qbo.editTimeActivity(SANDBOX_REALM, edited.qboId, { Hours: (edited.written as WrittenActivity).hours + 3, Description: "wrong" });
    w.qbo.deleteTimeActivity(SANDBOX_REALM, deleted.qboId);
    w.qbo.editTimeActivity(SANDBOX_REALM, untouchedEdit.qboId, { Description: "still pending" });
    await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    const open = await listOpenQboChanges(w.db, w.connection.id);
    expect(open).toHaveLength(3);
    await decideQboChanges(w.db, w.connection.id, w.actor.adminId, open.filter((c) => c.key !== untouchedEdit.sourceKey).map((c) => c.id), "restore");

    const again = await w.preview(MARCH);
    expect(again.summary.counts).toMatchObject({ create: 1, update: 1, delete: 0 });
    expect(again.summary.qboChanges).toMatchObject({ open: 3, pending: 1, restored: 2 });
    const items = await w.db.select().from(importItems).where(eq(importItems.importId, again.importId));
    const correction = items.find((i) => i.sourceKey === edited.sourceKey)!;
    expect(correction).toMatchObject({ operation: "update", status: "pending" });
    expect((correction.before as { written: WrittenActivity }).written.description).toBe("wrong");
    await w.run(again.importId);
    await expectQboEqualsLedger(w, { keptEdit: [untouchedEdit.sourceKey] });
    // The restored ones are over; the one nobody chose for stays open.
    expect((await listOpenQboChanges(w.db, w.connection.id)).map((c) => c.key)).toEqual([untouchedEdit.sourceKey]);
  });

  it("billed changes are listed but cannot be restored", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = (await ledgerRows(w)).filter((r) => (r.written as WrittenActivity).billableStatus === "Billable");
    const row = rows[0]!;
    w.qbo.editTimeActivity(SANDBOX_REALM, row.qboId, { Description: "invoiced with a note" });
    w.qbo.markBilled(SANDBOX_REALM, [row.qboId]);
    await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    const [change] = await listOpenQboChanges(w.db, w.connection.id);
    expect(change).toMatchObject({ key: row.sourceKey, billed: true });
    await expect(decideQboChanges(w.db, w.connection.id, w.actor.adminId, [change!.id], "restore")).rejects.toThrow(QboChangeError);
    const [stored] = await w.db.select().from(qboChanges).where(and(eq(qboChanges.id, change!.id)));
    expect(stored!.decision).toBe("pending");
    expect(await decideQboChanges(w.db, w.connection.id, w.actor.adminId, [change!.id], "keep")).toBe(1);
  });

  it("billing alone is not a change, for billable and not-billable activities", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const rows = await ledgerRows(w);
    const billable = rows.find((r) => (r.written as WrittenActivity).billableStatus === "Billable")!;
    const notBillable = rows.find((r) => (r.written as WrittenActivity).billableStatus === "NotBillable")!;
    w.qbo.markBilled(SANDBOX_REALM, [billable.qboId, notBillable.qboId]);
    const stats = await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    expect(stats).toMatchObject({ changed: 0, deleted: 0 });
    const again = await w.preview(MARCH);
    expect(again.summary.qboChanges).toMatchObject({ open: 0 });
  });

  it("choices are scoped to the company: an id of another connection is refused", async () => {
    const w = await world();
    await w.run((await w.preview(MARCH)).importId);
    const [row] = await ledgerRows(w);
    w.qbo.deleteTimeActivity(SANDBOX_REALM, row!.qboId);
    await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
    const [change] = await listOpenQboChanges(w.db, w.connection.id);
    await expect(decideQboChanges(w.db, "00000000-0000-4000-8000-000000000000", w.actor.adminId, [change!.id], "keep")).rejects.toThrow(QboChangeError);
  });
});

describe("drift scan over 10,000 ledger rows", () => {
  it("needs one CDC request for rows written in the last 30 days plus one query per 500 older rows", async () => {
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    let qboClockOffset = -3 * day;
    const w = await world({ qbo: { now: () => Date.now() + qboClockOffset } });
    const [employee] = w.qbo.list(SANDBOX_REALM, "Employee");
    const [item] = w.qbo.list(SANDBOX_REALM, "Item").filter((i) => i["Type"] === "Service");
    const N = 10_000;
    const bodies = Array.from({ length: N }, (_, i) => ({
      TxnDate: `2025-0${1 + (i % 9)}-1${i % 10}`,
      NameOf: "Employee",
      EmployeeRef: { value: String(employee!["Id"]) },
      ItemRef: { value: String(item!["Id"]) },
      BillableStatus: "NotBillable",
      Hours: 1 + (i % 7),
      Minutes: 0,
    }));
    // QBO's copies were written three days ago (emulator clock).
    const ids = w.qbo.insertTimeActivities(SANDBOX_REALM, bodies);
    qboClockOffset = 0;
    const rows = ids.map((qboId, i) => ({
      connectionId: w.connection.id,
      sourceKey: `bench|${i}`,
      qboId,
      syncToken: "0",
      txnDate: bodies[i]!.TxnDate,
      written: {
        txnDate: bodies[i]!.TxnDate,
        employeeRef: `qbo:${String(employee!["Id"])}`,
        customerRef: null,
        itemRef: `qbo:${String(item!["Id"])}`,
        billableStatus: "NotBillable",
        hourlyRate: null,
        hours: bodies[i]!.Hours,
        minutes: 0,
        description: null,
      } satisfies WrittenActivity,
      sources: { userIds: [], projectIds: [], leaveTypeIds: [], taskIds: [], typeOfWorkIds: [], recordCount: 1 },
      // 900 rows last written to the ledger a day ago, the rest 40 days ago.
      updatedAt: new Date(i < 900 ? now - day : now - 40 * day),
    }));
    for (let i = 0; i < rows.length; i += 1000) await w.db.insert(ledger).values(rows.slice(i, i + 1000));
    w.qbo.editTimeActivity(SANDBOX_REALM, ids[5]!, { Hours: 9 });
    w.qbo.editTimeActivity(SANDBOX_REALM, ids[5000]!, { Hours: 9 });
    w.qbo.deleteTimeActivity(SANDBOX_REALM, ids[9999]!);

    const measure = async () => {
      w.qbo.resetStats();
      const stats = await scanQboChanges({ db: w.db, qbo: w.client }, w.connection.id);
      const s = w.qbo.stats(SANDBOX_REALM);
      return { stats, requests: s.requests, queries: s.query, cdc: s.cdc };
    };
    const setUpdatedAt = (at: number) => w.db.update(ledger).set({ updatedAt: new Date(at) }).where(eq(ledger.connectionId, w.connection.id));

    // 900 recent rows through CDC, 9,100 older ones re-read: 1 + 19 requests.
    const mixed = await measure();
    expect(mixed.stats).toMatchObject({ rows: N, viaCdc: 900, viaBulkRead: N - 900, changed: 2, deleted: 1, cdcFallback: null });
    expect(mixed).toMatchObject({ cdc: 1, queries: Math.ceil((N - 900) / 500), requests: 1 + Math.ceil((N - 900) / 500) });
    // All older than 30 days: 20 queries, no CDC.
    await setUpdatedAt(now - 40 * day);
    const old = await measure();
    expect(old).toMatchObject({ requests: N / 500, queries: N / 500, cdc: 0 });
    expect(old.stats).toMatchObject({ changed: 2, deleted: 1 });
    // All written in the last 30 days (a day ago): one CDC request answers for all 10,000.
    await setUpdatedAt(now - day);
    const recent = await measure();
    expect(recent).toMatchObject({ requests: 1, cdc: 1, queries: 0 });
    expect(recent.stats).toMatchObject({ viaCdc: N, changed: 2, deleted: 1 });
    // Written four days ago, before QBO's copies: CDC answers its 1,000 maximum, so all are re-read: 1 + 20.
    await setUpdatedAt(now - 4 * day);
    const truncated = await measure();
    expect(truncated.stats).toMatchObject({ cdcFallback: "more than 1,000 changes", viaBulkRead: N, changed: 2, deleted: 1 });
    expect(truncated).toMatchObject({ requests: 1 + N / 500 });
    console.log(
      `drift scan, ${N} ledger rows: 900 recent + 9,100 older → ${mixed.requests} requests; all older → ${old.requests}; all recent → ${recent.requests}; CDC over 1,000 → ${truncated.requests}`,
    );
  }, 120_000);
});
