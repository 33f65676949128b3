// How the rollback rules console words metrics, thresholds, durations and
// actions. Thresholds are stored as the services take them (rates as
// fractions, latency in ms, cost in currency units per call, or a multiple of
// the baseline); people read and type rates as percentages. Client-safe.
import type { RollbackAction, RollbackMetric, Comparison } from "@/lib/rollback/judge";

export const metricName: Record<RollbackMetric, string> = {
  HARMFUL_RATE: "Harmful-output rate",
  REPORT_RATE: "User-report rate",
  LATENCY_P95: "p95 latency",
  ERROR_RATE: "Error rate",
  COST_PER_CALL: "Cost per call",
};

export const metricHint: Record<RollbackMetric, string> = {
  HARMFUL_RATE: "Responses a classifier or reviewer found harmful, out of all responses",
  REPORT_RATE: "User reports, out of all responses",
  LATENCY_P95: "95th percentile of response latency",
  ERROR_RATE: "Responses that ended in an error, out of all responses",
  COST_PER_CALL: "Average cost of a call, in the project's currency units",
};

export const isRateMetric = (m: RollbackMetric) => m === "HARMFUL_RATE" || m === "REPORT_RATE" || m === "ERROR_RATE";

/** Up to `digits` decimals, without trailing zeros: 0.5, 12, 0.0042. */
function trimmed(v: number, digits: number): string {
  return Number(v.toFixed(digits)).toLocaleString("en", { maximumFractionDigits: digits });
}

/** A value of the metric in its unit: "0.62 %", "4,210 ms", "0.0042 per call". */
export function formatMetricValue(metric: RollbackMetric, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "—";
  if (isRateMetric(metric)) return `${trimmed(v * 100, 3)} %`;
  if (metric === "LATENCY_P95") return `${Math.round(v).toLocaleString("en")} ms`;
  return `${trimmed(v, 6)} per call`;
}

/** The threshold as a person reads it: the limit in the metric's unit, or the multiple of the baseline. */
export function formatThreshold(metric: RollbackMetric, comparison: Comparison, threshold: number): string {
  return comparison === "BASELINE_MULTIPLE"
    ? `${trimmed(threshold, 4)} × baseline`
    : formatMetricValue(metric, threshold);
}

/** The unit the threshold field is typed in. */
export function thresholdUnit(metric: RollbackMetric, comparison: Comparison): string {
  if (comparison === "BASELINE_MULTIPLE") return "× baseline";
  if (isRateMetric(metric)) return "%";
  if (metric === "LATENCY_P95") return "ms";
  return "currency units per call";
}

// Rounded to 12 significant digits, so that 0.5 % is stored as 0.005 and read back as 0.5, not 0.5000000000000001.
const clean = (v: number) => Number(v.toPrecision(12));

/** Stored threshold → the number in the form's unit. */
export function thresholdToInput(metric: RollbackMetric, comparison: Comparison, threshold: number): number {
  return comparison === "ABSOLUTE" && isRateMetric(metric) ? clean(threshold * 100) : threshold;
}

/** The number typed in the form's unit → the stored threshold. */
export function thresholdFromInput(metric: RollbackMetric, comparison: Comparison, typed: number): number {
  return comparison === "ABSOLUTE" && isRateMetric(metric) ? clean(typed / 100) : typed;
}

export const durationUnits = [
  { unit: "s", seconds: 1, label: "seconds" },
  { unit: "min", seconds: 60, label: "minutes" },
  { unit: "h", seconds: 3600, label: "hours" },
  { unit: "d", seconds: 86_400, label: "days" },
] as const;
export type DurationUnit = (typeof durationUnits)[number]["unit"];

export const secondsPer = (unit: string): number | undefined => durationUnits.find((u) => u.unit === unit)?.seconds;

/** A duration split for the form: the largest unit it is a whole number of. */
export function durationToInput(seconds: number): { amount: number; unit: DurationUnit } {
  for (const u of [...durationUnits].reverse()) {
    if (seconds >= u.seconds && seconds % u.seconds === 0) return { amount: seconds / u.seconds, unit: u.unit };
  }
  return { amount: seconds, unit: "s" };
}

/** "30 min", "1 d", "1 h 30 min", "45 s"; "none" for zero. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "none";
  const parts: string[] = [];
  let rest = seconds;
  for (const u of [...durationUnits].reverse()) {
    const n = Math.floor(rest / u.seconds);
    if (n > 0) parts.push(`${n} ${u.unit}`);
    rest -= n * u.seconds;
  }
  return parts.slice(0, 2).join(" ");
}

export const actionName: Record<RollbackAction, string> = {
  HALVE: "Halve the rollout",
  LAST_SAFE: "Restore the last safe version",
  PAUSE: "Pause widening",
  GLOBAL_KILL: "Global kill switch",
};

export const actionHint: Record<RollbackAction, string> = {
  HALVE: "Cuts the flag's rollout to half its current share",
  LAST_SAFE: "Goes back to the version before the latest widening",
  PAUSE: "Refuses further widening until someone lifts the pause; nobody loses the feature",
  GLOBAL_KILL: "Turns on the kill switch of the flag's environment: every flag there serves its fallback",
};

const actionPast: Record<RollbackAction, string> = {
  HALVE: "halved the rollout",
  LAST_SAFE: "restored the last safe version",
  PAUSE: "paused widening",
  GLOBAL_KILL: "turned on the environment's kill switch",
};

/** What a fired evaluation did, or in a dry run would have done. */
export function actionTakenText(action: RollbackAction, dryRun: boolean): string {
  const past = actionPast[action];
  return dryRun ? `Would have ${past}` : `${past.charAt(0).toUpperCase()}${past.slice(1)}`;
}
