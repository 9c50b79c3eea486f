// No test dials anything but this machine's loopback (127.0.0.0/8, ::1, localhost, unix sockets):
// every socket connection in the test process is checked before it is made, and any other address
// throws, failing the test that tried. Tests of refused addresses stub the resolver and connector
// (tests/security/outbound.test.ts, tests/schedule/notify.test.ts); this net catches one that forgets.
import net from "node:net";

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)$/i;

export function assertLoopback(host: unknown): void {
  if (host === undefined || host === null || host === "") return; // net's default host is localhost
  if (typeof host !== "string" || !LOOPBACK.test(host.replace(/^\[|\]$/g, ""))) {
    throw new Error(`a test tried to connect to ${String(host)}: tests may only reach loopback`);
  }
}

/** The host a Socket#connect call targets (its (port, host) or ({ host, path }) forms); undefined for a unix socket path. */
function hostOf(args: unknown[]): unknown {
  const [first, second] = args;
  if (Array.isArray(first)) return hostOf(first);
  if (first !== null && typeof first === "object") {
    const options = first as { host?: unknown; path?: unknown };
    return options.path !== undefined ? undefined : options.host;
  }
  if (typeof first === "string" && Number.isNaN(Number(first))) return undefined; // a unix socket path
  return typeof second === "string" ? second : undefined;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  assertLoopback(hostOf(args));
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;
