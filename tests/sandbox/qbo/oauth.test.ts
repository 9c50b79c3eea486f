import { describe, expect, it } from "vitest";
import { apiClient, authorizeUrl, BASE, BASIC_AUTH, connect, CONSULTING, faultCode, fakeClock, getAuthCode, PAYROLL, REDIRECT_URI, startEmulator, tokenRequest, type TokenBody } from "./helpers";

const HOUR_MS = 3_600_000;

describe("QBO emulator OAuth", () => {
  it("shows a consent page with one link per seeded company, each redirecting with code, state and realmId", async () => {
    startEmulator();
    const page = await fetch(authorizeUrl({}));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sandbox Consulting LLC");
    expect(html).toContain("Northwind Payroll Co");
    const href = /data-realm-id="9130350000000002" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&").replace(/&#38;/g, "&");
    expect(href).toBeDefined();
    const chosen = await fetch(href ?? "", { redirect: "manual" });
    expect(chosen.status).toBe(302);
    const location = new URL(chosen.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get("state")).toBe("st-123");
    expect(location.searchParams.get("realmId")).toBe(PAYROLL);
    expect(location.searchParams.get("code")).toMatch(/^AB11/);
  });

  it("validates client_id, response_type and the accounting scope", async () => {
    startEmulator({ redirectUris: [REDIRECT_URI] });
    expect((await fetch(authorizeUrl({ client_id: "someone-else" }))).status).toBe(400);
    expect((await fetch(authorizeUrl({ redirect_uri: "https://evil.test/cb" }))).status).toBe(400);
    const badType = await fetch(authorizeUrl({ response_type: "token" }), { redirect: "manual" });
    expect(new URL(badType.headers.get("location") ?? "").searchParams.get("error")).toBe("unsupported_response_type");
    const badScope = await fetch(authorizeUrl({ scope: "openid" }), { redirect: "manual" });
    expect(new URL(badScope.headers.get("location") ?? "").searchParams.get("error")).toBe("invalid_scope");
  });

  it("exchanges a code once, with the reference's token body, and counts the exchange", async () => {
    const emu = startEmulator();
    const code = await getAuthCode(CONSULTING);
    const first = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(first.status).toBe(200);
    const body = (await first.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type", "x_refresh_token_expires_in"]);
    expect(body.expires_in).toBe(3600);
    expect(body.x_refresh_token_expires_in).toBe(8_726_400);
    expect(body.token_type).toBe("bearer");

    const again = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_grant" });
    expect(emu.stats(CONSULTING).token).toBe(1);
  });

  it("refuses a code with a different redirect_uri and a client without valid Basic auth", async () => {
    startEmulator();
    const code = await getAuthCode(CONSULTING);
    const wrongRedirect = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: "https://other.test/cb" });
    expect(wrongRedirect.status).toBe(400);
    expect(await wrongRedirect.json()).toEqual({ error: "invalid_grant" });
    const badClient = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      `Basic ${Buffer.from("sandbox-client-id:wrong").toString("base64")}`,
    );
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toEqual({ error: "invalid_client" });
  });

  it("rotates refresh tokens: the new one works, the old one works within the grace period, then invalid_grant", async () => {
    const clock = fakeClock();
    startEmulator({ now: clock.now, refreshTokenGraceMs: 60_000 });
    const initial = await connect();
    const refreshed = (await (await tokenRequest({ grant_type: "refresh_token", refresh_token: initial.refresh_token })).json()) as TokenBody;
    expect(refreshed.refresh_token).not.toBe(initial.refresh_token);

    clock.advance(30_000);
    const withinGrace = await tokenRequest({ grant_type: "refresh_token", refresh_token: initial.refresh_token });
    expect(withinGrace.status).toBe(200);
    expect(((await withinGrace.json()) as TokenBody).refresh_token).toBe(refreshed.refresh_token);

    clock.advance(31_000);
    const afterGrace = await tokenRequest({ grant_type: "refresh_token", refresh_token: initial.refresh_token });
    expect(afterGrace.status).toBe(400);
    expect(await afterGrace.json()).toEqual({ error: "invalid_grant" });

    const newest = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshed.refresh_token });
    expect(newest.status).toBe(200);
    const api = apiClient(((await newest.json()) as TokenBody).access_token);
    expect((await api.get("preferences")).status).toBe(200);
  });

  it("defaults the grace period to the reference's 24 h", async () => {
    const clock = fakeClock();
    startEmulator({ now: clock.now });
    const initial = await connect();
    await tokenRequest({ grant_type: "refresh_token", refresh_token: initial.refresh_token });
    clock.advance(23 * HOUR_MS);
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: initial.refresh_token })).status).toBe(200);
    clock.advance(2 * HOUR_MS);
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: initial.refresh_token })).status).toBe(400);
  });

  it("revoke invalidates the whole token family (access and refresh)", async () => {
    const emu = startEmulator();
    const tokens = await connect();
    const revoke = await fetch(`${BASE}/oauth2/tokens/revoke`, {
      method: "POST",
      headers: { authorization: BASIC_AUTH, "content-type": "application/json" },
      body: JSON.stringify({ token: tokens.refresh_token }),
    });
    expect(revoke.status).toBe(200);
    const api = apiClient(tokens.access_token);
    const res = await api.get("preferences");
    expect(res.status).toBe(401);
    expect(faultCode(res.body)).toBe("3200");
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).status).toBe(400);
    expect(emu.stats(CONSULTING).revoke).toBe(1);
  });

  it("answers 401/3200 in the gateway shape for a bad or expired access token, 403/3100 for another company", async () => {
    const clock = fakeClock();
    startEmulator({ now: clock.now });
    const tokens = await connect();
    const bad = await apiClient("not-a-token").get("preferences");
    expect(bad.status).toBe(401);
    expect(bad.body["fault"]).toMatchObject({ type: "AUTHENTICATION", error: [{ code: "3200" }] });

    const other = await apiClient(tokens.access_token, PAYROLL).get("preferences");
    expect(other.status).toBe(403);
    expect(faultCode(other.body)).toBe("3100");

    clock.advance(HOUR_MS);
    const expired = await apiClient(tokens.access_token).get("preferences");
    expect(expired.status).toBe(401);
    expect(faultCode(expired.body)).toBe("3200");
  });
});
