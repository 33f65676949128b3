import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb, pgPool } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { processAcceptedBatch, inSample } from "@/lib/triage/process-signals";
import { claimNextItem } from "@/lib/triage/claim-next";
import type { UserActor } from "@/lib/auth/actor-types";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, report, sendEvents, verdict } from "./ingest-helpers";

let projectId: string;
let key: string;

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  const admin = await memberActor(projectId, "ADMIN");
  key = (await createApiKey(admin, projectId, { name: "k", scopes: ["events:write"] })).key;
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

/** The batch the outbox would carry for everything stored about these requests. */
async function batchFor(requestIds: string[], pid = projectId) {
  const where = { projectId: pid, requestId: { in: requestIds } };
  const [interactions, verdicts, reports] = await Promise.all([
    db().interaction.findMany({ where, select: { id: true } }),
    db().verdict.findMany({ where, select: { id: true } }),
    db().userReport.findMany({ where, select: { id: true } }),
  ]);
  return { projectId: pid, interactions: interactions.map((r) => r.id), verdicts: verdicts.map((r) => r.id), reports: reports.map((r) => r.id) };
}

const item = (requestId: string, pid = projectId) => db().triageItem.findUnique({ where: { projectId_requestId: { projectId: pid, requestId } } });

describe("grouping signals into triage items", () => {
  it("makes one item per interaction however often and concurrently its signals are delivered", async () => {
    const i = interaction();
    await sendEvents(key, { events: [i, verdict(i.requestId, { scores: { S10: 0.9 } }), report(i.requestId), report(i.requestId)] });
    const batch = await batchFor([i.requestId]);
    // The same batch delivered five times at once, plus overlapping partial batches.
    await Promise.all([
      ...Array.from({ length: 5 }, () => processAcceptedBatch(batch)),
      processAcceptedBatch({ ...batch, reports: [] }),
      processAcceptedBatch({ ...batch, verdicts: [] }),
    ]);
    expect(await db().triageItem.count({ where: { projectId, requestId: i.requestId } })).toBe(1);
    expect(await item(i.requestId)).toMatchObject({ source: "BOTH", reportCount: 2, categories: ["S10"], status: "NEW", unblockedFlag: true });
  });

  it("recomputes an item that another delivery created from an older state while this one was deciding", async () => {
    const i = interaction();
    await sendEvents(key, { events: [i, verdict(i.requestId, { scores: { S10: 0.9 } }), report(i.requestId)] });
    // Another delivery's insert, decided before the report was stored, and not yet committed.
    const other = await pgPool().connect();
    try {
      await other.query("BEGIN");
      await other.query(
        `INSERT INTO "TriageItem" (id, "projectId", "requestId", severity, priority, source, categories, "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'SEV3', 2500, 'CLASSIFIER', '{S10}', now())`,
        [projectId, i.requestId],
      );
      const processing = processAcceptedBatch(await batchFor([i.requestId]));
      await new Promise((r) => setTimeout(r, 300));
      await other.query("COMMIT");
      await processing;
    } finally {
      other.release();
    }
    expect(await item(i.requestId)).toMatchObject({ source: "BOTH", reportCount: 1, categories: ["S10"] });
  });

  it("counts items per batch when batches arriving together are merged, and a bad batch fails alone", async () => {
    const events = Array.from({ length: 6 }, () => interaction());
    await sendEvents(key, { events: [...events, ...events.map((e) => verdict(e.requestId, { scores: { S10: 0.9 } }))] });
    const batches = await Promise.all(events.map((e) => batchFor([e.requestId])));
    const bad = { ...batches[5]!, verdicts: ["not-a-uuid"] };
    const results = await Promise.allSettled([...batches.map((b) => processAcceptedBatch(b)), processAcceptedBatch(bad)]);
    expect(results.slice(0, 6)).toEqual(batches.map(() => ({ status: "fulfilled", value: { items: 1 } })));
    expect(results[6]!.status).toBe("rejected");
    expect(await db().triageItem.count({ where: { projectId, requestId: { in: events.map((e) => e.requestId) } } })).toBe(6);
  });

  it("raises priority with each report, and severity once there are many", async () => {
    const i = interaction();
    await sendEvents(key, { events: [i, report(i.requestId, { category: "incorrect" })] });
    await processAcceptedBatch(await batchFor([i.requestId]));
    const one = (await item(i.requestId))!;
    expect(one).toMatchObject({ severity: "SEV4", source: "REPORT", reportCount: 1 });

    await sendEvents(key, { events: [report(i.requestId, { category: "incorrect" })] });
    await processAcceptedBatch(await batchFor([i.requestId]));
    const two = (await item(i.requestId))!;
    expect(two.priority).toBeGreaterThan(one.priority);

    await sendEvents(key, { events: [report(i.requestId, { category: "incorrect" })] });
    await processAcceptedBatch(await batchFor([i.requestId]));
    const three = (await item(i.requestId))!;
    expect(three).toMatchObject({ severity: "SEV2", reportCount: 3 });
    // Raised severity brings the SLA deadlines forward.
    expect(three.firstTriageDueAt!.getTime()).toBeLessThan(one.firstTriageDueAt!.getTime());
  });

  it("applies severity rules: self-harm is sev1, a privacy report sev2", async () => {
    const a = interaction();
    const b = interaction();
    await sendEvents(key, { events: [a, verdict(a.requestId, { scores: { S11: 0.97 }, decision: "block", action: "fallback" }), b, report(b.requestId, { category: "privacy" })] });
    await processAcceptedBatch(await batchFor([a.requestId, b.requestId]));
    expect(await item(a.requestId)).toMatchObject({ severity: "SEV1", source: "CLASSIFIER", unblockedFlag: false });
    expect(await item(b.requestId)).toMatchObject({ severity: "SEV2", source: "REPORT" });
  });

  it("ranks output a classifier flagged but did not block above output it blocked", async () => {
    const shown = interaction();
    const blocked = interaction();
    await sendEvents(key, {
      events: [shown, verdict(shown.requestId, { decision: "flag" }), blocked, verdict(blocked.requestId, { decision: "block", action: "fallback" })],
    });
    await processAcceptedBatch(await batchFor([shown.requestId, blocked.requestId]));
    const [s, b] = [(await item(shown.requestId))!, (await item(blocked.requestId))!];
    expect(s.severity).toBe(b.severity);
    expect(s.priority).toBeGreaterThan(b.priority);
  });

  it("attaches signals that arrived before their interaction", async () => {
    const i = interaction();
    await sendEvents(key, { events: [report(i.requestId)] });
    await processAcceptedBatch(await batchFor([i.requestId]));
    await sendEvents(key, { events: [i] });
    await processAcceptedBatch(await batchFor([i.requestId]));
    expect(await db().triageItem.count({ where: { projectId, requestId: i.requestId } })).toBe(1);
  });
});

describe("blind review sampling of classifier-passed traffic", () => {
  it("samples passed interactions at the project's rate, deterministically, as low-severity sample items", async () => {
    const { project } = await makeTenant();
    await db().project.update({ where: { id: project.id }, data: { sampleRateBps: 5_000 } });
    const admin = await memberActor(project.id, "ADMIN");
    const k = (await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] })).key;
    const events = Array.from({ length: 40 }, () => interaction());
    await sendEvents(k, { events: [...events, ...events.map((e) => verdict(e.requestId, { decision: "pass", scores: { S1: 0.01 } }))] });
    const ids = events.map((e) => e.requestId);
    await processAcceptedBatch(await batchFor(ids, project.id));
    await processAcceptedBatch(await batchFor(ids, project.id));
    const items = await db().triageItem.findMany({ where: { projectId: project.id } });
    const expected = ids.filter((r) => inSample(project.id, r, 5_000));
    expect(items.map((i) => i.requestId).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(35);
    for (const it of items) expect(it).toMatchObject({ isSample: true, source: "SAMPLE", severity: "SEV4" });
  });

  it("samples nothing at rate 0", async () => {
    const { project } = await makeTenant();
    await db().project.update({ where: { id: project.id }, data: { sampleRateBps: 0 } });
    const admin = await memberActor(project.id, "ADMIN");
    const k = (await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] })).key;
    const i = interaction();
    await sendEvents(k, { events: [i, verdict(i.requestId, { decision: "pass" })] });
    await processAcceptedBatch(await batchFor([i.requestId], project.id));
    expect(await db().triageItem.count({ where: { projectId: project.id } })).toBe(0);
  });
});

describe("claim next", () => {
  it("gives concurrent reviewers different items, most urgent first, and nothing twice", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const k = (await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] })).key;
    const events = Array.from({ length: 24 }, () => interaction());
    const urgent = events[17]!;
    await sendEvents(k, {
      events: [...events, ...events.map((e) => verdict(e.requestId, { scores: e === urgent ? { S11: 0.99 } : { S10: 0.8 } }))],
    });
    await processAcceptedBatch(await batchFor(events.map((e) => e.requestId), project.id));

    const reviewers: UserActor[] = await Promise.all(Array.from({ length: 8 }, () => memberActor(project.id, "REVIEWER")));
    const first = await claimNextItem(reviewers[0]!, project.id);
    expect(first?.requestId).toBe(urgent.requestId);

    const claims = await Promise.all(reviewers.flatMap((r) => [claimNextItem(r, project.id), claimNextItem(r, project.id), claimNextItem(r, project.id)]));
    const got = claims.filter((c): c is { id: string; requestId: string } => c !== null).map((c) => c.id);
    expect(got).toHaveLength(23);
    expect(new Set([...got, first!.id]).size).toBe(24);
    expect(await claimNextItem(reviewers[0]!, project.id)).toBeNull();
    expect(await db().triageItem.count({ where: { projectId: project.id, status: "CLAIMED" } })).toBe(24);
    expect(await db().auditEvent.count({ where: { projectId: project.id, action: "triage.claimed" } })).toBe(24);
  });

  it("returns an item whose lease lapsed to the queue", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const k = (await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] })).key;
    const i = interaction();
    await sendEvents(k, { events: [i, report(i.requestId)] });
    await processAcceptedBatch(await batchFor([i.requestId], project.id));
    const [a, b] = [await memberActor(project.id, "REVIEWER"), await memberActor(project.id, "REVIEWER")];
    expect(await claimNextItem(a, project.id)).not.toBeNull();
    expect(await claimNextItem(b, project.id)).toBeNull();
    await db().triageItem.updateMany({ where: { projectId: project.id }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    expect((await claimNextItem(b, project.id))?.requestId).toBe(i.requestId);
  });

  it("orders across statuses: escalated first for leads only, a lapsed claim among new items by priority, paused never", async () => {
    const { project } = await makeTenant();
    const make = (requestId: string, data: Record<string, unknown>) =>
      db().triageItem.create({ data: { projectId: project.id, requestId, severity: "SEV3", source: "REPORT", firstTriageDueAt: new Date(Date.now() + 3_600_000), ...data } });
    await make("escalated", { status: "ESCALATED", priority: 5 });
    await make("lapsed-high", { status: "CLAIMED", priority: 900, leaseExpiresAt: new Date(Date.now() - 1000) });
    await make("new-mid", { priority: 500 });
    await make("new-mid-later", { priority: 500, firstTriageDueAt: new Date(Date.now() + 7_200_000) });
    await make("held", { status: "CLAIMED", priority: 999, leaseExpiresAt: new Date(Date.now() + 600_000) });
    await make("paused", { priority: 999, pausedAt: new Date() });
    const [lead, reviewer] = [await memberActor(project.id, "LEAD"), await memberActor(project.id, "REVIEWER")];
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await claimNextItem(reviewer, project.id))?.requestId ?? null);
    expect(order).toEqual(["lapsed-high", "new-mid", "new-mid-later"]);
    expect(await claimNextItem(reviewer, project.id)).toBeNull();
    expect((await claimNextItem(lead, project.id))?.requestId).toBe("escalated");
    expect(await claimNextItem(lead, project.id)).toBeNull();
  });

  it("does not let a viewer claim", async () => {
    const viewer = await memberActor(projectId, "VIEWER");
    await expect(claimNextItem(viewer, projectId)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
