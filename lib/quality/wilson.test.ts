import { describe, expect, it } from "vitest";
import { wilson } from "./wilson";

describe("Wilson interval", () => {
  it("matches published values", () => {
    // 8 of 10: [0.4902, 0.9433] (Wilson 1927 / Newcombe 1998 table)
    const r = wilson(8, 10)!;
    expect(r.rate).toBe(0.8);
    expect(r.low).toBeCloseTo(0.4902, 3);
    expect(r.high).toBeCloseTo(0.9433, 3);
  });

  it("gives a real upper bound when nothing was seen", () => {
    const r = wilson(0, 50)!;
    expect(r.low).toBe(0);
    expect(r.high).toBeGreaterThan(0.05);
    expect(r.high).toBeLessThan(0.1);
  });

  it("narrows as evidence grows", () => {
    const small = wilson(1, 20)!;
    const large = wilson(50, 1000)!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });

  it("has no interval without trials", () => {
    expect(wilson(0, 0)).toBeNull();
  });
});
