// Dashboard rollups. Anything that changes a bucket marks it dirty
// (RollupDirty); the rollup job recomputes each dirty bucket from the raw
// tables and replaces its rows, then rebuilds the hour above it from its
// minutes. Recomputing instead of incrementing makes every step idempotent:
// a redelivered batch, a crash half-way or two workers at once leave rows
// that equal a direct computation over the same data.
import "server-only";
import type pg from "pg";
import { pgGenericPlanPool, pgPool } from "@/lib/db";
import { addToHist, COST_MICROS_BOUNDS, DURATION_S_BOUNDS, emptyHist, LATENCY_MS_BOUNDS, mergeHist } from "@/lib/metrics/histogram";
import { dimensionsOf, type InteractionDims } from "@/lib/metrics/dimensions";

export type DirtyKind = "interactions" | "review" | "reviewer" | "users" | "business";
type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * Deletes name the hour as a range besides the minutes: the range is what lets
 * the planner use the primary key (projectId, grain, bucket, …) even when the
 * table's statistics are stale after a burst of rows.
 */
const hourEnd = (hour: Date) => new Date(hour.getTime() + HOUR);

// ---------------------------------------------------------------------------
// Marking

/** Re-marking a pending bucket moves its mark forward, so a recompute that read older data does not clear it. */
const MARK_CONFLICT = `ON CONFLICT (kind, "projectId", bucket) DO UPDATE SET "markedAt" = EXCLUDED."markedAt"`;

/**
 * Ingest marks the same bucket or two (this minute, today) for every batch,
 * and the worker runs many batches at once: re-marking each time made one row
 * the whole pipeline queued on (its row lock, and a version of it per batch —
 * 7.3 ms per mark, most of Postgres' time, under single-event ingest). A mark
 * moved forward less than this long ago is left as it is: a recompute clears
 * a mark only once it is SETTLE_MS old and unchanged since it was read, so it
 * reads at least SETTLE_MS minus this after any skipped touch, whose rows were
 * committed before it (the marks run after the ingest transaction).
 */
const RECENT_MARK = "interval '1 second'";
/** Leaves out buckets (d."projectId", d.kind, d.bucket) marked within RECENT_MARK. */
const UNLESS_MARKED_RECENTLY = `WHERE NOT EXISTS (SELECT 1 FROM "RollupDirty" r
   WHERE r.kind = d.kind AND r."projectId" = d."projectId" AND r.bucket = d.bucket AND r."markedAt" > clock_timestamp() - ${RECENT_MARK})`;

/**
 * Interaction minutes touched by an ingested batch; verdicts and reports count
 * with their interaction. (A minute's recompute also adds its new users to
 * their day: see addUsersSeen.)
 */
export async function markIngestDirty(
  batch: { projectId: string; interactions: string[]; verdicts: string[]; reports: string[]; minutes?: string[] },
  q: Queryable = pgGenericPlanPool(),
): Promise<void> {
  await finishIngestBatches([{ batch, outboxRow: null }], q);
}

/**
 * markIngestDirty for many batches (of any projects) and, in the same
 * statement, their outbox rows marked processed: the ingest worker's last
 * write for a job, done for all the jobs that finish together (see
 * workers/processors/triage.ts) in one round trip instead of two per job.
 */
export async function finishIngestBatches(
  items: { batch: { projectId: string; interactions: string[]; verdicts: string[]; reports: string[]; minutes?: string[] }; outboxRow: bigint | null }[],
  q: Queryable = pgGenericPlanPool(),
): Promise<void> {
  const minuteProjects: string[] = [];
  const minutes: string[] = [];
  const unnamed: string[] = [];
  const verdicts: string[] = [];
  const reports: string[] = [];
  const outboxRows: string[] = [];
  for (const { batch, outboxRow } of items) {
    if (outboxRow !== null) outboxRows.push(String(outboxRow));
    // A batch written by ingest names its interactions' minutes; an older one has them read back.
    if (batch.minutes) {
      for (const m of batch.minutes) {
        minuteProjects.push(batch.projectId);
        minutes.push(m);
      }
    } else unnamed.push(...batch.interactions);
    verdicts.push(...batch.verdicts);
    reports.push(...batch.reports);
  }
  if (minutes.length + unnamed.length + verdicts.length + reports.length + outboxRows.length === 0) return;
  await q.query({
    name: "finish-ingest-batches",
    text: `WITH touched AS (
       SELECT t.p AS "projectId", t.m AS "occurredAt" FROM unnest($1::uuid[], $2::timestamp[]) AS t(p, m)
       UNION ALL
       SELECT i."projectId", i."occurredAt" FROM "Interaction" i WHERE i.id = ANY($3::uuid[])
       UNION ALL
       SELECT i."projectId", i."occurredAt" FROM "Verdict" v
         JOIN "Interaction" i ON i."projectId" = v."projectId" AND i."requestId" = v."requestId"
        WHERE v.id = ANY($4::uuid[])
       UNION ALL
       SELECT i."projectId", i."occurredAt" FROM "UserReport" r
         JOIN "Interaction" i ON i."projectId" = r."projectId" AND i."requestId" = r."requestId"
        WHERE r.id = ANY($5::uuid[])
     ),
     marked AS (
       INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
       SELECT d."projectId", d.kind, d.bucket, clock_timestamp() FROM (
         SELECT DISTINCT t."projectId", 'interactions' AS kind, date_trunc('minute', t."occurredAt") AS bucket FROM touched t) d
       ${UNLESS_MARKED_RECENTLY}
       -- One order for every statement: two of them marking the same buckets lock them in the same order.
       ORDER BY d."projectId", d.bucket
       ${MARK_CONFLICT}
     ),
     processed AS (
       UPDATE "OutboxEvent" SET "processedAt" = now() WHERE id = ANY($6::bigint[]) AND "processedAt" IS NULL
     )
     SELECT 1`,
    values: [minuteProjects, minutes, unnamed, verdicts, reports, outboxRows],
  });
}

export async function markBusinessDirty(projectId: string, eventIds: string[], q: Queryable = pgPool()): Promise<void> {
  if (eventIds.length === 0) return;
  await q.query(
    `INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
     SELECT d."projectId", d.kind, d.bucket, clock_timestamp() FROM (
       SELECT DISTINCT $1::uuid AS "projectId", 'business' AS kind, date_trunc('minute', e."occurredAt") AS bucket FROM "BusinessEvent" e WHERE e.id = ANY($2::uuid[])) d
     ${UNLESS_MARKED_RECENTLY}
     ${MARK_CONFLICT}`,
    [projectId, eventIds],
  );
}

/**
 * The change-log scan reads rows stamped up to this long ago: a transaction
 * that commits later than this after its timestamp would be missed. Ours
 * are short (a label, an item transition).
 */
export const REVIEW_SETTLE_MS = 15_000;

async function readCursor(q: Queryable, name: string): Promise<Date> {
  const { rows } = await q.query<{ at: Date }>(`SELECT at FROM "RollupCursor" WHERE name = $1`, [name]);
  return rows[0]?.at ?? new Date(0);
}

async function writeCursor(q: Queryable, name: string, at: Date): Promise<void> {
  await q.query(`INSERT INTO "RollupCursor" (name, at) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET at = EXCLUDED.at`, [name, at]);
}

/**
 * Reviews change buckets too: a label settles whether a response was harmful
 * (its interaction's minute), counts for its reviewer (the label's minute),
 * and any item change moves SLA outcomes (the item's creation minute). These
 * are read from the tables' own timestamps, from a cursor up to `settleMs`
 * ago (database clock).
 */
export async function scanReviewChanges(q: Queryable = pgPool(), opts: { settleMs?: number; limit?: number } = {}): Promise<{ labels: number; items: number }> {
  const settle = (opts.settleMs ?? REVIEW_SETTLE_MS) / 1000;
  const limit = opts.limit ?? 20_000;
  type Scan = { until: Date; max: Date | null; n: number };
  const labels = await q.query<Scan>(
    `WITH bound AS (SELECT clock_timestamp() - make_interval(secs => $3) AS until),
     l AS (
       SELECT l."projectId", l."createdAt", t."requestId" FROM "Label" l JOIN "TriageItem" t ON t.id = l."triageItemId"
        WHERE l."createdAt" > $1 AND l."createdAt" <= (SELECT until FROM bound) ORDER BY l."createdAt" LIMIT $2
     ), marks AS (
       INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
       SELECT m."projectId", m.kind, m.bucket, clock_timestamp() FROM (
         SELECT l."projectId", 'reviewer' AS kind, date_trunc('minute', l."createdAt") AS bucket FROM l
         UNION
         SELECT l."projectId", 'interactions', date_trunc('minute', i."occurredAt") FROM l
           JOIN "Interaction" i ON i."projectId" = l."projectId" AND i."requestId" = l."requestId"
       ) m
       ${MARK_CONFLICT}
     )
     SELECT (SELECT until FROM bound) AS until, max("createdAt") AS max, count(*)::int AS n FROM l`,
    [await readCursor(q, "labels"), limit, settle],
  );
  const items = await q.query<Scan>(
    `WITH bound AS (SELECT clock_timestamp() - make_interval(secs => $3) AS until),
     t AS (
       SELECT "projectId", "createdAt", "updatedAt" FROM "TriageItem"
        WHERE "updatedAt" > $1 AND "updatedAt" <= (SELECT until FROM bound) ORDER BY "updatedAt" LIMIT $2
     ), marks AS (
       INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
       SELECT "projectId", 'review', bucket, clock_timestamp() FROM (SELECT DISTINCT "projectId", date_trunc('minute', "createdAt") AS bucket FROM t) d
       ${MARK_CONFLICT}
     )
     SELECT (SELECT until FROM bound) AS until, max("updatedAt") AS max, count(*)::int AS n FROM t`,
    [await readCursor(q, "triage-items"), limit, settle],
  );
  // A full page stops at its last row (more may share later stamps); otherwise everything up to the bound is read.
  const next = (s: Scan) => (s.n >= limit && s.max ? s.max : s.until);
  await writeCursor(q, "labels", next(labels.rows[0]!));
  await writeCursor(q, "triage-items", next(items.rows[0]!));
  return { labels: labels.rows[0]!.n, items: items.rows[0]!.n };
}

// ---------------------------------------------------------------------------
// Bulk insert

async function insertRows(q: Queryable, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const perChunk = Math.floor(60_000 / columns.length);
  const cols = columns.map((c) => `"${c}"`).join(", ");
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(", ")})`);
    await q.query(`INSERT INTO "${table}" (${cols}) VALUES ${tuples.join(", ")}`, params);
  }
}

// ---------------------------------------------------------------------------
// Interactions

type Acc = {
  responses: number;
  errors: number;
  flagged: number;
  blocked: number;
  harmful: number;
  falseRefusals: number;
  reviewed: number;
  reports: number;
  reportedResponses: number;
  latencyCount: number;
  latencySumMs: number;
  latencyHist: number[];
  costCount: number;
  costSumMicros: number;
  costHist: number[];
  tokensIn: number;
  tokensOut: number;
};

/**
 * The definition every dashboard uses: the item's final label decides once
 * there is one (a lead's adjudication, else the latest primary label — as for
 * classifier quality); until then, the classifiers.
 */
export function isHarmful(r: { labelVerdict: string | null; flagged: boolean }): boolean {
  return r.labelVerdict !== null ? r.labelVerdict === "HARMFUL" : r.flagged;
}

function mergeAcc(into: Acc, from: Acc): void {
  into.responses += from.responses;
  into.errors += from.errors;
  into.flagged += from.flagged;
  into.blocked += from.blocked;
  into.harmful += from.harmful;
  into.falseRefusals += from.falseRefusals;
  into.reviewed += from.reviewed;
  into.reports += from.reports;
  into.reportedResponses += from.reportedResponses;
  into.latencyCount += from.latencyCount;
  into.latencySumMs += from.latencySumMs;
  mergeHist(into.latencyHist, from.latencyHist);
  into.costCount += from.costCount;
  into.costSumMicros += from.costSumMicros;
  mergeHist(into.costHist, from.costHist);
  into.tokensIn += from.tokensIn;
  into.tokensOut += from.tokensOut;
}

const METRIC_COLUMNS = ["projectId", "grain", "dim", "key", "bucket", "responses", "errors", "flagged", "blocked", "harmful", "falseRefusals", "reviewed", "reports", "reportedResponses", "latencyCount", "latencySumMs", "latencyHist", "costCount", "costSumMicros", "costHist", "tokensIn", "tokensOut"];

function metricRow(projectId: string, grain: "m" | "h", dim: string, key: string, bucket: Date, a: Acc): unknown[] {
  return [projectId, grain, dim, key, bucket, a.responses, a.errors, a.flagged, a.blocked, a.harmful, a.falseRefusals, a.reviewed, a.reports, a.reportedResponses, a.latencyCount, String(a.latencySumMs), a.latencyHist, a.costCount, String(a.costSumMicros), a.costHist, String(a.tokensIn), String(a.tokensOut)];
}

/**
 * What decides whether an interaction `i` was harmful (isHarmful): its
 * verdicts (v.flagged, v.blocked, v.fallback) and its item's final label
 * (lb.verdict). Shared by the rollups and the release gate's scoring.
 */
export const HARM_SIGNALS_SQL = `
  LEFT JOIN LATERAL (
    SELECT bool_or(v.decision <> 'PASS') AS flagged, bool_or(v.decision = 'BLOCK') AS blocked, bool_or(v.action = 'FALLBACK') AS fallback
      FROM "Verdict" v WHERE v."projectId" = i."projectId" AND v."requestId" = i."requestId") v ON true
  LEFT JOIN LATERAL (
    SELECT l.verdict FROM "TriageItem" t JOIN "Label" l ON l."triageItemId" = t.id
     WHERE t."projectId" = i."projectId" AND t."requestId" = i."requestId" AND l.kind IN ('PRIMARY', 'ADJUDICATION')
     ORDER BY (l.kind = 'ADJUDICATION') DESC, l."createdAt" DESC, l.id DESC LIMIT 1) lb ON true`;

/** A histogram's bucket counts as a SQL int[] (bucketOf: the number of bounds below the value, for integer values). */
const histSql = (bounds: readonly number[], bucket: string) =>
  `ARRAY[${Array.from({ length: bounds.length + 1 }, (_, i) => `count(*) FILTER (WHERE ${bucket} = ${i})`).join(", ")}]::int[]`;

/**
 * A minute's interactions summed per combination of dimension values (a busy
 * minute holds tens of thousands of rows that mostly share them), in the
 * shape of a stored rollup row (accFromStored), with the group's users.
 * Postgres adds them up; the worker then adds each group to its dimension
 * keys. "harmful" is isHarmful in SQL.
 */
const INTERACTION_GROUPS_SQL = `
WITH x AS (
  SELECT date_trunc('minute', i."occurredAt") AS minute, i."environmentId"::text AS "environmentId", i."modelProvider", i."modelId", i."modelVersion",
         i."promptTemplateId", i."promptTemplateVersion", i."flagState"::text AS "flagState", i.region, i."deviceClass", i.platform, i."userRef",
         i."latencyMs", i."costMicros", i."tokensIn", i."tokensOut", i."errorType" IS NOT NULL AS error,
         COALESCE(v.flagged, false) AS flagged, COALESCE(v.blocked, false) AS blocked, lb.verdict::text AS "labelVerdict",
         COALESCE(r.n, 0)::int AS reports,
         width_bucket(i."latencyMs" - 1, '{${LATENCY_MS_BOUNDS.join(",")}}'::int[]) AS lat,
         width_bucket(i."costMicros" - 1, '{${COST_MICROS_BOUNDS.join(",")}}'::bigint[]) AS cost
    FROM "Interaction" i
    ${HARM_SIGNALS_SQL}
    LEFT JOIN LATERAL (
      SELECT count(*) AS n FROM "UserReport" u WHERE u."projectId" = i."projectId" AND u."requestId" = i."requestId") r ON true
   WHERE i."projectId" = $1::uuid AND i."occurredAt" >= $2 AND i."occurredAt" < $3
     AND date_trunc('minute', i."occurredAt") = ANY($4::timestamptz[])
)
SELECT minute, "environmentId", "modelProvider", "modelId", "modelVersion", "promptTemplateId", "promptTemplateVersion", "flagState",
       region, "deviceClass", platform,
       count(*)::int AS responses,
       count(*) FILTER (WHERE error)::int AS errors,
       count(*) FILTER (WHERE flagged)::int AS flagged,
       count(*) FILTER (WHERE blocked)::int AS blocked,
       count(*) FILTER (WHERE COALESCE("labelVerdict" = 'HARMFUL', flagged))::int AS harmful,
       count(*) FILTER (WHERE "labelVerdict" = 'FALSE_REFUSAL')::int AS "falseRefusals",
       count("labelVerdict")::int AS reviewed,
       sum(reports)::int AS reports,
       count(*) FILTER (WHERE reports > 0)::int AS "reportedResponses",
       count("latencyMs")::int AS "latencyCount",
       COALESCE(sum("latencyMs"), 0)::text AS "latencySumMs",
       ${histSql(LATENCY_MS_BOUNDS, "lat")} AS "latencyHist",
       count("costMicros")::int AS "costCount",
       COALESCE(sum("costMicros"), 0)::text AS "costSumMicros",
       ${histSql(COST_MICROS_BOUNDS, "cost")} AS "costHist",
       COALESCE(sum("tokensIn"), 0)::text AS "tokensIn",
       COALESCE(sum("tokensOut"), 0)::text AS "tokensOut",
       array_agg(DISTINCT "userRef") FILTER (WHERE "userRef" IS NOT NULL) AS users
  FROM x
 GROUP BY minute, "environmentId", "modelProvider", "modelId", "modelVersion", "promptTemplateId", "promptTemplateVersion", "flagState",
          region, "deviceClass", platform`;

type InteractionGroup = Omit<StoredMetricRow, "dim" | "key"> & Omit<InteractionDims, "flagState"> & { minute: Date; flagState: string | null; users: string[] | null };

/** Recomputes the given minutes of one hour, then the hour. */
async function recomputeInteractionHour(client: pg.PoolClient, projectId: string, hour: Date, minutes: Date[], afterCommit: (() => void)[]): Promise<void> {
  const times = minutes.map((m) => m.getTime());
  // The minutes' own range (not the hour's): the planner then reads (projectId, occurredAt) for just those.
  const from = new Date(Math.max(hour.getTime(), Math.min(...times)));
  const to = new Date(Math.min(hour.getTime() + HOUR, Math.max(...times) + MINUTE));
  // Per interaction, the signal lookups are index probes (~1 µs). With a small
  // signal table the planner prefers scanning it for each of the minute's tens
  // of thousands of rows instead (~15 µs each: 2-3 s for a busy minute).
  await client.query("SET LOCAL enable_seqscan = off");
  const { rows } = await client.query<InteractionGroup>(INTERACTION_GROUPS_SQL, [projectId, from, to, minutes]);
  await client.query("RESET enable_seqscan");
  const perMinute = new Map<number, Map<string, Acc>>();
  for (const t of times) perMinute.set(t, new Map());
  const seen: SeenGroup[] = [];
  for (const g of rows) {
    const accs = perMinute.get(g.minute.getTime());
    if (!accs) continue;
    const flagState = g.flagState === null ? null : (JSON.parse(g.flagState) as unknown);
    const keys = dimensionsOf({ ...g, flagState });
    for (const [dim, key] of keys) {
      const id = `${dim}\u0000${key}`;
      const a = accs.get(id);
      if (a) mergeAcc(a, accFromStored(g));
      else accs.set(id, accFromStored(g));
    }
    if (g.users) seen.push({ keys, users: g.users });
  }
  const out: unknown[][] = [];
  for (const [minute, accs] of perMinute) {
    for (const [id, a] of accs) {
      const [dim, key] = id.split("\u0000") as [string, string];
      out.push(metricRow(projectId, "m", dim, key, new Date(minute), a));
    }
  }
  await client.query(`DELETE FROM "MetricRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $3 AND bucket < $4 AND bucket = ANY($2::timestamptz[])`, [projectId, minutes, hour, hourEnd(hour)]);
  await insertRows(client, "MetricRollup", METRIC_COLUMNS, out);
  await rebuildInteractionHour(client, projectId, hour);
  // The hour's minutes share one UTC day.
  await addUsersSeen(client, projectId, hour.toISOString().slice(0, 10), seen, afterCommit);
}

type StoredMetricRow = Omit<Acc, "latencySumMs" | "costSumMicros" | "tokensIn" | "tokensOut"> & {
  dim: string;
  key: string;
  latencySumMs: string;
  costSumMicros: string;
  tokensIn: string;
  tokensOut: string;
};

export function accFromStored(r: Omit<StoredMetricRow, "dim" | "key">): Acc {
  return {
    responses: r.responses,
    errors: r.errors,
    flagged: r.flagged,
    blocked: r.blocked,
    harmful: r.harmful,
    falseRefusals: r.falseRefusals,
    reviewed: r.reviewed,
    reports: r.reports,
    reportedResponses: r.reportedResponses,
    latencyCount: r.latencyCount,
    latencySumMs: Number(r.latencySumMs),
    latencyHist: mergeHist(emptyHist(LATENCY_MS_BOUNDS), r.latencyHist),
    costCount: r.costCount,
    costSumMicros: Number(r.costSumMicros),
    costHist: mergeHist(emptyHist(COST_MICROS_BOUNDS), r.costHist),
    tokensIn: Number(r.tokensIn),
    tokensOut: Number(r.tokensOut),
  };
}

async function rebuildInteractionHour(client: pg.PoolClient, projectId: string, hour: Date): Promise<void> {
  const { rows } = await client.query<StoredMetricRow>(
    `SELECT dim, key, responses, errors, flagged, blocked, harmful, "falseRefusals", reviewed, reports, "reportedResponses",
            "latencyCount", "latencySumMs"::text, "latencyHist", "costCount", "costSumMicros"::text, "costHist", "tokensIn"::text, "tokensOut"::text
       FROM "MetricRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $2 AND bucket < $3`,
    [projectId, hour, new Date(hour.getTime() + HOUR)],
  );
  const sums = new Map<string, Acc>();
  for (const r of rows) {
    const id = `${r.dim}\u0000${r.key}`;
    const a = sums.get(id);
    if (a) mergeAcc(a, accFromStored(r));
    else sums.set(id, accFromStored(r));
  }
  await client.query(`DELETE FROM "MetricRollup" WHERE "projectId" = $1 AND grain = 'h' AND bucket = $2`, [projectId, hour]);
  await insertRows(
    client,
    "MetricRollup",
    METRIC_COLUMNS,
    [...sums].map(([id, a]) => {
      const [dim, key] = id.split("\u0000") as [string, string];
      return metricRow(projectId, "h", dim, key, hour, a);
    }),
  );
}

// ---------------------------------------------------------------------------
// Triage items (SLA outcomes by creation minute and severity)

const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;

type ReviewAcc = {
  created: number;
  firstTriaged: number;
  resolved: number;
  firstTriageBreached: number;
  resolutionBreached: number;
  firstTriageHist: number[];
  resolutionHist: number[];
  firstTriageSumS: number;
  resolutionSumS: number;
};
const newReviewAcc = (): ReviewAcc => ({
  created: 0,
  firstTriaged: 0,
  resolved: 0,
  firstTriageBreached: 0,
  resolutionBreached: 0,
  firstTriageHist: emptyHist(DURATION_S_BOUNDS),
  resolutionHist: emptyHist(DURATION_S_BOUNDS),
  firstTriageSumS: 0,
  resolutionSumS: 0,
});
const REVIEW_COLUMNS = ["projectId", "grain", "bucket", "severity", "created", "firstTriaged", "resolved", "firstTriageBreached", "resolutionBreached", "firstTriageHist", "resolutionHist", "firstTriageSumS", "resolutionSumS"];
const reviewRow = (projectId: string, grain: "m" | "h", bucket: Date, severity: string, a: ReviewAcc): unknown[] => [
  projectId, grain, bucket, severity, a.created, a.firstTriaged, a.resolved, a.firstTriageBreached, a.resolutionBreached,
  a.firstTriageHist, a.resolutionHist, String(Math.round(a.firstTriageSumS)), String(Math.round(a.resolutionSumS)),
];

function mergeReview(into: ReviewAcc, from: ReviewAcc): void {
  into.created += from.created;
  into.firstTriaged += from.firstTriaged;
  into.resolved += from.resolved;
  into.firstTriageBreached += from.firstTriageBreached;
  into.resolutionBreached += from.resolutionBreached;
  mergeHist(into.firstTriageHist, from.firstTriageHist);
  mergeHist(into.resolutionHist, from.resolutionHist);
  into.firstTriageSumS += from.firstTriageSumS;
  into.resolutionSumS += from.resolutionSumS;
}

async function recomputeReviewHour(client: pg.PoolClient, projectId: string, hour: Date, minutes: Date[]): Promise<void> {
  const end = new Date(hour.getTime() + HOUR);
  const { rows } = await client.query<{
    createdAt: Date;
    severity: string;
    firstTriagedAt: Date | null;
    resolvedAt: Date | null;
    ftBreached: boolean;
    resBreached: boolean;
  }>(
    `SELECT "createdAt", severity::text, "firstTriagedAt", "resolvedAt",
            "firstTriageBreachedAt" IS NOT NULL AS "ftBreached", "resolutionBreachedAt" IS NOT NULL AS "resBreached"
       FROM "TriageItem" WHERE "projectId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3
        AND date_trunc('minute', "createdAt") = ANY($4::timestamptz[])`,
    [projectId, hour, end, minutes],
  );
  const accs = new Map<string, ReviewAcc>();
  for (const r of rows) {
    const minute = Math.floor(r.createdAt.getTime() / MINUTE) * MINUTE;
    const id = `${minute}\u0000${r.severity}`;
    let a = accs.get(id);
    if (!a) accs.set(id, (a = newReviewAcc()));
    a.created += 1;
    if (r.firstTriagedAt) {
      const s = Math.max(0, (r.firstTriagedAt.getTime() - r.createdAt.getTime()) / 1000);
      a.firstTriaged += 1;
      a.firstTriageSumS += s;
      addToHist(a.firstTriageHist, DURATION_S_BOUNDS, s);
    }
    if (r.resolvedAt) {
      const s = Math.max(0, (r.resolvedAt.getTime() - r.createdAt.getTime()) / 1000);
      a.resolved += 1;
      a.resolutionSumS += s;
      addToHist(a.resolutionHist, DURATION_S_BOUNDS, s);
    }
    if (r.ftBreached) a.firstTriageBreached += 1;
    if (r.resBreached) a.resolutionBreached += 1;
  }
  await client.query(`DELETE FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $3 AND bucket < $4 AND bucket = ANY($2::timestamptz[])`, [projectId, minutes, hour, hourEnd(hour)]);
  await insertRows(
    client,
    "ReviewRollup",
    REVIEW_COLUMNS,
    [...accs].map(([id, a]) => {
      const [minute, severity] = id.split("\u0000") as [string, string];
      return reviewRow(projectId, "m", new Date(Number(minute)), severity, a);
    }),
  );
  // The hour, from its minutes.
  const minuteRows = await client.query<ReviewAcc & { severity: string; firstTriageSumS: string; resolutionSumS: string }>(
    `SELECT severity::text, created, "firstTriaged", resolved, "firstTriageBreached", "resolutionBreached",
            "firstTriageHist", "resolutionHist", "firstTriageSumS"::text, "resolutionSumS"::text
       FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $2 AND bucket < $3`,
    [projectId, hour, end],
  );
  const hourAccs = new Map<string, ReviewAcc>();
  for (const r of minuteRows.rows) {
    const a = hourAccs.get(r.severity) ?? newReviewAcc();
    hourAccs.set(r.severity, a);
    mergeReview(a, { ...r, firstTriageSumS: Number(r.firstTriageSumS), resolutionSumS: Number(r.resolutionSumS) });
  }
  await client.query(`DELETE FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = 'h' AND bucket = $2`, [projectId, hour]);
  await insertRows(client, "ReviewRollup", REVIEW_COLUMNS, SEVERITIES.flatMap((s) => (hourAccs.has(s) ? [reviewRow(projectId, "h", hour, s, hourAccs.get(s)!)] : [])));
}

// ---------------------------------------------------------------------------
// Reviewer throughput (labels by the minute they were written)

async function recomputeReviewerHour(client: pg.PoolClient, projectId: string, hour: Date, minutes: Date[]): Promise<void> {
  const end = new Date(hour.getTime() + HOUR);
  await client.query(`DELETE FROM "ReviewerRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $3 AND bucket < $4 AND bucket = ANY($2::timestamptz[])`, [projectId, minutes, hour, hourEnd(hour)]);
  await client.query(
    `INSERT INTO "ReviewerRollup" ("projectId", grain, bucket, "reviewerId", labels, harmful)
     SELECT $1::uuid, 'm', date_trunc('minute', "createdAt"), "reviewerId", count(*), count(*) FILTER (WHERE verdict = 'HARMFUL')
       FROM "Label" WHERE "projectId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3
        AND date_trunc('minute', "createdAt") = ANY($4::timestamptz[])
      GROUP BY 3, 4`,
    [projectId, hour, end, minutes],
  );
  await client.query(`DELETE FROM "ReviewerRollup" WHERE "projectId" = $1 AND grain = 'h' AND bucket = $2`, [projectId, hour]);
  await client.query(
    `INSERT INTO "ReviewerRollup" ("projectId", grain, bucket, "reviewerId", labels, harmful)
     SELECT $1::uuid, 'h', $2::timestamptz, "reviewerId", sum(labels), sum(harmful)
       FROM "ReviewerRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $2 AND bucket < $3
      GROUP BY "reviewerId"`,
    [projectId, hour, end],
  );
}

// ---------------------------------------------------------------------------
// Business events (ROI)

async function recomputeBusinessHour(client: pg.PoolClient, projectId: string, hour: Date, minutes: Date[]): Promise<void> {
  const end = new Date(hour.getTime() + HOUR);
  await client.query(`DELETE FROM "BusinessRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $3 AND bucket < $4 AND bucket = ANY($2::timestamptz[])`, [projectId, minutes, hour, hourEnd(hour)]);
  await client.query(
    `INSERT INTO "BusinessRollup" ("projectId", grain, bucket, name, "flagKey", variant, n, sum, "sumSq")
     SELECT $1::uuid, 'm', date_trunc('minute', e."occurredAt"), e.name, f.key,
            COALESCE(f.value->>'variant', (f.value->'value')::text, 'null'), count(*), sum(e.value), sum(e.value * e.value)
       FROM "BusinessEvent" e CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(e."flagState") = 'object' THEN e."flagState" ELSE '{}'::jsonb END) f
      WHERE e."projectId" = $1 AND e."occurredAt" >= $2 AND e."occurredAt" < $3
        AND date_trunc('minute', e."occurredAt") = ANY($4::timestamptz[])
      GROUP BY 3, 4, 5, 6`,
    [projectId, hour, end, minutes],
  );
  await client.query(`DELETE FROM "BusinessRollup" WHERE "projectId" = $1 AND grain = 'h' AND bucket = $2`, [projectId, hour]);
  await client.query(
    `INSERT INTO "BusinessRollup" ("projectId", grain, bucket, name, "flagKey", variant, n, sum, "sumSq")
     SELECT $1::uuid, 'h', $2::timestamptz, name, "flagKey", variant, sum(n), sum(sum), sum("sumSq")
       FROM "BusinessRollup" WHERE "projectId" = $1 AND grain = 'm' AND bucket >= $2 AND bucket < $3
      GROUP BY name, "flagKey", variant`,
    [projectId, hour, end],
  );
}

// ---------------------------------------------------------------------------
// Distinct users per day (the report rate's denominator)

/**
 * Adds the (day, dimension, key, user) tuples a minute's recompute saw: the
 * ones new to their day raise that day's counts. A day's distinct users thus
 * cost what its minutes' new users cost, not a recount of the whole day (which
 * at millions of interactions a day took tens of seconds and a disk sort).
 * Recomputing a minute again adds nobody. Only days already counted in full
 * (UserDayCounted) grow this way; any other day — a new one, or one counted
 * before UserDaySeen existed — is marked for one recount and its tuples wait
 * for it (the recount reads them from the interactions).
 */
/** Interactions of a day that share their dimension keys, and their users. */
type SeenGroup = { keys: [dim: string, key: string][]; users: readonly string[] };

/**
 * Tuples this process knows to be in UserDaySeen (committed by its own
 * passes), per project and day, then per `dim\0key`: a busy day's minutes
 * mostly see users their day has seen already, and asking Postgres again
 * cost ~12 µs a tuple (90,000 tuples for a minute of 10,000 users). Rows of a
 * kept day are only ever removed by a recount, which puts back every tuple
 * its interactions have (these included), or by pruning, which forgets the
 * day here too. Bounded: cleared whole when it grows past KNOWN_SEEN_MAX.
 */
const knownSeen = new Map<string, Map<string, Set<string>>>();
let knownSeenSize = 0;
const KNOWN_SEEN_MAX = 300_000;

async function addUsersSeen(client: pg.PoolClient, projectId: string, day: string, groups: SeenGroup[], afterCommit: (() => void)[]): Promise<void> {
  if (!groups.some((g) => g.users.length > 0)) return;
  const dayId = `${projectId} ${day}`;
  const known = knownSeen.get(dayId);
  const dims: string[] = [];
  const keys: string[] = [];
  const users: string[] = [];
  const fresh = new Map<string, Set<string>>();
  for (const g of groups) {
    for (const [dim, key] of g.keys) {
      const id = `${dim}\u0000${key}`;
      const have = known?.get(id);
      let add = fresh.get(id);
      for (const u of g.users) {
        if (have?.has(u) || add?.has(u)) continue;
        if (!add) fresh.set(id, (add = new Set()));
        add.add(u);
        dims.push(dim);
        keys.push(key);
        users.push(u);
      }
    }
  }
  // Run even with no tuple left: it is also what marks an uncounted day for its recount.
  const { rows } = await client.query<{ counted: boolean }>(
    `WITH t AS (
       SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS t(dim, key, "userRef")
     ),
     counted AS (
       SELECT EXISTS (SELECT 1 FROM "UserDayCounted" c WHERE c."projectId" = $1 AND c.day = $2::date) AS counted
     ),
     uncounted AS (
       -- ON CONFLICT DO NOTHING: re-marking would keep moving the mark on, and it would never settle.
       INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
       SELECT $1::uuid, 'users', $2::date::timestamp, clock_timestamp() FROM counted WHERE NOT counted
       ON CONFLICT DO NOTHING
     ),
     added AS (
       INSERT INTO "UserDaySeen" ("projectId", day, dim, key, "userRef")
       SELECT $1::uuid, $2::date, t.dim, t.key, t."userRef" FROM t, counted WHERE counted.counted
       ON CONFLICT DO NOTHING
       RETURNING dim, key
     ),
     daily AS (
       INSERT INTO "MetricDailyUsers" ("projectId", day, dim, key, users)
       SELECT $1::uuid, $2::date, dim, key, count(*)::int FROM added GROUP BY dim, key
       ON CONFLICT ("projectId", day, dim, key) DO UPDATE SET users = "MetricDailyUsers".users + EXCLUDED.users
     )
     SELECT counted FROM counted`,
    [projectId, day, dims, keys, users],
  );
  if (!rows[0]?.counted) {
    // Its tuples wait for the recount; whatever was known of the day may be gone (a day counted before UserDaySeen existed).
    afterCommit.push(() => forgetSeen(dayId));
    return;
  }
  afterCommit.push(() => {
    let day = knownSeen.get(dayId);
    if (!day) knownSeen.set(dayId, (day = new Map()));
    for (const [id, added] of fresh) {
      const set = day.get(id);
      if (set) for (const u of added) set.add(u);
      else day.set(id, added);
      knownSeenSize += added.size;
    }
    if (knownSeenSize > KNOWN_SEEN_MAX) {
      knownSeen.clear();
      knownSeenSize = 0;
    }
  });
}

function forgetSeen(dayId: string): void {
  const day = knownSeen.get(dayId);
  if (!day) return;
  for (const set of day.values()) knownSeenSize -= set.size;
  knownSeen.delete(dayId);
}

// Kept in step with lib/metrics/dimensions.ts (a unit test compares them).
export const SQL_MODEL_KEY = `"modelProvider" || '/' || "modelId" || COALESCE('@' || "modelVersion", '')`;
export const SQL_TEMPLATE_KEY = `COALESCE("promptTemplateId" || COALESCE('@' || "promptTemplateVersion", ''), '(none)')`;

/**
 * Days whose (day, dimension, key, user) tuples are kept, counting today: late
 * events within these grow their day minute by minute; an older day's count is
 * recounted from its interactions when a minute of it changes (rare: late data).
 * Keeps UserDaySeen to a few days of rows however long the history.
 */
export const USER_DAYS_KEPT = 3;

/** The oldest day (UTC midnight) whose tuples are kept. */
function firstKeptDay(now = new Date()): Date {
  return new Date(Math.floor(now.getTime() / DAY) * DAY - (USER_DAYS_KEPT - 1) * DAY);
}

/** The (user, dimension, key) tuples of a day, from its interactions: $1 project, $2 day, $3 day's end. */
const USER_DAY_TUPLES_SQL = `
  WITH i AS (
    -- One row per user and combination of dimension values: far fewer than interactions.
    SELECT DISTINCT "userRef", "environmentId"::text AS env, ${SQL_MODEL_KEY} AS model, ${SQL_TEMPLATE_KEY} AS template,
           COALESCE(region, '(unknown)') AS region, COALESCE("deviceClass", '(unknown)') AS device,
           COALESCE(platform, '(unknown)') AS platform, "flagState"
      FROM "Interaction" WHERE "projectId" = $1 AND "occurredAt" >= $2 AND "occurredAt" < $3 AND "userRef" IS NOT NULL
  )
  SELECT DISTINCT d.dim, d.key, d."userRef" FROM (
    SELECT "userRef", 'all' AS dim, '' AS key FROM i
    UNION ALL SELECT "userRef", 'env', env FROM i
    UNION ALL SELECT "userRef", 'model', model FROM i
    UNION ALL SELECT "userRef", 'template', template FROM i
    UNION ALL SELECT "userRef", 'region', region FROM i
    UNION ALL SELECT "userRef", 'device', device FROM i
    UNION ALL SELECT "userRef", 'platform', platform FROM i
    UNION ALL SELECT i."userRef", 'flag', f.key || '=' || COALESCE(f.value->>'variant', (f.value->'value')::text, 'null')
      FROM i CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(i."flagState") = 'object' THEN i."flagState" ELSE '{}'::jsonb END) f
  ) d`;

/**
 * Recounts a day's distinct users from its interactions: a day's first
 * minutes, a rebuild (markAllDirty), or a change to a day older than the kept
 * ones. A kept day's tuples are stored, and from then on it grows with its
 * minutes (addUsersSeen); an older day's count is written directly.
 */
async function recomputeUsersDay(client: pg.PoolClient, projectId: string, day: Date): Promise<void> {
  const params = [projectId, day, new Date(day.getTime() + DAY)];
  await client.query(`DELETE FROM "UserDaySeen" WHERE "projectId" = $1 AND day = $2::date`, [projectId, day]);
  await client.query(`DELETE FROM "MetricDailyUsers" WHERE "projectId" = $1 AND day = $2::date`, [projectId, day]);
  if (day < firstKeptDay()) {
    await client.query(`DELETE FROM "UserDayCounted" WHERE "projectId" = $1 AND day = $2::date`, [projectId, day]);
    await client.query(
      `INSERT INTO "MetricDailyUsers" ("projectId", day, dim, key, users)
       SELECT $1::uuid, $2::date, dim, key, count(*)::int FROM (${USER_DAY_TUPLES_SQL}) t GROUP BY dim, key`,
      params,
    );
    return;
  }
  await client.query(`INSERT INTO "UserDaySeen" ("projectId", day, dim, key, "userRef") SELECT $1::uuid, $2::date, t.* FROM (${USER_DAY_TUPLES_SQL}) t`, params);
  await client.query(
    `INSERT INTO "MetricDailyUsers" ("projectId", day, dim, key, users)
     SELECT "projectId", day, dim, key, count(*)::int FROM "UserDaySeen" WHERE "projectId" = $1 AND day = $2::date GROUP BY 1, 2, 3, 4`,
    [projectId, day],
  );
  await client.query(`INSERT INTO "UserDayCounted" ("projectId", day) VALUES ($1, $2::date) ON CONFLICT DO NOTHING`, [projectId, day]);
}

/** Forgets the tuples of days no longer kept (their counts stay); at most once an hour per process. */
let prunedAt = 0;
async function pruneUserDays(client: pg.PoolClient): Promise<void> {
  if (Date.now() - prunedAt < HOUR) return;
  prunedAt = Date.now();
  const oldest = firstKeptDay();
  await client.query(`DELETE FROM "UserDayCounted" WHERE day < $1::date`, [oldest]);
  await client.query(`DELETE FROM "UserDaySeen" WHERE day < $1::date`, [oldest]);
  const oldestDay = oldest.toISOString().slice(0, 10);
  for (const dayId of [...knownSeen.keys()]) if (dayId.slice(-10) < oldestDay) forgetSeen(dayId);
}

// ---------------------------------------------------------------------------
// The job

type Mark = { projectId: string; kind: DirtyKind; bucket: Date; markedAt: Date };

/** afterCommit: what to do once the recompute is committed (and never if it is not). */
const recomputers: Record<Exclude<DirtyKind, "users">, (c: pg.PoolClient, p: string, hour: Date, minutes: Date[], afterCommit: (() => void)[]) => Promise<void>> = {
  interactions: recomputeInteractionHour,
  review: recomputeReviewHour,
  reviewer: recomputeReviewerHour,
  business: recomputeBusinessHour,
};

/**
 * How long a mark must rest before its bucket is recomputed. Ingest re-marks
 * the minute it is writing into with every batch, so a busy minute is
 * recomputed once, shortly after its traffic moves on, instead of on every
 * pass (a minute can hold tens of thousands of interactions). A user-day mark
 * is a recount of the whole day (a day's first minutes, and rebuilds; after
 * that minutes add their new users as they go): about once a minute. Review
 * changes are few and cheap: at once.
 */
export const SETTLE_MS: Record<DirtyKind, number> = { interactions: 10_000, business: 10_000, users: 60_000, review: 0, reviewer: 0 };

export type RollupResult = { buckets: number; hours: number; days: number; labels: number; items: number; ms: number };

/**
 * One pass: read the change logs, then recompute up to `maxHours` hours of
 * dirty buckets (oldest marks first). A mark is cleared only if nothing
 * re-marked it while its bucket was being recomputed. One pass at a time
 * across all workers (an advisory lock); others return at once.
 */
export async function runRollups(opts: { maxHours?: number; now?: Date; settleMs?: number } = {}): Promise<RollupResult | null> {
  const started = Date.now();
  const client = await pgPool().connect();
  try {
    const { rows: lock } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('rampart:rollups')) AS ok`);
    if (!lock[0]?.ok) return null;
    try {
      const scanned = await scanReviewChanges(client, { settleMs: opts.settleMs });
      await pruneUserDays(client);
      const { rows: marks } = await client.query<Mark>(
        `SELECT d."projectId"::text AS "projectId", d.kind, d.bucket, d."markedAt" FROM "RollupDirty" d
           JOIN unnest($1::text[], $2::timestamptz[]) AS s(kind, before) ON s.kind = d.kind
          WHERE d."markedAt" < s.before
          ORDER BY d."markedAt" LIMIT 20000`,
        [Object.keys(SETTLE_MS), Object.values(SETTLE_MS).map((ms) => new Date((opts.now ?? new Date()).getTime() - ms))],
      );
      const groups = new Map<string, { projectId: string; kind: DirtyKind; hour: Date; marks: Mark[] }>();
      for (const m of marks) {
        const hour = m.kind === "users" ? m.bucket : new Date(Math.floor(m.bucket.getTime() / HOUR) * HOUR);
        const id = `${m.kind}\u0000${m.projectId}\u0000${hour.getTime()}`;
        const g = groups.get(id) ?? { projectId: m.projectId, kind: m.kind, hour, marks: [] };
        g.marks.push(m);
        groups.set(id, g);
      }
      let hours = 0;
      let days = 0;
      let buckets = 0;
      for (const g of [...groups.values()].slice(0, opts.maxHours ?? 200)) {
        const afterCommit: (() => void)[] = [];
        await client.query("BEGIN");
        try {
          if (g.kind === "users") {
            await recomputeUsersDay(client, g.projectId, g.hour);
            days += 1;
          } else {
            await recomputers[g.kind](client, g.projectId, g.hour, g.marks.map((m) => m.bucket), afterCommit);
            hours += 1;
          }
          await client.query(
            `DELETE FROM "RollupDirty" d USING unnest($3::timestamptz[], $4::timestamptz[]) AS m(bucket, "markedAt")
              WHERE d.kind = $1 AND d."projectId" = $2 AND d.bucket = m.bucket AND d."markedAt" = m."markedAt"`,
            [g.kind, g.projectId, g.marks.map((m) => m.bucket), g.marks.map((m) => m.markedAt)],
          );
          await client.query("COMMIT");
          for (const f of afterCommit) f();
          buckets += g.marks.length;
        } catch (err) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw err;
        }
      }
      return { buckets, hours, days, ...scanned, ms: Date.now() - started };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('rampart:rollups'))`);
    }
  } finally {
    client.release();
  }
}

/** Runs passes until nothing is dirty (seeding, tests, benchmarks). */
export async function drainRollups(opts: { now?: Date } = {}): Promise<{ passes: number; hours: number }> {
  let passes = 0;
  let hours = 0;
  // Marks rest before they are taken (SETTLE_MS); draining treats them all as settled.
  const future = new Date((opts.now ?? new Date()).getTime() + 10 * Math.max(...Object.values(SETTLE_MS)));
  for (;;) {
    const r = await runRollups({ maxHours: 500, now: future, settleMs: 0 });
    if (r === null) {
      await new Promise((res) => setTimeout(res, 50));
      continue;
    }
    passes += 1;
    hours += r.hours + r.days;
    if (r.buckets === 0) {
      // A bulk rebuild leaves the planner's statistics far behind the tables.
      await pgPool().query(`ANALYZE "MetricRollup", "MetricDailyUsers", "ReviewRollup", "ReviewerRollup", "BusinessRollup"`);
      return { passes, hours };
    }
  }
}

/**
 * Marks every bucket of a project (or of all projects) dirty, so the next
 * passes rebuild its rollups from scratch: after a bulk load that bypassed
 * ingest (seeding, restores), or if rollups are ever in doubt.
 */
export async function markAllDirty(projectId: string | null = null, q: Queryable = pgPool()): Promise<number> {
  const { rowCount } = await q.query(
    `INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
     SELECT "projectId", kind, bucket, clock_timestamp() FROM (
       SELECT DISTINCT "projectId", 'interactions' AS kind, date_trunc('minute', "occurredAt") AS bucket FROM "Interaction" WHERE $1::uuid IS NULL OR "projectId" = $1
       UNION SELECT DISTINCT "projectId", 'users', date_trunc('day', "occurredAt") FROM "Interaction" WHERE $1::uuid IS NULL OR "projectId" = $1
       UNION SELECT DISTINCT "projectId", 'business', date_trunc('minute', "occurredAt") FROM "BusinessEvent" WHERE $1::uuid IS NULL OR "projectId" = $1
       UNION SELECT DISTINCT "projectId", 'review', date_trunc('minute', "createdAt") FROM "TriageItem" WHERE $1::uuid IS NULL OR "projectId" = $1
       UNION SELECT DISTINCT "projectId", 'reviewer', date_trunc('minute', "createdAt") FROM "Label" WHERE $1::uuid IS NULL OR "projectId" = $1
     ) d
     ${MARK_CONFLICT}`,
    [projectId],
  );
  return rowCount ?? 0;
}
