// Fixed-bucket histograms kept in rollup rows (int arrays), so that p50/p95
// over any range is a sum of arrays and a walk, never a scan of raw rows.
// Safe for both server and client.

/** Upper bounds (inclusive) of each bucket; the last bucket is open-ended. */
export const LATENCY_MS_BOUNDS = [10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000] as const;
export const COST_MICROS_BOUNDS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000] as const;
/** Seconds: 1 min … 1 week. */
export const DURATION_S_BOUNDS = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 345_600, 604_800] as const;

export type Bounds = readonly number[];

export function emptyHist(bounds: Bounds): number[] {
  return new Array<number>(bounds.length + 1).fill(0);
}

export function bucketOf(bounds: Bounds, value: number): number {
  // Few buckets: a linear walk beats a binary search's branches.
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) return i;
  return bounds.length;
}

export function addToHist(hist: number[], bounds: Bounds, value: number): void {
  hist[bucketOf(bounds, value)]! += 1;
}

/** Element-wise sum into `into` (arrays from older rows may be shorter). */
export function mergeHist(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < from.length && i < into.length; i++) into[i]! += from[i]!;
  return into;
}

/**
 * The q-quantile (0 < q < 1), interpolated linearly inside its bucket; null
 * when the histogram is empty. The open last bucket answers its lower bound.
 */
export function quantile(hist: readonly number[], bounds: Bounds, q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i]!;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      if (i >= bounds.length) return lower;
      const upper = bounds[i]!;
      return lower + ((rank - seen) / n) * (upper - lower);
    }
    seen += n;
  }
  return bounds[bounds.length - 1] ?? null;
}
