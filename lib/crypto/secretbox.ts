// AES-256-GCM sealing of small secrets (project pseudonym keys, subject data
// keys, webhook secrets) under a key; by default the configured master key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { config } from "@/lib/config";

const VERSION = 1;

function masterKey(): Buffer {
  return Buffer.from(config().RAMPART_MASTER_KEY, "base64");
}

/** Layout: version(1) ‖ iv(12) ‖ tag(16) ‖ ciphertext. */
export function seal(plaintext: Uint8Array, key: Buffer = masterKey()): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]));
}

export function open(sealed: Uint8Array, key: Buffer = masterKey()): Buffer {
  const buf = Buffer.from(sealed);
  if (buf[0] !== VERSION) throw new Error("Unknown sealed-box version");
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(1, 13));
  decipher.setAuthTag(buf.subarray(13, 29));
  return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
}

export function newSealedKey(): Uint8Array<ArrayBuffer> {
  return seal(randomBytes(32));
}
