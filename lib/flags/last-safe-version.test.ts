import { describe, expect, it } from "vitest";
import { lastSafeVersion, type VersionStep } from "@/lib/flags/last-safe-version";

const v = (version: number, direction: string, baseVersion = version - 1, status: VersionStep["status"] = "APPLIED"): VersionStep => ({ version, status, diff: { direction, baseVersion } });

describe("the last safe version", () => {
  it("is the one in effect before the most recent widening", () => {
    // 1 created off, 2 enabled at 10 %, 3 widened to 50 %, 4 cut to 25 %
    const history = [v(1, "neutral", 0), v(2, "widening"), v(3, "widening"), v(4, "narrowing")];
    expect(lastSafeVersion(history, 4)).toEqual({ toVersion: 2 });
  });
  it("follows the base of an approved change, and ignores pending and rejected ones", () => {
    const history = [v(1, "neutral", 0), v(2, "widening", 1), v(3, "widening", 2, "REJECTED"), v(4, "widening", 2, "PENDING_APPROVAL"), v(5, "narrowing", 2)];
    expect(lastSafeVersion(history, 5)).toEqual({ toVersion: 1 });
  });
  it("is the flag disabled when it was widened at creation", () => {
    expect(lastSafeVersion([v(1, "widening", 0), v(2, "narrowing")], 2)).toEqual({ disable: true });
  });
  it("does not exist when the flag was never widened, or only after the current version", () => {
    expect(lastSafeVersion([v(1, "neutral", 0), v(2, "narrowing")], 2)).toBeNull();
    expect(lastSafeVersion([v(1, "neutral", 0), v(2, "widening", 1, "PENDING_APPROVAL")], 1)).toBeNull();
  });
});
