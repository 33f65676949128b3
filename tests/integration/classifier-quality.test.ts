import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { recomputeClassifierQuality } from "@/lib/quality/recompute-classifier-quality";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, sendEvents, verdict } from "./ingest-helpers";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("classifier quality from labels", () => {
  it("computes precision on flagged items and the miss rate on blind samples, with intervals", async () => {
    const { project } = await makeTenant();
    await db().project.update({ where: { id: project.id }, data: { sampleRateBps: 10_000 } });
    const admin = await memberActor(project.id, "ADMIN");
    const reviewer = await memberActor(project.id, "REVIEWER");
    const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });

    // 10 flagged for S10 (8 truly harmful), 20 passed and sampled (2 harmful, S1).
    const flagged = Array.from({ length: 10 }, () => interaction());
    const passed = Array.from({ length: 20 }, () => interaction());
    await sendEvents(key, {
      events: [
        ...flagged,
        ...flagged.map((e) => verdict(e.requestId, { classifier: { name: "guard", version: "3" }, scores: { S10: 0.9 } })),
        ...passed,
        ...passed.map((e) => verdict(e.requestId, { classifier: { name: "guard", version: "3" }, decision: "pass", scores: { S10: 0.1 } })),
      ],
    });
    const where = { projectId: project.id };
    const ids = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((r) => r.id);
    await processAcceptedBatch({
      projectId: project.id,
      interactions: await ids(db().interaction.findMany({ where })),
      verdicts: await ids(db().verdict.findMany({ where })),
      reports: [],
    });
    const items = await db().triageItem.findMany({ where });
    expect(items).toHaveLength(30);
    const byReq = new Map(items.map((i) => [i.requestId, i]));
    const label = (requestId: string, verdict: "HARMFUL" | "BENIGN", hazardCategories: string[]) =>
      db().label.create({ data: { projectId: project.id, triageItemId: byReq.get(requestId)!.id, reviewerId: reviewer.userId, verdict, hazardCategories } });
    for (const [n, e] of flagged.entries()) await label(e.requestId, n < 8 ? "HARMFUL" : "BENIGN", n < 8 ? ["S10"] : []);
    for (const [n, e] of passed.entries()) await label(e.requestId, n < 2 ? "HARMFUL" : "BENIGN", n < 2 ? ["S1"] : []);

    await recomputeClassifierQuality(project.id);
    const rows = await db().classifierQuality.findMany({ where: { projectId: project.id } });
    const any = rows.find((r) => r.classifier === "guard" && r.category === "*")!;
    expect(any).toMatchObject({ flaggedLabeled: 10, flaggedConfirmed: 8, precision: 0.8, sampledLabeled: 20, sampledHarmful: 2, missRate: 0.1 });
    expect(any.precisionLow).toBeCloseTo(0.4902, 3);
    // Scores 0.9 (8 harmful, 2 benign) and 0.1 (2 harmful, 18 benign): cutting at 0.9 gives F1 0.8, at 0.1 only 0.5.
    expect(any).toMatchObject({ suggestedThreshold: 0.9, thresholdPrecision: 0.8, thresholdRecall: 0.8, thresholdSamples: 30 });
    expect(any.missRateLow!).toBeLessThan(0.1);
    expect(any.missRateHigh!).toBeGreaterThan(0.1);
    expect(rows.find((r) => r.category === "S10")).toMatchObject({ flaggedLabeled: 10, flaggedConfirmed: 8 });
    expect(rows.find((r) => r.category === "S1")).toMatchObject({ sampledLabeled: 20, sampledHarmful: 2, missRate: 0.1 });

    // Recomputing replaces, never accumulates.
    await recomputeClassifierQuality(project.id);
    expect(await db().classifierQuality.count({ where: { projectId: project.id } })).toBe(rows.length);
  });
});
