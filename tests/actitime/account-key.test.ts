// One actiTIME is one account, however its address is typed: the key the app computes and the key the
// database computes from accounts.base_url agree, and sign-in under another spelling lands in the same
// account (and talks to the address already trusted).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts } from "@/db/schema";
import { actitimeAccountKey, normalizeActitimeBaseUrl, sameActitimeAccount } from "@/lib/actitime";
import { createTestDb, type TestDb } from "@/tests/helpers/db";

const SPELLINGS: [string, string][] = [
  ["https://online.actitime.com/acme", "online.actitime.com/acme"],
  ["http://online.actitime.com/acme", "online.actitime.com/acme"],
  ["HTTPS://Online.ActiTIME.com/ACME/", "online.actitime.com/acme"],
  ["https://online.actitime.com./acme", "online.actitime.com/acme"],
  ["https://online.actitime.com/acme/api/v1", "online.actitime.com/acme"],
  ["https://online.actitime.com/acme/API/V1//", "online.actitime.com/acme"],
  ["https://online.actitime.com:443/acme", "online.actitime.com/acme"],
  ["http://online.actitime.com:80/acme", "online.actitime.com/acme"],
  ["http://online.actitime.com:443/acme", "online.actitime.com/acme"],
  ["online.actitime.com/acme", "online.actitime.com/acme"],
  ["https://online.actitime.com.:443/Acme/api/v1/?x=1#top", "online.actitime.com/acme"],
  ["https://actitime.example.com:8443/at", "actitime.example.com:8443/at"],
  ["http://actitime.example.com:8443/at/", "actitime.example.com:8443/at"],
  ["https://actitime.example.com", "actitime.example.com"],
  ["http://192.168.0.23:120/api/v1", "192.168.0.23:120"],
  ["http://[::1]:3000/at", "[::1]:3000/at"],
  ["https://xn--actitme-9za.example/a.b/c", "xn--actitme-9za.example/a.b/c"],
];

describe("actitimeAccountKey", () => {
  it.each(SPELLINGS)("%s → %s", (input, key) => {
    expect(actitimeAccountKey(input)).toBe(key);
  });

  it("keeps different actiTIME installations apart", () => {
    expect(sameActitimeAccount("https://online.actitime.com/acme", "https://online.actitime.com/acme2")).toBe(false);
    expect(sameActitimeAccount("https://online.actitime.com/acme", "https://online.actitime.com:8443/acme")).toBe(false);
    expect(sameActitimeAccount("https://a.example.com/acme", "https://b.example.com/acme")).toBe(false);
    expect(sameActitimeAccount("not a url", "not a url")).toBe(false);
  });

  it("refuses what the address check refuses", () => {
    expect(() => actitimeAccountKey("ftp://online.actitime.com/acme")).toThrowError(expect.objectContaining({ code: "invalid_url" }));
  });
});

describe("the database's account key (generated from base_url)", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.dispose());

  it.each(SPELLINGS)("agrees with the app for %s", async (input, key) => {
    const [row] = await t.db.insert(accounts).values({ baseUrl: normalizeActitimeBaseUrl(input) }).returning();
    expect(row!.accountKey).toBe(key);
    await t.db.delete(accounts).where(eq(accounts.id, row!.id));
  });

  it("refuses a second account for another spelling of the same actiTIME", async () => {
    await t.db.insert(accounts).values({ baseUrl: "https://online.actitime.com/dup" });
    await expect(t.db.insert(accounts).values({ baseUrl: "http://online.actitime.com./DUP" })).rejects.toThrow();
  });
});
