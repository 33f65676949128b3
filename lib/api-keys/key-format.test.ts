import { describe, expect, it } from "vitest";
import { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from "./key-format";

describe("API key format", () => {
  it("generates keys that parse back to their prefix and match their hash", () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key.startsWith(`rmp_${prefix}_`)).toBe(true);
    expect(parseApiKey(key)).toEqual({ prefix });
    expect(apiKeyMatches(key, hash)).toBe(true);
  });

  it("never stores the key itself: the hash differs from the key and is 32 bytes", () => {
    const { key, hash } = generateApiKey();
    expect(hash.length).toBe(32);
    expect(Buffer.from(hash).toString("utf8")).not.toContain(key);
  });

  it("rejects a key with one character changed", () => {
    const { key, hash } = generateApiKey();
    const last = key.at(-1) === "A" ? "B" : "A";
    expect(apiKeyMatches(key.slice(0, -1) + last, hash)).toBe(false);
  });

  it("rejects malformed keys", () => {
    for (const bad of ["", "rmp_", "Bearer x", "rmp_short_abc", `rmp_${"a".repeat(12)}_${"b".repeat(10)}`]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it("hashes deterministically", () => {
    expect(hashApiKey("x").equals(hashApiKey("x"))).toBe(true);
  });
});
