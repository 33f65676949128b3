import { describe, expect, it } from "vitest";
import { parseReviewPreferences } from "@/lib/review/review-preferences";

describe("review preferences", () => {
  it("blurs sensitive content unless the reviewer turned it off", () => {
    expect(parseReviewPreferences({})).toEqual({ blurSensitive: true, breakAfterSev1: 5 });
    expect(parseReviewPreferences(null)).toEqual({ blurSensitive: true, breakAfterSev1: 5 });
    expect(parseReviewPreferences({ blurSensitive: false, breakReminderMinutes: 50 })).toEqual({ blurSensitive: false, breakAfterSev1: 5 });
  });

  it("treats a malformed stored value as the default", () => {
    expect(parseReviewPreferences({ blurSensitive: "no" })).toEqual({ blurSensitive: true, breakAfterSev1: 5 });
    expect(parseReviewPreferences([1, 2])).toEqual({ blurSensitive: true, breakAfterSev1: 5 });
    expect(parseReviewPreferences({ breakAfterSev1: -3, breakTakenAt: "yesterday" })).toEqual({ blurSensitive: true, breakAfterSev1: 5 });
  });

  it("keeps the break reminder settings", () => {
    expect(parseReviewPreferences({ breakAfterSev1: 0, breakTakenAt: "2026-12-01T10:00:00.000Z" })).toEqual({
      blurSensitive: true,
      breakAfterSev1: 0,
      breakTakenAt: "2026-12-01T10:00:00.000Z",
    });
  });
});
