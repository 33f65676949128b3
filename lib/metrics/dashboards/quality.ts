// Classifier quality: precision on flagged items and the miss rate estimated
// from blind samples, with 95 % intervals, and the threshold the labels
// suggest — as recomputed from all labels every few minutes.
import "server-only";
import { db } from "@/lib/db";
import { round } from "@/lib/metrics/dashboards/query";
import type { Chart, Dashboard, ResolvedRange } from "@/lib/metrics/dashboards/types";

export async function qualityDashboard(projectId: string, range: ResolvedRange): Promise<Dashboard> {
  const rows = await db().classifierQuality.findMany({ where: { projectId }, orderBy: [{ classifier: "asc" }, { category: "asc" }] });
  const updated = rows.reduce<Date | null>((a, r) => (!a || r.updatedAt > a ? r.updatedAt : a), null);
  const chart: Chart = {
    id: "classifiers",
    title: "Precision and miss rate per classifier and category",
    description: "Category * is the classifier as a whole.",
    kind: "bar",
    x: "name",
    series: ["precision", "missRate"],
    columns: [
      { key: "name", label: "Classifier / category", format: "text" },
      { key: "flaggedLabeled", label: "Flagged, labeled", format: "int" },
      { key: "precision", label: "Precision", format: "pct" },
      { key: "precisionLow", label: "95 % low", format: "pct" },
      { key: "precisionHigh", label: "95 % high", format: "pct" },
      { key: "sampledLabeled", label: "Blind samples", format: "int" },
      { key: "missRate", label: "Miss rate", format: "pct" },
      { key: "missRateLow", label: "95 % low", format: "pct" },
      { key: "missRateHigh", label: "95 % high", format: "pct" },
      { key: "suggestedThreshold", label: "Suggested threshold", format: "num" },
      { key: "thresholdPrecision", label: "…its precision", format: "pct" },
      { key: "thresholdRecall", label: "…its recall", format: "pct" },
      { key: "thresholdSamples", label: "Scored labels", format: "int" },
    ],
    rows: rows.map((r) => ({
      name: `${r.classifier} / ${r.category}`,
      flaggedLabeled: r.flaggedLabeled,
      precision: round(r.precision, 4),
      precisionLow: round(r.precisionLow, 4),
      precisionHigh: round(r.precisionHigh, 4),
      sampledLabeled: r.sampledLabeled,
      missRate: round(r.missRate, 4),
      missRateLow: round(r.missRateLow, 4),
      missRateHigh: round(r.missRateHigh, 4),
      suggestedThreshold: round(r.suggestedThreshold, 3),
      thresholdPrecision: round(r.thresholdPrecision, 4),
      thresholdRecall: round(r.thresholdRecall, 4),
      thresholdSamples: r.thresholdSamples,
    })),
    emptyText: "No labeled items with classifier verdicts yet.",
  };
  const whole = rows.filter((r) => r.category === "*");
  return {
    name: "quality",
    title: "Classifier quality",
    description: "How often each classifier is right when it flags, how much it misses, and where its threshold should be.",
    range,
    tiles: [
      { label: "Classifiers", value: whole.length, format: "int" },
      { label: "Labeled flagged items", value: whole.reduce((a, r) => a + r.flaggedLabeled, 0), format: "int" },
      { label: "Labeled blind samples", value: whole.reduce((a, r) => a + r.sampledLabeled, 0), format: "int" },
      { label: "Recomputed", value: updated ? updated.toISOString() : null, format: "time" },
    ],
    charts: [chart],
    notes: [
      "Computed from all labels to date (not the selected range), every five minutes.",
      "The suggested threshold is the score cut-off with the best F1 against reviewers' labels; it needs both harmful and benign labeled items.",
    ],
  };
}
