import { describe, expect, it } from "vitest";
import { changeImpact } from "@/lib/flags/change-impact";
import { flagConfigSchema } from "@/lib/flags/schemas";

const at = (rolloutBps: number, enabled = true) => flagConfigSchema.parse({ enabled, rolloutBps });
const lead = { widen: true };
const reviewer = { widen: false };
const prod = { protected: true };
const staging = { protected: false };

describe("change impact", () => {
  it("raising a rollout exposes the difference and waits for approval in a protected environment", () => {
    expect(changeImpact(at(1000), at(3000), prod, lead)).toMatchObject({
      direction: "widening",
      outcome: "needs_approval",
      beforeBps: 1000,
      afterBps: 3000,
      newlyExposedBps: 2000,
      noLongerExposedBps: 0,
      subsetOfBefore: false,
    });
    expect(changeImpact(at(1000), at(3000), staging, lead).outcome).toBe("applies");
  });

  it("lowering a rollout keeps a subset and applies at once, for reviewers too", () => {
    expect(changeImpact(at(2500), at(1250), prod, reviewer)).toMatchObject({
      direction: "narrowing",
      outcome: "applies",
      newlyExposedBps: 0,
      noLongerExposedBps: 1250,
      subsetOfBefore: true,
    });
  });

  it("a reviewer may not widen", () => {
    expect(changeImpact(at(2500), at(5000), staging, reviewer).outcome).toBe("not_allowed");
  });

  it("a disabled flag exposes nobody, whatever its rollout", () => {
    const impact = changeImpact(at(1000, false), at(5000, false), prod, lead);
    expect(impact).toMatchObject({ beforeBps: 0, afterBps: 0, newlyExposedBps: 0, outcome: "needs_approval" });
    expect(changeImpact(at(5000, false), at(5000, true), staging, lead)).toMatchObject({
      newlyExposedBps: 5000,
      outcome: "applies",
    });
  });

  it("says when nothing changes and when targeting rules reach people the figures leave out", () => {
    expect(changeImpact(at(1000), at(1000), prod, lead).outcome).toBe("unchanged");
    const targeted = flagConfigSchema.parse({
      enabled: true,
      rolloutBps: 1000,
      rules: [{ id: "staff", conditions: [{ attribute: "segment", op: "in", values: ["staff"] }], variant: "on" }],
    });
    expect(changeImpact(targeted, { ...targeted, rolloutBps: 500 }, prod, lead).rulesUnaccounted).toBe(true);
    expect(changeImpact(at(1000), at(500), prod, lead).rulesUnaccounted).toBe(false);
  });
});
