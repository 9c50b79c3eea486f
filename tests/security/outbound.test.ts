// Issue 13 §1: the outbound URL guard, classified with a STUBBED resolver and connector. Nothing
// here opens a connection: the connector only records what would have been dialled, and the test
// fails if a refused address (or anything not loopback) would have been.
import { afterEach, describe, expect, it } from "vitest";
import { createActitimeClient } from "@/lib/actitime/client";
import { ActitimeError } from "@/lib/actitime/errors";
import {
  classifyAddress,
  createGuardedFetch,
  outboundPolicyFromEnv,
  parseAllowedHosts,
  REFUSAL,
  type Connector,
  type OutboundPolicy,
  type ResolvedAddress,
  type Resolver,
} from "@/lib/actitime/outbound";
import { loadEnv } from "@/lib/env";

const PUBLIC_IP = "93.184.216.34";
const SECRET_ANSWER = "ami-id SECRET-METADATA-ANSWER";

/** Made-up DNS: names of the table, and nothing else (an unknown name is a test bug). */
const DNS: Record<string, string[]> = {
  "public.example": [PUBLIC_IP],
  "second.example": ["93.184.216.35"],
  "intranet.example": ["10.0.0.5"],
  "metadata.example": ["169.254.169.254"],
  "mixed.example": [PUBLIC_IP, "192.168.1.20"],
  "v6private.example": ["fd00::5"],
  localhost: ["127.0.0.1", "::1"],
};

interface Dial {
  url: string;
  address: string;
  authorization: string | null;
}

function world(routes: Record<string, (url: URL) => Response> = {}) {
  const dialled: Dial[] = [];
  const resolved: string[] = [];
  const resolve: Resolver = async (hostname) => {
    resolved.push(hostname);
    const answers = DNS[hostname];
    if (!answers) throw new Error(`ENOTFOUND ${hostname}`);
    return answers.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  const connect: Connector = async (url, init, pinned) => {
    dialled.push({ url: url.href, address: pinned.address, authorization: new Headers(init.headers).get("authorization") });
    const route = routes[url.href];
    return route ? route(url) : Response.json({ ok: true });
  };
  return { dialled, resolved, resolve, connect };
}

const production: OutboundPolicy = { production: true, allowedHosts: [] };
const development: OutboundPolicy = { production: false, allowedHosts: [] };

const redirect = (location: string) => () =>
  new Response(SECRET_ANSWER, { status: 302, headers: { location, "content-type": "text/plain" } });

async function refusal(promise: Promise<unknown>): Promise<ActitimeError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a refusal, the request went through");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ActitimeError);
  return error as ActitimeError;
}

const PRIVATE = REFUSAL.address("private");
const LOOPBACK = REFUSAL.address("loopback");
const LINK_LOCAL = REFUSAL.address("link_local");
const UNUSABLE = REFUSAL.address("unspecified");
const MAPPED = REFUSAL.address("ipv4_in_ipv6");

describe("outbound guard, production rules (stubbed resolver and connector)", () => {
  let current: ReturnType<typeof world>;
  afterEach(() => {
    // Whatever happened, nothing that is not a public address of the table was ever dialled.
    for (const dial of current.dialled) expect(classifyAddress(dial.address), `would have dialled ${dial.address}`).toBe("public");
    current = world();
  });

  it.each([
    // schemes
    ["file:///etc/passwd", REFUSAL.scheme],
    ["data:text/plain,hello", REFUSAL.scheme],
    ["ftp://public.example/acme", REFUSAL.scheme],
    ["gopher://public.example/", REFUSAL.scheme],
    ["javascript:alert(1)", REFUSAL.scheme],
    ["http://public.example/acme", REFUSAL.http],
    // loopback
    ["https://127.0.0.1/acme", LOOPBACK],
    ["https://127.0.0.2:8443/", LOOPBACK],
    ["https://localhost/acme", LOOPBACK],
    ["https://[::1]/acme", LOOPBACK],
    // private, CGNAT, link-local / metadata
    ["https://10.1.2.3/", PRIVATE],
    ["https://172.16.0.1/", PRIVATE],
    ["https://172.31.255.254/", PRIVATE],
    ["https://192.168.1.1/", PRIVATE],
    ["https://100.64.0.1/", REFUSAL.address("cgnat")],
    ["https://169.254.169.254/latest/meta-data/", LINK_LOCAL],
    ["https://[fe80::1]/", LINK_LOCAL],
    // 0/8, multicast, reserved
    ["https://0.0.0.0/", UNUSABLE],
    ["https://0.1.2.3/", UNUSABLE],
    ["https://224.0.0.1/", REFUSAL.address("multicast")],
    ["https://[ff02::1]/", REFUSAL.address("multicast")],
    ["https://240.0.0.1/", REFUSAL.address("reserved")],
    // IPv6 ULA, IPv4-mapped and -compatible
    ["https://[fc00::1]/", PRIVATE],
    ["https://[fd12:3456::1]/", PRIVATE],
    ["https://[::ffff:127.0.0.1]/", MAPPED],
    ["https://[::ffff:10.0.0.1]/", MAPPED],
    ["https://[::ffff:a9fe:a9fe]/", MAPPED],
    ["https://[::127.0.0.1]/", MAPPED],
    ["https://[64:ff9b::a00:1]/", MAPPED],
    // numeric forms of IPv4
    ["https://2130706433/", REFUSAL.numeric],
    ["https://0x7f000001/", REFUSAL.numeric],
    ["https://0x7f.1/", REFUSAL.numeric],
    ["https://0177.0.0.1/", REFUSAL.numeric],
    ["https://127.1/", REFUSAL.numeric],
    ["https://3232235777/", REFUSAL.numeric], // 192.168.1.1
    ["https://2852039166/", REFUSAL.numeric], // 169.254.169.254
    // DNS names that resolve inside
    ["https://intranet.example/acme", PRIVATE],
    ["https://metadata.example/", LINK_LOCAL],
    ["https://mixed.example/acme", PRIVATE], // one private answer among public ones is enough
    ["https://v6private.example/", PRIVATE],
  ])("refuses %s with its sentence, dialling nothing", async (url, message) => {
    current = world();
    const error = await refusal(createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect })(url));
    expect(error.message).toBe(message);
    expect(current.dialled).toEqual([]);
  });

  it("sends a public address, pinned to the address it checked", async () => {
    current = world();
    const response = await createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect })("https://public.example/acme/api/v1/info");
    expect(response.status).toBe(200);
    expect(current.dialled).toEqual([{ url: "https://public.example/acme/api/v1/info", address: PUBLIC_IP, authorization: null }]);
  });

  it("refuses a redirect chain from a public host to a private one, without repeating what was answered", async () => {
    current = world({
      "https://public.example/a": redirect("https://second.example/b"),
      "https://second.example/b": redirect("/c"),
      "https://second.example/c": redirect("https://metadata.example/latest/meta-data/"),
    });
    const error = await refusal(createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect })("https://public.example/a"));
    expect(error.message).toBe(LINK_LOCAL);
    expect(error.message).not.toContain("SECRET");
    expect(current.dialled.map((d) => d.url)).toEqual(["https://public.example/a", "https://second.example/b", "https://second.example/c"]);
  });

  it.each([
    ["//10.0.0.1/x", PRIVATE],
    ["https://2130706433/", REFUSAL.numeric],
    ["http://public.example/", REFUSAL.http],
    ["file:///etc/passwd", REFUSAL.redirectScheme],
    ["https://[::ffff:169.254.169.254]/", MAPPED],
  ])("re-checks every hop: a redirect to %s is refused", async (location, message) => {
    current = world({ "https://public.example/a": redirect(location) });
    const error = await refusal(createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect })("https://public.example/a"));
    expect(error.message).toBe(message);
    expect(current.dialled).toHaveLength(1);
  });

  it("follows at most 3 redirects", async () => {
    current = world({
      "https://public.example/1": redirect("/2"),
      "https://public.example/2": redirect("/3"),
      "https://public.example/3": redirect("/4"),
      "https://public.example/4": redirect("/5"),
    });
    const guarded = createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect });
    expect((await refusal(guarded("https://public.example/1"))).message).toBe(REFUSAL.redirects);
    expect(current.dialled).toHaveLength(4);
    current.dialled.length = 0;
    expect((await guarded("https://public.example/2")).status).toBe(200); // 3 hops: fine
  });

  it("never carries the password to another origin on a redirect", async () => {
    current = world({ "https://public.example/a": redirect("https://second.example/b") });
    const guarded = createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect });
    await guarded("https://public.example/a", { headers: { authorization: "Basic c2VjcmV0" } });
    expect(current.dialled.map((d) => [d.url, d.authorization])).toEqual([
      ["https://public.example/a", "Basic c2VjcmV0"],
      ["https://second.example/b", null],
    ]);
  });

  it("lets the operator allow a self-hosted actiTIME inside the network (ACTITIME_ALLOWED_HOSTS), host and port exactly", async () => {
    current = world();
    const policy: OutboundPolicy = { production: true, allowedHosts: parseAllowedHosts("intranet.example, intranet.example:8080 ,[fd00::5]:9000") };
    const guarded = createGuardedFetch({ policy, resolve: current.resolve, connect: current.connect });
    const allowed = world();
    const allowedFetch = createGuardedFetch({ policy, resolve: allowed.resolve, connect: allowed.connect });
    expect((await allowedFetch("https://intranet.example/acme")).status).toBe(200);
    expect((await allowedFetch("http://intranet.example:8080/acme")).status).toBe(200);
    expect((await allowedFetch("http://intranet.example/acme")).status).toBe(200); // a listed host: http on its default port
    expect(allowed.dialled.map((d) => d.address)).toEqual(["10.0.0.5", "10.0.0.5", "10.0.0.5"]);
    // Not the same port, not another host.
    expect((await refusal(guarded("https://intranet.example:8443/"))).message).toBe(PRIVATE);
    expect((await refusal(guarded("http://intranet.example:8443/"))).message).toBe(REFUSAL.http);
    expect((await refusal(guarded("https://metadata.example/"))).message).toBe(LINK_LOCAL);
    expect(current.dialled).toEqual([]);
  });

  it("says a name that does not resolve cannot be found, dialling nothing", async () => {
    current = world();
    const error = await refusal(createGuardedFetch({ policy: production, resolve: current.resolve, connect: current.connect })("https://nowhere.example/"));
    expect(error.code).toBe("unreachable");
    expect(current.dialled).toEqual([]);
  });

  it("is what the actiTIME client uses for every request: a refused sign-in address reaches nothing", async () => {
    current = world();
    const client = createActitimeClient({
      baseUrl: "https://intranet.example/acme",
      username: "admin",
      password: "demo",
      guard: { policy: production, resolve: current.resolve, connect: current.connect },
    });
    const error = await refusal(client.getMe());
    expect(error.code).toBe("refused");
    expect(error.message).toBe(PRIVATE);
    expect(current.dialled).toEqual([]);
  });
});

describe("outbound guard, development and demo rules", () => {
  it("accepts http and this machine's loopback in development, still refusing the private network", async () => {
    const current = world();
    const guarded = createGuardedFetch({ policy: development, resolve: current.resolve, connect: current.connect });
    expect((await guarded("http://localhost:3000/sandbox/actitime/api/v1/info")).status).toBe(200);
    expect((await refusal(guarded("http://10.0.0.1/"))).message).toBe(PRIVATE);
    expect((await refusal(guarded("http://metadata.example/"))).message).toBe(LINK_LOCAL);
    expect(current.dialled.map((d) => d.address)).toEqual(["127.0.0.1"]);
  });

  it("a public demo (production, SANDBOX=1) allows its own origin only: that is where the emulated actiTIME lives", async () => {
    const env = loadEnv({ NODE_ENV: "test", SANDBOX: "1", NEXTAUTH_URL: "http://127.0.0.1:3199" });
    const policy = { ...outboundPolicyFromEnv(env), production: true };
    const current = world();
    const guarded = createGuardedFetch({ policy, resolve: current.resolve, connect: current.connect });
    expect((await guarded(`${env.sandbox.actitimeUrl}/api/v1/info`)).status).toBe(200);
    expect((await refusal(guarded("http://127.0.0.1:5432/"))).message).toBe(REFUSAL.http);
    expect((await refusal(guarded("https://127.0.0.1:5432/"))).message).toBe(LOOPBACK);
    expect(current.dialled.map((d) => d.url)).toEqual(["http://127.0.0.1:3199/sandbox/actitime/api/v1/info"]);
  });

  it("reads ACTITIME_ALLOWED_HOSTS from the environment and refuses a malformed one at start-up", () => {
    const env = loadEnv({ NODE_ENV: "test", ACTITIME_ALLOWED_HOSTS: "actitime.corp.example:8080, 10.0.0.7" });
    expect(outboundPolicyFromEnv(env).allowedHosts).toEqual(
      expect.arrayContaining([
        { host: "actitime.corp.example", port: "8080" },
        { host: "10.0.0.7", port: undefined },
      ]),
    );
    expect(() => loadEnv({ NODE_ENV: "test", ACTITIME_ALLOWED_HOSTS: "https://actitime.corp.example/path" })).toThrow(/ACTITIME_ALLOWED_HOSTS/);
  });
});
