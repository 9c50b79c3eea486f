// Secrets at rest (actiTIME passwords, Intuit tokens) are sealed with AES-256-GCM.
// Format: v1.<keyId>.<iv>.<ciphertext>.<tag>  (base64url parts)
// The key id (first bytes of SHA-256 of the key) lets ENCRYPTION_KEY rotate: values sealed with a
// previous key still open while it is listed in ENCRYPTION_KEYS_PREVIOUS, and new ones use the current key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { getEnv } from "./env";

const SEAL_VERSION = "v1";
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const KEY_ID_BYTES = 6;

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

export interface KeyRing {
  current: Buffer;
  previous: Buffer[];
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest().subarray(0, KEY_ID_BYTES).toString("base64url");
}

function defaultKeyRing(): KeyRing {
  return getEnv().encryption;
}

/**
 * `context` binds a sealed value to where it belongs (e.g. "connection:<id>:refresh"), as GCM
 * additional data: a value copied into another row fails to open instead of being trusted.
 */
export function seal(plaintext: string, context = "", keys: KeyRing = defaultKeyRing()): string {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keys.current, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [SEAL_VERSION, keyId(keys.current), iv.toString("base64url"), body.toString("base64url"), tag.toString("base64url")].join(".");
}

export function open(sealed: string, context = "", keys: KeyRing = defaultKeyRing()): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== SEAL_VERSION) throw new SealError("Not a sealed value");
  const [, id, ivPart, bodyPart, tagPart] = parts as [string, string, string, string, string];
  const key = [keys.current, ...keys.previous].find((k) => keyId(k) === id);
  if (!key) throw new SealError("Sealed with a key that is no longer configured");
  const iv = Buffer.from(ivPart, "base64url");
  const tag = Buffer.from(tagPart, "base64url");
  if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) throw new SealError("Sealed value is malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(bodyPart, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("Sealed value was tampered with or belongs elsewhere");
  }
}

/** True when the value was sealed with an older key and should be re-sealed with the current one. */
export function needsReseal(sealed: string, keys: KeyRing = defaultKeyRing()): boolean {
  return sealed.split(".")[1] !== keyId(keys.current);
}
