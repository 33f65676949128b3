// What a batch of committed samples adds to the window counters: per bucket
// hash, per field, an increment. Pure, no I/O (record-counters.ts gathers the
// samples and applies the increments).
import { seriesOfSnapshot } from "@/lib/rollback/series";
import { FIELD, bucketKey, type BucketRef, bucketsForSample, latencyBucket, COARSE_TTL_SECONDS, FINE_TTL_SECONDS, FINE_HORIZON_MS } from "@/lib/rollback/window";

/**
 * One thing to count, attributed to the flags of its interaction's snapshot:
 * a response (with its latency and cost), the first harmful verdict on a
 * response, or a user report.
 */
export type Sample = {
  kind: "response" | "harmful" | "report";
  environmentId: string;
  flagState: unknown;
  at: Date;
  latencyMs: number | null;
  costMicros: number | null;
  /** For responses: the call failed. */
  error?: boolean;
};

export type Increments = {
  /** bucket key → field → increment */
  buckets: Map<string, Map<string, number>>;
  ttl: Map<string, number>;
  /** Whether a harmful verdict or a report landed in a recent bucket: worth evaluating the rules now. */
  hot: boolean;
};

/**
 * Samples are summed per group first — the same series (one snapshot object,
 * see record-counters.ts) and the same buckets — and each group is spread
 * over its series' fields once: a batch of 100 responses with one snapshot
 * builds its field names once, not 100 times.
 */
export function incrementsFor(projectId: string, samples: readonly Sample[], now: number): Increments {
  const buckets = new Map<string, Map<string, number>>();
  const ttl = new Map<string, number>();
  let hot = false;
  const seriesOf = new Map<string, Map<unknown, { id: number; series: string[] }>>();
  const groups = new Map<string, { series: string[]; refs: BucketRef[]; fields: Map<string, number> }>();
  let nextSeries = 0;
  for (const s of samples) {
    const at = Math.min(s.at.getTime(), now);
    const refs = bucketsForSample(at, now);
    let byState = seriesOf.get(s.environmentId);
    if (!byState) seriesOf.set(s.environmentId, (byState = new Map()));
    let known = byState.get(s.flagState);
    if (!known) byState.set(s.flagState, (known = { id: nextSeries++, series: seriesOfSnapshot(s.environmentId, s.flagState) }));
    if (refs.length === 0 || known.series.length === 0) continue;
    let groupKey = String(known.id);
    for (const ref of refs) groupKey += `|${ref.res}${ref.start}`;
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = { series: known.series, refs, fields: new Map() }));
    const fields = group.fields;
    const add = (suffix: string, n: number) => fields.set(suffix, (fields.get(suffix) ?? 0) + n);
    if (s.kind === "response") {
      add(FIELD.responses, 1);
      if (s.latencyMs !== null) add(`${FIELD.latency}${latencyBucket(s.latencyMs)}`, 1);
      if (s.costMicros !== null) {
        add(FIELD.costMicros, s.costMicros);
        add(FIELD.costCalls, 1);
      }
      if (s.error) add(FIELD.errors, 1);
    } else {
      add(s.kind === "harmful" ? FIELD.harmful : FIELD.reports, 1);
      if (at >= now - FINE_HORIZON_MS) hot = true;
    }
  }
  for (const { series, refs, fields } of groups.values()) {
    for (const ref of refs) {
      const key = bucketKey(projectId, ref);
      let hash = buckets.get(key);
      if (!hash) {
        buckets.set(key, (hash = new Map()));
        ttl.set(key, ref.res === "f" ? FINE_TTL_SECONDS : COARSE_TTL_SECONDS);
      }
      for (const id of series) {
        for (const [suffix, n] of fields) {
          const field = `${id}|${suffix}`;
          hash.set(field, (hash.get(field) ?? 0) + n);
        }
      }
    }
  }
  return { buckets, ttl, hot };
}
