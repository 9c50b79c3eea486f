// The one door to actiTIME (issue 13 §1). Every request the server makes to an actiTIME address a
// stranger typed goes through `createGuardedFetch`: the scheme is checked, the host is resolved and
// every address it resolves to is classified, the connection is pinned to the checked address (a
// custom `lookup` on an undici Agent, so DNS cannot change between check and connect), and
// redirects are followed by hand, at most 3 hops, each checked by the same rules. Refusals are
// ActitimeError("refused") with a sentence for the person at the login form; they never repeat
// what a refused server answered (nothing is read from one).
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, isIPv4 } from "node:net";
import { Agent } from "undici";
import { getEnv } from "@/lib/env";
import { ActitimeError } from "./errors";

export const ACTITIME_MAX_REDIRECTS = 3;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Name → every address it resolves to. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;
/** Sends one request (no redirects followed) to `url`, connecting to `pinned` and nothing else. */
export type Connector = (url: URL, init: RequestInit, pinned: ResolvedAddress) => Promise<Response>;

export interface AllowedHost {
  /** As URL.hostname spells it: lower case, IPv6 in brackets. */
  host: string;
  /** Unset: the scheme's default port only. */
  port?: string;
}

export interface OutboundPolicy {
  /** Production rules: https only and public addresses only, except for `allowedHosts`. */
  production: boolean;
  allowedHosts: readonly AllowedHost[];
}

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link_local"
  | "cgnat"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "ipv4_in_ipv6";

// ── address classification ──────────────────────────────────────────────────────────────────

function v4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** 128-bit value of an IPv6 address (zone id dropped, dotted IPv4 tail accepted). */
function v6ToBigInt(address: string): bigint {
  let text = address.replace(/^\[|\]$/g, "").split("%")[0]!.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = v4ToBigInt(tail[1]!);
    text = `${text.slice(0, -tail[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const headParts = head ? head.split(":") : [];
  const restParts = rest ? rest.split(":") : [];
  const missing = 8 - headParts.length - restParts.length;
  const groups = rest === undefined ? headParts : [...headParts, ...Array<string>(missing).fill("0"), ...restParts];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group || "0", 16)), 0n);
}

type Rule = [base: string, prefix: number, cls: AddressClass];

const V4_RULES: Rule[] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "cgnat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link_local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const V6_RULES: Rule[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::ffff:0:0", 96, "ipv4_in_ipv6"], // IPv4-mapped
  ["::", 96, "ipv4_in_ipv6"], // IPv4-compatible (deprecated)
  ["64:ff9b::", 96, "ipv4_in_ipv6"], // NAT64
  ["64:ff9b:1::", 48, "ipv4_in_ipv6"],
  ["2002::", 16, "ipv4_in_ipv6"], // 6to4
  ["2001::", 32, "ipv4_in_ipv6"], // Teredo
  ["100::", 64, "reserved"],
  ["2001:db8::", 32, "reserved"],
  ["fc00::", 7, "private"], // unique local
  ["fe80::", 10, "link_local"],
  ["fec0::", 10, "private"], // site-local (deprecated)
  ["ff00::", 8, "multicast"],
];

function matches(value: bigint, bits: number, base: bigint, prefix: number): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === base >> shift;
}

/** What kind of address this is; anything not `public` is refused unless the operator allowed the host. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, "");
  const version = isIP(bare.split("%")[0]!);
  if (version === 4) {
    const value = v4ToBigInt(bare);
    return V4_RULES.find(([base, prefix]) => matches(value, 32, v4ToBigInt(base), prefix))?.[2] ?? "public";
  }
  if (version === 6) {
    const value = v6ToBigInt(bare);
    return V6_RULES.find(([base, prefix]) => matches(value, 128, v6ToBigInt(base), prefix))?.[2] ?? "public";
  }
  return "reserved";
}

// ── messages ───────────────────────────────────────────────────────────────────────────────

const OPERATOR_HINT =
  "actiTIME Online and self-hosted actiTIME on a public address are supported. For a self-hosted actiTIME inside your network, the operator can allow it with ACTITIME_ALLOWED_HOSTS.";

const WHERE_BY_CLASS: Record<Exclude<AddressClass, "public">, string> = {
  loopback: "This address points to the server this app runs on",
  private: "This address points inside a private network",
  cgnat: "This address points inside a private network",
  link_local: "This address points to a link-local address inside a network (such as a cloud metadata service)",
  unspecified: "This address is not a usable internet address",
  multicast: "This address is not a usable internet address",
  reserved: "This address is not a usable internet address",
  ipv4_in_ipv6: "This address hides an IPv4 address inside an IPv6 one",
};

export const REFUSAL = {
  scheme: "The actiTIME address must start with https://.",
  http: "The actiTIME address must start with https://. Plain http:// is only accepted for a self-hosted actiTIME the operator has allowed with ACTITIME_ALLOWED_HOSTS.",
  numeric:
    "Write the actiTIME address with its name (for example online.actitime.com) or a plain dotted IP address; decimal, octal, hexadecimal or shortened number forms are not accepted.",
  redirects: `The actiTIME address sent the app on through more than ${ACTITIME_MAX_REDIRECTS} redirects. Enter the address your actiTIME finally opens at.`,
  redirectScheme: "The actiTIME address redirected to something that is not a web address. Enter the address your actiTIME finally opens at.",
  address: (cls: Exclude<AddressClass, "public">) => `${WHERE_BY_CLASS[cls]}; ${OPERATOR_HINT}`,
} as const;

const refused = (message: string) => new ActitimeError("refused", message);

// ── policy ─────────────────────────────────────────────────────────────────────────────────

/** `host[:port]` entries, comma-separated; `[v6]:port` for IPv6. Throws on an entry that is not one. */
export function parseAllowedHosts(list: string): AllowedHost[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(`http://${entry}`);
      } catch {
        throw new Error(`ACTITIME_ALLOWED_HOSTS: "${entry}" is not a host[:port]`);
      }
      if (url.pathname !== "/" || url.search || url.username || `${url.host}` === "") throw new Error(`ACTITIME_ALLOWED_HOSTS: "${entry}" is not a host[:port]`);
      // new URL drops :80 for http; an explicit :80 entry still means port 80.
      const explicitPort = /:(\d+)$/.exec(entry)?.[1];
      return { host: url.hostname, port: explicitPort ? String(Number(explicitPort)) : undefined };
    });
}

/**
 * The rules of this deployment. Development (and tests) accept http and this machine's loopback, so
 * `npm run dev` reaches the built-in emulator; demo mode adds the app's own origin (where the emulated
 * actiTIME lives) to the allowed hosts, so a public demo reaches its emulator and nothing else inside.
 */
export function outboundPolicyFromEnv(env = getEnv()): OutboundPolicy {
  const allowedHosts = parseAllowedHosts(env.actitimeAllowedHosts);
  if (env.sandbox.enabled) {
    const app = new URL(env.appUrl);
    allowedHosts.push({ host: app.hostname, port: app.port || undefined });
  }
  return { production: env.isProduction, allowedHosts };
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

export function isAllowedHost(url: URL, policy: OutboundPolicy): boolean {
  const port = effectivePort(url);
  return policy.allowedHosts.some(
    (entry) => entry.host === url.hostname && (entry.port === undefined ? port === (url.protocol === "https:" ? "443" : "80") : entry.port === port),
  );
}

/**
 * The host exactly as typed in `input` (an absolute http(s) address), or undefined. The URL parser
 * turns `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` into `127.0.0.1`; comparing with what was
 * typed tells those numeric forms apart from a plain dotted address.
 */
export function usesNumericHostForm(input: string, url: URL): boolean {
  if (!isIPv4(url.hostname)) return false;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)/i.exec(input.trim())?.[1];
  if (authority === undefined) return false;
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const host = hostPort.replace(/:\d*$/, "").replace(/\.$/, "").toLowerCase();
  return host !== url.hostname;
}

/** Scheme and host-form rules, before any name is resolved. */
export function checkUrlShape(input: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refused(REFUSAL.scheme);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refused(REFUSAL.scheme);
  if (usesNumericHostForm(input, url)) throw refused(REFUSAL.numeric);
  if (url.protocol === "http:" && policy.production && !isAllowedHost(url, policy)) throw refused(REFUSAL.http);
  return url;
}

/** Resolves the host and checks every address; returns the one to connect to. */
export async function checkDestination(url: URL, policy: OutboundPolicy, resolve: Resolver): Promise<ResolvedAddress> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) throw new ActitimeError("unreachable", "This actiTIME address could not be found. Check the address.");
  }
  if (isAllowedHost(url, policy)) return addresses[0]!;
  for (const { address } of addresses) {
    const cls = classifyAddress(address);
    if (cls === "public") continue;
    if (cls === "loopback" && !policy.production) continue;
    throw refused(REFUSAL.address(cls));
  }
  return addresses[0]!;
}

// ── the real resolver and connector ─────────────────────────────────────────────────────────

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

const globalForOutbound = globalThis as unknown as { __actitimeResolver?: Resolver; __actitimeAgents?: Map<string, Agent> };

/**
 * Tests and benchmarks answer every name themselves (their actiTIME is an msw handler): no test
 * may ask a real DNS server. Production code never calls this.
 */
export function setDefaultResolver(resolve: Resolver | undefined): void {
  globalForOutbound.__actitimeResolver = resolve;
}

const MAX_AGENTS = 32;

/** One Agent per pinned address: its `lookup` answers that address whatever name it is asked. */
function agentFor(pinned: ResolvedAddress): Agent {
  const agents = (globalForOutbound.__actitimeAgents ??= new Map());
  const key = `${pinned.family}|${pinned.address}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      keepAliveTimeout: 10_000,
      connect: {
        lookup: (_hostname, options, callback) => {
          if ((options as { all?: boolean }).all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [pinned]);
          else callback(null, pinned.address, pinned.family);
        },
      },
    });
    agents.set(key, agent);
    if (agents.size > MAX_AGENTS) {
      const [oldestKey, oldest] = agents.entries().next().value!;
      agents.delete(oldestKey);
      void oldest.close().catch(() => undefined);
    }
  }
  return agent;
}

/** Node's fetch with the pinned Agent as its dispatcher (msw, in tests, answers before it connects). */
export const pinnedFetchConnector: Connector = (url, init, pinned) =>
  globalThis.fetch(url, { ...init, redirect: "manual", dispatcher: agentFor(pinned) } as RequestInit);

// ── the guarded fetch ──────────────────────────────────────────────────────────────────────

export interface GuardOptions {
  policy?: OutboundPolicy;
  resolve?: Resolver;
  connect?: Connector;
  maxRedirects?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A fetch (actiTIME's GET requests, and our outgoing webhooks' POSTs) that applies every rule above on the first request and on each
 * redirect hop. Credentials (the Authorization header) never follow a redirect to another origin.
 */
export function createGuardedFetch(options: GuardOptions = {}): typeof fetch {
  const guarded = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const policy = options.policy ?? outboundPolicyFromEnv();
    const resolve = options.resolve ?? globalForOutbound.__actitimeResolver ?? systemResolver;
    const connect = options.connect ?? pinnedFetchConnector;
    const maxRedirects = options.maxRedirects ?? ACTITIME_MAX_REDIRECTS;
    const headers = new Headers(init.headers);
    let raw = input instanceof Request ? input.url : String(input);
    let url = checkUrlShape(raw, policy);
    const firstOrigin = url.origin;
    for (let hop = 0; ; hop += 1) {
      const pinned = await checkDestination(url, policy, resolve);
      const method = init.method ?? "GET";
      const response = await connect(url, { ...init, method, headers, redirect: "manual" }, pinned);
      const location = response.headers.get("location");
      // Only a GET follows redirects (each hop re-checked); any other method's redirect is its answer.
      if (!REDIRECT_STATUSES.has(response.status) || !location || method !== "GET") return response;
      response.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects) throw refused(REFUSAL.redirects);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw refused(REFUSAL.redirectScheme);
      }
      if (next.protocol !== "https:" && next.protocol !== "http:") throw refused(REFUSAL.redirectScheme);
      const typed = location.trim();
      raw = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : typed.startsWith("//") ? `${url.protocol}${typed}` : next.href;
      url = checkUrlShape(raw, policy);
      if (url.origin !== firstOrigin) headers.delete("authorization");
    }
  };
  return guarded as typeof fetch;
}
