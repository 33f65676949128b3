// Incidents: time to acknowledge / mitigate / resolve (median and p90 per
// interval), incidents and automated rollbacks on one timeline, and who
// mitigated — automation or people.
import "server-only";
import { pgPool } from "@/lib/db";
import { round } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

const DAY = 86_400_000;

export async function incidentsDashboard(projectId: string, range: ResolvedRange): Promise<Dashboard> {
  const pool = pgPool();
  // Trends are per day at least: incidents are rare.
  const stepS = Math.max(range.stepMs, DAY) / 1000;
  const [trend, totals, timeline, mitigations] = await Promise.all([
    pool.query<{ t: Date; n: number; tta50: number | null; tta90: number | null; ttm50: number | null; ttm90: number | null; ttr50: number | null; ttr90: number | null }>(
      `WITH i AS (
         SELECT date_bin(make_interval(secs => $4), "detectedAt", $2::timestamptz) AS t,
                extract(epoch FROM "acknowledgedAt" - "detectedAt") AS tta,
                extract(epoch FROM "mitigatedAt" - COALESCE("impactStartedAt", "detectedAt")) AS ttm,
                extract(epoch FROM "resolvedAt" - "detectedAt") AS ttr
           FROM "Incident" WHERE "projectId" = $1 AND "detectedAt" >= $2 AND "detectedAt" < $3)
       SELECT t, count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY tta) AS tta50, percentile_cont(0.9) WITHIN GROUP (ORDER BY tta) AS tta90,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ttm) AS ttm50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ttm) AS ttm90,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr) AS ttr50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ttr) AS ttr90
         FROM i GROUP BY t ORDER BY t`,
      [projectId, range.from, range.to, stepS],
    ),
    pool.query<{ n: number; open: number; automated: number; tta50: number | null; ttm50: number | null; ttm90: number | null; ttr50: number | null }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status <> 'RESOLVED')::int AS open, count(*) FILTER (WHERE source = 'AUTOMATED')::int AS automated,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "acknowledgedAt" - "detectedAt")) AS tta50,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "mitigatedAt" - COALESCE("impactStartedAt", "detectedAt"))) AS ttm50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM "mitigatedAt" - COALESCE("impactStartedAt", "detectedAt"))) AS ttm90,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "resolvedAt" - "detectedAt")) AS ttr50
         FROM "Incident" WHERE "projectId" = $1 AND "detectedAt" >= $2 AND "detectedAt" < $3`,
      [projectId, range.from, range.to],
    ),
    pool.query<{ at: Date; kind: string; what: string; detail: string; by: string }>(
      `(SELECT "detectedAt" AS at, 'incident' AS kind, 'INC-' || number || ' ' || title AS what, severity::text || ' · ' || status::text AS detail,
               CASE WHEN source = 'AUTOMATED' THEN 'automation' ELSE 'person' END AS by
          FROM "Incident" WHERE "projectId" = $1 AND "detectedAt" >= $2 AND "detectedAt" < $3 ORDER BY "detectedAt" DESC LIMIT 200)
       UNION ALL
       (SELECT v."createdAt", 'rollback', f.key || ' v' || v.version, 'exposure ' || round(v."exposureBps" / 100.0, 2) || ' % — ' || v.reason,
               COALESCE(v."actorLabel", lower(v."actorType"::text))
          FROM "FlagVersion" v JOIN "Flag" f ON f.id = v."flagId"
         WHERE f."projectId" = $1 AND v."actorType" IN ('RULE', 'SYSTEM') AND v.status = 'APPLIED' AND v."createdAt" >= $2 AND v."createdAt" < $3
         ORDER BY v."createdAt" DESC LIMIT 200)
       ORDER BY at DESC LIMIT 300`,
      [projectId, range.from, range.to],
    ),
    pool.query<{ by: string; n: number }>(
      `SELECT CASE WHEN e."actorType" = 'USER' THEN 'manual' ELSE 'automated' END AS by, count(*)::int AS n
         FROM "IncidentEvent" e JOIN "Incident" i ON i.id = e."incidentId"
        WHERE i."projectId" = $1 AND e.kind = 'mitigated' AND e."createdAt" >= $2 AND e."createdAt" < $3 GROUP BY 1`,
      [projectId, range.from, range.to],
    ),
  ]);
  const t = totals.rows[0]!;
  const mit = new Map(mitigations.rows.map((m) => [m.by, m.n]));

  const trendChart: Chart = {
    id: "times",
    title: "Time to acknowledge, mitigate and resolve",
    description: "Median and p90 of the incidents detected in each interval. Mitigation is timed from the start of impact when known.",
    kind: "line",
    x: "time",
    series: ["ttaMedian", "ttmMedian", "ttmP90", "ttrMedian"],
    columns: [
      { key: "time", label: "Time", format: "time" },
      { key: "incidents", label: "Incidents", format: "int" },
      { key: "ttaMedian", label: "TTA median", format: "duration" },
      { key: "ttaP90", label: "TTA p90", format: "duration" },
      { key: "ttmMedian", label: "TTM median", format: "duration" },
      { key: "ttmP90", label: "TTM p90", format: "duration" },
      { key: "ttrMedian", label: "TTR median", format: "duration" },
      { key: "ttrP90", label: "TTR p90", format: "duration" },
    ],
    rows: trend.rows.map((r) => ({
      time: r.t.toISOString(),
      incidents: r.n,
      ttaMedian: round(r.tta50, 0),
      ttaP90: round(r.tta90, 0),
      ttmMedian: round(r.ttm50, 0),
      ttmP90: round(r.ttm90, 0),
      ttrMedian: round(r.ttr50, 0),
      ttrP90: round(r.ttr90, 0),
    })),
    emptyText: "No incidents in this range.",
  };
  const timelineChart: Chart = {
    id: "timeline",
    title: "Incidents and automated rollbacks",
    kind: "table",
    columns: [
      { key: "at", label: "When", format: "time" },
      { key: "kind", label: "What", format: "text" },
      { key: "what", label: "Subject", format: "text" },
      { key: "detail", label: "Detail", format: "text" },
      { key: "by", label: "By", format: "text" },
    ],
    rows: timeline.rows.map((r) => ({ at: r.at.toISOString(), kind: r.kind, what: r.what, detail: r.detail, by: r.by })),
    emptyText: "No incidents or automated rollbacks in this range.",
  };
  const mitigationChart: Chart = {
    id: "mitigations",
    title: "Automated versus manual mitigations",
    kind: "bar",
    x: "by",
    series: ["mitigations"],
    columns: [
      { key: "by", label: "Mitigated by", format: "text" },
      { key: "mitigations", label: "Mitigations", format: "int" },
    ],
    rows: [
      { by: "automation", mitigations: mit.get("automated") ?? 0 },
      { by: "people", mitigations: mit.get("manual") ?? 0 },
    ],
    emptyText: "No mitigations in this range.",
  };
  return {
    name: "incidents",
    title: "Incidents",
    description: "How fast incidents are acknowledged, mitigated and resolved, and what automation did.",
    range,
    tiles: [
      { label: "Incidents", value: t.n, format: "int", hint: `${t.open} not resolved · ${t.automated} opened by automation` },
      { label: "Median time to acknowledge", value: round(t.tta50, 0), format: "duration" },
      { label: "Median time to mitigate", value: round(t.ttm50, 0), format: "duration", hint: t.ttm90 === null ? undefined : `p90 ${Math.round(t.ttm90)} s` },
      { label: "Median time to resolve", value: round(t.ttr50, 0), format: "duration" },
    ],
    charts: [trendChart, mitigationChart, timelineChart],
    notes: [],
  };
}
