import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { countIngestResults, flagEvaluationCounts, processCountsFor, reasonSlot } from "@/lib/metrics/process-counters";

const valueOf = <T extends { value: number }>(rows: T[], match: Partial<T>) =>
  rows.find((r) => Object.entries(match).every(([k, v]) => r[k as keyof T] === v))?.value;

describe("process counters", () => {
  it("counts ingest statuses per kind, and events of no known kind as unknown only once seen", () => {
    const projectId = randomUUID();
    expect(processCountsFor(projectId).ingest.map((r) => r.kind)).not.toContain("unknown");
    countIngestResults(projectId, [
      { type: "interaction", status: "accepted" },
      { type: "interaction", status: "accepted" },
      { type: "verdict", status: "duplicate" },
      { type: "report", status: "rejected" },
      { type: "outcome", status: "accepted" },
      { type: "bogus", status: "rejected" },
      { type: null, status: "rejected" },
    ]);
    const { ingest } = processCountsFor(projectId);
    expect(valueOf(ingest, { kind: "interaction", status: "accepted" })).toBe(2);
    expect(valueOf(ingest, { kind: "verdict", status: "duplicate" })).toBe(1);
    expect(valueOf(ingest, { kind: "report", status: "rejected" })).toBe(1);
    expect(valueOf(ingest, { kind: "unknown", status: "rejected" })).toBe(2);
    expect(valueOf(ingest, { kind: "outcome", status: "accepted" })).toBe(1);
    expect(valueOf(ingest, { kind: "report", status: "accepted" })).toBe(0);
    // 4 kinds × 3 statuses, and unknown/rejected once seen.
    expect(ingest).toHaveLength(13);
  });

  it("counts flag evaluations per reason, unexpected reasons as UNKNOWN, per project", () => {
    const a = randomUUID();
    const b = randomUUID();
    const counts = flagEvaluationCounts(a);
    for (const reason of ["SPLIT", "SPLIT", "DISABLED", "COST_LIMIT", "SOMETHING_NEW"]) counts[reasonSlot(reason)]!++;
    expect(flagEvaluationCounts(a)).toBe(counts);
    const { flagEvaluations } = processCountsFor(a);
    expect(valueOf(flagEvaluations, { reason: "SPLIT" })).toBe(2);
    expect(valueOf(flagEvaluations, { reason: "DISABLED" })).toBe(1);
    expect(valueOf(flagEvaluations, { reason: "COST_LIMIT" })).toBe(1);
    expect(valueOf(flagEvaluations, { reason: "UNKNOWN" })).toBe(1);
    expect(processCountsFor(b).flagEvaluations.every((r) => r.value === 0)).toBe(true);
  });
});
