import { describe, expect, it } from "vitest";
import { countdown, formatDuration } from "@/lib/review/sla-countdown";

const MIN = 60_000;
const deadline = (kind: "first_triage" | "resolution" = "first_triage") => ({ kind, start: 0, due: 100 * MIN });

describe("SLA countdown", () => {
  it("is normal while at least a quarter of the window is left", () => {
    expect(countdown(deadline(), 75 * MIN)).toMatchObject({ state: "normal", text: "25:00", label: "First triage due in 25:00" });
  });

  it("is at risk with less than a quarter left", () => {
    expect(countdown(deadline("resolution"), 75 * MIN + 1000)).toMatchObject({ state: "at_risk", text: "24:59", label: "Resolution due in 24:59, at risk" });
  });

  it("is breached at and after the deadline, saying for how long", () => {
    expect(countdown(deadline(), 100 * MIN).state).toBe("breached");
    expect(countdown(deadline(), 190 * MIN)).toMatchObject({ state: "breached", text: "Breached 1h 30m ago" });
  });

  it("stops while paused and says when there is no deadline", () => {
    expect(countdown(deadline(), 500 * MIN, true).state).toBe("paused");
    expect(countdown(null, 0).state).toBe("none");
  });

  it("formats durations compactly", () => {
    expect(formatDuration(42_000)).toBe("0:42");
    expect(formatDuration(3 * 3600_000 + 7 * MIN)).toBe("3h 07m");
    expect(formatDuration(2 * 86_400_000 + 4 * 3600_000 + 5 * MIN)).toBe("2d 04h");
  });
});
