// Safety: harmful-output, false-refusal and report rates, overall and split
// by each dimension so that skew between cohorts, models and variants shows.
import "server-only";
import { db } from "@/lib/db";
import { DIMENSION_LABELS, type Dimension } from "@/lib/metrics/dimensions";
import { addSums, emptySums, fillSteps, metricSeries, metricSplits, per1k, round, userDays } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

export const SPLIT_DIMS: Dimension[] = ["flag", "model", "template", "env", "region", "device", "platform"];

/** Environment ids as their names (keys of the "env" dimension are ids). */
export async function environmentNames(projectId: string): Promise<Map<string, string>> {
  const envs = await db().environment.findMany({ where: { projectId }, select: { id: true, name: true } });
  return new Map(envs.map((e) => [e.id, e.name]));
}

export async function safetyDashboard(projectId: string, range: ResolvedRange): Promise<Dashboard> {
  const [rawSeries, splits, users, envs] = await Promise.all([
    metricSeries(projectId, range),
    metricSplits(projectId, range, SPLIT_DIMS),
    userDays(projectId, range, ["all", ...SPLIT_DIMS]),
    environmentNames(projectId),
  ]);
  const series = fillSteps(range, rawSeries, (t) => ({ ...emptySums(), t }));
  const total = series.reduce((a, s) => addSums(a, s), emptySums());
  const totalUsers = users.get("all\u0000") ?? 0;

  const trend: Chart = {
    id: "trend",
    title: "Rates over time",
    description: "Per 1,000 responses served in each interval.",
    kind: "line",
    x: "time",
    series: ["harmfulPer1k", "falseRefusalsPer1k", "reportsPer1k"],
    columns: [
      { key: "time", label: "Time", format: "time" },
      { key: "responses", label: "Responses", format: "int" },
      { key: "harmfulPer1k", label: "Harmful per 1,000", format: "rate1k" },
      { key: "falseRefusalsPer1k", label: "False refusals per 1,000", format: "rate1k" },
      { key: "reportsPer1k", label: "Reports per 1,000 responses", format: "rate1k" },
    ],
    rows: series.map((s) => ({
      time: s.t.toISOString(),
      responses: s.responses,
      harmfulPer1k: round(per1k(s.harmful, s.responses)),
      falseRefusalsPer1k: round(per1k(s.falseRefusals, s.responses)),
      reportsPer1k: round(per1k(s.reports, s.responses)),
    })),
    emptyText: "No responses in this range.",
  };

  const charts: Chart[] = [trend];
  for (const dim of SPLIT_DIMS) {
    const rows = splits.filter((s) => s.dim === dim);
    charts.push({
      id: `by-${dim}`,
      title: `By ${DIMENSION_LABELS[dim].toLowerCase()}`,
      kind: "bar",
      x: "key",
      series: ["harmfulPer1k", "reportsPer1kUsers"],
      columns: [
        { key: "key", label: DIMENSION_LABELS[dim], format: "text" },
        { key: "responses", label: "Responses", format: "int" },
        { key: "harmful", label: "Harmful", format: "int" },
        { key: "harmfulPer1k", label: "Harmful per 1,000", format: "rate1k" },
        { key: "falseRefusalsPer1k", label: "False refusals per 1,000", format: "rate1k" },
        { key: "reports", label: "Reports", format: "int" },
        { key: "userDays", label: "User-days", format: "int" },
        { key: "reportsPer1kUsers", label: "Reports per 1,000 users", format: "rate1k" },
      ],
      rows: rows.map((s) => {
        const u = users.get(`${dim}\u0000${s.key}`) ?? 0;
        return {
          key: dim === "env" ? (envs.get(s.key) ?? s.key) : s.key,
          responses: s.responses,
          harmful: s.harmful,
          harmfulPer1k: round(per1k(s.harmful, s.responses)),
          falseRefusalsPer1k: round(per1k(s.falseRefusals, s.responses)),
          reports: s.reports,
          userDays: u,
          reportsPer1kUsers: round(per1k(s.reports, u)),
        };
      }),
      emptyText: "No responses in this range.",
    });
  }

  return {
    name: "safety",
    title: "Safety",
    description: "Harmful outputs, false refusals and user reports — overall and split so that skew shows.",
    range,
    tiles: [
      { label: "Responses", value: total.responses, format: "int" },
      { label: "Harmful per 1,000 responses", value: round(per1k(total.harmful, total.responses)), format: "rate1k", hint: `${total.harmful} harmful` },
      { label: "False refusals per 1,000 responses", value: round(per1k(total.falseRefusals, total.responses)), format: "rate1k", hint: `${total.reviewed} reviewed` },
      { label: "Reports per 1,000 users", value: round(per1k(total.reports, totalUsers)), format: "rate1k", hint: `${total.reports} reports, ${totalUsers} user-days` },
    ],
    charts,
    notes: [
      "A response counts as harmful when its final review label says so; until it is reviewed, when a classifier flagged or blocked it.",
      "Users are counted per UTC day (user-days): a user active on three days counts three times.",
    ],
  };
}
