// Operations: the queue now (depth, oldest item), SLA outcomes and durations
// by severity, reviewer throughput and agreement.
import "server-only";
import { pgPool } from "@/lib/db";
import { openStatuses } from "@/lib/review/queue-schemas";
import { DURATION_S_BOUNDS, emptyHist, mergeHist, quantile } from "@/lib/metrics/histogram";
import { fillSteps, ratio, round } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"];

type ReviewSums = {
  created: number;
  firstTriaged: number;
  resolved: number;
  firstTriageBreached: number;
  resolutionBreached: number;
};

export async function operationsDashboard(projectId: string, range: ResolvedRange): Promise<Dashboard> {
  const pool = pgPool();
  const [queue, oldest, bySeverity, hists, trend, reviewers] = await Promise.all([
    pool.query<{ severity: string; n: number }>(
      `SELECT severity::text, count(*)::int AS n FROM "TriageItem" WHERE "projectId" = $1 AND status = ANY($2::"TriageStatus"[]) GROUP BY 1`,
      [projectId, openStatuses],
    ),
    pool.query<{ at: Date | null }>(
      `SELECT min("createdAt") AS at FROM "TriageItem" WHERE "projectId" = $1 AND status = ANY($2::"TriageStatus"[])`,
      [projectId, openStatuses],
    ),
    pool.query<ReviewSums & { severity: string }>(
      `SELECT severity::text, sum(created)::int AS created, sum("firstTriaged")::int AS "firstTriaged", sum(resolved)::int AS resolved,
              sum("firstTriageBreached")::int AS "firstTriageBreached", sum("resolutionBreached")::int AS "resolutionBreached"
         FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = $2 AND bucket >= $3 AND bucket < $4 GROUP BY 1`,
      [projectId, range.grain, range.from, range.to],
    ),
    pool.query<{ severity: string; ft: number[]; res: number[] }>(
      `SELECT severity::text, "firstTriageHist" AS ft, "resolutionHist" AS res
         FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = $2 AND bucket >= $3 AND bucket < $4`,
      [projectId, range.grain, range.from, range.to],
    ),
    pool.query<ReviewSums & { t: Date }>(
      `SELECT date_bin(make_interval(secs => $5), bucket, $3::timestamptz) AS t, sum(created)::int AS created, sum("firstTriaged")::int AS "firstTriaged",
              sum(resolved)::int AS resolved, sum("firstTriageBreached")::int AS "firstTriageBreached", sum("resolutionBreached")::int AS "resolutionBreached"
         FROM "ReviewRollup" WHERE "projectId" = $1 AND grain = $2 AND bucket >= $3 AND bucket < $4 GROUP BY 1 ORDER BY 1`,
      [projectId, range.grain, range.from, range.to, range.stepMs / 1000],
    ),
    pool.query<{ reviewerId: string; name: string; labels: number; harmful: number; kappa: number | null; pairs: number | null }>(
      `SELECT r."reviewerId"::text AS "reviewerId", u.name, r.labels, r.harmful, a.kappa, a.pairs
         FROM (SELECT "reviewerId", sum(labels)::int AS labels, sum(harmful)::int AS harmful FROM "ReviewerRollup"
                WHERE "projectId" = $1 AND grain = $2 AND bucket >= $3 AND bucket < $4 GROUP BY 1) r
         JOIN "User" u ON u.id = r."reviewerId"
         LEFT JOIN "ReviewerAgreement" a ON a."projectId" = $1 AND a."reviewerId" = r."reviewerId"
        ORDER BY r.labels DESC, u.name`,
      [projectId, range.grain, range.from, range.to],
    ),
  ]);

  // Histograms merged per severity (a range holds at most a few thousand rows).
  const ftHist = new Map<string, number[]>();
  const resHist = new Map<string, number[]>();
  const into = (m: Map<string, number[]>, k: string) => {
    let h = m.get(k);
    if (!h) m.set(k, (h = emptyHist(DURATION_S_BOUNDS)));
    return h;
  };
  for (const h of hists.rows) {
    mergeHist(into(ftHist, h.severity), h.ft);
    mergeHist(into(resHist, h.severity), h.res);
  }
  const depth = new Map(queue.rows.map((q) => [q.severity, q.n]));
  const totalDepth = queue.rows.reduce((a, q) => a + q.n, 0);
  const oldestAgeS = oldest.rows[0]?.at ? Math.max(0, (Date.now() - oldest.rows[0].at.getTime()) / 1000) : null;
  const sev = new Map(bySeverity.rows.map((r) => [r.severity, r]));
  const sum = (k: keyof ReviewSums) => bySeverity.rows.reduce((a, r) => a + r[k], 0);
  const compliance = (breached: number, created: number) => round(ratio(created - breached, created), 4);

  const slaChart: Chart = {
    id: "sla-by-severity",
    title: "SLA by severity",
    description: "Items created in the range; compliance is the share that has not breached.",
    kind: "bar",
    x: "severity",
    series: ["firstTriageBreached", "resolutionBreached"],
    columns: [
      { key: "severity", label: "Severity", format: "text" },
      { key: "open", label: "Open now", format: "int" },
      { key: "created", label: "Created", format: "int" },
      { key: "firstTriageCompliance", label: "First-triage SLA met", format: "pct" },
      { key: "resolutionCompliance", label: "Resolution SLA met", format: "pct" },
      { key: "firstTriageBreached", label: "First-triage breaches", format: "int" },
      { key: "resolutionBreached", label: "Resolution breaches", format: "int" },
      { key: "firstTriageP50", label: "First triage p50", format: "duration" },
      { key: "firstTriageP90", label: "First triage p90", format: "duration" },
      { key: "resolutionP50", label: "Resolution p50", format: "duration" },
      { key: "resolutionP90", label: "Resolution p90", format: "duration" },
    ],
    rows: SEVERITIES.map((s) => {
      const r = sev.get(s) ?? { created: 0, firstTriaged: 0, resolved: 0, firstTriageBreached: 0, resolutionBreached: 0 };
      const ft = ftHist.get(s) ?? [];
      const res = resHist.get(s) ?? [];
      return {
        severity: s,
        open: depth.get(s) ?? 0,
        created: r.created,
        firstTriageCompliance: compliance(r.firstTriageBreached, r.created),
        resolutionCompliance: compliance(r.resolutionBreached, r.created),
        firstTriageBreached: r.firstTriageBreached,
        resolutionBreached: r.resolutionBreached,
        firstTriageP50: round(quantile(ft, DURATION_S_BOUNDS, 0.5), 0),
        firstTriageP90: round(quantile(ft, DURATION_S_BOUNDS, 0.9), 0),
        resolutionP50: round(quantile(res, DURATION_S_BOUNDS, 0.5), 0),
        resolutionP90: round(quantile(res, DURATION_S_BOUNDS, 0.9), 0),
      };
    }),
    emptyText: "No items in this range.",
  };

  const flow: Chart = {
    id: "flow",
    title: "Items in and out",
    description: "By the time items were created.",
    kind: "line",
    x: "time",
    series: ["created", "resolved", "breaches"],
    columns: [
      { key: "time", label: "Time", format: "time" },
      { key: "created", label: "Created", format: "int" },
      { key: "firstTriaged", label: "First-triaged", format: "int" },
      { key: "resolved", label: "Resolved", format: "int" },
      { key: "breaches", label: "Breaches", format: "int" },
    ],
    rows: fillSteps(range, trend.rows, (t) => ({ t, created: 0, firstTriaged: 0, resolved: 0, firstTriageBreached: 0, resolutionBreached: 0 })).map((r) => ({
      time: r.t.toISOString(),
      created: r.created,
      firstTriaged: r.firstTriaged,
      resolved: r.resolved,
      breaches: r.firstTriageBreached + r.resolutionBreached,
    })),
    emptyText: "No items in this range.",
  };

  const people: Chart = {
    id: "reviewers",
    title: "Reviewer throughput and agreement",
    description: "Labels written in the range; Cohen's kappa over all double-reviewed items.",
    kind: "bar",
    x: "reviewer",
    series: ["labels"],
    columns: [
      { key: "reviewer", label: "Reviewer", format: "text" },
      { key: "labels", label: "Labels", format: "int" },
      { key: "harmful", label: "Labeled harmful", format: "int" },
      { key: "pairs", label: "Double-reviewed", format: "int" },
      { key: "kappa", label: "Kappa", format: "num" },
    ],
    rows: reviewers.rows.map((r) => ({ reviewer: r.name, labels: r.labels, harmful: r.harmful, pairs: r.pairs ?? 0, kappa: round(r.kappa, 3) })),
    emptyText: "No labels in this range.",
  };

  return {
    name: "operations",
    title: "Operations",
    description: "The review queue now, SLA compliance and review times by severity, and who is reviewing.",
    range,
    tiles: [
      { label: "Queue depth", value: totalDepth, format: "int", hint: SEVERITIES.map((s) => `${s} ${depth.get(s) ?? 0}`).join(" · ") },
      { label: "Oldest open item", value: round(oldestAgeS, 0), format: "duration" },
      { label: "First-triage SLA met", value: compliance(sum("firstTriageBreached"), sum("created")), format: "pct", hint: `${sum("created")} items created` },
      { label: "Resolution SLA met", value: compliance(sum("resolutionBreached"), sum("created")), format: "pct", hint: `${sum("resolutionBreached")} breaches` },
    ],
    charts: [slaChart, flow, people],
    notes: ["Queue depth and the oldest item are live; everything else covers items created (or labels written) in the range."],
  };
}
