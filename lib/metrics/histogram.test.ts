import { describe, expect, it } from "vitest";
import { addToHist, bucketOf, emptyHist, LATENCY_MS_BOUNDS, mergeHist, quantile } from "@/lib/metrics/histogram";

describe("histogram", () => {
  it("puts values in the first bucket whose bound holds them", () => {
    expect(bucketOf(LATENCY_MS_BOUNDS, 0)).toBe(0);
    expect(bucketOf(LATENCY_MS_BOUNDS, 10)).toBe(0);
    expect(bucketOf(LATENCY_MS_BOUNDS, 11)).toBe(1);
    expect(bucketOf(LATENCY_MS_BOUNDS, 1_000_000)).toBe(LATENCY_MS_BOUNDS.length);
  });

  it("estimates quantiles within the bucket that holds them", () => {
    const h = emptyHist(LATENCY_MS_BOUNDS);
    const values: number[] = [];
    for (let i = 1; i <= 1000; i++) values.push(i * 3); // 3 … 3000 ms, uniform
    for (const v of values) addToHist(h, LATENCY_MS_BOUNDS, v);
    const p50 = quantile(h, LATENCY_MS_BOUNDS, 0.5)!;
    const p95 = quantile(h, LATENCY_MS_BOUNDS, 0.95)!;
    // True values 1500 and 2850; the buckets around them are 1000–1500 and 2000–3000 wide.
    expect(p50).toBeGreaterThanOrEqual(1000);
    expect(p50).toBeLessThanOrEqual(1500);
    expect(p95).toBeGreaterThan(2000);
    expect(p95).toBeLessThanOrEqual(3000);
  });

  it("is null when empty and merges element-wise", () => {
    expect(quantile(emptyHist(LATENCY_MS_BOUNDS), LATENCY_MS_BOUNDS, 0.5)).toBeNull();
    const a = emptyHist(LATENCY_MS_BOUNDS);
    a[2] = 3;
    const b = emptyHist(LATENCY_MS_BOUNDS);
    b[2] = 4;
    b[5] = 1;
    expect(mergeHist(a, b).slice(0, 6)).toEqual([0, 0, 7, 0, 0, 1]);
  });
});
