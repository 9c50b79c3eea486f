// The suite-wide net (tests/setup/loopback-only.ts): a socket to anything but loopback fails the test
// before a packet leaves; loopback still works.
import net from "node:net";
import { once } from "node:events";
import { describe, expect, it } from "vitest";

describe("tests may only dial loopback", () => {
  it.each(["10.1.2.3", "192.168.0.23", "169.254.169.254", "fe80::1", "203.0.113.9"])("connecting to %s throws before anything is sent", (host) => {
    const socket = new net.Socket();
    expect(() => socket.connect({ host, port: 9 })).toThrow(/may only reach loopback/);
    expect(() => socket.connect(9, host)).toThrow(/may only reach loopback/);
    socket.destroy();
  });

  it("a name whose lookup answers a private address is refused before dialling", async () => {
    const socket = new net.Socket();
    const lookup = (_h: string, _o: object, cb: (e: Error | null, a: string, f: number) => void) => cb(null, "10.0.0.5", 4);
    socket.connect({ host: "intranet.invalid", port: 9, lookup } as net.TcpNetConnectOpts);
    const [error] = (await once(socket, "error")) as [Error];
    expect(error.message).toMatch(/may only reach loopback/);
    socket.destroy();
  });

  it("a loopback listener is still reachable", async () => {
    const server = net.createServer((s) => s.end("ok"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect({ host: "127.0.0.1", port });
    const [data] = (await once(socket, "data")) as [Buffer];
    expect(data.toString()).toBe("ok");
    socket.destroy();
    server.close();
  });
});
