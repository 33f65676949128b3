import { describe, expect, it } from "vitest";
import {
  COARSE_MS,
  FINE_HORIZON_MS,
  FINE_MS,
  LATENCY_BOUNDS_MS,
  addCounts,
  baselineRange,
  bucketEnd,
  bucketsForSample,
  coverRange,
  emptyCounts,
  histogramQuantile,
  latencyBucket,
  parseBucket,
  windowRange,
  type BucketRef,
} from "@/lib/rollback/window";

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0); // aligned to 5 min
const covered = (refs: BucketRef[]) => refs.reduce((ms, r) => ms + (bucketEnd(r) - r.start), 0);

/** Every 10 s slot of [start, end) is counted exactly once by `refs`. */
function coversExactly(refs: BucketRef[], start: number, end: number) {
  for (let t = start; t < end; t += FINE_MS) {
    const hits = refs.filter((r) => r.start <= t && t < bucketEnd(r)).length;
    if (hits !== 1) return false;
  }
  return covered(refs) === end - start;
}

describe("buckets a sample is counted in", () => {
  it("goes to one 10 s and one 5 min bucket while recent", () => {
    expect(bucketsForSample(T0 + 12_345, T0 + 20_000)).toEqual([
      { res: "f", start: T0 + 10_000 },
      { res: "c", start: T0 },
    ]);
  });
  it("skips the 10 s bucket past the fine horizon, and everything past eight days", () => {
    const now = T0 + 10 * 86_400_000;
    expect(bucketsForSample(now - FINE_HORIZON_MS - 1, now)).toEqual([{ res: "c", start: Math.floor((now - FINE_HORIZON_MS - 1) / COARSE_MS) * COARSE_MS }]);
    expect(bucketsForSample(now - 9 * 86_400_000, now)).toEqual([]);
  });
});

describe("covering a range", () => {
  it("uses whole 5 min buckets in the middle and 10 s buckets at the ragged recent edges, counting each slot once", () => {
    const now = T0 + 30 * 60_000 + 7_000;
    const range = windowRange(now, 30 * 60_000, null)!;
    const refs = coverRange(range.start, range.end, now);
    expect(coversExactly(refs, range.start, range.end)).toBe(true);
    expect(refs.filter((r) => r.res === "c").length).toBe(5);
    expect(refs.length).toBeLessThan(70);
  });
  it("is exact for a short recent window", () => {
    const now = T0 + 42_000;
    const range = windowRange(now, 60_000, null)!;
    expect(range).toEqual({ start: T0 - 10_000, end: T0 + 50_000 });
    const refs = coverRange(range.start, range.end, now);
    expect(refs.every((r) => r.res === "f")).toBe(true);
    expect(coversExactly(refs, range.start, range.end)).toBe(true);
  });
  it("rounds an old range out to whole 5 min buckets, never leaving a gap", () => {
    const now = T0 + 2 * 86_400_000;
    const start = T0 + 123_000;
    const end = T0 + 86_400_000 + 7_000;
    const refs = coverRange(start, end, now);
    expect(refs.every((r) => r.res === "c")).toBe(true);
    expect(refs[0]!.start).toBe(T0);
    expect(bucketEnd(refs[refs.length - 1]!)).toBe(T0 + 86_400_000 + COARSE_MS);
    expect(new Set(refs.map((r) => r.start)).size).toBe(refs.length);
  });
});

describe("windows", () => {
  it("end with the current 10 s bucket and span the window", () => {
    const now = T0 + 305_500;
    expect(windowRange(now, 300_000, null)).toEqual({ start: T0 + 10_000, end: T0 + 310_000 });
  });
  it("restart after the last automated mitigation, and may be empty right after it", () => {
    const now = T0 + 305_500;
    expect(windowRange(now, 300_000, T0 + 200_001)).toEqual({ start: T0 + 210_000, end: T0 + 310_000 });
    expect(windowRange(now, 300_000, now)).toBeNull();
  });
  it("take the baseline from the period just before", () => {
    expect(baselineRange({ start: T0, end: T0 + 300_000 }, 86_400_000)).toEqual({ start: T0 - 86_400_000, end: T0 });
  });
});

describe("latency histogram", () => {
  it("puts a latency in the first bucket whose bound it does not exceed", () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(100)).toBe(0);
    expect(latencyBucket(101)).toBe(1);
    expect(latencyBucket(999_999)).toBe(LATENCY_BOUNDS_MS.length);
  });
  it("estimates p95 by interpolating within its bucket", () => {
    const h = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    h[latencyBucket(150)] = 90; // (100, 200]
    h[latencyBucket(4500)] = 10; // (4000, 5000]
    // rank 95 is the 5th of 10 samples in (4000, 5000]
    expect(histogramQuantile(h, 0.95)).toBe(4500);
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(100 + (100 * 50) / 90);
  });
  it("answers null without samples and the last bound past it", () => {
    const h = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    expect(histogramQuantile(h, 0.95)).toBeNull();
    h[LATENCY_BOUNDS_MS.length] = 3;
    expect(histogramQuantile(h, 0.95)).toBe(60_000);
  });
});

describe("bucket hashes", () => {
  it("parse into counts per series, ignoring unknown fields", () => {
    const s = JSON.stringify(["env", "k|ey", 3, "on"]);
    const parsed = parseBucket({ [`${s}|n`]: "10", [`${s}|h`]: "2", [`${s}|r`]: "1", [`${s}|l1`]: "4", [`${s}|c`]: "42000", [`${s}|cn`]: "10", [`${s}|zz`]: "9", junk: "1" });
    const c = parsed.get(s)!;
    expect(parsed.size).toBe(1);
    expect(c).toMatchObject({ responses: 10, harmful: 2, reports: 1, costMicros: 42000, costCalls: 10 });
    expect(c.latency[1]).toBe(4);
  });
  it("add up", () => {
    const a = emptyCounts();
    a.responses = 2;
    a.latency[0] = 1;
    const b = emptyCounts();
    b.responses = 3;
    b.latency[0] = 2;
    expect(addCounts(a, b)).toMatchObject({ responses: 5 });
    expect(a.latency[0]).toBe(3);
  });
});
