import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pickedForDoubleReview, reviewStage, type StageLabel } from "@/lib/review/label-stage";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const label = (kind: StageLabel["kind"], verdict: string, s: number, reviewerId = "r1"): StageLabel => ({ kind, verdict, reviewerId, createdAt: at(s) });

describe("reviewStage", () => {
  it("starts with a primary review", () => {
    expect(reviewStage([], false)).toBe("primary");
    expect(reviewStage([], true)).toBe("primary");
  });

  it("waits for a second review after a primary one on an item picked for double review", () => {
    expect(reviewStage([label("PRIMARY", "HARMFUL", 1)], true)).toBe("second");
  });

  it("goes to adjudication when the second review disagrees, and not when it agrees", () => {
    expect(reviewStage([label("PRIMARY", "HARMFUL", 1), label("SECOND", "BENIGN", 2, "r2")], false)).toBe("adjudication");
    expect(reviewStage([label("PRIMARY", "HARMFUL", 1), label("SECOND", "HARMFUL", 2, "r2")], false)).toBe("primary");
  });

  it("is settled by an adjudication, and a later reopen starts with a primary review again", () => {
    const disputed = [label("PRIMARY", "HARMFUL", 1), label("SECOND", "BENIGN", 2, "r2")];
    expect(reviewStage([...disputed, label("ADJUDICATION", "BENIGN", 3, "lead")], false)).toBe("primary");
    expect(reviewStage([...disputed, label("ADJUDICATION", "BENIGN", 3, "lead"), label("PRIMARY", "HARMFUL", 4)], false)).toBe("primary");
  });
});

describe("pickedForDoubleReview", () => {
  it("never and always at the extremes", () => {
    const id = randomUUID();
    expect(pickedForDoubleReview(id, 0)).toBe(false);
    expect(pickedForDoubleReview(id, 10_000)).toBe(true);
  });

  it("is stable per item and close to the rate over many items", () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const picked = ids.filter((id) => pickedForDoubleReview(id, 2_000)).length;
    expect(picked / ids.length).toBeGreaterThan(0.18);
    expect(picked / ids.length).toBeLessThan(0.22);
    expect(ids.slice(0, 100).map((id) => pickedForDoubleReview(id, 2_000))).toEqual(ids.slice(0, 100).map((id) => pickedForDoubleReview(id, 2_000)));
  });
});
