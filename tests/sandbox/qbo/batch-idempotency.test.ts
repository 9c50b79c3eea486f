import { beforeEach, describe, expect, it } from "vitest";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import type { JsonObject } from "@/lib/sandbox/qbo/json";
import { apiClient, connect, CONSULTING, faultCode, startEmulator, timeActivity, type ApiClient } from "./helpers";

let emu: QboEmulator;
let api: ApiClient;

async function setup(options: Parameters<typeof startEmulator>[0] = {}): Promise<void> {
  emu = startEmulator(options);
  api = apiClient((await connect()).access_token);
}

beforeEach(async () => {
  await setup();
});

describe("batch", () => {
  it("answers HTTP 200 with one BatchItemResponse per bId, each with its entity, QueryResponse or Fault", async () => {
    const existing = (await api.post("timeactivity", timeActivity(emu))).body["TimeActivity"] as JsonObject;
    const toDelete = (await api.post("timeactivity", timeActivity(emu))).body["TimeActivity"] as JsonObject;
    const res = await api.post("batch", {
      BatchItemRequest: [
        { bId: "ta-1", operation: "create", TimeActivity: timeActivity(emu) },
        { bId: "ta-2", operation: "update", TimeActivity: { ...existing, SyncToken: "5" } },
        { bId: "ta-3", operation: "delete", TimeActivity: { Id: toDelete["Id"] ?? "", SyncToken: "0" } },
        { bId: "c-1", operation: "create", Customer: { DisplayName: "Globex" } },
        { bId: "q-1", Query: "select * from Employee where DisplayName = 'Chen Wei'" },
      ],
    });
    expect(res.status).toBe(200);
    const items = res.body["BatchItemResponse"] as JsonObject[];
    const byId = new Map(items.map((item) => [String(item["bId"]), item]));
    expect(byId.get("ta-1")?.["TimeActivity"]).toMatchObject({ SyncToken: "0" });
    expect(byId.get("ta-2")?.["Fault"]).toMatchObject({ type: "ValidationFault", Error: [{ code: "5010", Message: "Stale Object Error" }] });
    expect(byId.get("ta-3")?.["TimeActivity"]).toEqual({ status: "Deleted", domain: "QBO", Id: toDelete["Id"] });
    expect(byId.get("c-1")?.["Fault"]).toMatchObject({ Error: [{ code: "6240" }] });
    expect(byId.get("q-1")?.["QueryResponse"]).toMatchObject({ Employee: [{ DisplayName: "Chen Wei" }] });
    expect(emu.stats(CONSULTING)).toMatchObject({ batch: 1, batchItems: 5 });
  });

  it("refuses more than 30 items as a whole (400, 6000)", async () => {
    const items = Array.from({ length: 31 }, (_, i) => ({ bId: `b${i}`, operation: "create", TimeActivity: timeActivity(emu) }));
    const res = await api.post("batch", { BatchItemRequest: items });
    expect(res.status).toBe(400);
    expect(faultCode(res.body)).toBe("6000");
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(0);
  });

  it("shuffles response order when asked, still matched by bId", async () => {
    await setup({ faults: { shuffleBatchResponses: true, seed: 7 } });
    const items = Array.from({ length: 10 }, (_, i) => ({ bId: `b${i}`, operation: "create", TimeActivity: timeActivity(emu, { Hours: i }) }));
    const res = await api.post("batch", { BatchItemRequest: items });
    const responses = res.body["BatchItemResponse"] as JsonObject[];
    expect(responses.map((r) => r["bId"])).not.toEqual(items.map((i) => i.bId));
    for (const r of responses) expect((r["TimeActivity"] as JsonObject)["Hours"]).toBe(Number(String(r["bId"]).slice(1)));
  });
});

describe("requestid idempotency", () => {
  it("replays the first response for a repeated requestid without writing again", async () => {
    const first = await api.post("timeactivity?requestid=req-1", timeActivity(emu));
    const second = await api.post("timeactivity?requestid=req-1", timeActivity(emu));
    expect(second.status).toBe(200);
    expect((second.body["TimeActivity"] as JsonObject)["Id"]).toBe((first.body["TimeActivity"] as JsonObject)["Id"]);
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(1);
    expect(emu.stats(CONSULTING)).toMatchObject({ create: 1, replayed: 1 });
  });

  it("replays a batch by its requestid", async () => {
    const body = { BatchItemRequest: [{ bId: "a", operation: "create", TimeActivity: timeActivity(emu) }] };
    await api.post("batch?requestid=batch-1", body);
    const again = await api.post("batch?requestid=batch-1", body);
    expect(again.status).toBe(200);
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(1);
  });

  it("answers 600 for the same requestid with a different request", async () => {
    await api.post("timeactivity?requestid=req-2", timeActivity(emu));
    const other = await api.post("timeactivity?requestid=req-2", timeActivity(emu, { Hours: 7 }));
    expect(faultCode(other.body)).toBe("600");
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(1);
  });

  it("writes again when replay is switched off, as public reports say real QBO sometimes does", async () => {
    await setup({ replayRequestId: false });
    await api.post("timeactivity?requestid=req-3", timeActivity(emu));
    await api.post("timeactivity?requestid=req-3", timeActivity(emu));
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(2);
    emu.faults = { replayRequestId: true };
    await api.post("timeactivity?requestid=req-4", timeActivity(emu));
    await api.post("timeactivity?requestid=req-4", timeActivity(emu));
    expect(emu.list(CONSULTING, "TimeActivity")).toHaveLength(3);
  });

  it("refuses a requestid longer than 50 chars (36 on a batch) with 2050", async () => {
    expect(faultCode((await api.post(`timeactivity?requestid=${"r".repeat(51)}`, timeActivity(emu))).body)).toBe("2050");
    expect(faultCode((await api.post(`batch?requestid=${"r".repeat(37)}`, { BatchItemRequest: [] })).body)).toBe("2050");
  });
});
