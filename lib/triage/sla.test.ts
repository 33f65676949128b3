import { describe, expect, it } from "vitest";
import { shiftForPause, slaDeadlines } from "./sla";

const business = {
  firstTriageSeconds: 3600,
  resolutionSeconds: 8 * 3600,
  atRiskPercent: 75,
  calendar: "BUSINESS" as const,
  timeZone: "Europe/Berlin",
  workingDays: [1, 2, 3, 4, 5],
  workStartMinute: 9 * 60,
  workEndMinute: 17 * 60,
};

describe("SLA deadlines", () => {
  it("count calendar time by default", () => {
    const created = new Date("2026-11-20T15:30:00Z");
    const d = slaDeadlines(created, { firstTriageSeconds: 1800, resolutionSeconds: 4 * 3600, atRiskPercent: 75 });
    expect(d.firstTriageDueAt.toISOString()).toBe("2026-11-20T16:00:00.000Z");
    expect(d.atRiskAt.toISOString()).toBe("2026-11-20T15:52:30.000Z");
    expect(d.resolutionDueAt.toISOString()).toBe("2026-11-20T19:30:00.000Z");
  });

  it("count only working hours in a business calendar (Friday 16:30 Berlin + 1 h → Monday 09:30)", () => {
    const created = new Date("2026-11-20T15:30:00Z"); // Fri 16:30 CET
    const d = slaDeadlines(created, business);
    expect(d.firstTriageDueAt.toISOString()).toBe("2026-11-23T08:30:00.000Z"); // Mon 09:30 CET
    expect(d.resolutionDueAt.toISOString()).toBe("2026-11-23T15:30:00.000Z"); // 30 min Fri + 7.5 h Mon
  });

  it("move by the working time of a pause", () => {
    const deadline = new Date("2026-11-23T08:30:00Z");
    // Paused Friday 16:00 → Monday 10:00 CET: 1 h + 1 h of working time.
    const shifted = shiftForPause(deadline, new Date("2026-11-20T15:00:00Z"), new Date("2026-11-23T09:00:00Z"), business);
    expect(shifted!.toISOString()).toBe("2026-11-23T10:30:00.000Z");
  });
});
