import { describe, expect, it } from "vitest";
import { DEFAULT_LATENCY_SLO_MS, defaultRollbackRules } from "@/lib/rollback/default-rules";
import { rollbackRuleSchema } from "@/lib/rollback/schemas";

describe("the default rollback rules", () => {
  it("are valid rules", () => {
    for (const rule of defaultRollbackRules) expect(rollbackRuleSchema.parse(rule)).toEqual(rule);
  });
  it("carry the playbook's thresholds and graded actions", () => {
    expect(defaultRollbackRules.map((r) => [r.metric, r.comparison, r.threshold, r.windowSeconds, r.action])).toEqual([
      ["HARMFUL_RATE", "ABSOLUTE", 0.005, 1800, "HALVE"],
      ["HARMFUL_RATE", "ABSOLUTE", 0.01, 300, "GLOBAL_KILL"],
      ["REPORT_RATE", "BASELINE_MULTIPLE", 3, 300, "LAST_SAFE"],
      ["LATENCY_P95", "ABSOLUTE", 2 * DEFAULT_LATENCY_SLO_MS, 300, "PAUSE"],
    ]);
  });
});

describe("rule validation", () => {
  const base = { name: "r", metric: "HARMFUL_RATE", windowSeconds: 300, comparison: "ABSOLUTE", threshold: 0.01, action: "HALVE" } as const;
  it("fills in defaults", () => {
    expect(rollbackRuleSchema.parse(base)).toMatchObject({ minSamples: 100, cooldownSeconds: 900, dryRun: false, enabled: true, baselineWindowSeconds: null });
  });
  it("refuses a baseline rule without a baseline period and a rate given in percent; takes the error rate", () => {
    const issues = (x: unknown) => rollbackRuleSchema.safeParse(x).error?.issues.map((i) => i.path.join("."));
    expect(issues({ ...base, comparison: "BASELINE_MULTIPLE", threshold: 3 })).toEqual(["baselineWindowSeconds"]);
    expect(issues({ ...base, threshold: 5 })).toEqual(["threshold"]);
    expect(issues({ ...base, metric: "ERROR_RATE" })).toBeUndefined();
    expect(issues({ ...base, metric: "ERROR_RATE", threshold: 5 })).toEqual(["threshold"]);
  });
});
