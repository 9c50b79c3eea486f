// Disconnect while an import runs, through the Companies page's server action and the page itself:
// refused, and the page names the running import and who started it; once it has ended, it works.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { qboConnections } from "@/db/schema";
import { startImport } from "@/lib/import/lifecycle";
import { createWorld, type World } from "@/tests/helpers/world";

const state = vi.hoisted(() => ({ db: null as unknown, session: null as null | { adminId: string; accountId: string } }));

vi.mock("@/db/client", async (original) => ({ ...(await original<object>()), getDb: async () => state.db }));
vi.mock("next-auth", async (original) => ({ ...(await original<object>()), getServerSession: async () => state.session }));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }),
  headers: async () => new Headers(),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const companies = await import("@/app/(app)/companies/actions");
const { default: CompaniesPage } = await import("@/app/(app)/companies/page");
const { renderToStaticMarkup } = await import("react-dom/server");

let w: World;
beforeAll(async () => {
  w = await createWorld();
  state.db = w.db;
  state.session = { adminId: w.actor.adminId, accountId: w.actor.accountId };
});
afterAll(async () => w?.dispose());

async function redirectOf(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  const digest = String((error as { digest?: unknown })?.digest ?? error);
  expect(digest).toMatch(/^NEXT_REDIRECT;/);
  return digest.split(";")[2] ?? "";
}

async function page(searchParams: Record<string, string>): Promise<string> {
  return renderToStaticMarkup(await CompaniesPage({ searchParams: Promise.resolve(searchParams) }));
}

const decode = (html: string) => html.replace(/&#x27;/g, "'").replace(/&amp;/g, "&");

describe("Disconnect on the Companies page while an import runs", () => {
  it("is refused with the import and its admin named, and works once the import has ended", async () => {
    const { importId } = await w.preview({ dateFrom: "2025-03-03", dateTo: "2025-03-09" });
    await startImport(w.db, w.actor, importId);
    const form = new FormData();
    form.set("connectionId", w.connection.id);

    const refused = await redirectOf(companies.disconnectCompany(form));
    expect(refused).toBe(`/companies?error=import_running&company=${w.connection.id}`);
    const [kept] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    expect(kept!.status).toBe("connected");

    const html = decode(await page({ error: "import_running", company: w.connection.id }));
    expect(html).toContain(`${w.admin.name} started the import of 2025-03-03 – 2025-03-09`);
    expect(html).toContain(`Only ${w.admin.name} can interrupt it`);
    expect(html).toContain('role="alert"');

    await w.runToEnd(importId);
    expect(decode(await page({ error: "import_running", company: w.connection.id }))).toContain("has ended: you can disconnect it now");
    expect(await redirectOf(companies.disconnectCompany(form))).toBe("/companies?disconnected=1");
    const [gone] = await w.db.select().from(qboConnections).where(eq(qboConnections.id, w.connection.id));
    expect(gone).toMatchObject({ status: "disconnected", sealedAccessToken: null, sealedRefreshToken: null });
    // Intuit was told (the emulator's family is revoked).
    expect(w.qbo.stats(w.connection.realmId).revoke).toBe(1);
  });
});
