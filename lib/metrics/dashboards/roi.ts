// ROI: for one flag, each exposed variant against the control on the business
// outcomes client apps send (mean, difference, 95 % interval by Welch), and
// beside it what safety cost for each variant (harm, reviews, reports,
// incidents).
import "server-only";
import { pgPool } from "@/lib/db";
import { metricSplits, per1k, round } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

type Moments = { n: number; sum: number; sumSq: number };

export function welch(control: Moments, exposed: Moments): { diff: number; low: number | null; high: number | null; meanC: number; meanE: number } | null {
  if (control.n === 0 || exposed.n === 0) return null;
  const meanC = control.sum / control.n;
  const meanE = exposed.sum / exposed.n;
  const diff = meanE - meanC;
  if (control.n < 2 || exposed.n < 2) return { diff, low: null, high: null, meanC, meanE };
  const varC = Math.max(0, (control.sumSq - control.n * meanC * meanC) / (control.n - 1));
  const varE = Math.max(0, (exposed.sumSq - exposed.n * meanE * meanE) / (exposed.n - 1));
  const se = Math.sqrt(varC / control.n + varE / exposed.n);
  return { diff, low: diff - 1.959964 * se, high: diff + 1.959964 * se, meanC, meanE };
}

const CONTROL_NAMES = ["control", "off", "false", "disabled", "baseline"];

export async function roiDashboard(projectId: string, range: ResolvedRange, opts: { flag?: string | null; control?: string | null }): Promise<Dashboard> {
  const pool = pgPool();
  const flagRows = await pool.query<{ flagKey: string; variants: number }>(
    `SELECT "flagKey", count(DISTINCT variant)::int AS variants FROM "BusinessRollup"
      WHERE "projectId" = $1 AND grain = $2 AND bucket >= $3 AND bucket < $4 GROUP BY 1 ORDER BY 1`,
    [projectId, range.grain, range.from, range.to],
  );
  const flags = flagRows.rows.map((r) => r.flagKey);
  // Unless asked, the first flag whose outcomes span two variants: a flag everyone sees the same way has nothing to compare.
  const comparable = flagRows.rows.find((r) => r.variants >= 2)?.flagKey;
  const flag = opts.flag && flags.includes(opts.flag) ? opts.flag : (comparable ?? flags[0] ?? null);
  const base: Dashboard = {
    name: "roi",
    title: "ROI",
    description: "What a flag's exposed cohort gains on business outcomes against its control, and what safety cost for it.",
    range,
    tiles: [],
    charts: [],
    notes: [
      "Outcomes come from `outcome` events client apps send with the flags the user saw (SDK: trackOutcome).",
      "Intervals are 95 % (Welch): an interval that spans 0 means no measurable difference yet.",
    ],
    choices: { flags, flag, variants: [], control: null },
  };
  if (!flag) {
    base.charts.push({ id: "uplift", title: "Uplift against control", kind: "table", columns: [], rows: [], emptyText: "No business outcomes in this range. Send `outcome` events with the flag state to compare cohorts." });
    return base;
  }

  const [moments, splits, incidents] = await Promise.all([
    pool.query<Moments & { name: string; variant: string }>(
      `SELECT name, variant, sum(n)::int AS n, sum(sum)::float8 AS sum, sum("sumSq")::float8 AS "sumSq"
         FROM "BusinessRollup" WHERE "projectId" = $1 AND grain = $2 AND "flagKey" = $5 AND bucket >= $3 AND bucket < $4
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [projectId, range.grain, range.from, range.to, flag],
    ),
    metricSplits(projectId, range, ["flag"]),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Incident" i JOIN "Flag" f ON f.id = i."flagId"
        WHERE i."projectId" = $1 AND f.key = $4 AND i."detectedAt" >= $2 AND i."detectedAt" < $3`,
      [projectId, range.from, range.to, flag],
    ),
  ]);
  const variants = [...new Set(moments.rows.map((m) => m.variant))].sort();
  const control =
    opts.control && variants.includes(opts.control) ? opts.control : (variants.find((v) => CONTROL_NAMES.includes(v.replace(/^"|"$/g, "").toLowerCase())) ?? variants[0] ?? null);
  base.choices = { flags, flag, variants, control };

  const byMetric = new Map<string, Map<string, Moments>>();
  for (const m of moments.rows) {
    const v = byMetric.get(m.name) ?? new Map<string, Moments>();
    v.set(m.variant, m);
    byMetric.set(m.name, v);
  }
  const upliftRows: Chart["rows"] = [];
  for (const [name, perVariant] of byMetric) {
    const c = control ? perVariant.get(control) : undefined;
    for (const variant of variants) {
      if (variant === control) continue;
      const e = perVariant.get(variant);
      if (!c || !e) continue;
      const w = welch(c, e);
      if (!w) continue;
      upliftRows.push({
        metric: name,
        variant,
        controlN: c.n,
        exposedN: e.n,
        controlMean: round(w.meanC, 4),
        exposedMean: round(w.meanE, 4),
        difference: round(w.diff, 4),
        low: round(w.low, 4),
        high: round(w.high, 4),
        upliftPct: w.meanC !== 0 ? round(w.diff / Math.abs(w.meanC), 4) : null,
      });
    }
  }
  const uplift: Chart = {
    id: "uplift",
    title: `Uplift against control (${control ?? "—"})`,
    kind: "bar",
    x: "metric",
    series: ["upliftPct"],
    columns: [
      { key: "metric", label: "Outcome", format: "text" },
      { key: "variant", label: "Variant", format: "text" },
      { key: "controlN", label: "Control n", format: "int" },
      { key: "exposedN", label: "Exposed n", format: "int" },
      { key: "controlMean", label: "Control mean", format: "num" },
      { key: "exposedMean", label: "Exposed mean", format: "num" },
      { key: "difference", label: "Difference", format: "num" },
      { key: "low", label: "95 % low", format: "num" },
      { key: "high", label: "95 % high", format: "num" },
      { key: "upliftPct", label: "Uplift", format: "pct" },
    ],
    rows: upliftRows,
    emptyText: "Each outcome needs events from both the control and an exposed variant.",
  };

  const prefix = `${flag}=`;
  const safetyRows = splits
    .filter((s) => s.key.startsWith(prefix))
    .map((s) => ({
      variant: s.key.slice(prefix.length),
      responses: s.responses,
      harmful: s.harmful,
      harmfulPer1k: round(per1k(s.harmful, s.responses)),
      reviewed: s.reviewed,
      reports: s.reports,
      costTotal: round(s.costSumMicros / 1_000_000, 6),
    }));
  const safety: Chart = {
    id: "safety-cost",
    title: "What safety cost, per variant",
    kind: "table",
    columns: [
      { key: "variant", label: "Variant", format: "text" },
      { key: "responses", label: "Responses", format: "int" },
      { key: "harmful", label: "Harmful", format: "int" },
      { key: "harmfulPer1k", label: "Harmful per 1,000", format: "rate1k" },
      { key: "reviewed", label: "Reviewed items", format: "int" },
      { key: "reports", label: "User reports", format: "int" },
      { key: "costTotal", label: "LLM cost", format: "usd" },
    ],
    rows: safetyRows,
    emptyText: "No responses for this flag in this range.",
  };
  const exposedSafety = safetyRows.filter((r) => r.variant !== control);
  base.tiles = [
    { label: "Flag", value: flag, format: "text" },
    { label: "Outcomes compared", value: byMetric.size, format: "int" },
    { label: "Incidents for this flag", value: incidents.rows[0]?.n ?? 0, format: "int" },
    { label: "Reviewed items (exposed)", value: exposedSafety.reduce((a, r) => a + r.reviewed, 0), format: "int", hint: `${exposedSafety.reduce((a, r) => a + r.harmful, 0)} harmful outputs` },
  ];
  base.charts = [uplift, safety];
  return base;
}
