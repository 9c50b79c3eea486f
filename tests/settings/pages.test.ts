// Server-renders the Settings pages against a test database with a mocked session, QuickBooks
// directory and actiTIME client: what the admin sees, without a browser.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import { updateRule } from "@/lib/mapping/edit";
import { createTestDb, type TestDb } from "@/tests/helpers/db";
import { createWorld, directory, seedRules, type RuleKey, type World } from "./fixtures";

const state = vi.hoisted(() => ({
  db: null as unknown,
  session: null as null | { adminId: string; accountId: string; adminName: string; accountUrl: string },
  connectionId: "",
  rates: null as null | { id: number; rate: number | null }[],
}));

vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("@/lib/auth/session", async () => {
  const { getConnection, listConnections } = await import("@/db/queries/connections");
  return {
    requireSession: async () => state.session,
    getCurrentCompany: async (session: { accountId: string }) => {
      const db = state.db as import("@/db/client").Db;
      return { current: (await getConnection(db, session.accountId, state.connectionId)) ?? null, all: await listConnections(db, session.accountId) };
    },
  };
});
vi.mock("@/lib/qbo/directory", () => ({
  getCachedDirectory: async () => ({ directory, fetchedAt: new Date("2026-02-01T08:00:00Z") }),
  loadQboDirectory: async () => directory,
}));
vi.mock("@/lib/import/source", () => ({
  actitimeClientForAdmin: async () => {
    if (state.rates === null) throw new Error("actiTIME unreachable");
    const rates = state.rates;
    return { listTypesOfWork: async () => rates.map((r) => ({ id: r.id, name: `T${r.id}`, rate: r.rate, archived: false, billable: true })) };
  },
}));
vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
  redirect: (url: string) => {
    throw new Error(`REDIRECT ${url}`);
  },
}));
vi.mock("@/app/(app)/settings/actions", () => ({
  updateRuleAction: async () => {},
  saveTimeDescriptionAction: async () => {},
  refreshDirectoryAction: async () => {},
  saveScheduleAction: async () => {},
  saveWebhookAction: async () => {},
}));

const { default: CategoryPage } = await import("@/app/(app)/settings/[category]/page");
const { default: SettingsPage } = await import("@/app/(app)/settings/page");
const { default: RuleHistoryPage } = await import("@/app/(app)/settings/[category]/[ruleId]/history/page");

async function ruleHistory(slug: string, ruleId: string): Promise<string> {
  const element = (await RuleHistoryPage({ params: Promise.resolve({ category: slug, ruleId }) })) as ReactElement;
  return renderToStaticMarkup(element);
}

let t: TestDb;
let world: World;
let ids: Record<RuleKey, string>;

beforeAll(async () => {
  t = await createTestDb();
  world = await createWorld(t.db);
  state.db = t.db;
});
afterAll(async () => t?.dispose());
beforeEach(async () => {
  ids = await seedRules(t.db, world);
  state.session = { adminId: world.adminA, accountId: world.accountA, adminName: "Ada Admin", accountUrl: "https://actitime.test/settings-a" };
  state.connectionId = world.connA;
  state.rates = null;
});

async function category(slug: string, search: Record<string, string> = {}) {
  const element = (await CategoryPage({ params: Promise.resolve({ category: slug }), searchParams: Promise.resolve(search) })) as ReactElement;
  return renderToStaticMarkup(element);
}

describe("Settings pages", () => {
  it("overview: the four categories, rule counts and the Time Description Settings with the explanation", async () => {
    const html = renderToStaticMarkup((await SettingsPage({ searchParams: Promise.resolve({}) })) as ReactElement);
    for (const label of ["Users", "Projects", "Types of Work", "Leave Types"]) expect(html).toContain(label);
    expect(html).toContain('href="/settings/types-of-work"');
    expect(html).toContain("2 rules");
    expect(html).toContain('<label for="importTaskNames"');
    expect(html).toContain('<label for="importComments"');
    expect(html).toContain("are combined into one TimeActivity");
    expect(html).toContain("Not saved yet: both are off.");
  });

  it("overview: Time settings with labelled Combine and Rounding controls, auto and no rounding checked by default", async () => {
    const html = renderToStaticMarkup((await SettingsPage({ searchParams: Promise.resolve({}) })) as ReactElement);
    expect(html).toContain('id="time-description">Time settings</h2>');
    expect(html).toContain("<legend");
    expect(html).toMatch(/<legend[^>]*>Combine<\/legend>/);
    expect(html).toMatch(/<legend[^>]*>Rounding<\/legend>/);
    for (const value of ["auto", "record", "day", "week"]) expect(html).toContain(`<label for="combine-${value}"`);
    for (const value of ["none", "up", "nearest"]) expect(html).toContain(`<label for="rounding-${value}"`);
    expect(html).toContain('<label for="roundingMinutes"');
    expect(html).toMatch(/id="combine-auto"[^>]*checked=""/);
    expect(html).toMatch(/id="rounding-none"[^>]*checked=""/);
    expect(html).toMatch(/<option value="15" selected="">15 minutes<\/option>/);
  });

  it("an unknown category slug is not found", async () => {
    await expect(category("vendors")).rejects.toThrow("NEXT_NOT_FOUND");
  });

  it("projects: rules in the incumbent's words with target names, never raw ids", async () => {
    const html = await category("projects");
    expect(html).toContain("Link to QB Sub-customer");
    expect(html).toContain("Acme:Web");
    expect(html).toContain("Create new QB Customer");
    expect(html).toContain("Mobile App");
    expect(html).not.toContain(">22<");
    expect(html).toContain(`href="/settings/projects?edit=${ids.website}#rule-${ids.website}"`);
    expect(html).toContain(`href="/settings/projects/${ids.website}/history"`);
  });

  it("inline edit with an error: the message at its field, the typed value kept, only active targets", async () => {
    const html = await category("projects", {
      edit: ids.website,
      kind: "create",
      name: "Acme: Website",
      field: "name",
      message: "Names can't contain a colon (:), because QuickBooks uses it between a parent and its sub-entries",
    });
    expect(html).toContain("Nothing was saved for “Website”");
    expect(html).toContain('value="Acme: Website"');
    expect(html).toContain("Names can&#x27;t contain a colon (:)");
    expect(html).toContain('aria-invalid="true"');
    expect(html).not.toContain("Gone Inc"); // inactive customers are not offered as parents
  });

  it("inline edit: the q search narrows the QuickBooks list", async () => {
    const html = await category("projects", { edit: ids.mobile, kind: "link", q: "glob" });
    expect(html).toContain(">Globex</option>");
    expect(html).not.toContain(">Acme:Web</option>");
  });

  it("types of work: actiTIME rates beside the rules when actiTIME returns them", async () => {
    state.rates = [{ id: 20, rate: 45 }];
    const html = await category("types-of-work");
    expect(html).toContain("actiTIME rate");
    expect(html).toContain("45.00");
  });

  it("types of work: no rate column when actiTIME hides rates or can't be read", async () => {
    state.rates = [{ id: 20, rate: null }];
    expect(await category("types-of-work")).not.toContain("actiTIME rate");
    state.rates = null;
    expect(await category("types-of-work")).not.toContain("actiTIME rate");
  });

  it("users with Payroll on: no Create new QB Employee offered", async () => {
    state.connectionId = world.connPayroll;
    const html = await category("users", { edit: ids.payrollUser });
    expect(html).toContain("QuickBooks Payroll is on");
    expect(html).not.toContain(">Create new QB Employee</option>");
    expect(html).toContain(">Link to QB Employee</option>");
  });

  it("empty state when a category has no rules yet", async () => {
    state.connectionId = world.connB;
    state.session = { adminId: world.adminB, accountId: world.accountB, adminName: "Mallory Other", accountUrl: "https://actitime.test/settings-b" };
    const html = await category("leave-types");
    expect(html).toContain("Rules are created by your first import; run New Import to set them up");
  });

  it("history per category and per rule: who, when, before → after in words", async () => {
    await updateRule(t.db, {
      connectionId: world.connA,
      ruleId: ids.website,
      adminId: world.adminA2,
      rule: { kind: "create", name: "Website Redesign", parentQboId: "21", targetQboId: null },
      at: new Date("2026-02-02T10:30:00Z"),
    });
    for (const html of [await category("projects", { view: "history" }), await ruleHistory("projects", ids.website)]) {
      expect(html).toContain("Grace Hopper");
      expect(html).toContain("Feb 2, 2026");
      expect(html).toContain("Link to QB Sub-customer &quot;Acme:Web&quot;");
      expect(html).toContain("Create new QB Sub-customer &quot;Website Redesign&quot; (under &quot;Acme&quot;)");
    }
  });

  it("a rule id of another account is not found in the history view", async () => {
    await expect(ruleHistory("users", ids.otherAlice)).rejects.toThrow("NEXT_NOT_FOUND");
  });

  it("the old ?rule= address of a rule's history leads to its page", async () => {
    await expect(category("projects", { rule: ids.website })).rejects.toThrow(`REDIRECT /settings/projects/${ids.website}/history`);
  });
});
