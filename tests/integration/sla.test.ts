// SLA engine against real Redis and Postgres: timers fire, fire once, pause,
// and are rebuilt from Postgres after Redis loses them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker } from "bullmq";
import { db, disconnectDb } from "@/lib/db";
import { createRedis, disconnectRedis, redis } from "@/lib/redis";
import { closeQueues, producerQueue } from "@/lib/queues/producers";
import { QUEUE_PREFIX } from "@/lib/queues/contracts";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { fireSlaDeadline } from "@/lib/triage/fire-sla-deadline";
import { reconcileSla } from "@/lib/triage/reconcile-sla";
import { slaJobId } from "@/lib/triage/sla-timers";
import { transitionItem } from "@/lib/triage/transition-item";
import { claimNextItem } from "@/lib/triage/claim-next";
import { processSlaDeadline } from "@/workers/processors/sla";
import type { UserActor } from "@/lib/auth/actor-types";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, sendEvents, verdict } from "./ingest-helpers";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

async function tenantWithPolicy(firstTriageSeconds: number, resolutionSeconds: number, atRiskPercent = 50) {
  const { project } = await makeTenant();
  for (const severity of ["SEV1", "SEV2", "SEV3", "SEV4"] as const) {
    await db().slaPolicy.create({ data: { projectId: project.id, severity, firstTriageSeconds, resolutionSeconds, atRiskPercent } });
  }
  const admin = await memberActor(project.id, "ADMIN");
  const key = (await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] })).key;
  return { projectId: project.id, key };
}

async function newItem(projectId: string, key: string) {
  const i = interaction();
  await sendEvents(key, { events: [i, verdict(i.requestId, { scores: { S10: 0.9 } })] });
  const where = { projectId, requestId: i.requestId };
  const [interactions, verdicts] = await Promise.all([db().interaction.findMany({ where }), db().verdict.findMany({ where })]);
  await processAcceptedBatch({ projectId, interactions: interactions.map((r) => r.id), verdicts: verdicts.map((r) => r.id), reports: [] });
  return db().triageItem.findUniqueOrThrow({ where: { projectId_requestId: where } });
}

const waitFor = async <T>(fn: () => Promise<T | null | undefined | false>, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("SLA timers (BullMQ delayed jobs)", () => {
  let worker: Worker;
  beforeAll(() => {
    worker = new Worker("sla", processSlaDeadline, { connection: createRedis(), prefix: QUEUE_PREFIX, concurrency: 4 });
  });
  afterAll(() => worker.close());

  it("fire at risk, then breach: the item is escalated, leads are notified, both are audited", async () => {
    const { projectId, key } = await tenantWithPolicy(2, 30, 50);
    const item = await newItem(projectId, key);
    expect(item.atRiskAt!.getTime() - item.createdAt.getTime()).toBe(1000);

    const atRisk = await waitFor(async () => (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).atRiskNotifiedAt, 8_000);
    expect(atRisk.getTime()).toBeGreaterThanOrEqual(item.atRiskAt!.getTime());
    const breached = await waitFor(async () => {
      const it = await db().triageItem.findUniqueOrThrow({ where: { id: item.id } });
      return it.firstTriageBreachedAt ? it : null;
    }, 8_000);
    expect(breached).toMatchObject({ status: "ESCALATED", priority: item.priority + 1000 });
    expect(breached.breachedAt).not.toBeNull();

    const actions = (await db().auditEvent.findMany({ where: { projectId, targetId: item.id }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["sla.at_risk", "sla.breached"]);
    const notes = await db().outboxEvent.findMany({ where: { queue: "notifications", payload: { path: ["itemId"], equals: item.id } } });
    expect(notes.map((n) => (n.payload as { type: string }).type).sort()).toEqual(["sla.at_risk", "sla.breached"]);
  }, 20_000);

  it("is idempotent when a timer fires late or twice", async () => {
    const { projectId, key } = await tenantWithPolicy(3600, 7200);
    const item = await newItem(projectId, key);
    expect(await fireSlaDeadline(item.id, "first_triage")).toBe(false); // not due yet
    const late = new Date(item.firstTriageDueAt!.getTime() + 60_000);
    expect(await fireSlaDeadline(item.id, "first_triage", late)).toBe(true);
    expect(await fireSlaDeadline(item.id, "first_triage", late)).toBe(false);
    expect(await db().auditEvent.count({ where: { targetId: item.id, action: "sla.breached" } })).toBe(1);
  });
});

describe("pausing the clock", () => {
  it("stops timers while waiting for information and moves deadlines by the pause", async () => {
    const { projectId, key } = await tenantWithPolicy(3600, 7200);
    const before = await newItem(projectId, key);
    const reviewer: UserActor = await memberActor(projectId, "REVIEWER");
    const claimed = await claimNextItem(reviewer, projectId);
    expect(claimed?.id).toBe(before.id);
    const v = (await db().triageItem.findUniqueOrThrow({ where: { id: before.id } })).version;
    await transitionItem(reviewer, projectId, before.id, { action: "request_info", expectedVersion: v, reason: "Need the user's locale" });

    // Even far past its deadlines, a paused item does not breach.
    const farFuture = new Date(Date.now() + 10 * 3600_000);
    expect(await fireSlaDeadline(before.id, "resolution", farFuture)).toBe(false);
    expect((await reconcileSla({ now: farFuture })).fired).toBeGreaterThanOrEqual(0);
    expect((await db().triageItem.findUniqueOrThrow({ where: { id: before.id } })).resolutionBreachedAt).toBeNull();

    await new Promise((r) => setTimeout(r, 300));
    const paused = await db().triageItem.findUniqueOrThrow({ where: { id: before.id } });
    await transitionItem(reviewer, projectId, before.id, { action: "resume", expectedVersion: paused.version });
    const after = await db().triageItem.findUniqueOrThrow({ where: { id: before.id } });
    const shift = after.resolutionDueAt!.getTime() - before.resolutionDueAt!.getTime();
    expect(shift).toBeGreaterThanOrEqual(300);
    expect(Number(after.pausedMs)).toBe(shift);
    expect(after).toMatchObject({ status: "NEW", pausedAt: null });
  });
});

describe("reconciler", () => {
  it("rebuilds timers after Redis loses them, and fires what became overdue meanwhile", async () => {
    const { projectId, key } = await tenantWithPolicy(600, 1200);
    const overdue = await newItem(projectId, key);
    const upcoming = await newItem(projectId, key);
    await redis().flushdb(); // everything BullMQ had, gone
    const q = producerQueue("sla");
    expect(await q.getJob(slaJobId(upcoming.id, "first_triage", upcoming.firstTriageDueAt!))).toBeUndefined();

    // Pretend the first item's deadlines passed while nothing was scheduled.
    const past = new Date(Date.now() - 1000);
    await db().triageItem.update({ where: { id: overdue.id }, data: { atRiskAt: past, firstTriageDueAt: past } });

    const result = await reconcileSla();
    expect(result.fired).toBeGreaterThanOrEqual(2);
    expect(await db().triageItem.findUniqueOrThrow({ where: { id: overdue.id } })).toMatchObject({ status: "ESCALATED" });
    expect(await q.getJob(slaJobId(upcoming.id, "first_triage", upcoming.firstTriageDueAt!))).toBeDefined();
    expect(await q.getJob(slaJobId(upcoming.id, "at_risk", upcoming.atRiskAt!))).toBeDefined();

    // Running it again fires nothing twice.
    await reconcileSla();
    expect(await db().auditEvent.count({ where: { targetId: overdue.id, action: "sla.breached" } })).toBe(1);
  });
});

describe("item transitions", () => {
  let projectId: string;
  let key: string;
  beforeAll(async () => ({ projectId, key } = await tenantWithPolicy(3600, 7200)));

  it("records first-triage and resolution times and audits each step", async () => {
    const item = await newItem(projectId, key);
    const reviewer = await memberActor(projectId, "REVIEWER");
    await transitionItem(reviewer, projectId, item.id, { action: "claim", expectedVersion: item.version });
    const claimed = await db().triageItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(claimed.firstTriagedAt).not.toBeNull();
    await transitionItem(reviewer, projectId, item.id, { action: "resolve", expectedVersion: claimed.version });
    const resolved = await db().triageItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(resolved).toMatchObject({ status: "RESOLVED" });
    expect(resolved.resolvedAt).not.toBeNull();
    const lead = await memberActor(projectId, "LEAD");
    await transitionItem(lead, projectId, item.id, { action: "reopen", expectedVersion: resolved.version, reason: "Label was wrong" });
    expect(await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: "NEW", resolvedAt: null });
    const audit = await db().auditEvent.findMany({ where: { targetId: item.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["triage.claim", "triage.resolve", "triage.reopen"]);
    expect(audit[2]).toMatchObject({ actorId: lead.userId, metadata: { reason: "Label was wrong" } });
  });

  it("rejects an invalid transition, a stale version and a lost lease, changing nothing", async () => {
    const item = await newItem(projectId, key);
    const a = await memberActor(projectId, "REVIEWER");
    const b = await memberActor(projectId, "REVIEWER");
    await expect(transitionItem(a, projectId, item.id, { action: "resolve" })).rejects.toMatchObject({ code: "CONFLICT", message: "Cannot resolve an item that is new" });
    await transitionItem(a, projectId, item.id, { action: "claim", expectedVersion: item.version });
    await expect(transitionItem(b, projectId, item.id, { action: "claim", expectedVersion: item.version })).rejects.toMatchObject({ code: "CONFLICT" });
    const current = await db().triageItem.findUniqueOrThrow({ where: { id: item.id } });
    await expect(transitionItem(b, projectId, item.id, { action: "resolve", expectedVersion: current.version })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("lapsed"),
    });
    expect(await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: "CLAIMED", claimedById: a.userId, version: current.version });
  });

  it("lets only leads claim escalated items, and keeps other projects' items invisible", async () => {
    const item = await newItem(projectId, key);
    const reviewer = await memberActor(projectId, "REVIEWER");
    await transitionItem(reviewer, projectId, item.id, { action: "escalate", expectedVersion: item.version, reason: "Policy question" });
    const esc = await db().triageItem.findUniqueOrThrow({ where: { id: item.id } });
    await expect(transitionItem(reviewer, projectId, item.id, { action: "claim", expectedVersion: esc.version })).rejects.toMatchObject({ code: "CONFLICT" });
    const lead = await memberActor(projectId, "LEAD");
    await transitionItem(lead, projectId, item.id, { action: "claim", expectedVersion: esc.version });

    const other = await tenantWithPolicy(3600, 7200);
    const outsider = await memberActor(other.projectId, "ADMIN");
    await expect(transitionItem(outsider, other.projectId, item.id, { action: "claim" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps a viewer from acting", async () => {
    const item = await newItem(projectId, key);
    const viewer = await memberActor(projectId, "VIEWER");
    await expect(transitionItem(viewer, projectId, item.id, { action: "claim" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

