// Feeds the sliding-window counters from a batch of committed ingest events,
// in the worker (never on the HTTP path): one query gathers what the batch
// adds, one Redis script applies it.
//
// Verdicts and reports are attributed to the flags of their interaction's
// snapshot, and may arrive before or after it. Each is counted exactly once,
// decided from stored arrival times whatever order batches are processed in:
// with its own batch when its interaction had arrived by then, otherwise with
// the interaction's batch. Only a response's first harmful verdict counts, so
// two classifiers flagging one response make one harmful response.
//
// Counting is idempotent per batch (a redelivered batch changes nothing), so
// the outbox's at-least-once delivery does not inflate the rates.
import "server-only";
import { createHash } from "node:crypto";
import { pgGenericPlanPool } from "@/lib/db";
import { redis } from "@/lib/redis";
import { incrementsFor, type Sample } from "@/lib/rollback/increments";
import { counterPrefix } from "@/lib/rollback/window";
import { requestEvaluation } from "@/lib/rollback/request-evaluation";

export type CounterBatch = { projectId: string; interactions: string[]; verdicts: string[]; reports: string[] };

// Harmful verdicts and reports use the (projectId, requestId) indexes; the
// two halves of each (signal in this batch / interaction in this batch) are
// separate so that each can use its index.
const FIRST_HARMFUL = `v.decision <> 'PASS' AND NOT EXISTS (SELECT 1 FROM "Verdict" w WHERE w."projectId" = v."projectId" AND w."requestId" = v."requestId"
    AND w.decision <> 'PASS' AND (w."receivedAt", w.id) < (v."receivedAt", v.id))`;
// The batch's rows are found by primary key; the project is checked as a
// filter ("projectId"::text), never through an index on it: with statistics
// that lag a growing project, Postgres otherwise ANDs the primary key with a
// (projectId, …) index and reads every row id of the project (23 ms per
// batch at 500,000 interactions, growing with the project).
export const SAMPLES_SQL = `
WITH i AS (
  SELECT id, "requestId", "environmentId", "flagState", LEAST("occurredAt", "receivedAt") AS at, "receivedAt", "latencyMs", "costMicros", "errorType"
    FROM "Interaction" WHERE id = ANY($2::uuid[]) AND "projectId"::text = $1::text
)
-- Snapshots as text: the worker parses each distinct one once (a batch usually holds a few).
SELECT kind, "environmentId", "flagState"::text AS "flagState", at, "latencyMs", "costMicros", error FROM (
SELECT 'response' AS kind, i."environmentId"::text AS "environmentId", i."flagState", i.at, i."latencyMs", i."costMicros"::text AS "costMicros", i."errorType" IS NOT NULL AS error FROM i
UNION ALL
SELECT 'harmful', x."environmentId"::text, x."flagState", LEAST(x."occurredAt", x."receivedAt"), NULL, NULL, false
  FROM "Verdict" v JOIN "Interaction" x ON x."projectId" = v."projectId" AND x."requestId" = v."requestId"
 WHERE v.id = ANY($3::uuid[]) AND v."projectId"::text = $1::text AND x."receivedAt" <= v."receivedAt" AND ${FIRST_HARMFUL}
UNION ALL
SELECT 'harmful', i."environmentId"::text, i."flagState", i.at, NULL, NULL, false
  FROM i JOIN "Verdict" v ON v."projectId" = $1::uuid AND v."requestId" = i."requestId" AND v."receivedAt" < i."receivedAt"
 WHERE ${FIRST_HARMFUL}
UNION ALL
SELECT 'report', x."environmentId"::text, x."flagState", LEAST(r."occurredAt", r."receivedAt"), NULL, NULL, false
  FROM "UserReport" r JOIN "Interaction" x ON x."projectId" = r."projectId" AND x."requestId" = r."requestId"
 WHERE r.id = ANY($4::uuid[]) AND r."projectId"::text = $1::text AND x."receivedAt" <= r."receivedAt"
UNION ALL
SELECT 'report', i."environmentId"::text, i."flagState", LEAST(r."occurredAt", r."receivedAt"), NULL, NULL, false
  FROM i JOIN "UserReport" r ON r."projectId" = $1::uuid AND r."requestId" = i."requestId" AND r."receivedAt" < i."receivedAt"
) samples`;

// KEYS[1]: the batch's marker; KEYS[2..]: bucket hashes.
// ARGV[1]: marker TTL; then per bucket hash: TTL, field count, field, increment, …
const RECORD_LUA = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local a = 2
for k = 2, #KEYS do
  local ttl = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  a = a + 2
  for _ = 1, n do
    redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  redis.call('EXPIRE', KEYS[k], ttl)
end
return 1`;
const RECORD_SHA = createHash("sha1").update(RECORD_LUA).digest("hex");

/** Long enough to cover outbox redelivery and job retries of a batch. */
const BATCH_MARKER_TTL_SECONDS = 6 * 3600;

type Row = { kind: Sample["kind"]; environmentId: string; flagState: string | null; at: Date; latencyMs: number | null; costMicros: string | null; error: boolean };

export async function recordBatchCounters(batch: CounterBatch, now = Date.now()): Promise<{ counted: boolean; hot: boolean }> {
  if (batch.interactions.length + batch.verdicts.length + batch.reports.length === 0) return { counted: false, hot: false };
  const { rows } = await pgGenericPlanPool().query<Row>({
    name: "rollback-samples",
    text: SAMPLES_SQL,
    values: [batch.projectId, batch.interactions, batch.verdicts, batch.reports],
  });
  // One object per distinct snapshot: incrementsFor works out a snapshot's series once per object.
  const snapshots = new Map<string, unknown>();
  const snapshot = (text: string | null): unknown => {
    if (text === null) return null;
    let v = snapshots.get(text);
    if (v === undefined) snapshots.set(text, (v = JSON.parse(text)));
    return v;
  };
  const samples: Sample[] = rows.map((r) => ({ ...r, flagState: snapshot(r.flagState), costMicros: r.costMicros === null ? null : Number(r.costMicros) }));
  return applySamples(batch.projectId, `batch:${batchDigest(batch)}`, samples, now);
}

/**
 * Adds samples to the window counters once per `marker` (a redelivered batch,
 * or a second label on the same item, changes nothing).
 */
export async function applySamples(projectId: string, marker: string, samples: readonly Sample[], now = Date.now()): Promise<{ counted: boolean; hot: boolean }> {
  const inc = incrementsFor(projectId, samples, now);
  if (inc.buckets.size === 0) return { counted: false, hot: false };

  const keys = [`${counterPrefix(projectId)}${marker}`];
  const args: (string | number)[] = [BATCH_MARKER_TTL_SECONDS];
  for (const [key, fields] of inc.buckets) {
    keys.push(key);
    args.push(inc.ttl.get(key)!, fields.size);
    for (const [field, n] of fields) args.push(field, n);
  }
  const applied = await runScript(keys, args);
  return { counted: applied === 1, hot: applied === 1 && inc.hot };
}

function batchDigest(batch: CounterBatch): string {
  const h = createHash("sha256");
  for (const ids of [batch.interactions, batch.verdicts, batch.reports]) h.update([...ids].sort().join(",")).update(";");
  return h.digest("base64url");
}

async function runScript(keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis().evalsha(RECORD_SHA, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err as Error).message.startsWith("NOSCRIPT")) throw err;
    return redis().eval(RECORD_LUA, keys.length, ...keys, ...args);
  }
}

/**
 * For the ingest processor: counts the batch and, when it brought harmful
 * verdicts or reports, asks for an evaluation now rather than at the next
 * tick. Never throws: triage must not fail, or be retried, because Redis
 * counters could not be written; the batch is then missing from the windows.
 */
export async function countForRollback(batch: CounterBatch): Promise<void> {
  try {
    const { hot } = await recordBatchCounters(batch);
    if (hot) await requestEvaluation(batch.projectId);
  } catch (err) {
    console.warn(`[rollback] counters for a batch of project ${batch.projectId} not recorded: ${(err as Error).message}`);
  }
}
