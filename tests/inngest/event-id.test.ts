// Inngest sends carry an event id, so a repeated send starts nothing twice: the id is what the Inngest
// SDK puts on the wire (checked through the real client, its event API answered in this process).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import { importInterruptEventId, importRunEventId } from "@/inngest/events";
import { requestImportInterrupt, requestImportRun, type ImportDriverDeps } from "@/lib/import/runner";

/** A real Inngest client whose event API is a function here: it records the events and, as Inngest does, drops ids it has seen. */
function recordingInngest() {
  const received: { id?: string; name: string; data: unknown }[] = [];
  const seen = new Set<string>();
  const runsStarted: string[] = [];
  const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const events = JSON.parse(String(init?.body)) as { id?: string; name: string; data: unknown }[];
    for (const event of events) {
      received.push(event);
      if (event.id && seen.has(event.id)) continue;
      if (event.id) seen.add(event.id);
      runsStarted.push(event.name);
    }
    return new Response(JSON.stringify({ ids: events.map(() => randomUUID()), status: 200 }), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  const client = new Inngest({ id: "event-id-test", eventKey: "test-event-key", baseUrl: "http://127.0.0.1:9", isDev: false, fetch: fakeFetch });
  const deps = {
    getDb: async () => {
      throw new Error("no database needed to send");
    },
    qboClientFor: () => {
      throw new Error("no QBO client needed to send");
    },
    inngestEnabled: true,
    sendEvent: (event) => client.send(event),
  } satisfies ImportDriverDeps;
  return { received, runsStarted, deps };
}

describe("Inngest event ids", () => {
  it("a repeated Start sends the same id, so only one run starts", async () => {
    const inngest = recordingInngest();
    const data = { importId: randomUUID(), connectionId: randomUUID() };
    await requestImportRun(data, inngest.deps);
    await requestImportRun(data, inngest.deps);
    expect(inngest.received.map((e) => e.id)).toEqual([importRunEventId(data.importId), importRunEventId(data.importId)]);
    expect(inngest.received[0]).toMatchObject({ name: "import/run.requested", data });
    expect(inngest.runsStarted).toEqual(["import/run.requested"]);
  });

  it("a repeated Interrupt sends the same id, distinct from the run's", async () => {
    const inngest = recordingInngest();
    const data = { importId: randomUUID(), connectionId: randomUUID() };
    await requestImportRun(data, inngest.deps);
    await requestImportInterrupt(data, inngest.deps);
    await requestImportInterrupt(data, inngest.deps);
    expect(inngest.received.map((e) => e.id)).toEqual([importRunEventId(data.importId), importInterruptEventId(data.importId), importInterruptEventId(data.importId)]);
    expect(inngest.runsStarted).toEqual(["import/run.requested", "import/interrupt.requested"]);
  });

  it("ids differ per import, and a takeover re-request has its own", () => {
    const a = randomUUID();
    const b = randomUUID();
    expect(importRunEventId(a)).not.toBe(importRunEventId(b));
    expect(importRunEventId(a, 2)).not.toBe(importRunEventId(a));
    expect(importRunEventId(a, 2)).toBe(importRunEventId(a, 2));
  });
});
