import { describe, expect, it } from "vitest";
import { describeJudgement, firstBreachingBucket, inCooldown, judge, mostDrastic, readMetric, type RuleSpec } from "@/lib/rollback/judge";
import { emptyCounts, latencyBucket, type Counts } from "@/lib/rollback/window";

const counts = (c: Partial<Omit<Counts, "latency">> & { latencies?: number[] } = {}): Counts => {
  const out = { ...emptyCounts(), ...c };
  for (const ms of c.latencies ?? []) out.latency[latencyBucket(ms)]! += 1;
  return out;
};
const harmful: RuleSpec = { metric: "HARMFUL_RATE", comparison: "ABSOLUTE", threshold: 0.005, minSamples: 200 };
const reports: RuleSpec = { metric: "REPORT_RATE", comparison: "BASELINE_MULTIPLE", threshold: 3, minSamples: 100 };

describe("metrics", () => {
  it("are rates of responses, p95 latency, error rate, and cost per call", () => {
    expect(readMetric("HARMFUL_RATE", counts({ responses: 400, harmful: 3 }))).toEqual({ value: 0.0075, samples: 400 });
    expect(readMetric("REPORT_RATE", counts({ responses: 0, reports: 2 }))).toEqual({ value: 0, samples: 0 });
    expect(readMetric("COST_PER_CALL", counts({ costMicros: 42_000, costCalls: 10 }))).toEqual({ value: 0.0042, samples: 10 });
    expect(readMetric("LATENCY_P95", counts({ latencies: [...Array(19).fill(150), 4500] }))!.samples).toBe(20);
    expect(readMetric("ERROR_RATE", counts({ responses: 200, errors: 5 }))).toEqual({ value: 0.025, samples: 200 });
    expect(readMetric("ERROR_RATE", counts())).toEqual({ value: 0, samples: 0 });
  });
});

describe("absolute thresholds", () => {
  it("breach only above the threshold", () => {
    expect(judge(harmful, counts({ responses: 400, harmful: 3 }), null).status).toBe("breach");
    expect(judge(harmful, counts({ responses: 400, harmful: 2 }), null).status).toBe("ok"); // exactly 0.5 %
  });
  it("need the minimum samples, however high the rate", () => {
    expect(judge(harmful, counts({ responses: 199, harmful: 199 }), null)).toMatchObject({ status: "insufficient_samples", value: 1, samples: 199, limit: 0.005 });
    expect(judge(harmful, counts({ responses: 200, harmful: 2 }), null).status).toBe("breach");
  });
});

describe("baseline multiples", () => {
  it("breach above the multiple of the earlier period's rate", () => {
    const baseline = counts({ responses: 1000, reports: 10 }); // 1 %
    expect(judge(reports, counts({ responses: 200, reports: 7 }), baseline)).toMatchObject({ status: "breach", baseline: 0.01, limit: 0.03, baselineSamples: 1000 });
    expect(judge(reports, counts({ responses: 200, reports: 6 }), baseline).status).toBe("ok");
  });
  it("floor a zero rate at one event in the baseline's samples", () => {
    const quiet = counts({ responses: 500 });
    expect(judge(reports, counts({ responses: 200, reports: 1 }), quiet)).toMatchObject({ status: "ok", baseline: 0.002, limit: 0.006 });
    expect(judge(reports, counts({ responses: 200, reports: 2 }), quiet).status).toBe("breach");
  });
  it("need the minimum samples in the baseline too", () => {
    expect(judge(reports, counts({ responses: 200, reports: 50 }), counts({ responses: 99 }))).toMatchObject({ status: "insufficient_baseline", baselineSamples: 99, limit: null });
    expect(judge(reports, counts({ responses: 200, reports: 50 }), null).status).toBe("insufficient_baseline");
  });
  it("compare latency to its baseline without a floor", () => {
    const rule: RuleSpec = { metric: "LATENCY_P95", comparison: "BASELINE_MULTIPLE", threshold: 2, minSamples: 10 };
    const before = counts({ latencies: Array(20).fill(150) });
    expect(judge(rule, counts({ latencies: Array(20).fill(450) }), before).status).toBe("breach");
    expect(judge(rule, counts({ latencies: Array(20).fill(180) }), before).status).toBe("ok");
  });
  it("judge the error rate like any rate", () => {
    const errors: RuleSpec = { metric: "ERROR_RATE", comparison: "ABSOLUTE", threshold: 0.05, minSamples: 100 };
    expect(judge(errors, counts({ responses: 1000, errors: 80 }), null).status).toBe("breach");
    expect(judge(errors, counts({ responses: 1000, errors: 20 }), null).status).toBe("ok");
    expect(judge(errors, counts({ responses: 50, errors: 50 }), null).status).toBe("insufficient_samples");
  });
});

describe("when the impact began", () => {
  it("is the first bucket above the limit on its own", () => {
    const buckets = [
      { start: 30, counts: counts({ responses: 100, harmful: 5 }) },
      { start: 10, counts: counts({ responses: 100 }) },
      { start: 20, counts: counts({ responses: 50, harmful: 1 }) },
    ];
    expect(firstBreachingBucket("HARMFUL_RATE", buckets, 0.005)).toBe(20);
    expect(firstBreachingBucket("HARMFUL_RATE", buckets, 0.5)).toBeNull();
  });
});

describe("cooldown", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("holds a rule back until its cooldown has passed since it last fired", () => {
    expect(inCooldown(null, 900, now)).toBe(false);
    expect(inCooldown(new Date(now.getTime() - 899_000), 900, now)).toBe(true);
    expect(inCooldown(new Date(now.getTime() - 900_000), 900, now)).toBe(false);
  });
});

describe("grading", () => {
  it("lets the most drastic of several breaching rules act", () => {
    const pick = (...actions: ("HALVE" | "LAST_SAFE" | "PAUSE" | "GLOBAL_KILL")[]) => mostDrastic(actions.map((action, i) => ({ action, i })))?.action;
    expect(pick("HALVE", "GLOBAL_KILL", "PAUSE")).toBe("GLOBAL_KILL");
    expect(pick("PAUSE", "HALVE")).toBe("HALVE");
    expect(pick("HALVE", "LAST_SAFE")).toBe("LAST_SAFE");
    expect(pick()).toBeUndefined();
  });
});

describe("the reason given", () => {
  it("names the rule, the value, the limit, the window and the samples", () => {
    const j = judge(harmful, counts({ responses: 400, harmful: 3 }), null);
    const text = describeJudgement({ ...harmful, name: "Harmful" }, j, { start: Date.UTC(2026, 11, 1, 11, 30), end: Date.UTC(2026, 11, 1, 12, 0) });
    expect(text).toBe('Rollback rule "Harmful": harmful-output rate 0.75 % > 0.50 % over 30 min (400 samples, 2026-12-01T11:30:00.000Z – 2026-12-01T12:00:00.000Z)');
    const b = judge(reports, counts({ responses: 200, reports: 7 }), counts({ responses: 1000, reports: 10 }));
    expect(describeJudgement({ ...reports, name: "Reports" }, b, { start: 0, end: 300_000 })).toContain("> 3× baseline 1.00 % (1000 samples) over 5 min (200 samples");
  });
});
