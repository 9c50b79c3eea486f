// Change Data Capture in the QBO emulator (reference §7): changed and deleted objects since a
// datetime, deleted ones with only Id and MetaData, at most 30 days back, at most 1,000 objects.
import { beforeEach, describe, expect, it } from "vitest";
import type { QboEmulator } from "@/lib/sandbox/qbo";
import type { JsonObject } from "@/lib/sandbox/qbo/json";
import { formatQboDateTime } from "@/lib/sandbox/qbo/time";
import { apiClient, connect, CONSULTING, faultCode, fakeClock, startEmulator, timeActivity, type ApiClient } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;
let emu: QboEmulator;
let api: ApiClient;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  clock = fakeClock();
  emu = startEmulator({ now: clock.now });
  api = apiClient((await connect()).access_token);
});

function cdcPath(entities: string, sinceMs: number, format: "iso" | "qbo" = "iso") {
  const since = format === "iso" ? new Date(sinceMs).toISOString() : formatQboDateTime(sinceMs);
  return `cdc?entities=${entities}&changedSince=${encodeURIComponent(since)}`;
}

function answer(body: JsonObject, entity: string): { list: JsonObject[]; response: JsonObject } {
  const cdc = body["CDCResponse"] as JsonObject[];
  const responses = cdc[0]!["QueryResponse"] as JsonObject[];
  const response = responses.find((r) => r[entity] !== undefined) ?? responses[0]!;
  return { list: (response[entity] as JsonObject[] | undefined) ?? [], response };
}

async function create(overrides: JsonObject = {}): Promise<string> {
  const res = await api.post("timeactivity", timeActivity(emu, overrides));
  expect(res.status).toBe(200);
  return String((res.body["TimeActivity"] as JsonObject)["Id"]);
}

describe("QBO emulator: change data capture", () => {
  it("answers what changed since, with the new content, and leaves out what did not", async () => {
    const untouched = await create({ Hours: 1 });
    const edited = await create({ Hours: 2 });
    clock.advance(60_000);
    const since = clock.now();
    clock.advance(60_000);
    emu.editTimeActivity(CONSULTING, edited, { Hours: 5, Description: "edited by hand" }, "Pat Bookkeeper");
    const res = await api.get(cdcPath("TimeActivity", since));
    expect(res.status).toBe(200);
    const { list } = answer(res.body, "TimeActivity");
    expect(list.map((t) => t["Id"])).toEqual([edited]);
    expect(list[0]).toMatchObject({ Hours: 5, Description: "edited by hand", SyncToken: "1" });
    expect((list[0]!["MetaData"] as JsonObject)["LastModifiedByRef"]).toMatchObject({ name: "Pat Bookkeeper" });
    expect(list.some((t) => t["Id"] === untouched)).toBe(false);
    // The QBO datetime form with an offset works too.
    const again = await api.get(cdcPath("TimeActivity", since, "qbo"));
    expect(answer(again.body, "TimeActivity").list.map((t) => t["Id"])).toEqual([edited]);
  });

  it("answers deleted objects with status Deleted and only Id and MetaData", async () => {
    const gone = await create();
    const since = clock.now();
    clock.advance(5_000);
    emu.deleteTimeActivity(CONSULTING, gone);
    const { list } = answer((await api.get(cdcPath("TimeActivity", since))).body, "TimeActivity");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ Id: gone, status: "Deleted" });
    expect(Object.keys(list[0]!).sort()).toEqual(["Id", "MetaData", "domain", "status"]);
    expect(Object.keys(list[0]!["MetaData"] as JsonObject)).toEqual(["LastUpdatedTime"]);
    // A deletion before changedSince is not reported.
    clock.advance(5_000);
    const later = await api.get(cdcPath("TimeActivity", clock.now()));
    expect(answer(later.body, "TimeActivity").list).toEqual([]);
  });

  it("survives a snapshot and restore (deletions included)", async () => {
    const gone = await create();
    const since = clock.now();
    emu.deleteTimeActivity(CONSULTING, gone);
    emu.restore(JSON.parse(JSON.stringify(emu.snapshot())));
    api = apiClient((await connect()).access_token);
    const { list } = answer((await api.get(cdcPath("TimeActivity", since))).body, "TimeActivity");
    expect(list.map((t) => t["status"])).toEqual(["Deleted"]);
  });

  it("refuses a look-back past 30 days and a missing or bad changedSince", async () => {
    const tooOld = await api.get(cdcPath("TimeActivity", clock.now() - 31 * DAY));
    expect(tooOld.status).toBe(400);
    expect(JSON.stringify(tooOld.body)).toContain("30 days");
    const ok = await api.get(cdcPath("TimeActivity", clock.now() - 29 * DAY));
    expect(ok.status).toBe(200);
    const missing = await api.get("cdc?entities=TimeActivity");
    expect(missing.status).toBe(400);
    expect(faultCode(missing.body)).toBeDefined();
    const bad = await api.get("cdc?entities=TimeActivity&changedSince=yesterday");
    expect(bad.status).toBe(400);
    const noEntity = await api.get(cdcPath("Nonsense", clock.now()));
    expect(noEntity.status).toBe(400);
  });

  it("answers one QueryResponse per entity asked for, and at most 1,000 objects with totalCount", async () => {
    const since = clock.now();
    emu.insertTimeActivities(CONSULTING, Array.from({ length: 1005 }, (_, i) => timeActivity(emu, { Hours: 1 + (i % 5) })));
    const res = await api.get(cdcPath("TimeActivity,Customer", since));
    const responses = (res.body["CDCResponse"] as JsonObject[])[0]!["QueryResponse"] as JsonObject[];
    expect(responses).toHaveLength(2);
    const { list, response } = answer(res.body, "TimeActivity");
    expect(list).toHaveLength(1000);
    expect(response["totalCount"]).toBe(1005);
  });
});
