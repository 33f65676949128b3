// Releases: rates per model version and prompt-template version side by side,
// each with a 95 % interval and its difference from the whole project.
import "server-only";
import { wilson } from "@/lib/quality/wilson";
import { addSums, emptySums, metricSplits, per1k, round, userDays } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

export async function releasesDashboard(projectId: string, range: ResolvedRange): Promise<Dashboard> {
  const [splits, users] = await Promise.all([metricSplits(projectId, range, ["model", "template"]), userDays(projectId, range, ["model", "template"])]);
  const overall = splits.filter((s) => s.dim === "model").reduce((a, s) => addSums(a, s), emptySums());
  const overallRate = per1k(overall.harmful, overall.responses);

  const chart = (dim: "model" | "template", title: string, label: string): Chart => ({
    id: `by-${dim}`,
    title,
    kind: "bar",
    x: "key",
    series: ["harmfulPer1k", "reportsPer1k"],
    columns: [
      { key: "key", label, format: "text" },
      { key: "responses", label: "Responses", format: "int" },
      { key: "harmfulPer1k", label: "Harmful per 1,000", format: "rate1k" },
      { key: "harmfulLow", label: "95 % low", format: "rate1k" },
      { key: "harmfulHigh", label: "95 % high", format: "rate1k" },
      { key: "vsAll", label: "vs. all (per 1,000)", format: "rate1k" },
      { key: "reportsPer1k", label: "Reports per 1,000 responses", format: "rate1k" },
      { key: "reportsPer1kUsers", label: "Reports per 1,000 users", format: "rate1k" },
      { key: "falseRefusalsPer1k", label: "False refusals per 1,000", format: "rate1k" },
      { key: "errorsPer1k", label: "Errors per 1,000", format: "rate1k" },
    ],
    rows: splits
      .filter((s) => s.dim === dim)
      .map((s) => {
        const ci = wilson(s.harmful, s.responses);
        const rate = per1k(s.harmful, s.responses);
        return {
          key: s.key,
          responses: s.responses,
          harmfulPer1k: round(rate),
          harmfulLow: round(ci ? ci.low * 1000 : null),
          harmfulHigh: round(ci ? ci.high * 1000 : null),
          vsAll: rate === null || overallRate === null ? null : round(rate - overallRate),
          reportsPer1k: round(per1k(s.reports, s.responses)),
          reportsPer1kUsers: round(per1k(s.reports, users.get(`${dim}\u0000${s.key}`) ?? 0)),
          falseRefusalsPer1k: round(per1k(s.falseRefusals, s.responses)),
          errorsPer1k: round(per1k(s.errors, s.responses)),
        };
      })
      .sort((a, b) => String(a.key).localeCompare(String(b.key), undefined, { numeric: true })),
    emptyText: "No responses in this range.",
  });

  return {
    name: "releases",
    title: "Releases",
    description: "Did a model or prompt release make things better or worse? Versions side by side, with 95 % intervals.",
    range,
    tiles: [
      { label: "Responses", value: overall.responses, format: "int" },
      { label: "Harmful per 1,000 (all versions)", value: round(overallRate), format: "rate1k" },
      { label: "Model versions", value: splits.filter((s) => s.dim === "model").length, format: "int" },
      { label: "Template versions", value: splits.filter((s) => s.dim === "template").length, format: "int" },
    ],
    charts: [chart("model", "By model version", "Model version"), chart("template", "By prompt-template version", "Template version")],
    notes: ["Intervals are Wilson 95 % intervals: two versions whose intervals overlap may not differ at all."],
  };
}
