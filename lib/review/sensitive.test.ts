import { describe, expect, it } from "vitest";
import { isSensitiveCategory, sensitiveCategories } from "@/lib/review/sensitive";

describe("sensitive categories", () => {
  it("covers the MLCommons codes and plain words reviewers should not see unasked", () => {
    for (const c of ["S3", "S4", "S11", "S12", "sexual", "Violence", "self-harm", "self_harm", "minors", "sexual/minors", "violence/graphic"]) {
      expect(isSensitiveCategory(c), c).toBe(true);
    }
  });

  it("leaves other hazards unblurred", () => {
    for (const c of ["S1", "S10", "S13", "S110", "privacy", "hate", "selfharm-adjacent"]) expect(isSensitiveCategory(c), c).toBe(false);
  });

  it("lists the sensitive ones once, sorted", () => {
    expect(sensitiveCategories(["S11", "S10", "S11", "minors"])).toEqual(["S11", "minors"]);
  });
});
