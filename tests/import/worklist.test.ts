// Billed differences worklist and the CSV downloads: amounts (hours × rate) in combined and separate
// modes against the emulators, Mark resolved with its history, and CSV round trips through csv-parse.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { ledger } from "@/db/schema";
import type { TimeDescriptionSettings, WrittenActivity } from "@/lib/import/types";
import { safeCell, toCsv } from "@/lib/csv";
import { importAuditCsv, AUDIT_CSV_HEADER } from "@/lib/review/audit";
import { BILLED_CSV_HEADER, billedDifferencesCsv, BilledResolveError, listBilledDifferences, listBilledResolutions, resolveBilledDifference, type BilledDifferenceRow } from "@/lib/review/billed";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const COMBINED: TimeDescriptionSettings = { importTaskNames: false, importComments: false };
const SEPARATE: TimeDescriptionSettings = { importTaskNames: true, importComments: true };
const worlds: World[] = [];
async function world() {
  const w = await createWorld();
  worlds.push(w);
  return w;
}
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

const parseCsv = (csv: string) => parse(csv, { bom: true }) as string[][];

/** First import, bill `n` billable activities, add `extraMinutes` in actiTIME to one record of each, re-import. */
async function billedScenario(settings: TimeDescriptionSettings, n: number, extraMinutes: number) {
  const w = await world();
  await w.run((await w.preview(MARCH, { settings })).importId);
  const rows = (await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id)))
    .filter((r) => (r.written as WrittenActivity).billableStatus === "Billable" && (r.written as WrittenActivity).hourlyRate)
    .sort((a, b) => a.sourceKey.localeCompare(b.sourceKey))
    .slice(0, n);
  w.qbo.markBilled(SANDBOX_REALM, rows.map((r) => r.qboId));
  for (const row of rows) {
    const [, user, date, task] = ((row.sources as { records: string[] }).records[0] ?? "").split("|");
    const record = w.actitime.listTimeTrack().find((r) => r.userId === Number(user) && r.date === date && r.taskId === Number(task))!;
    w.actitime.upsertTimeTrack({ ...record, timeMinutes: record.timeMinutes + extraMinutes });
  }
  const again = await w.preview(MARCH, { settings });
  await w.run(again.importId);
  return { w, billed: rows, importId: again.importId };
}

for (const [mode, settings] of [
  ["combined", COMBINED],
  ["separate", SEPARATE],
] as const) {
  it(`lists each billed difference with hours billed vs now and amount = hours × rate (${mode} mode)`, async () => {
    const { w, billed, importId } = await billedScenario(settings, 3, 90);
    const list = await listBilledDifferences(w.db, w.actor.accountId, w.connection.id);
    expect(list).toHaveLength(3);
    for (const row of billed) {
      const written = row.written as WrittenActivity;
      const entry = list.find((r) => r.sourceKey === row.sourceKey)!;
      expect(entry, row.sourceKey).toBeDefined();
      const billedHours = written.hours + written.minutes / 60;
      expect(entry.hoursBilled).toBeCloseTo(billedHours, 2);
      expect(entry.hoursNow).toBeCloseTo(billedHours + 1.5, 2);
      expect(entry.hourlyRate).toBe(written.hourlyRate);
      expect(entry.amountDifferenceCents).toBe(Math.round(1.5 * written.hourlyRate! * 100));
      expect(entry).toMatchObject({ importId, txnDate: written.txnDate });
      expect(entry.employee).not.toMatch(/^qbo:/);
      expect(entry.customer).not.toMatch(/^qbo:/);
    }
    // Filters: by customer and by date range.
    const first = list[0]!;
    const byCustomer = await listBilledDifferences(w.db, w.actor.accountId, w.connection.id, { customer: first.customerRef });
    expect(byCustomer.every((r) => r.customerRef === first.customerRef)).toBe(true);
    expect(byCustomer.length).toBeGreaterThanOrEqual(1);
    const byDate = await listBilledDifferences(w.db, w.actor.accountId, w.connection.id, { dateFrom: first.txnDate, dateTo: first.txnDate });
    expect(byDate.every((r) => r.txnDate === first.txnDate)).toBe(true);
    // Another account sees nothing.
    expect(await listBilledDifferences(w.db, "00000000-0000-4000-8000-000000000000", w.connection.id)).toEqual([]);
  });
}

it("Mark resolved needs a note, keeps it in history, and a re-run finding the same difference leaves it resolved", async () => {
  const { w } = await billedScenario(COMBINED, 2, 60);
  const [a, b] = await listBilledDifferences(w.db, w.actor.accountId, w.connection.id);
  await expect(resolveBilledDifference(w.db, w.actor.accountId, w.connection.id, w.actor.adminId, a!.itemId, "   ")).rejects.toThrow(BilledResolveError);
  await expect(resolveBilledDifference(w.db, "00000000-0000-4000-8000-000000000000", w.connection.id, w.actor.adminId, a!.itemId, "x")).rejects.toThrow(BilledResolveError);
  await resolveBilledDifference(w.db, w.actor.accountId, w.connection.id, w.actor.adminId, a!.itemId, "Credit note 1043 sent");
  expect((await listBilledDifferences(w.db, w.actor.accountId, w.connection.id)).map((r) => r.sourceKey)).toEqual([b!.sourceKey]);
  const history = await listBilledResolutions(w.db, w.connection.id);
  expect(history).toHaveLength(1);
  expect(history[0]).toMatchObject({ sourceKey: a!.sourceKey, note: "Credit note 1043 sent" });
  expect(history[0]!.resolvedBy).toBeTruthy();
  await expect(resolveBilledDifference(w.db, w.actor.accountId, w.connection.id, w.actor.adminId, a!.itemId, "again")).rejects.toThrow(BilledResolveError);
  // The same difference found again by a later import stays resolved.
  await w.run((await w.preview(MARCH)).importId);
  expect((await listBilledDifferences(w.db, w.actor.accountId, w.connection.id)).map((r) => r.sourceKey)).toEqual([b!.sourceKey]);
});

describe("CSV", () => {
  const awkward = ["Smith, Jones & Co", 'The "Best" Client', "Two\nlines", "=HYPERLINK(\"http://x\")", "+1 555", "-minus", "@at", "\tTab", "plain"];

  it("prefixes cells that spreadsheets read as formulas, and leaves numbers numbers", () => {
    expect(safeCell("=1+1")).toBe("'=1+1");
    expect(safeCell("+x")).toBe("'+x");
    expect(safeCell("-x")).toBe("'-x");
    expect(safeCell("@x")).toBe("'@x");
    expect(safeCell("a=b")).toBe("a=b");
    expect(safeCell(-12.5)).toBe(-12.5);
    expect(safeCell(null)).toBe("");
  });

  it("round-trips names with commas, quotes, newlines and a leading = through csv-parse", () => {
    const rows: BilledDifferenceRow[] = awkward.map((name, i) => ({
      itemId: i,
      sourceKey: `k${i}`,
      txnDate: "2025-03-0" + (1 + (i % 9)),
      employee: name,
      customer: name,
      item: `Item ${name}`,
      customerRef: null,
      hoursBilled: 3,
      hoursNow: 4.5,
      hourlyRate: 120,
      amountDifferenceCents: i % 2 ? -18000 : 18000,
      remapped: false,
      importId: "imp",
      importRange: "2025-03-01 – 2025-03-31",
      importCreatedAt: new Date("2025-04-01T10:00:00Z"),
      signature: "",
    }));
    const parsed = parseCsv(billedDifferencesCsv(rows));
    expect(parsed[0]).toEqual(BILLED_CSV_HEADER);
    expect(parsed).toHaveLength(rows.length + 1);
    parsed.slice(1).forEach((cells, i) => {
      const name = awkward[i]!;
      const expected = /^[=+\-@\t]/.test(name) ? `'${name}` : name;
      expect(cells[1]).toBe(expected);
      expect(cells[2]).toBe(expected);
      expect(cells[4]).toBe("3");
      expect(cells[5]).toBe("4.5");
      expect(cells[6]).toBe("120");
      expect(cells[7]).toBe(i % 2 ? "-180" : "180");
    });
    expect(parseCsv(toCsv(["a"], [["x"]]))).toEqual([["a"], ["x"]]);
  });

  it("audit export: one row per item with operation, status, key, QBO Id, SyncTokens, requestid, errors, hours", async () => {
    const { w, importId, billed } = await billedScenario(COMBINED, 1, 30);
    const out = await importAuditCsv(w.db, w.actor.accountId, w.actor.adminId, importId);
    expect(out).not.toBeNull();
    const parsed = parseCsv(out!.csv);
    expect(parsed[0]).toEqual(AUDIT_CSV_HEADER);
    const col = (name: string) => AUDIT_CSV_HEADER.indexOf(name);
    const row = parsed.find((r) => r[col("actiTIME source key")] === billed[0]!.sourceKey)!;
    expect(row[col("Status")]).toBe("skipped_billed");
    expect(row[col("QuickBooks Id")]).toBe(billed[0]!.qboId);
    expect(Number(row[col("Hours after")]) - Number(row[col("Hours before")])).toBeCloseTo(0.5, 2);
    // A first import: every create has its Id, requestid and the ledger's SyncToken.
    const first = (await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id)))[0]!;
    const firstImport = first.lastImportId!;
    const all = parseCsv((await importAuditCsv(w.db, w.actor.accountId, w.actor.adminId, firstImport))!.csv).slice(1);
    const creates = all.filter((r) => r[col("Entity")] === "TimeActivity" && r[col("Status")] === "created");
    expect(creates.length).toBeGreaterThan(0);
    for (const r of creates) {
      expect(r[col("QuickBooks Id")]).toMatch(/^\d+$/);
      expect(r[col("requestid")]).toMatch(/^[0-9a-f]+$/);
    }
    // Another account gets nothing.
    expect(await importAuditCsv(w.db, "00000000-0000-4000-8000-000000000000", w.actor.adminId, importId)).toBeNull();
  });
});
