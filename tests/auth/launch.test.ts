// /launch?actitime=<base URL>: an admin already signed in to that actiTIME goes straight to Import
// History under any spelling of its address; another actiTIME goes to the login page.
import { afterEach, describe, expect, it, vi } from "vitest";

const state = vi.hoisted(() => ({ session: null as null | { accountUrl: string } }));
vi.mock("@/lib/auth/session", async (original) => ({ ...(await original<object>()), getAppSession: async () => state.session }));

const { GET } = await import("@/app/launch/route");

afterEach(() => {
  state.session = null;
});

async function launch(actitime: string): Promise<string> {
  const response = await GET(new Request(`http://localhost:3000/launch?actitime=${encodeURIComponent(actitime)}`));
  return new URL(response.headers.get("location")!).pathname;
}

describe("/launch", () => {
  it.each([
    "https://online.actitime.com/acme",
    "http://online.actitime.com/acme",
    "https://ONLINE.actitime.com./Acme/api/v1/",
    "https://online.actitime.com:443/acme/",
  ])("takes the signed-in admin of https://online.actitime.com/acme to Import History for %s", async (spelling) => {
    state.session = { accountUrl: "https://online.actitime.com/acme" };
    expect(await launch(spelling)).toBe("/imports");
  });

  it.each(["https://online.actitime.com/other", "https://online.actitime.com:8443/acme", "https://evil.example.com/acme"])(
    "sends another actiTIME (%s) to the login page",
    async (other) => {
      state.session = { accountUrl: "https://online.actitime.com/acme" };
      expect(await launch(other)).toBe("/login");
    },
  );
});
