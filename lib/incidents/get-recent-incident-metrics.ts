// Response times for the incident list's header: the figures getIncidentMetrics
// gives (median, p90 and mean per step over the incidents detected in the
// period, measured as stats.ts measures them), but over at most the latest
// 10,000 incidents by number, read on the (projectId, number) index and
// summarised in Postgres, so the page costs the same with a million incidents
// as with a hundred. percentile_cont interpolates linearly, as stats.ts does.
// When the cap cuts the period short, `capped` says so, and so does the page.
import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { requireIncidentPermission } from "@/lib/incidents/incident-access";
import { incidentMetricsSchema, type IncidentMetricsInput } from "@/lib/incidents/schemas";
import type { Distribution, ResponseMetrics } from "@/lib/incidents/stats";

export const RECENT_INCIDENTS_CAP = 10_000;
const DEFAULT_PERIOD_MS = 90 * 86_400_000;
type Step = "ttd" | "tta" | "ttm" | "ttr";
type Row = { scanned: number; incidents: number } & Record<
  `${Step}_${"count" | "median" | "p90" | "mean"}`,
  number | null
>;

export async function getRecentIncidentMetrics(
  actor: Actor,
  projectId: string,
  input: IncidentMetricsInput = {},
  cap = RECENT_INCIDENTS_CAP,
): Promise<ResponseMetrics & { since: Date; capped: boolean }> {
  await requireIncidentPermission(actor, projectId, "incident:read");
  const data = incidentMetricsSchema.parse(input);
  const since = data.since ?? new Date(Date.now() - DEFAULT_PERIOD_MS);
  // Columns hold UTC without a zone; the ISO string cast to timestamp compares like with like.
  const [row] = await db().$queryRaw<Row[]>`
    WITH latest AS (
      SELECT "impactStartedAt" AS i, "detectedAt" AS d, "acknowledgedAt" AS a, "mitigatedAt" AS m, "resolvedAt" AS r
      FROM "Incident" WHERE "projectId" = ${projectId}::uuid
      ORDER BY number DESC LIMIT ${cap}
    ), spans AS (
      SELECT
        GREATEST(0, EXTRACT(EPOCH FROM d - COALESCE(i, d)) * 1000)::float8 AS ttd,
        CASE WHEN a IS NULL THEN NULL ELSE GREATEST(0, EXTRACT(EPOCH FROM a - d) * 1000)::float8 END AS tta,
        CASE WHEN m IS NULL THEN NULL ELSE GREATEST(0, EXTRACT(EPOCH FROM m - COALESCE(i, d)) * 1000)::float8 END AS ttm,
        CASE WHEN r IS NULL THEN NULL ELSE GREATEST(0, EXTRACT(EPOCH FROM r - COALESCE(i, d)) * 1000)::float8 END AS ttr
      FROM latest WHERE d >= ${since.toISOString()}::timestamp
    )
    SELECT
      (SELECT count(*) FROM latest)::int AS scanned,
      count(*)::int AS incidents,
      count(ttd)::int AS ttd_count, percentile_cont(0.5) WITHIN GROUP (ORDER BY ttd) AS ttd_median, percentile_cont(0.9) WITHIN GROUP (ORDER BY ttd) AS ttd_p90, avg(ttd) AS ttd_mean,
      count(tta)::int AS tta_count, percentile_cont(0.5) WITHIN GROUP (ORDER BY tta) AS tta_median, percentile_cont(0.9) WITHIN GROUP (ORDER BY tta) AS tta_p90, avg(tta) AS tta_mean,
      count(ttm)::int AS ttm_count, percentile_cont(0.5) WITHIN GROUP (ORDER BY ttm) AS ttm_median, percentile_cont(0.9) WITHIN GROUP (ORDER BY ttm) AS ttm_p90, avg(ttm) AS ttm_mean,
      count(ttr)::int AS ttr_count, percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr) AS ttr_median, percentile_cont(0.9) WITHIN GROUP (ORDER BY ttr) AS ttr_p90, avg(ttr) AS ttr_mean
    FROM spans`;
  const r = row!;
  const dist = (s: Step): Distribution => ({
    count: r[`${s}_count`] ?? 0,
    medianMs: r[`${s}_median`],
    p90Ms: r[`${s}_p90`],
    meanMs: r[`${s}_mean`],
  });
  return {
    incidents: r.incidents,
    ttd: dist("ttd"),
    tta: dist("tta"),
    ttm: dist("ttm"),
    ttr: dist("ttr"),
    since,
    // Numbers follow detection: when every incident read is inside the period, older ones may be too.
    capped: r.scanned === cap && r.incidents === cap,
  };
}
