import { describe, expect, it } from "vitest";
import type { JsonObject } from "@/lib/sandbox/qbo/json";
import { createQboEmulator } from "@/lib/sandbox/qbo";
import { qboMswHandlers } from "@/lib/sandbox/qbo/msw";
import { server } from "@/tests/setup/server";
import { apiClient, BASE, connect, CONSULTING, faultCode, fakeClock, rows, startEmulator, timeActivity, tokenRequest, type TokenBody } from "./helpers";

/** timeScale 60: one emulated minute passes in 1000 ms of the emulator clock. */
const TIME_SCALE = 60;
const SCALED_MINUTE_MS = 60_000 / TIME_SCALE;

describe("throttling", () => {
  it("answers 429/3001 beyond 500 requests per minute and admits again after the scaled minute", async () => {
    const clock = fakeClock();
    const emu = startEmulator({ limits: {}, timeScale: TIME_SCALE, now: clock.now });
    const api = apiClient((await connect()).access_token);
    for (let i = 0; i < 500; i += 1) expect((await api.get("preferences")).status).toBe(200);
    const throttled = await api.get("preferences");
    expect(throttled.status).toBe(429);
    expect(throttled.body["Fault"]).toMatchObject({ type: "SERVICE", Error: [{ code: "3001" }] });
    clock.advance(SCALED_MINUTE_MS);
    expect((await api.get("preferences")).status).toBe(200);
    expect(emu.stats(CONSULTING)).toMatchObject({ throttled: 1, read: 501 });
  });

  it("answers 429 beyond 40 batch requests per minute", async () => {
    const clock = fakeClock();
    startEmulator({ limits: {}, timeScale: TIME_SCALE, now: clock.now, batchCounting: "request" });
    const api = apiClient((await connect()).access_token);
    const batch = { BatchItemRequest: [{ bId: "q", Query: "select count(*) from Employee" }] };
    for (let i = 0; i < 40; i += 1) expect((await api.post("batch", batch)).status).toBe(200);
    expect((await api.post("batch", batch)).status).toBe(429);
    expect((await api.get("preferences")).status).toBe(200);
    clock.advance(SCALED_MINUTE_MS);
    expect((await api.post("batch", batch)).status).toBe(200);
  });

  it("counts every batch item toward 500/min with batchCounting 'item'", async () => {
    const clock = fakeClock();
    startEmulator({ limits: {}, timeScale: TIME_SCALE, now: clock.now, batchCounting: "item" });
    const api = apiClient((await connect()).access_token);
    const batch = { BatchItemRequest: Array.from({ length: 30 }, (_, i) => ({ bId: `q${i}`, Query: "select count(*) from Item" })) };
    for (let i = 0; i < 16; i += 1) expect((await api.post("batch", batch)).status).toBe(200);
    expect((await api.post("batch", batch)).status).toBe(429);
    expect((await api.get("preferences")).status).toBe(200);
  });

  it("answers 429 to the 11th concurrent request and records the highest concurrency", async () => {
    const emu = startEmulator({ limits: {}, latencyMs: 100 });
    const api = apiClient((await connect()).access_token);
    const answers = await Promise.all(Array.from({ length: 11 }, () => api.get("preferences")));
    expect(answers.filter((a) => a.status === 429)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(emu.stats(CONSULTING).maxConcurrency).toBe(10);
    expect((await api.get("preferences")).status).toBe(200);
  });

  it("sends the throttle as XML when xmlThrottleShare is 1", async () => {
    startEmulator({ limits: { requestsPerMinute: 1 }, xmlThrottleShare: 1 });
    const token = (await connect()).access_token;
    const url = `${BASE}/v3/company/${CONSULTING}/preferences`;
    await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toContain("xml");
    expect(await res.text()).toContain('<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>');
  });
});

describe("fault injection", () => {
  it("answers a seeded share of requests with 5xx, without writing, reproducibly", async () => {
    const outcomes: number[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const emu = startEmulator({ faults: { serverErrorShare: 0.3, seed: 42 } });
      const api = apiClient((await connect()).access_token);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) statuses.push((await api.post("timeactivity", timeActivity(emu))).status);
      const failed = statuses.filter((s) => s >= 500).length;
      expect(failed).toBeGreaterThan(4);
      expect(failed).toBeLessThan(24);
      expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(40 - failed);
      expect(emu.stats(CONSULTING).injectedServerErrors).toBe(failed);
      outcomes.push(statuses);
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
  });

  it("timeout after write: the client gives up, the write exists, a retry with the requestid gets the same Id", async () => {
    const emu = startEmulator({ faults: { timeoutShare: 1, timeoutMode: "after-write", hangMs: 2_000 } });
    const api = apiClient((await connect()).access_token);
    await expect(api.post("timeactivity?requestid=t-1", timeActivity(emu), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    const written = emu.list(CONSULTING, "TimeActivity");
    expect(written).toHaveLength(1);
    emu.faults = {};
    const retry = await api.post("timeactivity?requestid=t-1", timeActivity(emu));
    expect((retry.body["TimeActivity"] as JsonObject)["Id"]).toBe(written[0]?.["Id"]);
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(1);
    expect(emu.stats(CONSULTING).injectedTimeouts).toBe(1);
  });

  it("timeout after write with replay off duplicates on retry; timeout before write writes nothing", async () => {
    const emu = startEmulator({ faults: { timeoutShare: 1, timeoutMode: "after-write", hangMs: 2_000, replayRequestId: false } });
    const api = apiClient((await connect()).access_token);
    await expect(api.post("timeactivity?requestid=t-2", timeActivity(emu), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    emu.faults = { replayRequestId: false };
    await api.post("timeactivity?requestid=t-2", timeActivity(emu));
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(2);

    emu.faults = { timeoutShare: 1, timeoutMode: "before-write", hangMs: 2_000 };
    await expect(api.post("timeactivity", timeActivity(emu), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(2);
  });

  it("expires access tokens after K API calls; a refresh gives a working token", async () => {
    const emu = startEmulator({ faults: { expireAccessTokenAfterCalls: 3 } });
    const tokens = await connect();
    const api = apiClient(tokens.access_token);
    for (let i = 0; i < 3; i += 1) expect((await api.get("preferences")).status).toBe(200);
    const expired = await api.get("preferences");
    expect(expired.status).toBe(401);
    expect(faultCode(expired.body)).toBe("3200");
    const refreshed = (await (await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).json()) as TokenBody;
    expect((await apiClient(refreshed.access_token).get("preferences")).status).toBe(200);
    expect(emu.stats(CONSULTING)).toMatchObject({ unauthorized: 1, token: 2 });
  });
});

describe("state", () => {
  it("snapshot/restore keeps entities and tokens across a restart; reset returns to the seed", async () => {
    const emu = startEmulator();
    const tokens = await connect();
    const api = apiClient(tokens.access_token);
    const created = (await api.post("timeactivity", timeActivity(emu))).body["TimeActivity"] as JsonObject;
    const saved = JSON.stringify(emu.snapshot());

    const restarted = createQboEmulator({ limits: false });
    restarted.restore(saved);
    server.use(...qboMswHandlers(restarted, { apiBase: BASE, oauthBase: BASE }));
    const read = await api.get(`timeactivity/${String(created["Id"])}`);
    expect(read.body["TimeActivity"]).toMatchObject({ Id: created["Id"], Hours: 3 });
    const next = (await api.post("customer", { DisplayName: "After Restart" })).body["Customer"] as JsonObject;
    expect(Number(next["Id"])).toBeGreaterThan(Number(created["Id"]));

    restarted.reset();
    expect(restarted.list(CONSULTING, "TimeActivity")).toHaveLength(0);
    expect((await api.get("preferences")).status).toBe(401);
  });

  it("control edits inside QBO bump SyncToken so the app's copy goes stale", async () => {
    const emu = startEmulator();
    const api = apiClient((await connect()).access_token);
    const created = (await api.post("timeactivity", timeActivity(emu))).body["TimeActivity"] as JsonObject;
    const edited = emu.editTimeActivity(CONSULTING, String(created["Id"]), { Hours: 8 });
    expect(edited).toMatchObject({ Hours: 8, SyncToken: "1", Minutes: 15 });
    expect(faultCode((await api.post("timeactivity", { ...created, Hours: 2 })).body)).toBe("5010");
    emu.deleteTimeActivity(CONSULTING, String(created["Id"]));
    expect(faultCode((await api.get(`timeactivity/${String(created["Id"])}`)).body)).toBe("610");
  });

  it("addCompany creates a company reachable through OAuth", async () => {
    const emu = startEmulator();
    const realmId = emu.addCompany({ realmId: "9130350000000099", companyName: "Test Co", employees: [{ GivenName: "A", FamilyName: "B" }] });
    const api = apiClient((await connect(realmId)).access_token, realmId);
    const res = await api.query("select * from Employee");
    expect(rows(res.body, "Employee").map((e) => e["DisplayName"])).toEqual(["A B"]);
  });
});

describe("performance", () => {
  it("answers paged, counted, by-Id and last-page queries right over 100,000 TimeActivities in a company", async () => {
    const emu = startEmulator();
    const base = timeActivity(emu);
    const bodies: JsonObject[] = [];
    for (let i = 0; i < 100_000; i += 1) {
      const day = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
      bodies.push({ ...base, TxnDate: day, Hours: i % 8 });
    }
    emu.insertTimeActivities(CONSULTING, bodies);
    const api = apiClient((await connect()).access_token);
    const month = await api.query("select * from TimeActivity where TxnDate >= '2025-03-01' and TxnDate <= '2025-03-31' STARTPOSITION 1 MAXRESULTS 1000");
    const count = await api.query("select count(*) from TimeActivity where TxnDate >= '2025-03-01' and TxnDate <= '2025-03-31'");
    const byId = await api.query("select * from TimeActivity where Id = '50000'");
    const lastPage = await api.query("select * from TimeActivity STARTPOSITION 99001 MAXRESULTS 1000");
    expect(rows(month.body, "TimeActivity")).toHaveLength(1000);
    expect(count.body["QueryResponse"]).toEqual({ totalCount: countDays(100_000) });
    expect(rows(byId.body, "TimeActivity")).toHaveLength(1);
    expect(rows(lastPage.body, "TimeActivity")).toHaveLength(1000);
  });
});

/** How many of `n` round-robin activities land in March 2025 (day-of-year 59..89). */
function countDays(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i += 1) if (i % 365 >= 59 && i % 365 <= 89) total += 1;
  return total;
}
