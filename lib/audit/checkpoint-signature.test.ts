import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkpointMessage,
  parseSigningKey,
  publicKeyFingerprint,
  signCheckpoint,
  verifyCheckpointSignature,
} from "./checkpoint-signature";

const { privateKey } = generateKeyPairSync("ed25519");
const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
const key = parseSigningKey(pkcs8);
const claim = { chain: "0b7d8a52-9c1e-4f3a-8d2b-6e5f4a3b2c1d", seq: 12n, headHash: Buffer.alloc(32, 0xab) };

describe("checkpoint signatures", () => {
  it("signs a versioned message naming the chain, seq and head hash", () => {
    expect(checkpointMessage(claim).toString()).toBe(
      `rampart-audit-checkpoint:v1:${claim.chain}:12:${"ab".repeat(32)}`,
    );
  });

  it("derives the raw 32-byte public key from the private key", () => {
    const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
    expect(Buffer.from(key.publicKeyBase64, "base64").equals(spki.subarray(-32))).toBe(true);
  });

  it("verifies with the public key alone, and only for the claim that was signed", () => {
    const signature = signCheckpoint(claim, key);
    expect(verifyCheckpointSignature({ ...claim, signature }, key.publicKeyBase64)).toBe(true);

    const otherHead = Buffer.from(claim.headHash);
    otherHead[31] = 0;
    expect(verifyCheckpointSignature({ ...claim, headHash: otherHead, signature }, key.publicKeyBase64)).toBe(false);
    expect(verifyCheckpointSignature({ ...claim, seq: 13n, signature }, key.publicKeyBase64)).toBe(false);
    expect(verifyCheckpointSignature({ ...claim, chain: "global", signature }, key.publicKeyBase64)).toBe(false);

    const other = parseSigningKey(
      generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    );
    expect(verifyCheckpointSignature({ ...claim, signature }, other.publicKeyBase64)).toBe(false);
  });

  it("answers false, not an exception, for a malformed key or signature", () => {
    const signature = signCheckpoint(claim, key);
    expect(verifyCheckpointSignature({ ...claim, signature }, "not a key")).toBe(false);
    expect(verifyCheckpointSignature({ ...claim, signature: signature.subarray(1) }, key.publicKeyBase64)).toBe(false);
  });

  it("refuses a signing key that is not Ed25519, naming the setting", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ format: "der", type: "pkcs8" })
      .toString("base64");
    expect(() => parseSigningKey(ec)).toThrow(/AUDIT_SIGNING_KEY.*Ed25519/);
    expect(() => parseSigningKey("AAAA")).toThrow(/AUDIT_SIGNING_KEY/);
  });

  it("names a public key by a short fingerprint", () => {
    expect(publicKeyFingerprint(key.publicKeyBase64)).toMatch(/^SHA256:[0-9a-f]{16}$/);
  });
});
