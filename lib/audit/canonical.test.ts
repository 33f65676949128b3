import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { canonicalDigest, canonicalJson, withCanonicalKeyOrder } from "./canonical";

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

// The encoding before it was written in one pass: normalize to a sorted copy,
// then JSON.stringify. Every existing hash in a chain was made this way, so
// the two must agree byte for byte on any input.
function reference(value: unknown): string {
  const normalize = (v: unknown): unknown => {
    if (v === null || v === undefined) return undefined;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
    if (Array.isArray(v)) return v.map((x) => normalize(x) ?? null);
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = normalize((v as Record<string, unknown>)[key]);
        if (x !== undefined) out[key] = x;
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(normalize(value) ?? null);
}

describe("canonical encoding, against the two-pass reference", () => {
  // A small deterministic generator (no Math.random: a failure must replay).
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const strings = ["", "a", "Zed", "ü\u00e9", "\ud83d\ude00", 'q"uote', "back\\slash", "line\nbreak", "\u0001", "\u2028", "__proto__x", "10", "2", "0", "01", "4294967294", "4294967295", "-1", "1.5"];
  function gen(depth: number): unknown {
    const r = rand();
    if (depth > 3 || r < 0.35) {
      const leaf = Math.floor(rand() * 9);
      return [null, undefined, true, false, Math.round(rand() * 1e6) / 7, -0, BigInt(Math.floor(rand() * 1e9)), new Date(1.7e12 + Math.floor(rand() * 1e10)), new Uint8Array([1, 255, Math.floor(rand() * 256)])][leaf] ?? strings[Math.floor(rand() * strings.length)];
    }
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 5); i > 0; i--) o[strings[Math.floor(rand() * strings.length)]!] = gen(depth + 1);
    return o;
  }

  it("agrees on 5,000 generated values", () => {
    for (let i = 0; i < 5000; i++) {
      const v = gen(0);
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  // Values already in canonical shape (keys sorted, no null members, only JSON types) take the
  // native JSON.stringify path; the reference must not be able to tell.
  function canonicalShaped(depth: number): unknown {
    const r = rand();
    if (depth > 3 || r < 0.35) {
      const leaf = Math.floor(rand() * 5);
      return [true, false, Math.round(rand() * 1e6) / 7, -0, null][leaf] ?? strings[Math.floor(rand() * strings.length)];
    }
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => canonicalShaped(depth + 1));
    const keys = new Set<string>();
    for (let i = Math.floor(rand() * 6); i > 0; i--) keys.add(strings[Math.floor(rand() * strings.length)]!);
    const o: Record<string, unknown> = {};
    for (const k of [...keys].sort()) {
      const v = canonicalShaped(depth + 1);
      if (v !== null) o[k] = v;
    }
    return o;
  }

  it("agrees on 5,000 generated values in canonical shape (the native path), and on them with a null member added", () => {
    let objects = 0;
    for (let i = 0; i < 5000; i++) {
      const v = canonicalShaped(0);
      expect(canonicalJson(v)).toBe(reference(v));
      if (v && typeof v === "object" && !Array.isArray(v)) {
        objects++;
        expect(canonicalJson(v)).toBe(JSON.stringify(v));
        const withNull = { ...v, zzz: null };
        expect(canonicalJson(withNull)).toBe(reference(withNull));
      }
    }
    expect(objects).toBeGreaterThan(500);
  });

  it("digests rows whatever their shape, undefined members left out", () => {
    const shaped = { a: "Orders \u2192 Help \ud83d\ude00", b: [1, null, { c: true }], id: "x" };
    const unsorted = { id: "x", a: "Orders \u2192 Help \ud83d\ude00", b: [1, null, { c: true }] };
    const nested = { a: { z: 1, y: null }, id: "x" };
    for (const row of [shaped, unsorted, nested]) expect(canonicalDigest(row)).toBe(createHash("sha256").update(reference(row)).digest("hex"));
    expect(canonicalDigest(shaped)).toBe(canonicalDigest(unsorted));
    // Ingest's rows: every column a key, the null ones undefined (left out of the text and of the digest).
    const sparse = { a: "Orders \u2192 Help ".repeat(300), b: undefined, c: [1], id: "x", z: undefined };
    expect(canonicalJson(sparse)).toBe(JSON.stringify(sparse));
    expect(canonicalDigest(sparse)).toBe(createHash("sha256").update(reference(sparse)).digest("hex"));
    expect(canonicalDigest(sparse)).toBe(canonicalDigest({ a: sparse.a, c: [1], id: "x" }));
    const typed = { at: new Date(0), cost: 12n, id: "x" };
    expect(canonicalJson(typed)).toBe(reference(typed));
  });

  it("copies values with keys in canonical order, keeping nulls, arrays and a __proto__ key as data", () => {
    const source = JSON.parse('{"b":{"y":1,"x":null},"a":[{"d":1,"c":2}],"__proto__":{"polluted":true},"10":1,"2":2}') as Record<string, unknown>;
    const copy = withCanonicalKeyOrder(source);
    expect(JSON.stringify(copy)).toBe('{"2":2,"10":1,"__proto__":{"polluted":true},"a":[{"c":2,"d":1}],"b":{"x":null,"y":1}}');
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // (The reference cannot say: its own copy turns "__proto__" into a prototype.)
    expect(canonicalJson(copy)).toBe(canonicalJson(source));
    expect(canonicalJson(copy)).toBe('{"2":2,"10":1,"__proto__":{"polluted":true},"a":[{"c":2,"d":1}],"b":{"y":1}}');
  });

  it("agrees on an ingested row's shape, including a Buffer that is a slice of a larger one", () => {
    const pool = Buffer.from([9, 9, 1, 2, 3, 9]);
    const row = { id: "x", enc: pool.subarray(2, 5), at: new Date(0), cost: 3100n, flags: { b: { value: true, version: 3 }, a: null }, kinds: [] };
    expect(canonicalJson(row)).toBe(reference(row));
    expect(canonicalJson(row)).toContain('"enc":"AQID"');
  });
});

describe("canonical key order, looked up for rows with many keys", () => {
  const keys = ["id", "projectId", "requestId", "occurredAt", "modelId", "b", "a", "z", "10", "2"];
  it("gives the same sorted order whatever order the same keys were set in", () => {
    const forward = Object.fromEntries(keys.map((k, i) => [k, i]));
    const backward = Object.fromEntries([...keys].reverse().map((k) => [k, keys.indexOf(k)]));
    const first = canonicalJson(forward);
    expect(canonicalJson(backward)).toBe(first);
    expect(canonicalJson(forward)).toBe(first); // served from the lookup, and the lookup was not changed by the sort
    expect(first).toBe('{"2":9,"10":8,"a":6,"b":5,"id":0,"modelId":4,"occurredAt":3,"projectId":1,"requestId":2,"z":7}');
  });

  it("is not fooled by another key set of the same size", () => {
    const one = Object.fromEntries(keys.map((k, i) => [k, i]));
    const other = Object.fromEntries(keys.map((k, i) => [`${k}x`, i]));
    expect(canonicalJson(one)).not.toBe(canonicalJson(other));
    expect(canonicalJson(other)).toContain('"ax":6,"bx":5');
  });
});
