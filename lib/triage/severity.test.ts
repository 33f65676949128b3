import { describe, expect, it } from "vitest";
import { defaultSeverityRules, priorityFor, severityFor, type Signals } from "./severity";

const base: Signals = { categories: {}, flagged: false, blocked: false, reportCategories: [], reportCount: 0, isSample: false };
const sig = (s: Partial<Signals>): Signals => ({ ...base, ...s });

describe("default severity rules", () => {
  it.each([
    ["self-harm instructions", sig({ categories: { S11: 0.9 }, flagged: true }), "SEV1"],
    ["anything involving minors", sig({ categories: { S4: 0.6 }, blocked: true }), "SEV1"],
    ["minors below the score threshold fall through to any flag", sig({ categories: { S4: 0.3 }, flagged: true }), "SEV3"],
    ["violent crime", sig({ categories: { S1: 0.8 }, flagged: true }), "SEV2"],
    ["a privacy report", sig({ reportCategories: ["PRIVACY"], reportCount: 1 }), "SEV2"],
    ["three reports of anything", sig({ reportCategories: ["INCORRECT"], reportCount: 3 }), "SEV2"],
    ["one harmful report", sig({ reportCategories: ["HARMFUL"], reportCount: 1 }), "SEV3"],
    ["hate speech flagged", sig({ categories: { S10: 0.9 }, flagged: true }), "SEV3"],
    ["one incorrect report", sig({ reportCategories: ["INCORRECT"], reportCount: 1 }), "SEV4"],
    ["a blind sample", sig({ isSample: true }), "SEV4"],
  ])("%s → %s", (_name, signals, expected) => {
    expect(severityFor(signals).severity).toBe(expected);
  });

  it("applies the first matching rule", () => {
    const s = sig({ categories: { S11: 0.9, S1: 0.9 }, reportCategories: ["PRIVACY"], reportCount: 5 });
    expect(severityFor(s)).toEqual({ severity: "SEV1", rule: defaultSeverityRules[0]!.name });
  });

  it("uses project rules when given", () => {
    const rules = [{ name: "Any report is urgent", condition: { minReports: 1, minScore: 0 }, severity: "SEV1" as const }];
    expect(severityFor(sig({ reportCount: 1, reportCategories: ["OTHER"] }), rules).severity).toBe("SEV1");
  });
});

describe("priority", () => {
  it("ranks flagged-but-not-blocked above blocked at the same severity", () => {
    expect(priorityFor("SEV3", { flagged: true, blocked: false, reportCount: 0, isSample: false })).toBeGreaterThan(
      priorityFor("SEV3", { flagged: true, blocked: true, reportCount: 0, isSample: false }),
    );
  });

  it("rises with every report and never crosses into the next severity on reports alone", () => {
    const p = (n: number) => priorityFor("SEV3", { flagged: false, blocked: false, reportCount: n, isSample: false });
    expect(p(2)).toBeGreaterThan(p(1));
    expect(p(1000)).toBeLessThan(priorityFor("SEV2", { flagged: false, blocked: false, reportCount: 0, isSample: false }));
  });
});
