// Issue 13 §1, live: the guard's real connector (Node's fetch on a pinned undici Agent) against
// listeners on this machine's loopback only. Production rules with one allowed loopback port; every
// other loopback form must be refused before anything is sent, so the trap listener must receive
// NO request. Names are answered by a loopback-only resolver (no DNS server is asked).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActitimeError } from "@/lib/actitime/errors";
import { createGuardedFetch, parseAllowedHosts, REFUSAL, type OutboundPolicy, type Resolver } from "@/lib/actitime/outbound";
import { server as msw } from "@/tests/setup/server";

const trapHits: string[] = [];
const allowedHits: string[] = [];
const traps: http.Server[] = [];
let allowed: http.Server;
let trapPort = 0;
let allowedPort = 0;

function listen(srv: http.Server, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(port, host, () => resolve((srv.address() as AddressInfo).port));
  });
}

const resolve: Resolver = async (hostname) => {
  if (hostname === "localhost") return [{ address: "127.0.0.1", family: 4 }];
  if (hostname === "pinned.invalid") return [{ address: "127.0.0.1", family: 4 }];
  throw new Error(`not a loopback name: ${hostname}`);
};

let policy: OutboundPolicy;

beforeAll(async () => {
  // This file tests the real connector: take msw's fetch patch away (its own afterAll closes it again).
  msw.close();
  const trap = () => http.createServer((req, res) => {
    trapHits.push(`${req.method} ${req.headers.host} ${req.url}`);
    res.end("trap");
  });
  const first = trap();
  trapPort = await listen(first, "127.0.0.1");
  traps.push(first);
  // The same port on 127.0.0.2 and ::1, so those forms would land in a trap too if they got through.
  for (const host of ["127.0.0.2", "::1"]) {
    const extra = trap();
    try {
      await listen(extra, host, trapPort);
      traps.push(extra);
    } catch {
      /* that loopback address is not configured here */
    }
  }
  allowed = http.createServer((req, res) => {
    allowedHits.push(`${req.method} ${req.headers.host} ${req.url}`);
    if (req.url === "/to-trap") res.writeHead(302, { location: `http://127.0.0.1:${trapPort}/latest/meta-data/` }).end("moved");
    else if (req.url === "/to-trap-localhost") res.writeHead(307, { location: `http://localhost:${trapPort}/` }).end();
    else if (req.url === "/to-decimal") res.writeHead(301, { location: `http://2130706433:${allowedPort}/ok` }).end();
    else if (req.url === "/to-self") res.writeHead(302, { location: "/ok" }).end();
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  allowedPort = await listen(allowed, "127.0.0.1");
  policy = { production: true, allowedHosts: parseAllowedHosts(`127.0.0.1:${allowedPort}, pinned.invalid:${allowedPort}`) };
});

afterAll(async () => {
  await Promise.all([...traps, allowed].map((srv) => new Promise((done) => srv.close(done))));
});

async function refused(url: string): Promise<string> {
  const error = await createGuardedFetch({ policy, resolve })(url).then(
    () => new Error(`${url} went through`),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ActitimeError);
  return (error as ActitimeError).message;
}

describe("outbound guard on this machine's loopback (real connector)", () => {
  it("reaches the allowed loopback port, and pins the connection to the checked address", async () => {
    const guarded = createGuardedFetch({ policy, resolve });
    expect(await (await guarded(`http://127.0.0.1:${allowedPort}/ok`)).json()).toEqual({ ok: true });
    // A name no DNS server knows: it can only have been reached through the pinned lookup.
    expect((await guarded(`http://pinned.invalid:${allowedPort}/ok`)).status).toBe(200);
    expect((await guarded(`http://127.0.0.1:${allowedPort}/to-self`)).status).toBe(200);
    expect(allowedHits).toEqual(
      expect.arrayContaining([`GET 127.0.0.1:${allowedPort} /ok`, `GET pinned.invalid:${allowedPort} /ok`, `GET 127.0.0.1:${allowedPort} /to-self`]),
    );
  });

  it.each([
    () => [`http://127.0.0.1:${trapPort}/`, REFUSAL.http],
    () => [`https://127.0.0.1:${trapPort}/`, REFUSAL.address("loopback")],
    () => [`http://localhost:${trapPort}/`, REFUSAL.http],
    () => [`https://localhost:${trapPort}/`, REFUSAL.address("loopback")],
    () => [`https://127.0.0.2:${trapPort}/`, REFUSAL.address("loopback")],
    () => [`https://[::1]:${trapPort}/`, REFUSAL.address("loopback")],
    () => [`https://[::ffff:127.0.0.1]:${trapPort}/`, REFUSAL.address("ipv4_in_ipv6")],
    () => [`http://2130706433:${trapPort}/`, REFUSAL.numeric],
    () => [`http://0x7f000001:${trapPort}/`, REFUSAL.numeric],
    () => [`http://0x7f.0.0.1:${trapPort}/`, REFUSAL.numeric],
    () => [`http://127.1:${trapPort}/`, REFUSAL.numeric],
    () => [`http://0177.0.0.1:${trapPort}/`, REFUSAL.numeric],
    () => [`http://2130706433:${allowedPort}/`, REFUSAL.numeric], // even the allowed port, written as a number
    () => [`http://127.0.0.1:${allowedPort}/to-trap`, REFUSAL.http],
    () => [`http://127.0.0.1:${allowedPort}/to-trap-localhost`, REFUSAL.http],
    () => [`http://127.0.0.1:${allowedPort}/to-decimal`, REFUSAL.numeric],
  ])("refuses loopback form %#, and the trap hears nothing", async (make) => {
    const [url, message] = make();
    expect(await refused(url!)).toBe(message);
    expect(trapHits).toEqual([]);
  });

  it("the trap never heard a request", () => {
    expect(trapHits).toEqual([]);
    // The redirects came from the allowed listener, and their targets were never dialled.
    expect(allowedHits.filter((hit) => hit.includes("/to-"))).toHaveLength(4);
  });
});
