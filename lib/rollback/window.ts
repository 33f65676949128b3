// Sliding-window counters: the time buckets samples are counted in, which
// buckets cover a window, and the metrics a window's counts give. Pure, no I/O
// (record-counters.ts writes the buckets, read-counters.ts reads them).
//
// Two resolutions: 10 s buckets kept for a little over an hour make recent
// windows exact to 10 s; 5 min buckets kept for eight days serve the longer
// windows and the baselines taken from earlier periods. Every sample goes to
// one bucket of each resolution, so a window is summed from whole 5 min
// buckets in its middle and 10 s buckets at its recent edges.

export const FINE_MS = 10_000;
export const COARSE_MS = 300_000;
/** 10 s buckets are read only this far back; older parts of a range use 5 min buckets. */
export const FINE_HORIZON_MS = 3_600_000;
/** Samples older than this are not counted at all. */
export const COARSE_HORIZON_MS = 8 * 24 * 3_600_000;
// A margin past the horizon, so a bucket read at the edge of the horizon still exists.
export const FINE_TTL_SECONDS = FINE_HORIZON_MS / 1000 + 900;
export const COARSE_TTL_SECONDS = COARSE_HORIZON_MS / 1000 + 3_600;

/** Upper bounds (ms) of the latency histogram buckets; one more bucket holds everything slower. */
export const LATENCY_BOUNDS_MS = [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000] as const;

export type Resolution = "f" | "c";
export type BucketRef = { res: Resolution; start: number };

const sizeOf = (res: Resolution) => (res === "f" ? FINE_MS : COARSE_MS);
export const alignDown = (t: number, size: number) => Math.floor(t / size) * size;
export const alignUp = (t: number, size: number) => Math.ceil(t / size) * size;

/** The buckets a sample at `at` is counted in, given the time it is recorded (`now`). */
export function bucketsForSample(at: number, now: number): BucketRef[] {
  const out: BucketRef[] = [];
  if (at >= now - FINE_HORIZON_MS) out.push({ res: "f", start: alignDown(at, FINE_MS) });
  if (at >= now - COARSE_HORIZON_MS) out.push({ res: "c", start: alignDown(at, COARSE_MS) });
  return out;
}

/**
 * Buckets whose counts sum to the range [start, end): whole 5 min buckets
 * where they fit, 10 s buckets elsewhere within the fine horizon. Beyond it a
 * ragged edge is rounded out to the 5 min bucket around it, so an old range
 * (a baseline) may count up to 5 min more than asked for at each end.
 * `fineWherePossible` uses 10 s buckets throughout the fine horizon, to see
 * when within a window something happened.
 */
export function coverRange(start: number, end: number, now: number, opts: { fineWherePossible?: boolean } = {}): BucketRef[] {
  const out: BucketRef[] = [];
  const fineFrom = now - FINE_HORIZON_MS;
  let t = alignDown(start, FINE_MS);
  while (t < end) {
    if (t % COARSE_MS === 0 && t + COARSE_MS <= end && !(opts.fineWherePossible && t >= fineFrom)) {
      out.push({ res: "c", start: t });
      t += COARSE_MS;
    } else if (t >= fineFrom) {
      out.push({ res: "f", start: t });
      t += FINE_MS;
    } else {
      const c = alignDown(t, COARSE_MS);
      out.push({ res: "c", start: c });
      t = c + COARSE_MS;
    }
  }
  return out;
}

export type Range = { start: number; end: number };

/**
 * The window of `windowMs` ending with the current 10 s bucket, starting no
 * earlier than `notBefore` (the last automated mitigation of the flag: the
 * evidence that led to it is not counted again). Null when nothing is left.
 */
export function windowRange(now: number, windowMs: number, notBefore: number | null): Range | null {
  const end = alignDown(now, FINE_MS) + FINE_MS;
  let start = end - Math.max(FINE_MS, alignUp(windowMs, FINE_MS));
  if (notBefore !== null) start = Math.max(start, alignUp(notBefore, FINE_MS));
  return start < end ? { start, end } : null;
}

/** The earlier period a baseline is taken from: the `baselineMs` before the window. */
export function baselineRange(window: Range, baselineMs: number): Range {
  return { start: window.start - baselineMs, end: window.start };
}

export type Counts = {
  /** Responses served with the flag's exposure. */
  responses: number;
  /** Responses a classifier flagged or blocked (each response once). */
  harmful: number;
  reports: number;
  /** Count per LATENCY_BOUNDS_MS bucket, plus one for slower. */
  latency: number[];
  costMicros: number;
  /** Responses that said what they cost. */
  costCalls: number;
  /** Calls that failed (the interaction carried an error). */
  errors: number;
};

export const emptyCounts = (): Counts => ({
  responses: 0,
  harmful: 0,
  reports: 0,
  latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
  costMicros: 0,
  costCalls: 0,
  errors: 0,
});

export function addCounts(into: Counts, more: Counts): Counts {
  into.responses += more.responses;
  into.harmful += more.harmful;
  into.reports += more.reports;
  into.costMicros += more.costMicros;
  into.costCalls += more.costCalls;
  into.errors += more.errors;
  more.latency.forEach((n, i) => (into.latency[i] = (into.latency[i] ?? 0) + n));
  return into;
}

export function latencyBucket(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * A quantile of the histogram, interpolating linearly within the bucket it
 * falls in. Past the last bound the answer is that bound: a lower limit.
 */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let before = 0;
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i] ?? 0;
    if (before + n >= rank) {
      const upper = LATENCY_BOUNDS_MS[i];
      if (upper === undefined) return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      return lower + ((upper - lower) * (rank - before)) / n;
    }
    before += n;
  }
  return null;
}

/** Field suffixes of a series in a bucket hash (see record-counters.ts). */
export const FIELD = { responses: "n", harmful: "h", reports: "r", costMicros: "c", costCalls: "cn", errors: "e", latency: "l" } as const;

/** The counts of one field of a bucket hash, added to `counts`. */
export function addField(counts: Counts, suffix: string, value: number): void {
  switch (suffix) {
    case FIELD.responses:
      counts.responses += value;
      return;
    case FIELD.harmful:
      counts.harmful += value;
      return;
    case FIELD.reports:
      counts.reports += value;
      return;
    case FIELD.costMicros:
      counts.costMicros += value;
      return;
    case FIELD.costCalls:
      counts.costCalls += value;
      return;
    case FIELD.errors:
      counts.errors += value;
      return;
  }
  if (suffix.startsWith(FIELD.latency)) {
    const i = Number(suffix.slice(FIELD.latency.length));
    if (Number.isInteger(i) && i >= 0 && i <= LATENCY_BOUNDS_MS.length) counts.latency[i] = (counts.latency[i] ?? 0) + value;
  }
}

/** Bucket hashes map "<series id>|<suffix>" to a count. */
export function parseBucket(hash: Record<string, string>): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const [field, raw] of Object.entries(hash)) {
    const bar = field.lastIndexOf("|");
    if (bar <= 0) continue;
    const series = field.slice(0, bar);
    let counts = out.get(series);
    if (!counts) out.set(series, (counts = emptyCounts()));
    addField(counts, field.slice(bar + 1), Number(raw));
  }
  return out;
}

export const bucketKey = (projectId: string, ref: BucketRef) => `${counterPrefix(projectId)}${ref.res}:${ref.start / sizeOf(ref.res)}`;
/** Every key of a project shares one hash tag, so a batch's counters go to one Redis Cluster slot in one script. */
export const counterPrefix = (projectId: string) => `rampart:rb:{${projectId}}:`;
export const bucketEnd = (ref: BucketRef) => ref.start + sizeOf(ref.res);
