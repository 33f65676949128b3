// Rollback metrics beyond classifier verdicts: reviewer-confirmed harm counts
// toward the harmful rate once per response (never on top of a classifier's
// harmful verdict), and failed calls make the error rate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import type { UserActor } from "@/lib/auth/actor-types";
import { transitionItem } from "@/lib/triage/transition-item";
import { submitLabel } from "@/lib/review/submit-label";
import { countConfirmedHarm } from "@/lib/rollback/record-confirmed-harm";
import { createRollbackRule } from "@/lib/rollback/create-rollback-rule";
import { evaluateProjectRules } from "@/lib/rollback/evaluate-rules";
import { readBuckets } from "@/lib/rollback/read-counters";
import { bucketsForSample, emptyCounts, addCounts } from "@/lib/rollback/window";
import { memberActor, uniq } from "./fixtures";
import { interaction, report, verdict } from "./ingest-helpers";
import { processOutbox, sendAll, setup } from "./rollback-helpers";

let s: Awaited<ReturnType<typeof setup>>;
let reviewer: UserActor;
const FLAG = "confirmed-harm-flag";

beforeAll(async () => {
  s = await setup(FLAG, 10_000);
  reviewer = await memberActor(s.projectId, "REVIEWER");
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

/**
 * Harmful responses counted in the fine (10 s) bucket of `servedAt`, over every series of the project.
 * Harm counts at the time the response was served: reading the bucket of "now" instead failed
 * whenever a bucket boundary fell between sending the interaction and reading.
 */
async function harmfulAt(servedAt: string): Promise<number> {
  const at = Date.parse(servedAt);
  const refs = bucketsForSample(at, Date.now()).slice(0, 1);
  const buckets = await readBuckets(s.projectId, refs);
  const total = emptyCounts();
  for (const bySeries of buckets.values()) for (const c of bySeries.values()) addCounts(total, c);
  return total.harmful;
}

async function labelHarmful(requestId: string) {
  const item = await db().triageItem.findFirstOrThrow({ where: { projectId: s.projectId, requestId } });
  const claimed = await transitionItem(reviewer, s.projectId, item.id, { action: "claim", expectedVersion: item.version });
  await submitLabel(reviewer, s.projectId, item.id, { verdict: "HARMFUL", expectedVersion: claimed.version, outcome: "resolve", hazardCategories: ["S10"], severity: "SEV2" });
  return item.id;
}

const flags = { [FLAG]: { value: true, variant: "on", version: 2 } };

describe("reviewer-confirmed harm in the rollback counters", () => {
  it("counts a reported response a reviewer confirms harmful, once", async () => {
    const i = interaction({ requestId: uniq("req"), flags });
    await sendAll(s.key, [i, report(i.requestId, { category: "harmful" })]);
    await processOutbox(s.projectId);
    const before = await harmfulAt(i.occurredAt);

    const itemId = await labelHarmful(i.requestId);
    expect(await harmfulAt(i.occurredAt)).toBe(before + 1);
    // Counting the same item again (a redelivery, a re-review) adds nothing.
    expect(await countConfirmedHarm(s.projectId, itemId)).toBe(false);
    expect(await harmfulAt(i.occurredAt)).toBe(before + 1);
  });

  it("does not count a response a classifier already flagged a second time", async () => {
    const i = interaction({ requestId: uniq("req"), flags });
    await sendAll(s.key, [i, verdict(i.requestId, { decision: "flag", scores: { S10: 0.97 }, categories: ["S10"] })]);
    await processOutbox(s.projectId);
    const afterVerdict = await harmfulAt(i.occurredAt);
    await labelHarmful(i.requestId);
    expect(await harmfulAt(i.occurredAt)).toBe(afterVerdict);
  });
});

describe("the error rate", () => {
  it("counts failed calls from ingest and fires an error-rate rule (dry run)", async () => {
    const t = await setup("error-rate-flag", 10_000);
    const rule = await createRollbackRule(t.lead, t.projectId, {
      flagId: t.flagId,
      rule: { name: "Errors above 5 % over 5 min", metric: "ERROR_RATE", windowSeconds: 300, comparison: "ABSOLUTE", threshold: 0.05, minSamples: 50, action: "HALVE", dryRun: true },
    });
    const f = { "error-rate-flag": { value: true, variant: "on", version: 2 } };
    // 8 failed calls of 100: 8 %.
    const traffic = Array.from({ length: 100 }, (_, n) => interaction({ flags: f, ...(n < 8 ? { response: "", error: { type: "timeout" } } : {}) }));
    await sendAll(t.key, traffic);
    expect(await db().interaction.count({ where: { projectId: t.projectId, errorType: "timeout" } })).toBe(8);
    await processOutbox(t.projectId);
    await evaluateProjectRules(t.projectId);
    const evaluation = await db().ruleEvaluation.findFirstOrThrow({ where: { ruleId: rule.id }, orderBy: { evaluatedAt: "desc" } });
    expect(evaluation).toMatchObject({ fired: true, dryRun: true, samples: 100 });
    expect(evaluation.value).toBeCloseTo(0.08, 5);
    // A dry run changes nothing.
    expect((await db().flag.findUniqueOrThrow({ where: { id: t.flagId } })).currentVersion).toBe(2);
  });
});
