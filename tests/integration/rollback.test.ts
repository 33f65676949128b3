// Automated rollback end to end: events through the real ingest API, the
// ingest, rollback, notifications and webhooks processors on real BullMQ
// workers, a webhook receiver on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { evaluateProjectRules } from "@/lib/rollback/evaluate-rules";
import { listRollbackRules } from "@/lib/rollback/list-rollback-rules";
import { createWebhookEndpoint } from "@/lib/webhooks/create-webhook-endpoint";
import { WEBHOOK_HEADERS, verifySignature } from "@/lib/webhooks/signature";
import { interaction, report, verdict } from "./ingest-helpers";
import { flagRow, sendAll, setup, widen } from "./rollback-helpers";
import { startReceiver, startWorkers, waitFor } from "./worker-harness";

let stopWorkers: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  stopWorkers = startWorkers(["ingest", "rollback", "notifications", "webhooks"]);
  receiver = await startReceiver();
});
afterAll(async () => {
  await stopWorkers();
  await receiver.close();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("a harmful-output spike", () => {
  it("halves the rollout within seconds, opens an incident with its timeline, and sends a signed webhook", async () => {
    const s = await setup("assistant-v2", 2000);
    const rules = await listRollbackRules(s.lead, s.projectId, { flagId: s.flagId });
    expect(rules.map((r) => r.action).sort()).toEqual(["GLOBAL_KILL", "HALVE", "LAST_SAFE", "PAUSE"]);
    const { secret } = await createWebhookEndpoint(s.admin, s.projectId, { name: "ops", url: receiver.url, style: "GENERIC", events: ["incident.opened"] });

    const flags = { "assistant-v2": { value: true, variant: "on", version: 2 } };
    const traffic = Array.from({ length: 400 }, () => interaction({ flags }));
    await sendAll(s.key, traffic);
    // 3 of 400 responses flagged: 0.75 %, above the 0.5 % halving threshold and below the 1 % kill.
    const spike = traffic.slice(100, 103).map((i) => verdict(i.requestId, { decision: "flag" }));
    await sendAll(s.key, spike);
    const ackedAt = Date.now();

    const halved = await waitFor("the rollout to be halved", async () => {
      const f = await flagRow(s.flagId);
      return f.currentVersion === 3 ? f : null;
    });
    const mitigationMs = Date.now() - ackedAt;
    expect(mitigationMs).toBeLessThan(10_000);
    const v3 = halved.versions[2]!;
    expect(v3).toMatchObject({ status: "APPLIED", exposureBps: 1000, actorType: "SYSTEM", actorLabel: "rollback rule: Harmful output above 0.5 % over 30 min: halve" });
    expect(v3.reason).toMatch(/harmful-output rate 0\.75 % > 0\.50 % over 30 min \(400 samples/);
    expect((v3.config as { rolloutBps: number }).rolloutBps).toBe(1000);

    // The incident is written once the flag change is in effect.
    const incident = await waitFor("the incident", () =>
      db().incident.findFirst({ where: { projectId: s.projectId }, include: { events: { orderBy: [{ createdAt: "asc" }, { seq: "asc" }] }, evaluations: true } }),
    );
    expect(incident).toMatchObject({ number: 1, source: "AUTOMATED", status: "MITIGATED", severity: "SEV2", flagId: s.flagId });
    expect(incident.events.map((e) => e.kind)).toEqual(["impact_started", "detected", "rule_evaluation", "flag_change", "mitigated"]);
    expect(incident.events.find((e) => e.kind === "flag_change")!.flagVersionId).toBe(v3.id);
    expect(incident.events.every((e) => e.actorType === "RULE")).toBe(true);
    const firstSample = Math.min(...(await db().interaction.findMany({ where: { projectId: s.projectId }, select: { occurredAt: true } })).map((i) => i.occurredAt.getTime()));
    expect(incident.impactStartedAt!.getTime()).toBeLessThanOrEqual(incident.detectedAt.getTime());
    expect(incident.impactStartedAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(firstSample / 10_000) * 10_000);
    expect(incident.mitigatedAt!.getTime()).toBeGreaterThanOrEqual(incident.detectedAt.getTime());
    expect(incident.mitigatedAt!.getTime()).toBeLessThanOrEqual(v3.createdAt.getTime() + 5_000);

    expect(incident.evaluations).toHaveLength(1);
    const evaluation = incident.evaluations[0]!;
    expect(evaluation).toMatchObject({ fired: true, dryRun: false, actionTaken: "HALVE", samples: 400, value: 0.0075, flagId: s.flagId });
    expect(evaluation.snapshot).toMatchObject({ counts: { responses: 400, harmful: 3, reports: 0 }, versions: [{ version: 2, responses: 400, harmful: 3 }], limit: 0.005 });

    const delivered = await waitFor("the webhook", async () => receiver.received.find((r) => r.headers[WEBHOOK_HEADERS.event] === "incident.opened"));
    expect(verifySignature(secret, { timestamp: delivered.headers[WEBHOOK_HEADERS.timestamp] as string, signature: delivered.headers[WEBHOOK_HEADERS.signature] as string }, delivered.body)).toBe(true);
    const body = JSON.parse(delivered.body) as { type: string; data: { incident: { id: string; status: string }; rule: { action: string } } };
    expect(body).toMatchObject({ type: "incident.opened", data: { incident: { id: incident.id, status: "MITIGATED" }, rule: { action: "HALVE" } } });
    const row = await waitFor("the delivery to be marked", () => db().webhookDelivery.findFirst({ where: { projectId: s.projectId, status: "DELIVERED" } }));
    expect(delivered.headers[WEBHOOK_HEADERS.idempotencyKey]).toBe(row.idempotencyKey);

    // The evidence behind the cut is not counted again: the rollout is cut once.
    expect(await evaluateProjectRules(s.projectId)).toMatchObject({ fired: 0 });
    expect((await flagRow(s.flagId)).currentVersion).toBe(3);
    const audit = await db().auditEvent.findMany({ where: { projectId: s.projectId, action: { in: ["rollback_rule.fired", "incident.opened", "flag.changed"] } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["flag.changed", "incident.opened", "rollback_rule.fired"]);
  });
});

describe("a user-report spike", () => {
  it("restores the version before the most recent widening", async () => {
    const s = await setup("summaries-v3", 1000);
    await widen(s, 5000);
    expect((await flagRow(s.flagId)).currentVersion).toBe(3);

    // Yesterday-ish baseline on version 2: 1 % of responses reported.
    const earlier = new Date(Date.now() - 2 * 3600_000).toISOString();
    const base = Array.from({ length: 300 }, () => interaction({ occurredAt: earlier, flags: { "summaries-v3": { value: true, version: 2 } } }));
    await sendAll(s.key, [...base, ...base.slice(0, 3).map((i) => report(i.requestId, { occurredAt: earlier }))]);
    // Now on version 3: 12 reports on 250 responses (4.8 %), above 3× the baseline.
    const now = Array.from({ length: 250 }, () => interaction({ flags: { "summaries-v3": { value: true, version: 3 } } }));
    await sendAll(s.key, now);
    await sendAll(s.key, now.slice(0, 12).map((i) => report(i.requestId, { category: "incorrect" })));

    const restored = await waitFor("the last safe version to be restored", async () => {
      const f = await flagRow(s.flagId);
      return f.currentVersion === 4 ? f : null;
    });
    const v4 = restored.versions[3]!;
    expect(v4).toMatchObject({ exposureBps: 1000, actorType: "SYSTEM" });
    expect(v4.diff).toMatchObject({ revertOf: 2, direction: "narrowing", baseVersion: 3 });
    expect(v4.reason).toMatch(/user-report rate 4\.80 % > 3× baseline 1\.00 % \(300 samples\)/);
    const incident = await waitFor("the incident", () => db().incident.findFirst({ where: { projectId: s.projectId }, include: { evaluations: true } }));
    expect(incident).toMatchObject({ status: "MITIGATED", severity: "SEV2", flagId: s.flagId });
    expect(incident.evaluations[0]).toMatchObject({ actionTaken: "LAST_SAFE", baseline: 0.01, samples: 250 });
  });
});
