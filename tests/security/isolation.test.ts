// Isolation between accounts (spec §8, issue 8 "Security tests"): two actiTIME accounts, each with
// a QuickBooks company, a completed import, a previewed draft and rules. Account A tries every query,
// core action, server action, page and route with account B's ids: it gets nothing, is refused, and
// nothing changes: not in the database, not in QuickBooks, and B's actiTIME is never read.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { mappingRules } from "@/db/schema";
import { getAdmin } from "@/db/queries/accounts";
import { getConnection, listConnections, markDisconnected } from "@/db/queries/connections";
import { getImport, listImports } from "@/db/queries/imports";
import { getRule, listRules } from "@/db/queries/mappings";
import { createDraft, ImportRuleError, interruptImport, startImport } from "@/lib/import/lifecycle";
import { actitimeClientForAdmin } from "@/lib/import/source";
import { getOwnDraft, saveMapping, saveSelection, WizardError } from "@/lib/import/wizard";
import { createTwoAccounts, dbState, qboState, type TwoAccounts } from "./helpers";

const state = vi.hoisted(() => ({
  db: null as unknown,
  session: null as null | { adminId: string; accountId: string },
  cookies: new Map<string, string>(),
  cookieWrites: [] as string[],
  runRequests: [] as unknown[],
}));

vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
// The real lib/auth/session runs (admin re-checked against its account); only next-auth's cookie reading is replaced.
vi.mock("next-auth", async (original) => ({
  ...(await original<object>()),
  getServerSession: async () => state.session,
}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
    set: (name: string, value: string) => {
      state.cookieWrites.push(`set ${name}=${value}`);
      state.cookies.set(name, value);
    },
    delete: (name: string) => {
      state.cookieWrites.push(`delete ${name}`);
      state.cookies.delete(name);
    },
  }),
  headers: async () => new Headers(),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/import/runner", async (original) => ({
  ...(await original<object>()),
  requestImportRun: async (data: unknown) => void state.runRequests.push(data),
  requestImportInterrupt: async (data: unknown) => void state.runRequests.push(data),
}));

const companies = await import("@/app/(app)/companies/actions");
const wizard = await import("@/app/(app)/imports/[importId]/actions");
const settings = await import("@/app/(app)/settings/actions");
const progressRoute = await import("@/app/api/imports/[importId]/progress/route");
const { default: ImportPage } = await import("@/app/(app)/imports/[importId]/page");
const { default: MapStep } = await import("@/app/(app)/imports/[importId]/map/page");
const { default: PreviewStep } = await import("@/app/(app)/imports/[importId]/preview/page");
const { default: SelectStep } = await import("@/app/(app)/imports/[importId]/select/page");
const { default: ImportHistoryPage } = await import("@/app/(app)/imports/page");
const { renderToStaticMarkup } = await import("react-dom/server");

let x: TwoAccounts;
let bRuleId: string;
let aRuleId: string;

beforeAll(async () => {
  x = await createTwoAccounts();
  state.db = x.db;
  const [bRule] = await x.db.select().from(mappingRules).where(eq(mappingRules.connectionId, x.b.connection.id)).limit(1);
  const [aRule] = await x.db.select().from(mappingRules).where(eq(mappingRules.connectionId, x.a.connection.id)).limit(1);
  if (!bRule || !aRule) throw new Error("the first imports saved no rules");
  bRuleId = bRule.id;
  aRuleId = aRule.id;
});
afterAll(async () => x?.w.dispose());

beforeEach(() => {
  state.session = { adminId: x.a.admin.adminId, accountId: x.a.admin.accountId };
  state.cookies = new Map();
  state.cookieWrites = [];
  state.runRequests = [];
});

/** Everything that could change, plus what B's actiTIME was asked (A must never read it). */
async function everything() {
  return { db: await dbState(x.db), qbo: qboState(x.qbo), actitimeBRequests: x.actitimeB.stats.total };
}

async function unchangedBy(attempt: () => Promise<unknown>): Promise<unknown> {
  const before = await everything();
  let outcome: unknown;
  try {
    outcome = await attempt();
  } catch (error) {
    outcome = error;
  }
  expect(await everything()).toEqual(before);
  expect(state.cookieWrites).toEqual([]);
  expect(state.runRequests).toEqual([]);
  return outcome;
}

function digestOf(error: unknown): string {
  return typeof error === "object" && error !== null && "digest" in error ? String((error as { digest: unknown }).digest) : String(error);
}
const NOT_FOUND = /^NEXT_HTTP_ERROR_FALLBACK;404/;
function redirectedTo(error: unknown): string {
  const digest = digestOf(error);
  expect(digest).toMatch(/^NEXT_REDIRECT;/);
  return digest.split(";")[2] ?? "";
}

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
}
const params = (importId: string) => ({ params: Promise.resolve({ importId }), searchParams: Promise.resolve({}) });

describe("the world is what the tests assume", () => {
  it("both accounts have a completed import, a previewed draft and rules, on their own companies", async () => {
    for (const side of [x.a, x.b]) {
      expect((await getImport(x.db, side.admin.accountId, side.completedId))?.status).toBe("completed");
      expect(await getImport(x.db, side.admin.accountId, side.draftId, side.admin.adminId)).toMatchObject({ status: "draft", step: "preview" });
    }
    expect(x.a.admin.accountId).not.toBe(x.b.admin.accountId);
    expect(x.a.connection.realmId).not.toBe(x.b.connection.realmId);
  });
});

describe("query helpers with another account's ids find nothing", () => {
  it("imports, import history, connections, rules, admins", async () => {
    const A = x.a.admin.accountId;
    await unchangedBy(async () => {
      expect(await getImport(x.db, A, x.b.completedId)).toBeUndefined();
      expect(await getImport(x.db, A, x.b.draftId)).toBeUndefined();
      expect(await getImport(x.db, A, x.b.draftId, x.a.admin.adminId)).toBeUndefined();
      expect(await listImports(x.db, A, x.b.connection.id)).toEqual([]);
      expect(await getConnection(x.db, A, x.b.connection.id)).toBeUndefined();
      expect((await listConnections(x.db, A)).map((c) => c.id)).toEqual([x.a.connection.id]);
      expect(await getRule(x.db, x.a.connection.id, bRuleId)).toBeUndefined();
      for (const category of ["user", "project", "type_of_work", "leave_type"] as const) {
        expect((await listRules(x.db, x.a.connection.id, category)).map((r) => r.id)).not.toContain(bRuleId);
      }
      expect(await getAdmin(x.db, A, x.b.admin.adminId)).toBeUndefined();
      // Control: the same helpers do find A's own rows.
      expect(await getImport(x.db, A, x.a.completedId)).toBeDefined();
      expect(await getRule(x.db, x.a.connection.id, aRuleId)).toBeDefined();
    });
  });

  it("B's sealed actiTIME password cannot be used through A's account", async () => {
    const error = await unchangedBy(() => actitimeClientForAdmin(x.db, x.a.admin.accountId, x.b.admin.adminId));
    expect(String(error)).toMatch(/Sign in to actiTIME again/);
  });
});

describe("core actions with another account's ids are refused and change nothing", () => {
  it("createDraft on B's company", async () => {
    const error = await unchangedBy(() => createDraft(x.db, x.a.actor, x.b.connection.id));
    expect(error).toBeInstanceOf(ImportRuleError);
    expect(error).toMatchObject({ code: "not_found", message: "That QuickBooks company is not connected to your account." });
  });

  it("startImport of B's previewed draft", async () => {
    const error = await unchangedBy(() => startImport(x.db, x.a.actor, x.b.draftId));
    expect(error).toMatchObject({ code: "not_found", message: "This import does not exist or belongs to someone else." });
  });

  it("saveSelection, saveMapping and getOwnDraft on B's draft", async () => {
    const selection = { dateFrom: "2025-04-01", dateTo: "2025-04-02", userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false };
    for (const attempt of [
      () => saveSelection(x.db, x.a.actor, x.b.draftId, selection),
      () => saveMapping(x.db, x.a.actor, x.b.draftId, [], []),
      () => getOwnDraft(x.db, x.a.actor, x.b.draftId),
    ]) {
      const error = await unchangedBy(attempt);
      expect(error).toBeInstanceOf(WizardError);
      expect((error as Error).message).toBe("This import does not exist or belongs to another admin.");
    }
  });

  it("applyRuleEdit with B's rule (under B's company id, or smuggled under A's own)", async () => {
    const { applyRuleEdit, applyTimeDescriptionSave } = await import("@/lib/mapping/edit");
    let directoryReads = 0;
    const loadDirectory = async () => {
      directoryReads++;
      throw new Error("must not be read");
    };
    for (const connectionId of [x.b.connection.id, x.a.connection.id]) {
      const result = await unchangedBy(() => applyRuleEdit(x.db, x.a.actor, { connectionId, ruleId: bRuleId, kind: "skip" }, loadDirectory));
      expect(result).toEqual({ ok: false, reason: "not_found" });
    }
    const saved = await unchangedBy(() => applyTimeDescriptionSave(x.db, x.a.actor, { connectionId: x.b.connection.id, importTaskNames: "on", importComments: "on" }));
    expect(saved).toEqual({ ok: false, reason: "not_found" });
    expect(directoryReads).toBe(0);
  });

  it("markDisconnected of B's company", async () => {
    const row = await unchangedBy(() => markDisconnected(x.db, x.a.admin.accountId, x.b.connection.id));
    expect(row).toBeUndefined();
  });

  it("interruptImport of B's running import", async () => {
    // B starts its draft (B's own action, outside the "unchanged" window); A then tries to stop it.
    await startImport(x.db, x.b.actor, x.b.draftId);
    try {
      const error = await unchangedBy(() => interruptImport(x.db, x.a.actor, x.b.draftId));
      expect(error).toMatchObject({ code: "not_found", message: "This import does not exist." });
      const progress = await unchangedBy(() =>
        progressRoute.GET(new Request(`http://localhost:3000/api/imports/${x.b.draftId}/progress`), { params: Promise.resolve({ importId: x.b.draftId }) }),
      );
      expect((progress as Response).status).toBe(404);
    } finally {
      const { imports } = await import("@/db/schema");
      await x.db.update(imports).set({ status: "draft", startedAt: null, heartbeatAt: null }).where(eq(imports.id, x.b.draftId));
    }
  });
});

describe("server actions, pages and routes as A with B's ids", () => {
  it("company actions (switch, disconnect, refresh) answer 'unknown company' and set no cookie", async () => {
    for (const action of [companies.switchCompany, companies.disconnectCompany, companies.refreshCompany]) {
      const error = await unchangedBy(() => action(form({ connectionId: x.b.connection.id })));
      expect(redirectedTo(error)).toBe("/companies?error=unknown_company");
    }
  });

  it("settings actions (edit rule, time description, refresh lists) answer 'unknown'", async () => {
    const edit = await unchangedBy(() => settings.updateRuleAction(form({ connectionId: x.b.connection.id, ruleId: bRuleId, kind: "skip" })));
    expect(redirectedTo(edit)).toBe("/settings?error=unknown_rule");
    const smuggled = await unchangedBy(() => settings.updateRuleAction(form({ connectionId: x.a.connection.id, ruleId: bRuleId, kind: "skip" })));
    expect(redirectedTo(smuggled)).toBe("/settings?error=unknown_rule");
    const description = await unchangedBy(() => settings.saveTimeDescriptionAction(form({ connectionId: x.b.connection.id, importTaskNames: "on" })));
    expect(redirectedTo(description)).toBe("/settings?error=unknown_company");
    const refresh = await unchangedBy(() => settings.refreshDirectoryAction(form({ connectionId: x.b.connection.id })));
    expect(redirectedTo(refresh)).toBe("/settings?error=unknown_company");
  });

  it("every import wizard action on B's draft or completed import is 404", async () => {
    const selection = form({ dateFrom: "2025-04-01", dateTo: "2025-04-02", users: "all", projects: "all", leaveTypes: "all" });
    const attempts: [string, () => Promise<unknown>][] = [
      ["saveSelection", () => wizard.saveSelectionAction(x.b.draftId, selection)],
      ["confirmMapping", () => wizard.confirmMappingAction(x.b.draftId, form({ "r:user:1:kind": "skip" }))],
      ["refreshDirectory", () => wizard.refreshDirectoryAction(x.b.draftId)],
      ["refreshPreview", () => wizard.refreshPreviewAction(x.b.draftId)],
      ["startImport", () => wizard.startImportAction(x.b.draftId)],
      ["interrupt (completed)", () => wizard.interruptAction(x.b.completedId)],
      ["interrupt (draft)", () => wizard.interruptAction(x.b.draftId)],
    ];
    for (const [name, attempt] of attempts) {
      expect(digestOf(await unchangedBy(attempt)), name).toMatch(NOT_FOUND);
    }
  });

  it("the import pages (detail with items, select, map, preview) of B's imports are 404", async () => {
    const pages: [string, () => Promise<unknown>][] = [
      ["detail (completed)", () => ImportPage(params(x.b.completedId))],
      ["detail (draft)", () => ImportPage(params(x.b.draftId))],
      ["select", () => SelectStep(params(x.b.draftId))],
      ["map", () => MapStep(params(x.b.draftId))],
      ["preview", () => PreviewStep(params(x.b.draftId))],
    ];
    for (const [name, page] of pages) {
      expect(digestOf(await unchangedBy(page)), name).toMatch(NOT_FOUND);
    }
  });

  it("the progress route answers 404 for B's imports, 200 for A's own, 401 without a session", async () => {
    const get = (importId: string) => progressRoute.GET(new Request(`http://localhost:3000/api/imports/${importId}/progress`), { params: Promise.resolve({ importId }) });
    for (const id of [x.b.completedId, x.b.draftId, "../../../etc/passwd", "00000000-0000-0000-0000-000000000000"]) {
      const response = (await unchangedBy(() => get(id))) as Response;
      expect(response.status, id).toBe(404);
      expect(await response.json()).toEqual({ error: "Not found." });
    }
    expect((await get(x.a.completedId)).status).toBe(200);
    state.session = null;
    expect((await get(x.a.completedId)).status).toBe(401);
  });

  it("A's drafts stay private from B too (and from the route)", async () => {
    state.session = { adminId: x.b.admin.adminId, accountId: x.b.admin.accountId };
    const response = (await unchangedBy(() =>
      progressRoute.GET(new Request("http://localhost:3000/x"), { params: Promise.resolve({ importId: x.a.draftId }) }),
    )) as Response;
    expect(response.status).toBe(404);
    expect(digestOf(await unchangedBy(() => ImportPage(params(x.a.completedId))))).toMatch(NOT_FOUND);
  });

  it("a company cookie holding B's connection id shows A's own history, never B's", async () => {
    state.cookies.set("qbo_company", x.b.connection.id);
    const html = renderToStaticMarkup((await unchangedBy(() => ImportHistoryPage({ searchParams: Promise.resolve({}) }))) as React.ReactElement);
    expect(html).toContain(x.a.completedId);
    expect(html).not.toContain(x.b.completedId);
    expect(html).not.toContain(x.b.connection.companyName);
  });

  it("a session whose admin was moved to another account (forged token) is treated as signed out", async () => {
    state.session = { adminId: x.b.admin.adminId, accountId: x.a.admin.accountId };
    const response = (await unchangedBy(() =>
      progressRoute.GET(new Request("http://localhost:3000/x"), { params: Promise.resolve({ importId: x.a.completedId }) }),
    )) as Response;
    expect(response.status).toBe(401);
  });
});
