// Route authorization of the issue-17 downloads: the audit export of an import and the billed
// differences CSV answer only a signed-in admin, and only with that account's data (the current
// company cookie of another account is not honoured).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { ledger } from "@/db/schema";
import { CURRENT_COMPANY_COOKIE } from "@/lib/auth/session";
import type { WrittenActivity } from "@/lib/import/types";
import { AUDIT_CSV_HEADER } from "@/lib/review/audit";
import { BILLED_CSV_HEADER } from "@/lib/review/billed";
import { createWorld, SANDBOX_REALM, type World } from "@/tests/helpers/world";
import { createAccount } from "@/tests/qbo/helpers";

const state = vi.hoisted(() => ({
  db: null as unknown,
  session: null as null | { adminId: string; accountId: string },
  cookies: new Map<string, string>(),
}));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next-auth", async (original) => ({ ...(await original<object>()), getServerSession: async () => state.session }));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined) }),
  headers: async () => new Headers(),
}));

const auditRoute = await import("@/app/api/imports/[importId]/audit/route");
const billedRoute = await import("@/app/api/billed-differences/route");

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
let w: World;
let importId: string;
let stranger: { accountId: string; adminId: string };

beforeAll(async () => {
  w = await createWorld();
  state.db = w.db;
  await w.run((await w.preview(MARCH)).importId);
  const rows = (await w.db.select().from(ledger).where(eq(ledger.connectionId, w.connection.id))).filter((r) => (r.written as WrittenActivity).billableStatus === "Billable");
  w.qbo.markBilled(SANDBOX_REALM, [rows[0]!.qboId]);
  const [, user, date, task] = (rows[0]!.sources as { records: string[] }).records[0]!.split("|");
  const record = w.actitime.listTimeTrack().find((r) => r.userId === Number(user) && r.date === date && r.taskId === Number(task))!;
  w.actitime.upsertTimeTrack({ ...record, timeMinutes: record.timeMinutes + 60 });
  importId = (await w.preview(MARCH)).importId;
  await w.run(importId);
  stranger = await createAccount(w.db);
}, 120_000);
afterAll(async () => w?.dispose());

const audit = (id: string) => auditRoute.GET(new Request(`http://localhost/api/imports/${id}/audit`), { params: Promise.resolve({ importId: id }) });
const billed = (query = "") => billedRoute.GET(new Request(`http://localhost/api/billed-differences${query}`));

describe("audit export route", () => {
  it("401 without a session", async () => {
    state.session = null;
    expect((await audit(importId)).status).toBe(401);
  });
  it("404 for another account's admin, and for a malformed id", async () => {
    state.session = stranger;
    expect((await audit(importId)).status).toBe(404);
    state.session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    expect((await audit("../../etc")).status).toBe(404);
  });
  it("the CSV for the account's own admin", async () => {
    state.session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const response = await audit(importId);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="import-2025-03-01-2025-03-31-[0-9a-f]{8}\.csv"$/);
    const rows = parse(await response.text(), { bom: true }) as string[][];
    expect(rows[0]).toEqual(AUDIT_CSV_HEADER);
    expect(rows.some((r) => r[3] === "skipped_billed")).toBe(true);
  });
});

describe("billed differences CSV route", () => {
  it("401 without a session", async () => {
    state.session = null;
    expect((await billed()).status).toBe(401);
  });
  it("another account gets nothing of this company, even with its company cookie", async () => {
    state.session = stranger;
    state.cookies = new Map([[CURRENT_COMPANY_COOKIE, w.connection.id]]);
    const response = await billed();
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("Billable");
    state.cookies = new Map();
  });
  it("the account's own admin gets its open differences under the filter; a bad filter is refused", async () => {
    state.session = { accountId: w.actor.accountId, adminId: w.actor.adminId };
    const all = parse(await (await billed()).text(), { bom: true }) as string[][];
    expect(all[0]).toEqual(BILLED_CSV_HEADER);
    expect(all).toHaveLength(2);
    const none = parse(await (await billed("?from=2024-01-01&to=2024-01-31")).text(), { bom: true }) as string[][];
    expect(none).toHaveLength(1);
    expect((await billed("?from=2025-13-01")).status).toBe(400);
    expect((await billed("?from=2025-03-10&to=2025-03-01")).status).toBe(400);
  });
});
