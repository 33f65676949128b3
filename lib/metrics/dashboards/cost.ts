// Cost and latency per call (p50/p95 from rollup histograms), by model and by
// flag variant, and latency over time.
import "server-only";
import { COST_MICROS_BOUNDS, LATENCY_MS_BOUNDS, quantile } from "@/lib/metrics/histogram";
import { addSums, emptySums, fillSteps, histsBy, latencySeries as readLatencySeries, metricSeries, metricSplits, ratio, round } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

const usd = (micros: number | null) => (micros === null ? null : round(micros / 1_000_000, 6));

export async function costDashboard(projectId: string, range: ResolvedRange): Promise<Dashboard> {
  const dims = ["model", "flag"];
  const [splits, { latency, cost }, rawSeries, latencySeries] = await Promise.all([
    metricSplits(projectId, range, dims),
    histsBy(projectId, range, dims),
    metricSeries(projectId, range),
    readLatencySeries(projectId, range),
  ]);
  const series = fillSteps(range, rawSeries, (t) => ({ ...emptySums(), t }));
  const total = series.reduce((a, s) => addSums(a, s), emptySums());

  const table = (dim: string, title: string, label: string): Chart => ({
    id: `by-${dim}`,
    title,
    kind: "bar",
    x: "key",
    series: ["latencyP50", "latencyP95"],
    columns: [
      { key: "key", label, format: "text" },
      { key: "calls", label: "Calls", format: "int" },
      { key: "latencyP50", label: "Latency p50", format: "ms" },
      { key: "latencyP95", label: "Latency p95", format: "ms" },
      { key: "costMean", label: "Cost per call (mean)", format: "usd" },
      { key: "costP50", label: "Cost p50", format: "usd" },
      { key: "costP95", label: "Cost p95", format: "usd" },
      { key: "costTotal", label: "Total cost", format: "usd" },
    ],
    rows: splits
      .filter((s) => s.dim === dim)
      .map((s) => {
        const id = `${dim}\u0000${s.key}`;
        const lh = latency.get(id) ?? [];
        const ch = cost.get(id) ?? [];
        return {
          key: s.key,
          calls: s.responses,
          latencyP50: round(quantile(lh, LATENCY_MS_BOUNDS, 0.5), 0),
          latencyP95: round(quantile(lh, LATENCY_MS_BOUNDS, 0.95), 0),
          costMean: usd(ratio(s.costSumMicros, s.costCount)),
          costP50: usd(quantile(ch, COST_MICROS_BOUNDS, 0.5)),
          costP95: usd(quantile(ch, COST_MICROS_BOUNDS, 0.95)),
          costTotal: usd(s.costSumMicros),
        };
      }),
    emptyText: "No calls in this range.",
  });

  const overTime: Chart = {
    id: "latency-trend",
    title: "Latency over time",
    kind: "line",
    x: "time",
    series: ["p50", "p95"],
    columns: [
      { key: "time", label: "Time", format: "time" },
      { key: "calls", label: "Calls", format: "int" },
      { key: "p50", label: "p50", format: "ms" },
      { key: "p95", label: "p95", format: "ms" },
      { key: "costPerCall", label: "Cost per call (mean)", format: "usd" },
    ],
    rows: series.map((s) => {
      const h = latencySeries.get(s.t.toISOString()) ?? [];
      return {
        time: s.t.toISOString(),
        calls: s.responses,
        p50: round(quantile(h, LATENCY_MS_BOUNDS, 0.5), 0),
        p95: round(quantile(h, LATENCY_MS_BOUNDS, 0.95), 0),
        costPerCall: usd(ratio(s.costSumMicros, s.costCount)),
      };
    }),
    emptyText: "No calls in this range.",
  };

  const allLatency = [...latencySeries.values()].reduce<number[]>((acc, h) => {
    h.forEach((n, i) => (acc[i] = (acc[i] ?? 0) + n));
    return acc;
  }, []);
  return {
    name: "cost",
    title: "Cost and latency",
    description: "What each call costs and how long it takes, by model and by flag variant.",
    range,
    tiles: [
      { label: "Calls", value: total.responses, format: "int" },
      { label: "Total cost", value: usd(total.costSumMicros), format: "usd" },
      { label: "Cost per call", value: usd(ratio(total.costSumMicros, total.costCount)), format: "usd" },
      { label: "Latency p95", value: round(quantile(allLatency, LATENCY_MS_BOUNDS, 0.95), 0), format: "ms" },
    ],
    charts: [overTime, table("model", "By model version", "Model version"), table("flag", "By flag variant", "Flag = variant")],
    notes: ["Percentiles are estimated from fixed histogram buckets (exact to within the bucket around them)."],
  };
}
