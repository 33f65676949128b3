import { describe, expect, it } from "vitest";
import { cohensKappa, type RatedPair } from "@/lib/review/kappa";

const repeat = (pair: RatedPair, n: number): RatedPair[] => Array.from({ length: n }, () => pair);

describe("cohensKappa", () => {
  it("is 1 for perfect agreement across several labels", () => {
    const r = cohensKappa([...repeat(["HARMFUL", "HARMFUL"], 3), ...repeat(["BENIGN", "BENIGN"], 5)]);
    expect(r).toEqual({ pairs: 8, agreements: 8, kappa: 1 });
  });

  it("matches a worked example (Cohen 1960 style 2×2 table)", () => {
    // a=20 both yes, b=5 yes/no, c=10 no/yes, d=15 both no: po=0.7, pe=0.5 → κ=0.4
    const pairs = [
      ...repeat(["HARMFUL", "HARMFUL"], 20),
      ...repeat(["HARMFUL", "BENIGN"], 5),
      ...repeat(["BENIGN", "HARMFUL"], 10),
      ...repeat(["BENIGN", "BENIGN"], 15),
    ];
    const r = cohensKappa(pairs);
    expect(r.pairs).toBe(50);
    expect(r.agreements).toBe(35);
    expect(r.kappa).toBeCloseTo(0.4, 10);
  });

  it("is negative when raters disagree more than chance", () => {
    const r = cohensKappa([...repeat(["HARMFUL", "BENIGN"], 5), ...repeat(["BENIGN", "HARMFUL"], 5)]);
    expect(r.kappa).toBeCloseTo(-1, 10);
  });

  it("is undefined with no pairs or when both always used the same label", () => {
    expect(cohensKappa([]).kappa).toBeNull();
    expect(cohensKappa(repeat(["BENIGN", "BENIGN"], 4))).toEqual({ pairs: 4, agreements: 4, kappa: null });
  });
});
