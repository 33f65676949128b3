import { describe, expect, it } from "vitest";
import { canonicalDigest, canonicalJson } from "./canonical";

describe("canonical encoding", () => {
  it("sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it("treats absent and null members alike, but keeps nulls inside arrays", () => {
    expect(canonicalJson({ a: 1, b: null, c: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([1, null])).toBe("[1,null]");
  });

  it("encodes dates, bigints and bytes the same way however they arrive", () => {
    const row = { at: new Date("2026-01-02T03:04:05.678Z"), cost: 12n, enc: new Uint8Array([1, 2, 3]) };
    const readBack = { enc: Buffer.from([1, 2, 3]), cost: BigInt(12), at: new Date(Date.parse("2026-01-02T03:04:05.678Z")) };
    expect(canonicalDigest(row)).toBe(canonicalDigest(readBack));
    expect(canonicalJson(row)).toBe('{"at":"2026-01-02T03:04:05.678Z","cost":"12","enc":"AQID"}');
  });

  it("changes when any value changes", () => {
    expect(canonicalDigest({ a: "x" })).not.toBe(canonicalDigest({ a: "y" }));
  });

  it("refuses values it cannot encode deterministically", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
  });
});
