// Reads window counters: one pipeline for every bucket an evaluation needs.
import "server-only";
import { redis } from "@/lib/redis";
import { bucketKey, parseBucket, type BucketRef, type Counts } from "@/lib/rollback/window";

export const refId = (ref: BucketRef) => `${ref.res}:${ref.start}`;

/** Per bucket (refId), per series id, the counts. Missing buckets (nothing counted, or expired) are empty. */
export async function readBuckets(projectId: string, refs: readonly BucketRef[]): Promise<Map<string, Map<string, Counts>>> {
  const unique = [...new Map(refs.map((r) => [refId(r), r])).values()];
  const out = new Map<string, Map<string, Counts>>();
  if (unique.length === 0) return out;
  const pipeline = redis().pipeline();
  for (const ref of unique) pipeline.hgetall(bucketKey(projectId, ref));
  const replies = (await pipeline.exec()) ?? [];
  unique.forEach((ref, i) => {
    const [err, hash] = replies[i] ?? [null, {}];
    if (err) throw err;
    out.set(refId(ref), parseBucket((hash ?? {}) as Record<string, string>));
  });
  return out;
}
