// What a batch of committed samples adds to the window counters: per bucket
// hash, per field, an increment. Pure, no I/O (record-counters.ts gathers the
// samples and applies the increments).
import { seriesOfSnapshot } from "@/lib/rollback/series";
import { FIELD, bucketKey, bucketsForSample, latencyBucket, COARSE_TTL_SECONDS, FINE_TTL_SECONDS, FINE_HORIZON_MS } from "@/lib/rollback/window";

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

export function incrementsFor(projectId: string, samples: readonly Sample[], now: number): Increments {
  const buckets = new Map<string, Map<string, number>>();
  const ttl = new Map<string, number>();
  let hot = false;
  for (const s of samples) {
    const at = Math.min(s.at.getTime(), now);
    const refs = bucketsForSample(at, now);
    const series = seriesOfSnapshot(s.environmentId, s.flagState);
    if (refs.length === 0 || series.length === 0) continue;
    const fields: [string, number][] = [];
    if (s.kind === "response") {
      fields.push([FIELD.responses, 1]);
      if (s.latencyMs !== null) fields.push([`${FIELD.latency}${latencyBucket(s.latencyMs)}`, 1]);
      if (s.costMicros !== null) fields.push([FIELD.costMicros, s.costMicros], [FIELD.costCalls, 1]);
      if (s.error) fields.push([FIELD.errors, 1]);
    } else {
      fields.push([s.kind === "harmful" ? FIELD.harmful : FIELD.reports, 1]);
      if (at >= now - FINE_HORIZON_MS) hot = true;
    }
    for (const id of series) {
      for (const ref of refs) {
        const key = bucketKey(projectId, ref);
        let hash = buckets.get(key);
        if (!hash) {
          buckets.set(key, (hash = new Map()));
          ttl.set(key, ref.res === "f" ? FINE_TTL_SECONDS : COARSE_TTL_SECONDS);
        }
        for (const [suffix, n] of fields) {
          const field = `${id}|${suffix}`;
          hash.set(field, (hash.get(field) ?? 0) + n);
        }
      }
    }
  }
  return { buckets, ttl, hot };
}
