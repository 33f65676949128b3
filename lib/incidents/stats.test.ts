import { describe, expect, it } from "vitest";
import { distribution, incidentDurations, quantile, responseMetrics } from "@/lib/incidents/stats";
import { advanceStatus } from "@/lib/incidents/status";

const at = (min: number) => new Date(Date.UTC(2026, 11, 1, 12, 0) + min * 60_000);

describe("incident durations", () => {
  it("measure mitigation and resolution from the impact, acknowledgement from detection", () => {
    const d = incidentDurations({ impactStartedAt: at(0), detectedAt: at(2), acknowledgedAt: at(10), mitigatedAt: at(3), resolvedAt: at(60) });
    expect(d).toEqual({ ttdMs: 120_000, ttaMs: 480_000, ttmMs: 180_000, ttrMs: 3_600_000 });
  });
  it("start at detection when the impact start is unknown, and leave out steps not reached", () => {
    expect(incidentDurations({ impactStartedAt: null, detectedAt: at(5), acknowledgedAt: null, mitigatedAt: at(6), resolvedAt: null })).toEqual({
      ttdMs: 0,
      ttaMs: null,
      ttmMs: 60_000,
      ttrMs: null,
    });
  });
});

describe("distributions", () => {
  it("give median and p90 by linear interpolation", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
  it("are not dragged by one long incident the way a mean is", () => {
    const d = distribution([60_000, 60_000, 120_000, 120_000, 36_000_000, null]);
    expect(d.count).toBe(5);
    expect(d.medianMs).toBe(120_000);
    expect(d.meanMs).toBe(7_272_000);
  });
  it("summarise every step over a set of incidents", () => {
    const m = responseMetrics([
      { impactStartedAt: at(0), detectedAt: at(1), acknowledgedAt: at(5), mitigatedAt: at(1), resolvedAt: at(30) },
      { impactStartedAt: null, detectedAt: at(0), acknowledgedAt: null, mitigatedAt: null, resolvedAt: null },
    ]);
    expect(m.incidents).toBe(2);
    expect(m.ttm).toMatchObject({ count: 1, medianMs: 60_000, p90Ms: 60_000 });
    expect(m.tta.count).toBe(1);
    expect(m.ttd.count).toBe(2);
  });
});

describe("incident status", () => {
  it("only moves forward", () => {
    expect(advanceStatus("MITIGATED", "ACKNOWLEDGED")).toBe("MITIGATED");
    expect(advanceStatus("OPEN", "ACKNOWLEDGED")).toBe("ACKNOWLEDGED");
    expect(advanceStatus("ACKNOWLEDGED", "RESOLVED")).toBe("RESOLVED");
  });
});
