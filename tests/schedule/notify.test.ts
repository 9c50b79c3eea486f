// Issue 18 §4: opt-in notifications go to the Outbox without SMTP (and through the sender with it),
// once per event; the webhook is signed with HMAC-SHA256 and retried with backoff. Loopback only.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { admins, companyWebhooks, importSchedules, outbox, qboConnections, scheduledRuns } from "@/db/schema";
import { seal } from "@/lib/crypto";
import { notifyAdmins, saveNotificationPrefs } from "@/lib/notify/mail";
import { notifyEndedScheduledRuns, notifyReconnectNeeded } from "@/lib/notify/events";
import { deliverWebhook, signWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookUrlProblem } from "@/lib/notify/webhook";
import { http, passthrough } from "msw";
import { createWorld, type World } from "@/tests/helpers/world";
import { server as msw } from "@/tests/setup/server";

const worlds: World[] = [];
const servers: { close: () => void }[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
  while (servers.length) servers.pop()!.close();
});

/** A receiver on 127.0.0.1 answering with the given statuses in turn. */
async function receiver(statuses: number[]) {
  const got: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(got.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  // msw answers everything else in tests; this loopback receiver is reached for real.
  msw.use(http.post(`http://127.0.0.1:${port}/hook`, () => passthrough()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe("webhook", () => {
  it("goes through the outbound guard: a webhook whose name resolves to a private address is refused and nothing is dialled", async () => {
    const dialled: string[] = [];
    const { createGuardedFetch } = await import("@/lib/actitime/outbound");
    const guarded = createGuardedFetch({
      policy: { production: true, allowedHosts: [] },
      resolve: async () => [{ address: "10.1.2.3", family: 4 }],
      connect: async (url) => {
        dialled.push(url.href);
        return new Response(null, { status: 200 });
      },
    });
    const result = await deliverWebhook("https://hooks.example.test/in", "k", { event: "test" }, { fetch: guarded, baseDelayMs: 1, maxAttempts: 2 });
    expect(result.ok).toBe(false);
    expect(dialled).toEqual([]);
  });

  it("signs the body with HMAC-SHA256 over timestamp.body and retries 5xx with backoff until it is taken", async () => {
    const r = await receiver([503, 500, 200]);
    const result = await deliverWebhook(r.url, "s3cret", { event: "test", n: 1 }, { baseDelayMs: 5 });
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(r.got).toHaveLength(3);
    const last = r.got[2]!;
    expect(JSON.parse(last.body)).toEqual({ event: "test", n: 1 });
    const ts = String(last.headers[WEBHOOK_TIMESTAMP_HEADER]);
    expect(last.headers[WEBHOOK_SIGNATURE_HEADER]).toBe(signWebhook("s3cret", ts, last.body));
    expect(verifyWebhook("s3cret", ts, last.body, String(last.headers[WEBHOOK_SIGNATURE_HEADER]))).toBe(true);
    expect(verifyWebhook("other", ts, last.body, String(last.headers[WEBHOOK_SIGNATURE_HEADER]))).toBe(false);
  });

  it("does not retry a 4xx, gives up after the last attempt, and refuses non-https URLs off this machine", async () => {
    const r = await receiver([404]);
    expect(await deliverWebhook(r.url, "k", {}, { baseDelayMs: 1 })).toMatchObject({ ok: false, attempts: 1, status: 404 });
    const down = await receiver([502]);
    expect(await deliverWebhook(down.url, "k", {}, { baseDelayMs: 1, maxAttempts: 3 })).toMatchObject({ ok: false, attempts: 3, status: 502 });
    expect(webhookUrlProblem("http://example.com/hook")).toMatch(/https/);
    expect(webhookUrlProblem("https://user:pw@example.com/")).toMatch(/user name/);
    expect(webhookUrlProblem("not a url")).toMatch(/full URL/);
    expect(webhookUrlProblem("https://hooks.example.com/x")).toBeNull();
  });
});

describe("notifications", () => {
  it("go only to admins who opted in, once per event, to the Outbox without SMTP and through the sender with it", async () => {
    const w = await createWorld();
    worlds.push(w);
    const input = { accountId: w.actor.accountId, kind: "scheduled_import" as const, dedupeKey: "k1", subject: "S", body: "B" };
    expect(await notifyAdmins(w.db, input, { send: null })).toBe(0); // nobody opted in
    await saveNotificationPrefs(w.db, w.actor.adminId, { scheduledImports: true, reconnect: false });
    expect(await notifyAdmins(w.db, input, { send: null })).toBe(1);
    expect(await notifyAdmins(w.db, input, { send: null })).toBe(0); // the same event again
    const [unsent] = await w.db.select().from(outbox);
    expect(unsent).toMatchObject({ subject: "S", sentAt: null, adminId: w.actor.adminId });
    await w.db.update(admins).set({ email: "margaret@example.test" }).where(eq(admins.id, w.actor.adminId));
    const sent: { to: string; from: string }[] = [];
    await notifyAdmins(w.db, { ...input, dedupeKey: "k2" }, { send: async (m) => void sent.push(m), config: { smtpUrl: "smtp://127.0.0.1:2525", from: "Import <import@example.test>" } });
    expect(sent).toEqual([expect.objectContaining({ to: "margaret@example.test", from: "Import <import@example.test>", subject: "S" })]);
    const rows = await w.db.select().from(outbox).where(eq(outbox.dedupeKey, "k2"));
    expect(rows[0]!.sentAt).not.toBeNull();
  });

  it("a scheduled run that ended is told once with its outcome, Needs mapping and a signed webhook; reconnect is told once", async () => {
    const w = await createWorld();
    worlds.push(w);
    await saveNotificationPrefs(w.db, w.actor.adminId, { scheduledImports: true, reconnect: true });
    const hook = await receiver([200]);
    await w.db.insert(companyWebhooks).values({ connectionId: w.connection.id, url: hook.url, sealedSecret: seal("hook-secret", `webhook:${w.connection.id}`) });
    await w.db.insert(importSchedules).values({ connectionId: w.connection.id, frequency: "daily", setByAdminId: w.actor.adminId });
    await w.db.insert(scheduledRuns).values({ connectionId: w.connection.id, slotAt: new Date(), outcome: "skipped", setByAdminId: w.actor.adminId, message: "Another import was running on this company.", needsMapping: [{ category: "user", sourceId: 9, name: "New Person", hours: 3 }] });
    expect(await notifyEndedScheduledRuns(w.db, new Date(), { send: null })).toBe(1);
    expect(await notifyEndedScheduledRuns(w.db, new Date(), { send: null })).toBe(0);
    const [msg] = await w.db.select().from(outbox);
    expect(msg!.subject).toMatch(/Scheduled import skipped/);
    expect(msg!.body).toMatch(/Another import was running.*\n.*Needs mapping \(not imported\): 1 user — New Person/s);
    expect(hook.got).toHaveLength(1);
    const h = hook.got[0]!;
    expect(verifyWebhook("hook-secret", String(h.headers[WEBHOOK_TIMESTAMP_HEADER]), h.body, String(h.headers[WEBHOOK_SIGNATURE_HEADER]))).toBe(true);
    expect(JSON.parse(h.body)).toMatchObject({ event: "scheduled_import.ended", outcome: "skipped", needsMapping: [{ name: "New Person" }] });

    await w.db.update(qboConnections).set({ status: "needs_reconnect" }).where(eq(qboConnections.id, w.connection.id));
    expect(await notifyReconnectNeeded(w.db, new Date(), { send: null })).toBe(1);
    expect(await notifyReconnectNeeded(w.db, new Date(), { send: null })).toBe(0);
    expect((await w.db.select().from(outbox)).map((m) => m.subject)).toContain("Reconnect Sandbox Co to QuickBooks".replace("Sandbox Co", w.connection.companyName));
  });
});

describe("webhook settings", () => {
  it("saves a webhook with a sealed, write-only secret, refuses bad input, and removes it on an empty URL", async () => {
    const { saveCompanyWebhook, getCompanyWebhook } = await import("@/lib/notify/webhook-settings");
    const w = await createWorld();
    worlds.push(w);
    const id = w.connection.id;
    expect(await saveCompanyWebhook(w.db, w.actor, { connectionId: id, url: "http://example.com/x", secret: "0123456789abcdef" })).toMatchObject({ ok: false, field: "url" });
    expect(await saveCompanyWebhook(w.db, w.actor, { connectionId: id, url: "https://hooks.example.com/x", secret: "" })).toMatchObject({ ok: false, field: "secret" });
    expect(await saveCompanyWebhook(w.db, { ...w.actor, accountId: crypto.randomUUID() }, { connectionId: id, url: "https://hooks.example.com/x", secret: "0123456789abcdef" })).toMatchObject({ ok: false, field: "connectionId" });
    expect(await getCompanyWebhook(w.db, id)).toBeNull();
    expect(await saveCompanyWebhook(w.db, w.actor, { connectionId: id, url: "https://hooks.example.com/x", secret: "0123456789abcdef" })).toEqual({ ok: true });
    const [row] = await w.db.select().from(companyWebhooks);
    expect(row!.sealedSecret).not.toContain("0123456789abcdef");
    expect(JSON.stringify(await getCompanyWebhook(w.db, id))).not.toContain("sealed");
    // Updating the URL keeps the secret.
    expect(await saveCompanyWebhook(w.db, w.actor, { connectionId: id, url: "https://hooks.example.com/y", secret: "" })).toEqual({ ok: true });
    expect((await w.db.select().from(companyWebhooks))[0]!.sealedSecret).toBe(row!.sealedSecret);
    expect(await saveCompanyWebhook(w.db, w.actor, { connectionId: id, url: "", secret: "" })).toEqual({ ok: true, removed: true });
    expect(await getCompanyWebhook(w.db, id)).toBeNull();
  });
});
