// Rollback rules judged on counters fed from the real ingest API, with the
// evaluation run by the test rather than the worker's tick.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import type { AppError } from "@/lib/errors";
import { changeFlag } from "@/lib/flags/change-flag";
import { resumeFlagWidening } from "@/lib/flags/pause-widening";
import { evaluateProjectRules } from "@/lib/rollback/evaluate-rules";
import { createRollbackRule } from "@/lib/rollback/create-rollback-rule";
import { updateRollbackRule } from "@/lib/rollback/update-rollback-rule";
import { listRollbackRules } from "@/lib/rollback/list-rollback-rules";
import { recordBatchCounters } from "@/lib/rollback/record-counters";
import { memberActor } from "./fixtures";
import { interaction, verdict } from "./ingest-helpers";
import { flagRow, processOutbox, sendAll, setup } from "./rollback-helpers";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? String(err);
  }
};

describe("counters", () => {
  it("count a batch once however often it is delivered, and attribute signals that arrive before their interaction", async () => {
    const s = await setup("counted", 5000);
    const flags = { counted: { value: true, version: 2 } };
    const early = interaction({ flags });
    // The verdict and a report arrive first; they count when the interaction does.
    await sendAll(s.key, [verdict(early.requestId), verdict(early.requestId, { classifier: { name: "other" } })]);
    await processOutbox(s.projectId);
    await sendAll(s.key, [early, ...Array.from({ length: 199 }, () => interaction({ flags }))]);
    const batches = await db().outboxEvent.findMany({ where: { queue: "ingest", processedAt: null, payload: { path: ["projectId"], equals: s.projectId } } });
    // A redelivered batch changes nothing.
    expect(await recordBatchCounters(batches[0]!.payload as never)).toMatchObject({ counted: true, hot: true });
    await processOutbox(s.projectId);
    expect(await recordBatchCounters(batches[0]!.payload as never)).toMatchObject({ counted: false });

    await updateRollbackRule(s.lead, s.projectId, {
      ruleId: (await listRollbackRules(s.lead, s.projectId)).find((r) => r.action === "HALVE")!.id,
      changes: { dryRun: true, threshold: 0.004 },
    });
    await evaluateProjectRules(s.projectId);
    // Two classifiers flagged one response: one harmful response in 200.
    const [evaluation] = await db().ruleEvaluation.findMany({ where: { projectId: s.projectId } });
    expect(evaluation).toMatchObject({ dryRun: true, samples: 200, value: 0.005 });
    expect(evaluation!.snapshot).toMatchObject({ counts: { responses: 200, harmful: 1 } });
  });
});

describe("rules", () => {
  it("record what a dry-run rule would do without touching the flag, and pause widening for real", async () => {
    const s = await setup("latency-flag", 4000);
    const latencyRule = (await listRollbackRules(s.lead, s.projectId, { flagId: s.flagId })).find((r) => r.action === "PAUSE")!;
    await updateRollbackRule(s.lead, s.projectId, { ruleId: latencyRule.id, changes: { dryRun: true, minSamples: 50 } });
    await sendAll(s.key, Array.from({ length: 60 }, () => interaction({ latencyMs: 9000, flags: { "latency-flag": { value: true, version: 2 } } })));
    await processOutbox(s.projectId);
    await evaluateProjectRules(s.projectId);
    const dry = await db().ruleEvaluation.findFirstOrThrow({ where: { ruleId: latencyRule.id } });
    expect(dry).toMatchObject({ fired: true, dryRun: true, actionTaken: "PAUSE", incidentId: null });
    expect(dry.value).toBeGreaterThan(4000);
    expect((await db().flag.findUniqueOrThrow({ where: { id: s.flagId } })).widenPausedAt).toBeNull();
    expect(await db().incident.count({ where: { projectId: s.projectId } })).toBe(0);
    expect(await db().outboxEvent.count({ where: { queue: "notifications", payload: { path: ["type"], equals: "rule.dry_run" }, AND: { payload: { path: ["projectId"], equals: s.projectId } } } })).toBe(1);
    // As if it had acted, the evidence it judged is not judged again.
    await evaluateProjectRules(s.projectId);
    expect(await db().ruleEvaluation.count({ where: { ruleId: latencyRule.id } })).toBe(1);
    const status = (await listRollbackRules(s.lead, s.projectId, { flagId: s.flagId })).find((r) => r.id === latencyRule.id)!.current;
    expect(status).toEqual([expect.objectContaining({ flagId: s.flagId, status: "insufficient_samples" })]);

    await updateRollbackRule(s.lead, s.projectId, { ruleId: latencyRule.id, changes: { dryRun: false, cooldownSeconds: 0 } });
    expect(await evaluateProjectRules(s.projectId)).toMatchObject({ fired: 1 });
    expect((await db().flag.findUniqueOrThrow({ where: { id: s.flagId } })).widenPausedAt).not.toBeNull();
    // Pausing cuts nobody's exposure: the incident waits for a person to mitigate.
    expect(await db().incident.findFirst({ where: { projectId: s.projectId } })).toMatchObject({ severity: "SEV3", status: "OPEN", mitigatedAt: null });
    // While paused nobody widens, not even a lead; narrowing still works; a lead lifts the pause.
    expect(await codeOf(changeFlag(s.lead, s.projectId, { flagId: s.flagId, config: { enabled: true, rolloutBps: 8000 }, reason: "more" }))).toBe("CONFLICT");
    expect((await changeFlag(s.lead, s.projectId, { flagId: s.flagId, config: { enabled: true, rolloutBps: 2000 }, reason: "less" })).status).toBe("APPLIED");
    expect(await codeOf(resumeFlagWidening(await memberActor(s.projectId, "REVIEWER"), s.projectId, { flagId: s.flagId, reason: "looked" }))).toBe("FORBIDDEN");
    await resumeFlagWidening(s.lead, s.projectId, { flagId: s.flagId, reason: "latency understood" });
    expect((await changeFlag(s.lead, s.projectId, { flagId: s.flagId, config: { enabled: true, rolloutBps: 3000 }, reason: "more" })).status).toBe("PENDING_APPROVAL");
  });

  it("need the minimum samples, and let the most drastic of several breaching rules act", async () => {
    const s = await setup("graded", 5000);
    const flags = { graded: { value: true, version: 2 } };
    const few = Array.from({ length: 150 }, () => interaction({ flags }));
    await sendAll(s.key, [...few, ...few.slice(0, 30).map((i) => verdict(i.requestId, { decision: "block" }))]);
    await processOutbox(s.projectId);
    // 20 % harmful, but 150 responses are fewer than any harmful rule's minimum.
    await evaluateProjectRules(s.projectId);
    expect((await flagRow(s.flagId)).currentVersion).toBe(2);
    expect(await db().ruleEvaluation.count({ where: { projectId: s.projectId } })).toBe(0);

    await sendAll(s.key, Array.from({ length: 400 }, () => interaction({ flags })));
    await processOutbox(s.projectId);
    // 550 responses, 30 harmful: both harmful rules breach; the kill outranks the halving.
    expect(await evaluateProjectRules(s.projectId)).toMatchObject({ fired: 1 });
    const env = await db().environment.findFirstOrThrow({ where: { projectId: s.projectId } });
    expect(env.killSwitchOn).toBe(true);
    expect(env.killSwitchReason).toMatch(/^Rollback rule "Harmful output above 1 % over 5 min: global kill": harmful-output rate 5\.45 %/);
    const evaluations = await db().ruleEvaluation.findMany({ where: { projectId: s.projectId }, include: { rule: true } });
    expect(evaluations.map((e) => [e.rule.action, e.fired, e.actionTaken]).sort()).toEqual([
      ["GLOBAL_KILL", true, "GLOBAL_KILL"],
      ["HALVE", false, null],
    ]);
    expect((await flagRow(s.flagId)).currentVersion).toBe(2);
    expect(await db().incident.findFirst({ where: { projectId: s.projectId } })).toMatchObject({ severity: "SEV1", status: "MITIGATED" });
    // With the environment killed nothing is exposed, so nothing more fires.
    expect(await evaluateProjectRules(s.projectId)).toMatchObject({ fired: 0 });
  });

  it("apply a project-wide rule to every release flag; a rate above 100 % is refused", async () => {
    const s = await setup("wide-a", 4000);
    expect(
      await codeOf(createRollbackRule(s.lead, s.projectId, { rule: { name: "errors", metric: "ERROR_RATE", windowSeconds: 60, comparison: "ABSOLUTE", threshold: 10, action: "HALVE" } })),
    ).not.toBe("OK");
    expect(await codeOf(createRollbackRule(await memberActor(s.projectId, "REVIEWER"), s.projectId, { rule: { name: "x", metric: "COST_PER_CALL", windowSeconds: 60, comparison: "ABSOLUTE", threshold: 1, action: "HALVE" } }))).toBe("FORBIDDEN");
    await db().rollbackRule.deleteMany({ where: { projectId: s.projectId } });
    await createRollbackRule(s.lead, s.projectId, { rule: { name: "any flag: cost", metric: "COST_PER_CALL", windowSeconds: 300, comparison: "ABSOLUTE", threshold: 0.01, minSamples: 20, action: "HALVE" } });
    await sendAll(s.key, Array.from({ length: 30 }, () => interaction({ cost: 0.05, flags: { "wide-a": { value: true, version: 2 } } })));
    await processOutbox(s.projectId);
    await evaluateProjectRules(s.projectId);
    const f = await flagRow(s.flagId);
    expect(f.currentVersion).toBe(3);
    expect(f.versions[2]!.reason).toMatch(/cost per call 0\.0500 > 0\.0100 over 5 min \(30 samples/);
  });
});
