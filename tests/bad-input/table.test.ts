// Bad input (spec §8, issue 8 "Bad input"): a table of what a bookkeeper (or a tampered form post,
// or a misbehaving server) can throw at the app. Each case goes through the same core function the
// server action calls, against a real database and the emulators, and asserts
//   1. a clear, specific message (the words the page shows), and
//   2. that nothing changed: every table of the database and both QuickBooks companies are equal
//      before and after (a case that must leave a trace says exactly which, in `allow`).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { http, HttpResponse } from "msw";
import { eq } from "drizzle-orm";
import { accounts, admins, imports, mappingRules, qboConnections } from "@/db/schema";
import { tokenContext, updateCompanyFacts, type QboConnection } from "@/db/queries/connections";
import { applyRuleEdit } from "@/lib/mapping/edit";
import { verifyLogin } from "@/lib/auth/login";
import { open } from "@/lib/crypto";
import { getEnv } from "@/lib/env";
import { listSavedRules, mapStepEntities, type MapEntity } from "@/lib/import/mapping-step";
import { createDraft, startImport } from "@/lib/import/lifecycle";
import { readSource } from "@/lib/import/source";
import { rulesFromForm, saveMapping, saveSelection } from "@/lib/import/wizard";
import type { QboDirectory } from "@/lib/mapping/directory";
import { PAYROLL_CREATE_EMPLOYEE_MESSAGE, RATE_INVALID_MESSAGE } from "@/lib/mapping/validate";
import { completeConnection, newOAuthState, readCompanyFacts } from "@/lib/qbo/connect";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { revokeToken } from "@/lib/qbo/oauth";
import { connectionTokenSource } from "@/lib/qbo/tokens";
import { actitimeMswHandlers } from "@/lib/sandbox/actitime";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server } from "@/tests/setup/server";
import { createWorld, PAYROLL_REALM, SANDBOX_REALM, WORLD_ACTITIME_URL, type World } from "@/tests/helpers/world";
import { appQboClient, dbState, qboState } from "@/tests/security/helpers";

const UNREACHABLE_URL = "https://unreachable.test/acme";
const SHAPELESS_URL = "https://shapeless.test/acme";
const PASSWORD = "demo";
const RANGE = { dateFrom: "2025-03-03", dateTo: "2025-03-09" };

let w: World;
/** A previewed draft (startImport cases; its planned items must survive a refused saveSelection). */
let previewDraftId: string;
/** A draft at the map step (mapping cases). */
let mapDraftId: string;
let directory: QboDirectory;
let payrollDirectory: QboDirectory;
let entities: MapEntity[];
let names: Map<string, string>;
/** Account B: rows only, for tampered ids. */
let other: { accountId: string; adminId: string; connectionId: string; importId: string; ruleId: string };

function routeEmulators() {
  const env = getEnv();
  server.use(
    ...actitimeMswHandlers(w.actitime, WORLD_ACTITIME_URL),
    ...qboMswHandlers(w.qbo, { apiBase: env.intuit.apiBaseUrl, oauthBase: new URL(env.intuit.tokenUrl).origin + "/sandbox/qbo" }),
    http.all(`${UNREACHABLE_URL}/*`, () => HttpResponse.error()),
    // Answers JSON, but not actiTIME's: every field the app needs is missing.
    http.all(`${SHAPELESS_URL}/*`, () => HttpResponse.json({ ok: true })),
  );
}

beforeAll(async () => {
  w = await createWorld();
  routeEmulators();
  previewDraftId = (await w.preview(RANGE)).importId;
  const mapDraft = await createDraft(w.db, w.actor, w.connection.id);
  await saveSelection(w.db, w.actor, mapDraft.id, { ...RANGE, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false });
  mapDraftId = mapDraft.id;
  directory = await fetchQboDirectory(w.client, false);
  const source = await readSource(w.actitimeClient, { ...RANGE, userIds: null, projectIds: null, leaveTypeIds: null });
  entities = mapStepEntities(source, await listSavedRules(w.db, w.connection.id), directory);
  names = new Map(entities.map((e) => [`${e.category}:${e.sourceId}`, e.name]));
  const payroll = await w.connect(PAYROLL_REALM);
  payrollDirectory = await fetchQboDirectory(appQboClient(w.db, payroll), true);

  const [account] = await w.db.insert(accounts).values({ baseUrl: "https://actitime.other.test/b" }).returning();
  const [admin] = await w.db.insert(admins).values({ accountId: account!.id, actitimeUserId: 1, username: "mallory", fullName: "Mallory" }).returning();
  const [connection] = await w.db
    .insert(qboConnections)
    .values({ accountId: account!.id, realmId: "9130350000000099", companyName: "Other Books", timeTrackingEnabled: true, payrollEnabled: false })
    .returning();
  const [draft] = await w.db.insert(imports).values({ accountId: account!.id, connectionId: connection!.id, createdByAdminId: admin!.id }).returning();
  const [rule] = await w.db
    .insert(mappingRules)
    .values({ connectionId: connection!.id, category: "user", sourceId: 1, sourceName: "Alice", kind: "skip" })
    .returning();
  other = { accountId: account!.id, adminId: admin!.id, connectionId: connection!.id, importId: draft!.id, ruleId: rule!.id };
}, 120_000);
afterAll(async () => w?.dispose());
// msw forgets handlers after each test (tests/setup/msw.ts); the world's emulators stay reachable.
beforeEach(() => routeEmulators());

// ----- helpers -----------------------------------------------------------------------------------

const entity = (category: MapEntity["category"], index = 0): MapEntity => {
  const found = entities.filter((e) => e.category === category)[index];
  if (!found) throw new Error(`the week has no ${category} #${index}`);
  return found;
};
const key = (e: MapEntity, field: string) => `r:${e.category}:${e.sourceId}:${field}`;

/** The map step's form: every entity skipped except the fields given. */
function mapForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  const given = new Set(Object.keys(fields).map((k) => k.split(":").slice(0, 3).join(":")));
  for (const e of entities) if (!given.has(`r:${e.category}:${e.sourceId}`)) form.set(key(e, "kind"), "skip");
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

/** What the wizard does on Confirm Mapping: parse + validate the form, save the draft's snapshot. */
async function confirmMapping(form: FormData, dir: QboDirectory = directory) {
  const { rules, errors } = rulesFromForm(form, names, dir);
  const ok = await saveMapping(w.db, w.actor, mapDraftId, rules, errors);
  return { ok, errors };
}

const newItem = (name: string, unitPrice: string) => {
  const tow = entity("type_of_work");
  return { [key(tow, "kind")]: "create", [key(tow, "name")]: name, [key(tow, "incomeAccountId")]: directory.incomeAccounts[0]!.id, [key(tow, "unitPrice")]: unitPrice };
};
const newCustomer = (name: string, index = 0) => {
  const project = entity("project", index);
  return { [key(project, "kind")]: "create", [key(project, "name")]: name };
};

const selection = (overrides: Record<string, unknown>) => ({ ...RANGE, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false, ...overrides });

const login = (overrides: Record<string, string>) => verifyLogin(w.db, { actitimeUrl: WORLD_ACTITIME_URL, username: "admin", password: PASSWORD, ...overrides });

/** The saved mapping draft is allowed to hold what was typed (nothing typed is lost); it stays at the map step. */
function allowMapDraftSnapshot(state: Awaited<ReturnType<typeof dbState>>) {
  for (const row of state.imports as Record<string, unknown>[]) {
    if (row.id === mapDraftId) {
      expect(row.step).toBe("map");
      delete row.mappingSnapshot;
      delete row.draftRevision; // saving what was typed is a change of the draft
      delete row.updatedAt;
    }
  }
}

/** The connection may be flagged needs_reconnect (that is the message's point); nothing else. */
function allowNeedsReconnect(state: Awaited<ReturnType<typeof dbState>>) {
  for (const row of state.qboConnections as Record<string, unknown>[]) {
    if (row.id === w.connection.id) {
      delete row.status;
      delete row.updatedAt;
    }
  }
}

/** Shrinks the 30 s actiTIME timeout so a slow server is given up on quickly (the message still says 30 s). */
function shortTimeouts() {
  const real = AbortSignal.timeout.bind(AbortSignal);
  return vi.spyOn(AbortSignal, "timeout").mockImplementation((ms: number) => real(Math.min(ms, 150)));
}

async function refreshFacts() {
  await updateCompanyFacts(w.db, w.connection.id, await readCompanyFacts(connectionTokenSource(w.db, w.connection.id), SANDBOX_REALM));
}

async function reconnect() {
  const revived: QboConnection = await w.connect(SANDBOX_REALM);
  expect(revived.id).toBe(w.connection.id);
}

// ----- the table ---------------------------------------------------------------------------------

interface Case {
  name: string;
  run: () => Promise<unknown>;
  /** The message the admin reads (an error's message, or a result's first message). */
  message: string | RegExp;
  setup?: () => Promise<void> | void;
  cleanup?: () => Promise<void> | void;
  /** Normalises one expected, named change out of a DB state before comparing. */
  allow?: (state: Awaited<ReturnType<typeof dbState>>) => void;
}

const cases: Case[] = [
  // --- Logging in: the actiTIME address and what answers there ---
  { name: "login: unreachable actiTIME URL", run: () => login({ actitimeUrl: UNREACHABLE_URL }), message: `Could not reach actiTIME at ${UNREACHABLE_URL}. Check the address and your internet connection.` },
  { name: "login: ftp: URL", run: () => login({ actitimeUrl: "ftp://actitime.example.com/acme" }), message: "The actiTIME address must start with https:// (or http:// for a server on your own network)." },
  { name: "login: javascript: URL", run: () => login({ actitimeUrl: "javascript:alert(document.cookie)" }), message: "The actiTIME address must start with https:// (or http:// for a server on your own network)." },
  { name: "login: not a web address", run: () => login({ actitimeUrl: "my actitime" }), message: /^This is not a web address\. Enter your actiTIME address/ },
  { name: "login: user and password inside the URL", run: () => login({ actitimeUrl: "https://admin:demo@actitime.world.test/acme" }), message: "Remove the user name and password from the actiTIME address; enter them in their own fields." },
  { name: "login: empty password", run: () => login({ password: "" }), message: "Enter your actiTIME password." },
  { name: "login: wrong password", run: () => login({ password: "not-the-password" }), message: "actiTIME did not accept this username and password." },
  {
    name: "login: the URL answers an HTML page (login page, proxy)",
    setup: () => void (w.actitime.faults = { html: true }),
    run: () => login({}),
    message: `The address ${WORLD_ACTITIME_URL} answered with a web page instead of actiTIME data. Check the actiTIME address.`,
  },
  {
    name: "login: actiTIME answers malformed JSON",
    setup: () => void (w.actitime.faults = { malformedJson: true }),
    run: () => login({}),
    message: `actiTIME at ${WORLD_ACTITIME_URL} sent an answer that could not be read (broken data). Try again later.`,
  },
  {
    name: "login: JSON with the fields missing",
    run: () => login({ actitimeUrl: SHAPELESS_URL }),
    message: new RegExp(`^actiTIME at ${SHAPELESS_URL.replace(/\./g, "\\.")} sent data in an unexpected shape \\(at [a-zA-Z.]+\\)\\. The import cannot use it\\.$`),
  },
  {
    name: "login: a huge body (past 50 MB)",
    setup: () => void (w.actitime.faults = { hugeBodyBytes: 51 * 1024 * 1024, pathPrefix: "/users/me" }),
    run: () => login({}),
    message: `actiTIME at ${WORLD_ACTITIME_URL} sent more data than expected in one answer. Try a shorter date range.`,
  },
  {
    name: "login: a body that trickles in too slowly",
    setup: () => {
      w.actitime.faults = { slowBodyMs: 2_000 };
      shortTimeouts();
    },
    run: () => login({}),
    message: `actiTIME at ${WORLD_ACTITIME_URL} did not answer within 30 seconds. Try again later.`,
  },
  {
    name: "login: a server that never answers",
    setup: () => {
      w.actitime.faults = { delayMs: 2_000 };
      shortTimeouts();
    },
    run: () => login({}),
    message: `actiTIME at ${WORLD_ACTITIME_URL} did not answer within 30 seconds. Try again later.`,
  },
  {
    name: "login: actiTIME fails with 500",
    setup: () => void (w.actitime.faults = { errorStatus: 500 }),
    run: () => login({}),
    message: `actiTIME at ${WORLD_ACTITIME_URL} had a problem answering (error 500). Try again later.`,
  },

  // --- Select data: the date range and the ticked lists ---
  { name: "select: range reversed", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ dateFrom: "2025-03-31", dateTo: "2025-03-01" })), message: "The end date is before the start date." },
  { name: "select: start date empty", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ dateFrom: "" })), message: "Enter the start date" },
  { name: "select: 2025-02-30 is not a date", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ dateFrom: "2025-02-30" })), message: "The start date must be a real date (YYYY-MM-DD)" },
  { name: "select: a date in another format", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ dateTo: "03/31/2025" })), message: "The end date must be a real date (YYYY-MM-DD)" },
  {
    name: "select: years long",
    run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ dateFrom: "2020-01-01", dateTo: "2025-03-31" })),
    message: "One import covers at most 366 days. Choose a shorter range, or import it in parts.",
  },
  { name: "select: user ids that are not numbers (tampered post)", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ userIds: ["1", "abc"] })), message: "The chosen users are not valid. Reload the page and choose again." },
  { name: "select: negative project id", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ projectIds: [-3] })), message: "The chosen projects are not valid. Reload the page and choose again." },
  {
    name: "select: oversized list (10,001 ids)",
    run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ userIds: Array.from({ length: 10_001 }, (_, i) => i + 1) })),
    message: "Choose at most 10,000 users, or all.",
  },
  { name: "select: no project ticked", run: () => saveSelection(w.db, w.actor, previewDraftId, selection({ projectIds: [] })), message: "Choose at least one project, or all." },

  // --- Map: names QuickBooks refuses, rates, Payroll, tampered kinds and targets ---
  { name: "map: name with a colon", run: () => confirmMapping(mapForm(newCustomer("Acme: Web"))), message: "Names can't contain a colon (:), because QuickBooks uses it between a parent and its sub-entries", allow: allowMapDraftSnapshot },
  { name: "map: name with a tab", run: () => confirmMapping(mapForm(newCustomer("Acme\tWeb"))), message: "Names can't contain tabs or line breaks", allow: allowMapDraftSnapshot },
  { name: "map: name too long", run: () => confirmMapping(mapForm(newItem("x".repeat(150), "10"))), message: /^A QuickBooks service item name can be at most \d+ characters long; this one has 150$/, allow: allowMapDraftSnapshot },
  {
    name: "map: name of an existing vendor",
    run: () => confirmMapping(mapForm(newCustomer(directory.vendors[0]!.name))),
    message: /^QuickBooks already has a vendor named ".+"\. Customer, employee and vendor names must be unique: choose another name$/,
    allow: allowMapDraftSnapshot,
  },
  {
    name: "map: name of an existing employee",
    run: () => confirmMapping(mapForm(newCustomer(directory.employees[0]!.name.toUpperCase()))),
    message: /^QuickBooks already has an employee named ".+"\. Customer, employee and vendor names must be unique: choose another name$/,
    allow: allowMapDraftSnapshot,
  },
  {
    name: "map: name of an existing customer",
    run: () => confirmMapping(mapForm(newCustomer(directory.customers[0]!.name))),
    message: /^QuickBooks already has a customer named ".+"\. .*, or choose Link to QB Customer$/,
    allow: allowMapDraftSnapshot,
  },
  {
    name: "map: the same new name created twice",
    run: () => confirmMapping(mapForm({ ...newCustomer("Brand New Client", 0), ...newCustomer("brand new client", 1) })),
    message: /^The actiTIME project ".+" already creates "brand new client" in QuickBooks, and names must be unique: choose another name$/,
    allow: allowMapDraftSnapshot,
  },
  { name: "map: rate that is not a number", run: () => confirmMapping(mapForm(newItem("Fresh Service", "ten"))), message: RATE_INVALID_MESSAGE, allow: allowMapDraftSnapshot },
  { name: "map: negative rate", run: () => confirmMapping(mapForm(newItem("Fresh Service", "-5"))), message: RATE_INVALID_MESSAGE, allow: allowMapDraftSnapshot },
  { name: 'map: rate "1e3"', run: () => confirmMapping(mapForm(newItem("Fresh Service", "1e3"))), message: RATE_INVALID_MESSAGE, allow: allowMapDraftSnapshot },
  {
    name: "map: create an employee while Payroll is on",
    run: () => {
      const user = entity("user");
      return confirmMapping(mapForm({ [key(user, "kind")]: "create", [key(user, "name")]: "Brand New Person" }), payrollDirectory);
    },
    message: PAYROLL_CREATE_EMPLOYEE_MESSAGE,
    allow: allowMapDraftSnapshot,
  },
  { name: 'map: rule kind "delete" (tampered post)', run: () => confirmMapping(mapForm({ [key(entity("project"), "kind")]: "delete" })), message: "Choose Create new, Link to or Do not import", allow: allowMapDraftSnapshot },
  {
    name: "map: link to a QuickBooks id that does not exist (tampered post)",
    run: () => confirmMapping(mapForm({ [key(entity("project"), "kind")]: "link", [key(entity("project"), "targetQboId")]: "987654" })),
    message: "The QuickBooks customer is no longer in QuickBooks. Refresh the list and choose again",
    allow: allowMapDraftSnapshot,
  },

  // --- Start: the company's state ---
  { name: "start: a draft that was never previewed", run: () => startImport(w.db, w.actor, mapDraftId), message: "Preview the import before starting it." },
  {
    name: "start: time tracking is off in QuickBooks",
    setup: async () => {
      w.qbo.setTimeTracking(SANDBOX_REALM, false);
      await refreshFacts();
    },
    run: () => startImport(w.db, w.actor, previewDraftId),
    message: "Time tracking is off in this QuickBooks company. Turn it on in QuickBooks (Settings → Time) and try again.",
    cleanup: async () => {
      w.qbo.setTimeTracking(SANDBOX_REALM, true);
      await refreshFacts();
    },
  },
  {
    name: "start: the company was disconnected",
    setup: async () => {
      await w.db.update(qboConnections).set({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null }).where(eq(qboConnections.id, w.connection.id));
    },
    run: () => startImport(w.db, w.actor, previewDraftId),
    message: "This QuickBooks company needs to be connected again before importing.",
    cleanup: reconnect,
  },
  {
    name: "QuickBooks use of a disconnected company",
    setup: async () => {
      await w.db.update(qboConnections).set({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null }).where(eq(qboConnections.id, w.connection.id));
    },
    run: () => w.client.query("Customer"),
    message: "This QuickBooks company is disconnected. Connect it again to continue.",
    cleanup: reconnect,
  },
  {
    name: "QuickBooks refresh token expired or revoked (invalid_grant)",
    setup: async () => {
      const [row] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
      expect(await revokeToken(open(row!.sealedRefreshToken!, tokenContext(row!.id, "refresh")))).toBe(true);
      w.qbo.expireAccessTokens(SANDBOX_REALM);
    },
    run: async () => {
      const error = await w.client.query("Customer").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "needs_reconnect" });
      // …and from then on Start Import says why it is refused.
      await expect(startImport(w.db, w.actor, previewDraftId)).rejects.toThrow("This QuickBooks company needs to be connected again before importing.");
      throw error;
    },
    message: "QuickBooks needs you to reconnect this company (its authorization expired or was revoked).",
    allow: allowNeedsReconnect,
    cleanup: reconnect,
  },
  {
    name: "connect: OAuth state does not match",
    run: async () => completeConnection(w.db, { accountId: w.admin.accountId, adminId: w.admin.adminId, callbackUrl: `${getEnv().intuit.redirectUri}?code=c&realmId=${SANDBOX_REALM}&state=forged`, expectedState: newOAuthState(w.admin) }),
    message: "This QuickBooks sign-in did not start here or has expired. Please connect again.",
  },

  // --- Tampered ids: another account's import, company and rule; ids that are not ids ---
  { name: "tampered: another account's import id in saveSelection", run: () => saveSelection(w.db, w.actor, other.importId, selection({})), message: "This import does not exist or belongs to another admin." },
  { name: "tampered: another account's import id in startImport", run: () => startImport(w.db, w.actor, other.importId), message: "This import does not exist or belongs to someone else." },
  { name: "tampered: an import id that is not an id", run: () => startImport(w.db, w.actor, "1' OR '1'='1"), message: "This import does not exist or belongs to someone else." },
  { name: "tampered: another account's company id in New Import", run: () => createDraft(w.db, w.actor, other.connectionId), message: "That QuickBooks company is not connected to your account." },
  {
    name: "tampered: another account's rule id in Settings (under our own company id)",
    run: () => applyRuleEdit(w.db, w.actor, { connectionId: w.connection.id, ruleId: other.ruleId, kind: "skip" }, async () => directory),
    message: "not_found",
  },
  {
    name: 'tampered: rule kind "delete" in Settings',
    setup: async () => {
      await w.db.insert(mappingRules).values({ connectionId: w.connection.id, category: "leave_type", sourceId: 777, sourceName: "Sabbatical", kind: "skip" });
    },
    run: async () => {
      const [rule] = await w.db.select().from(mappingRules).where(eq(mappingRules.sourceName, "Sabbatical"));
      return applyRuleEdit(w.db, w.actor, { connectionId: w.connection.id, ruleId: rule!.id, kind: "delete" }, async () => directory);
    },
    message: "Choose Create new, Link to or Do not import",
    cleanup: async () => void (await w.db.delete(mappingRules).where(eq(mappingRules.sourceName, "Sabbatical"))),
  },
];

/** The message an outcome carries: a thrown error's, or a refused result's first. */
function messageOf(outcome: { error: unknown } | { value: unknown }): string {
  if ("error" in outcome) return outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  const value = outcome.value as { ok?: boolean; errors?: { message: string }[]; message?: string; reason?: string } | undefined;
  if (value?.ok === true || value === undefined) return `(accepted: ${JSON.stringify(value)?.slice(0, 200)})`;
  return value.errors?.[0]?.message ?? value.message ?? value.reason ?? JSON.stringify(value);
}

describe("bad input gets a clear message and changes nothing", () => {
  it("the table has at least 30 cases with distinct names", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    try {
      await c.setup?.();
      const before = { db: await dbState(w.db), qbo: qboState(w.qbo) };
      const outcome = await c.run().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      const message = messageOf(outcome);
      if (typeof c.message === "string") expect(message).toBe(c.message);
      else expect(message).toMatch(c.message);
      // Never the password, never an internal error's wording.
      expect(message).not.toContain("not-the-password");
      expect(message).not.toMatch(/TypeError|undefined|ZodError|Invalid input/);
      const after = { db: await dbState(w.db), qbo: qboState(w.qbo) };
      if (c.allow) {
        c.allow(before.db);
        c.allow(after.db);
      }
      expect(after).toEqual(before);
    } finally {
      vi.restoreAllMocks();
      w.actitime.faults = {};
      await c.cleanup?.();
    }
  });

  it("a tampered category (\"payroll\") or an entity not in this import is ignored, never trusted", () => {
    const project = entity("project");
    const form = mapForm({ "r:payroll:1:kind": "create", "r:payroll:1:name": "Evil", "r:user:999999:kind": "create", "r:user:999999:name": "Ghost" });
    const { rules, errors } = rulesFromForm(form, names, directory);
    expect(errors).toEqual([]);
    expect(rules.map((r) => `${r.category}:${r.sourceId}`).sort()).toEqual(entities.map((e) => `${e.category}:${e.sourceId}`).sort());
    expect(rules.find((r) => r.category === "project" && r.sourceId === project.sourceId)?.rule.kind).toBe("skip");
  });
});
