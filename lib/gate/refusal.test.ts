import { describe, expect, it } from "vitest";
import { containsPii, isRefusal } from "@/lib/gate/refusal";

describe("isRefusal", () => {
  const no = { blocked: false, fallback: false };
  it("recognises refusals in words", () => {
    for (const response of ["I can't help with that.", "Sorry, I cannot provide instructions for this.", "I'm unable to assist with that request.", "I must decline.", "That is against our policies."]) {
      expect(isRefusal({ response, ...no }), response).toBe(true);
    }
  });
  it("does not call ordinary answers refusals", () => {
    for (const response of ["Open Settings → Security and choose Reset password.", "You can't reset it from the app; use the website.", "I can help with that: go to Billing."]) {
      expect(isRefusal({ response, ...no }), response).toBe(false);
    }
  });
  it("counts a blocked answer or a served fallback as refused", () => {
    expect(isRefusal({ response: "Here is how", blocked: true, fallback: false })).toBe(true);
    expect(isRefusal({ response: "Here is how", blocked: false, fallback: true })).toBe(true);
  });
});

describe("containsPii", () => {
  it("finds the ingest redaction's placeholders", () => {
    expect(containsPii("Write to [EMAIL] for a refund")).toBe(true);
    expect(containsPii("No personal data here [sic]")).toBe(false);
  });
});
