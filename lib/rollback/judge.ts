// Whether a rollback rule's window breaches: the metric's value, the limit it
// is held to (a threshold, or a multiple of a baseline from an earlier
// period), minimum samples, cooldown, and which of several breaching rules
// acts. Pure, no I/O.
import { histogramQuantile, type Counts } from "@/lib/rollback/window";

export const rollbackMetrics = ["HARMFUL_RATE", "REPORT_RATE", "LATENCY_P95", "ERROR_RATE", "COST_PER_CALL"] as const;
export type RollbackMetric = (typeof rollbackMetrics)[number];
export const rollbackActions = ["HALVE", "LAST_SAFE", "PAUSE", "GLOBAL_KILL"] as const;
export type RollbackAction = (typeof rollbackActions)[number];
export type Comparison = "ABSOLUTE" | "BASELINE_MULTIPLE";

/** Metrics the counters can compute (every one: errors come from interactions' `error`). */
export const supportedMetrics = ["HARMFUL_RATE", "REPORT_RATE", "LATENCY_P95", "ERROR_RATE", "COST_PER_CALL"] as const satisfies readonly RollbackMetric[];

export type MetricReading = { value: number; samples: number };

/**
 * The metric over some counts. Rates are fractions of responses (0.005 is
 * 0.5 %), latency is the p95 in ms, cost is currency units per call.
 */
export function readMetric(metric: RollbackMetric, c: Counts): MetricReading | null {
  switch (metric) {
    case "HARMFUL_RATE":
      return { value: c.responses ? c.harmful / c.responses : 0, samples: c.responses };
    case "REPORT_RATE":
      return { value: c.responses ? c.reports / c.responses : 0, samples: c.responses };
    case "LATENCY_P95": {
      const samples = c.latency.reduce((a, b) => a + b, 0);
      return { value: histogramQuantile(c.latency, 0.95) ?? 0, samples };
    }
    case "COST_PER_CALL":
      return { value: c.costCalls ? c.costMicros / c.costCalls / 1_000_000 : 0, samples: c.costCalls };
    case "ERROR_RATE":
      return { value: c.responses ? c.errors / c.responses : 0, samples: c.responses };
  }
}

export type RuleSpec = {
  metric: RollbackMetric;
  comparison: Comparison;
  threshold: number;
  minSamples: number;
};

export type JudgementStatus = "breach" | "ok" | "insufficient_samples" | "insufficient_baseline" | "unsupported";

export type Judgement = {
  status: JudgementStatus;
  value: number;
  samples: number;
  /** The baseline value as used (rates floored at one event in the baseline's samples); null for absolute rules. */
  baseline: number | null;
  baselineSamples: number | null;
  /** What the value was held to: the threshold, or threshold × baseline. */
  limit: number | null;
};

const isRate = (m: RollbackMetric) => m === "HARMFUL_RATE" || m === "REPORT_RATE" || m === "ERROR_RATE";

/**
 * Breach when the window has at least `minSamples` samples and its value is
 * above the limit. A baseline needs `minSamples` too. A rate baseline of zero
 * is floored at one event in its samples, so that "3× baseline" does not mean
 * "any event at all" for a flag that had none before.
 */
export function judge(rule: RuleSpec, window: Counts, baseline: Counts | null): Judgement {
  const reading = readMetric(rule.metric, window);
  if (!reading) return { status: "unsupported", value: 0, samples: 0, baseline: null, baselineSamples: null, limit: null };
  const base = { value: reading.value, samples: reading.samples, baseline: null, baselineSamples: null };
  if (rule.comparison === "ABSOLUTE") {
    const limit = rule.threshold;
    if (reading.samples < rule.minSamples) return { ...base, status: "insufficient_samples", limit };
    return { ...base, status: reading.value > limit ? "breach" : "ok", limit };
  }
  const before = baseline ? readMetric(rule.metric, baseline) : null;
  if (!before || before.samples < rule.minSamples) {
    return { ...base, status: "insufficient_baseline", baselineSamples: before?.samples ?? 0, limit: null };
  }
  const baselineValue = isRate(rule.metric) ? Math.max(before.value, 1 / before.samples) : before.value;
  const limit = rule.threshold * baselineValue;
  const withBaseline = { ...base, baseline: baselineValue, baselineSamples: before.samples, limit };
  if (reading.samples < rule.minSamples) return { ...withBaseline, status: "insufficient_samples" };
  return { ...withBaseline, status: reading.value > limit ? "breach" : "ok" };
}

/**
 * The start of the earliest bucket whose own value is above the limit (each
 * bucket judged alone, without minimum samples): when the impact began.
 */
export function firstBreachingBucket(metric: RollbackMetric, buckets: readonly { start: number; counts: Counts }[], limit: number): number | null {
  for (const b of [...buckets].sort((x, y) => x.start - y.start)) {
    const r = readMetric(metric, b.counts);
    if (r && r.samples > 0 && r.value > limit) return b.start;
  }
  return null;
}

export function inCooldown(lastFiredAt: Date | null, cooldownSeconds: number, now: Date): boolean {
  return lastFiredAt !== null && now.getTime() - lastFiredAt.getTime() < cooldownSeconds * 1000;
}

/** Graded from the least to the most drastic; when several rules breach for one flag, the most drastic acts. */
export const ACTION_GRADE: Record<RollbackAction, number> = { PAUSE: 1, HALVE: 2, LAST_SAFE: 3, GLOBAL_KILL: 4 };

export function mostDrastic<T extends { action: RollbackAction }>(candidates: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of candidates) if (!best || ACTION_GRADE[c.action] > ACTION_GRADE[best.action]) best = c;
  return best;
}

const METRIC_LABEL: Record<RollbackMetric, string> = {
  HARMFUL_RATE: "harmful-output rate",
  REPORT_RATE: "user-report rate",
  LATENCY_P95: "p95 latency",
  ERROR_RATE: "error rate",
  COST_PER_CALL: "cost per call",
};

export function formatValue(metric: RollbackMetric, v: number): string {
  if (isRate(metric)) return `${(v * 100).toFixed(2)} %`;
  if (metric === "LATENCY_P95") return `${Math.round(v)} ms`;
  return v.toFixed(4);
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** The readable account of a judgement that goes into version reasons, audit events and notifications. */
export function describeJudgement(rule: RuleSpec & { name: string }, j: Judgement, window: { start: number; end: number }): string {
  const label = METRIC_LABEL[rule.metric];
  const limit =
    rule.comparison === "ABSOLUTE" || j.baseline === null
      ? formatValue(rule.metric, j.limit ?? rule.threshold)
      : `${rule.threshold}× baseline ${formatValue(rule.metric, j.baseline)} (${j.baselineSamples} samples)`;
  const span = `${new Date(window.start).toISOString()} – ${new Date(window.end).toISOString()}`;
  return `Rollback rule "${rule.name}": ${label} ${formatValue(rule.metric, j.value)} > ${limit} over ${formatDuration(window.end - window.start)} (${j.samples} samples, ${span})`;
}
