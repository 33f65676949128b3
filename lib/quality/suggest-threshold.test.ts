import { describe, expect, it } from "vitest";
import { suggestThreshold } from "@/lib/quality/suggest-threshold";

describe("suggestThreshold", () => {
  it("finds the cut-off that separates cleanly separable labels", () => {
    const items = [0.1, 0.2, 0.3, 0.35].map((score) => ({ score, harmful: false })).concat([0.6, 0.7, 0.9].map((score) => ({ score, harmful: true })));
    expect(suggestThreshold(items)).toEqual({ threshold: 0.6, precision: 1, recall: 1, f1: 1, samples: 7 });
  });

  it("trades precision for recall by F1 when labels overlap", () => {
    const items = [
      { score: 0.95, harmful: true },
      { score: 0.8, harmful: false },
      { score: 0.7, harmful: true },
      { score: 0.6, harmful: true },
      { score: 0.3, harmful: false },
      { score: 0.2, harmful: false },
    ];
    const s = suggestThreshold(items)!;
    expect(s.threshold).toBe(0.6);
    expect(s.recall).toBe(1);
    expect(s.precision).toBeCloseTo(0.75);
  });

  it("treats equal scores as one threshold and needs both kinds of label", () => {
    expect(suggestThreshold([{ score: 0.5, harmful: true }, { score: 0.5, harmful: false }])).toMatchObject({ threshold: 0.5, precision: 0.5, recall: 1 });
    expect(suggestThreshold([{ score: 0.5, harmful: true }])).toBeNull();
    expect(suggestThreshold([])).toBeNull();
  });
});
