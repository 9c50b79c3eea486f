import { describe, expect, it } from "vitest";
import { keyId, needsReseal, open, seal, SealError, type KeyRing } from "@/lib/crypto";

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const ringA: KeyRing = { current: keyA, previous: [] };

describe("seal / open", () => {
  it("round-trips text, including unicode, without the plaintext showing in the sealed value", () => {
    const secret = "refresh-token-Zoë-🔑-".repeat(20);
    const sealed = seal(secret, "connection:1:refresh", ringA);
    expect(sealed).not.toContain("refresh-token");
    expect(sealed.startsWith(`v1.${keyId(keyA)}.`)).toBe(true);
    expect(open(sealed, "connection:1:refresh", ringA)).toBe(secret);
  });

  it("uses a fresh IV each time, so equal secrets do not look equal", () => {
    expect(seal("same", "", ringA)).not.toBe(seal("same", "", ringA));
  });

  it("detects a flipped bit in the ciphertext, IV or tag", () => {
    const sealed = seal("top secret", "", ringA);
    const parts = sealed.split(".");
    for (const index of [2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[index]!, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      tampered[index] = bytes.toString("base64url");
      expect(() => open(tampered.join("."), "", ringA)).toThrow(SealError);
    }
  });

  it("refuses a value moved to another context (another row)", () => {
    const sealed = seal("token", "connection:1:access", ringA);
    expect(() => open(sealed, "connection:2:access", ringA)).toThrow("tampered with or belongs elsewhere");
  });

  it("opens values sealed with a previous key after rotation, and says they need re-sealing", () => {
    const old = seal("pw", "", ringA);
    const rotated: KeyRing = { current: keyB, previous: [keyA] };
    expect(open(old, "", rotated)).toBe("pw");
    expect(needsReseal(old, rotated)).toBe(true);
    expect(needsReseal(seal("pw", "", rotated), rotated)).toBe(false);
  });

  it("refuses values sealed with a key that is no longer configured, and garbage", () => {
    const old = seal("pw", "", ringA);
    expect(() => open(old, "", { current: keyB, previous: [] })).toThrow("no longer configured");
    expect(() => open("plain text", "", ringA)).toThrow("Not a sealed value");
  });
});
