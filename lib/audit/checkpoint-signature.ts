// Ed25519 signatures over audit chain heads. Signing needs AUDIT_SIGNING_KEY;
// verifying needs only the raw public key (base64), so anyone holding it can
// check a checkpoint without access to Rampart's secrets.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { config } from "@/lib/config";

export type CheckpointClaim = { chain: string; seq: bigint | number; headHash: Uint8Array };

/** The exact bytes signed; versioned so the format can change without ambiguity. */
export function checkpointMessage(claim: CheckpointClaim): Buffer {
  const headHex = Buffer.from(claim.headHash).toString("hex");
  return Buffer.from(`rampart-audit-checkpoint:v1:${claim.chain}:${claim.seq.toString()}:${headHex}`, "utf8");
}

export type SigningKey = { privateKey: KeyObject; publicKeyBase64: string };

/** Parses a base64 PKCS#8 DER Ed25519 private key and derives its raw public key. */
export function parseSigningKey(pkcs8Base64: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(pkcs8Base64, "base64"), format: "der", type: "pkcs8" });
  } catch (err) {
    throw new Error(`AUDIT_SIGNING_KEY: not a PKCS#8 DER private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`AUDIT_SIGNING_KEY: must be an Ed25519 key, got ${privateKey.asymmetricKeyType ?? "unknown"}`);
  }
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  return { privateKey, publicKeyBase64: Buffer.from(jwk.x!, "base64url").toString("base64") };
}

let cached: { source: string; key: SigningKey } | undefined;

/** The configured signing key, parsed once. */
export function signingKey(): SigningKey {
  const source = config().AUDIT_SIGNING_KEY;
  if (cached?.source !== source) cached = { source, key: parseSigningKey(source) };
  return cached.key;
}

export function signCheckpoint(claim: CheckpointClaim, key: SigningKey = signingKey()): Buffer {
  return sign(null, checkpointMessage(claim), key.privateKey);
}

function publicKeyObject(publicKeyBase64: string): KeyObject | null {
  const raw = Buffer.from(publicKeyBase64, "base64");
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
  } catch {
    return null;
  }
}

/** True when the signature is the holder of `publicKeyBase64` signing this chain head. */
export function verifyCheckpointSignature(
  checkpoint: CheckpointClaim & { signature: Uint8Array },
  publicKeyBase64: string,
): boolean {
  const key = publicKeyObject(publicKeyBase64);
  if (!key) return false;
  try {
    return verify(null, checkpointMessage(checkpoint), key, checkpoint.signature);
  } catch {
    return false;
  }
}

/** Short, stable name for a public key to show people: `SHA256:` and 16 hex digits. */
export function publicKeyFingerprint(publicKeyBase64: string): string {
  const digest = createHash("sha256").update(Buffer.from(publicKeyBase64, "base64")).digest("hex");
  return `SHA256:${digest.slice(0, 16)}`;
}
