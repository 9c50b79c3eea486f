// Names and comments with HTML or script are shown as text (issue 8 "Security tests"). actiTIME
// names and comments carry markup; they flow through a real preview and import into QuickBooks and
// back onto the wizard, import, history and Settings pages, which are server-rendered here: every
// such string appears escaped, and no tag from the data reaches the HTML.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { getEnv } from "@/lib/env";
import { actitimeMswHandlers } from "@/lib/sandbox/actitime";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server } from "@/tests/setup/server";
import { createWorld, WORLD_ACTITIME_URL, type World } from "@/tests/helpers/world";

const state = vi.hoisted(() => ({ db: null as unknown, session: null as null | { adminId: string; accountId: string } }));
vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next-auth", async (original) => ({ ...(await original<object>()), getServerSession: async () => state.session }));
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }), headers: async () => new Headers() }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
// The progress bar (a client component) asks for the router; server rendering has none mounted here.
vi.mock("next/navigation", async (original) => ({
  ...(await original<object>()),
  useRouter: () => ({ refresh: () => undefined, push: () => undefined, replace: () => undefined }),
}));

const { default: PreviewStep } = await import("@/app/(app)/imports/[importId]/preview/page");
const { default: MapStep } = await import("@/app/(app)/imports/[importId]/map/page");
const { default: ImportPage } = await import("@/app/(app)/imports/[importId]/page");
const { default: ImportHistoryPage } = await import("@/app/(app)/imports/page");
const { default: CategoryPage } = await import("@/app/(app)/settings/[category]/page");
const { CompanySwitcher } = await import("@/app/(app)/company-switcher");

const USER_LAST = "<script>alert('user')</script>";
const PROJECT = `<img src=x onerror="alert('project')">`;
const COMMENT = "</textarea><script>alert(\"comment\")</script>";
const TASK = "<iframe src=javascript:alert('task')>";
const RANGE = { dateFrom: "2025-03-03", dateTo: "2025-03-09" };

let w: World;
let previewId: string;
let doneId: string;

function routeEmulators() {
  const env = getEnv();
  server.use(
    ...actitimeMswHandlers(w.actitime, WORLD_ACTITIME_URL),
    ...qboMswHandlers(w.qbo, { apiBase: env.intuit.apiBaseUrl, oauthBase: new URL(env.intuit.tokenUrl).origin + "/sandbox/qbo" }),
  );
}

beforeAll(async () => {
  w = await createWorld();
  // Markup in every name and comment of the week's time.
  const snapshot = w.actitime.toJSON();
  const week = snapshot.timeTrack.filter((r) => r.date >= RANGE.dateFrom && r.date <= RANGE.dateTo);
  const userIds = new Set(week.map((r) => r.userId));
  const taskIds = new Set(week.map((r) => r.taskId));
  for (const user of snapshot.users) if (userIds.has(user.id)) user.lastName = `${USER_LAST} ${user.id}`;
  const projectIds = new Set(snapshot.tasks.filter((t) => taskIds.has(t.id)).map((t) => t.projectId));
  for (const project of snapshot.projects) if (projectIds.has(project.id)) project.name = `${PROJECT} ${project.id}`;
  for (const task of snapshot.tasks) if (taskIds.has(task.id)) task.name = `${TASK} ${task.id}`;
  for (const record of week) record.comment = COMMENT;
  w.actitime.fromJSON(snapshot);
  routeEmulators();
  state.db = w.db;

  const settings = { importTaskNames: true, importComments: true };
  doneId = (await w.preview(RANGE, { settings })).importId;
  await w.run(doneId);
  previewId = (await w.preview({ dateFrom: "2025-03-10", dateTo: "2025-03-16" }, { settings })).importId;
}, 120_000);
afterAll(async () => w?.dispose());
beforeEach(() => {
  routeEmulators();
  state.session = { adminId: w.admin.adminId, accountId: w.admin.accountId };
});

const props = (importId: string, search: Record<string, string> = {}) => ({ params: Promise.resolve({ importId }), searchParams: Promise.resolve(search) });

/** Markup from the data never appears as markup; its text does appear, escaped. */
function expectEscaped(html: string, mustShow: string[]) {
  // React's own inline script (form-submission replay for server actions) is the only script allowed.
  const withoutReact = html.replace(/<script>addEventListener\("submit",function\(a\)\{[^<]*<\/script>/g, "");
  for (const tag of ["<script", "<img", "<iframe", "</textarea>"]) expect(withoutReact).not.toContain(tag);
  // No event-handler attribute came from the data (quoted attribute values, where escaped text may sit, aside).
  expect(withoutReact.replace(/="[^"]*"/g, '=""')).not.toMatch(/<[^>]*\son[a-z]+=/i);
  for (const text of mustShow) expect(html).toContain(text);
}
const escaped = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

describe("names and comments with markup are rendered as text", () => {
  it("QuickBooks received the names and descriptions as typed (so the pages really had markup to show)", () => {
    const customers = w.qbo.list(w.connection.realmId, "Customer").map((c) => String(c["DisplayName"]));
    const activities = w.qbo.list(w.connection.realmId, "TimeActivity").map((a) => String(a["Description"] ?? ""));
    expect(customers.some((name) => name.includes("<img src=x"))).toBe(true);
    expect(activities.some((d) => d.includes("<script>alert(\"comment\")"))).toBe(true);
  });

  it("preview page: items table and breakdowns", async () => {
    const html = renderToStaticMarkup((await PreviewStep(props(previewId))) as ReactElement);
    expectEscaped(html, [escaped("<img src=x onerror=")]);
  });

  it("import page after the run: items, breakdowns and the mapping snapshot", async () => {
    for (const filter of [undefined, "entities"]) {
      const html = renderToStaticMarkup((await ImportPage(props(doneId, filter ? { filter } : {}))) as ReactElement);
      expectEscaped(html, [escaped("<script>alert('user')</script>").replace(/'/g, "&#x27;")]);
    }
  });

  it("map step: the actiTIME names in the form", async () => {
    const html = renderToStaticMarkup((await MapStep(props(previewId))) as ReactElement);
    expectEscaped(html, ["&lt;script&gt;alert(&#x27;user&#x27;)", "&lt;img src=x onerror="]);
  });

  it("import history and Settings (users, projects) with their history", async () => {
    const pages = [
      await ImportHistoryPage({ searchParams: Promise.resolve({}) }),
      await CategoryPage({ params: Promise.resolve({ category: "users" }), searchParams: Promise.resolve({}) }),
      await CategoryPage({ params: Promise.resolve({ category: "projects" }), searchParams: Promise.resolve({}) }),
    ];
    const [history, users, projects] = pages.map((p) => renderToStaticMarkup(p as ReactElement));
    expectEscaped(history!, []);
    expectEscaped(users!, ["&lt;script&gt;alert"]);
    expectEscaped(projects!, ["&lt;img src=x onerror="]);
  });

  it("Settings edit form re-showing a refused name and message from the address bar", async () => {
    const html = renderToStaticMarkup(
      (await CategoryPage({
        params: Promise.resolve({ category: "projects" }),
        searchParams: Promise.resolve({ edit: "00000000-0000-0000-0000-000000000000", name: "<script>alert(9)</script>", message: "<b onmouseover=alert(1)>x</b>", field: "name" }),
      })) as ReactElement,
    );
    expect(html).not.toContain("<script>alert(9)");
    expect(html).not.toContain("<b onmouseover");
  });

  it("company switcher: a company name with markup", () => {
    const evil = { id: "1", name: "<script>alert('company')</script>", status: "connected" as const };
    const html = renderToStaticMarkup(CompanySwitcher({ current: evil, companies: [evil, { ...evil, id: "2" }] }) as ReactElement);
    expectEscaped(html, ["&lt;script&gt;alert(&#x27;company&#x27;)&lt;/script&gt;"]);
  });
});
