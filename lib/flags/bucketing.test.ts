import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bucketOf, inRollout } from "@/lib/flags/bucketing";
import vectors from "@/lib/flags/bucketing-vectors.json";

const keys = Array.from({ length: 5_000 }, (_, i) => `user-${i}`);
const SALT = "5f3c9a1e7b2d4c68";

describe("bucketing", () => {
  it.each(vectors.vectors)("matches the published vector for $salt / $targetingKey", ({ salt, targetingKey, bucket }) => {
    expect(bucketOf(salt, targetingKey)).toBe(bucket);
  });

  it("is the documented formula, computed another way", () => {
    for (const key of keys.slice(0, 200)) {
      const hex = createHash("sha256").update(`${SALT}:${key}`).digest("hex").slice(0, 8);
      expect(bucketOf(SALT, key)).toBe(Number(BigInt(`0x${hex}`) % 10_000n));
    }
  });

  it("never removes anyone when the rollout rises, and keeps a subset when it falls", () => {
    const steps = [0, 1, 10, 100, 250, 1000, 2500, 5000, 5001, 9999, 10_000];
    let previous = new Set<string>();
    for (const bps of steps) {
      const exposed = new Set(keys.filter((k) => inRollout(SALT, k, bps)));
      expect([...previous].filter((k) => !exposed.has(k)), `dropped out at ${bps}`).toEqual([]);
      previous = exposed;
    }
    // Halving keeps exactly those whose bucket is below the new rollout.
    const half = keys.filter((k) => inRollout(SALT, k, 2500));
    const full = new Set(keys.filter((k) => inRollout(SALT, k, 5000)));
    expect(half.every((k) => full.has(k))).toBe(true);
  });

  it("exposes about the share asked for", () => {
    for (const bps of [100, 1000, 5000]) {
      const share = keys.filter((k) => inRollout(SALT, k, bps)).length / keys.length;
      expect(Math.abs(share - bps / 10_000)).toBeLessThan(0.03);
    }
  });

  it("gives different flags different users at the same percentage", () => {
    const a = new Set(keys.filter((k) => inRollout("salt-a", k, 1000)));
    const b = keys.filter((k) => inRollout("salt-b", k, 1000));
    const overlap = b.filter((k) => a.has(k)).length / b.length;
    // Independent 10 % samples overlap on about 10 % of their members.
    expect(overlap).toBeLessThan(0.2);
  });

  it("puts a missing targeting key in no partial rollout, but in a full one", () => {
    expect(inRollout(SALT, undefined, 9999)).toBe(false);
    expect(inRollout(SALT, "", 9999)).toBe(false);
    expect(inRollout(SALT, undefined, 10_000)).toBe(true);
    expect(inRollout(SALT, "user-1", 0)).toBe(false);
  });
});
