// No test dials anything but this machine's loopback (127.0.0.0/8, ::1, localhost, unix sockets):
// every socket connection in the test process is checked before it is made, and any other address
// throws, failing the test that tried. Tests of refused addresses stub the resolver and connector
// (tests/security/outbound.test.ts, tests/schedule/notify.test.ts); this net catches one that forgets.
import dns from "node:dns";
import net from "node:net";

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)$/i;

export function assertLoopback(host: unknown): void {
  if (host === undefined || host === null || host === "") return; // net's default host is localhost
  if (typeof host !== "string" || !LOOPBACK.test(host.replace(/^\[|\]$/g, ""))) {
    throw new Error(`a test tried to connect to ${String(host)}: tests may only reach loopback`);
  }
}

type Lookup = (hostname: string, options: object, callback: (error: Error | null, address: string | { address: string }[], family?: number) => void) => void;

/** A lookup (the caller's pinning one, or the system's) whose answers must be loopback too. */
function checkedLookup(inner: Lookup): Lookup {
  return (hostname, options, callback) =>
    inner(hostname, options, (error, address, family) => {
      if (!error) {
        try {
          for (const a of Array.isArray(address) ? address : [{ address }]) assertLoopback(a.address);
        } catch (refused) {
          return callback(refused as Error, address, family);
        }
      }
      callback(error, address, family);
    });
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const [first, second] = args;
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    const options = first as { host?: unknown; path?: unknown; lookup?: Lookup };
    if (options.path === undefined) {
      // An address is checked now; a name through the lookup that resolves it (pinned or not).
      if (typeof options.host === "string" && net.isIP(options.host.replace(/^\[|\]$/g, "")) !== 0) assertLoopback(options.host);
      else if (typeof options.host === "string" && options.host !== "localhost") args[0] = { ...options, lookup: checkedLookup(options.lookup ?? (dns.lookup as unknown as Lookup)) };
    }
  } else if (typeof second === "string") assertLoopback(second);
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;
