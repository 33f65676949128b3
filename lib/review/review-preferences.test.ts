import { describe, expect, it } from "vitest";
import { parseReviewPreferences } from "@/lib/review/review-preferences";

describe("review preferences", () => {
  it("blurs sensitive content unless the reviewer turned it off", () => {
    expect(parseReviewPreferences({})).toEqual({ blurSensitive: true });
    expect(parseReviewPreferences(null)).toEqual({ blurSensitive: true });
    expect(parseReviewPreferences({ blurSensitive: false, breakReminderMinutes: 50 })).toEqual({ blurSensitive: false });
  });

  it("treats a malformed stored value as the default", () => {
    expect(parseReviewPreferences({ blurSensitive: "no" })).toEqual({ blurSensitive: true });
    expect(parseReviewPreferences([1, 2])).toEqual({ blurSensitive: true });
  });
});
