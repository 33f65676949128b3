// The audit hash chain against the real Postgres: sealing by concurrent
// workers, verification, and tampering done the only way the database allows
// it (a superuser disabling the append-only triggers) being detected.
import { afterAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { db, disconnectDb } from "@/lib/db";
import { createRedis, disconnectRedis } from "@/lib/redis";
import { QUEUE_PREFIX, queues } from "@/lib/queues/contracts";
import { canonicalDigest } from "@/lib/audit/canonical";
import { sealPendingAuditEvents } from "@/lib/audit/seal-pending-audit-events";
import { createCheckpoints } from "@/lib/audit/create-checkpoints";
import { signingKey, verifyCheckpointSignature } from "@/lib/audit/checkpoint-signature";
import { verifyChains } from "@/lib/audit/verify-chains";
import { getAuditChainStatus } from "@/lib/audit/get-audit-chain-status";
import { runAuditVerification } from "@/lib/audit/run-audit-verification";
import { upsertSchedules } from "@/workers/schedules";
import { EVENTS_INGESTED } from "@/lib/audit/evidence";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { makeTenant, memberActor, tamper, uniq } from "./fixtures";
import { interaction, sendEvents, verdict } from "./ingest-helpers";

afterAll(async () => {
  await disconnectRedis();
  await disconnectDb();
});

const past = (ms = 5_000) => new Date(Date.now() - ms);

async function writeEvents(scope: { projectId?: string; orgId?: string }, count: number, createdAt?: Date) {
  const tag = uniq("batch");
  const rows = Array.from({ length: count }, (_, i) => ({
    orgId: scope.orgId ?? null,
    projectId: scope.projectId ?? null,
    actorType: "SYSTEM" as const,
    actorLabel: "audit-chain test",
    action: "test.event",
    targetType: "test",
    targetId: `${tag}-${i}`,
    after: { n: i, nested: { ok: true, list: [1, "two", null] } },
    metadata: { tag },
    createdAt,
  }));
  // Larger createManys are split by Prisma into statements it sends concurrently on one connection (pg warns).
  for (let i = 0; i < rows.length; i += 2_000) await db().auditEvent.createMany({ data: rows.slice(i, i + 2_000) });
  return db().auditEvent.findMany({ where: { metadata: { path: ["tag"], equals: tag } }, orderBy: { id: "asc" } });
}

/** An interaction written straight to the table (not through ingest), for audit events made by hand. */
function storedDirectly(project: { id: string; environments: { id: string }[] }) {
  return db().interaction.create({
    data: {
      projectId: project.id,
      environmentId: project.environments[0]!.id,
      requestId: uniq("req"),
      occurredAt: past(),
      modelProvider: "openai",
      modelId: "gpt-test",
      promptRedacted: [{ role: "user", content: "hello [EMAIL]" }],
      responseRedacted: "Hi there.",
      piiKinds: ["EMAIL"],
      flagState: { "new-model": { value: true, variant: "on", version: 3 } },
      costMicros: 1234n,
    },
  });
}

/** Waits longer than the worker does, in case other suites' writers share the database. */
const seal = () => sealPendingAuditEvents({ maxWaitMs: 10_000 });

async function chainOf(projectId: string) {
  const report = await verifyChains({ projectId });
  return report.chains[0]!;
}

describe("sealing", () => {
  it("builds one chain per project from concurrent sealers: no fork, no duplicate seq, id order", async () => {
    const { org, project } = await makeTenant();
    const first = await writeEvents({ projectId: project.id }, 150);
    const orgLevel = await writeEvents({ orgId: org.id }, 20);
    const firstRun = Promise.all([seal(), seal()]);
    const second = await writeEvents({ projectId: project.id }, 150);
    await firstRun;
    await Promise.all([seal(), seal(), seal()]);

    const events = [...first, ...second];
    const seals = await db().auditSeal.findMany({ where: { chain: project.id }, orderBy: { seq: "asc" } });
    expect(seals.map((s) => s.seq)).toEqual(events.map((_, i) => BigInt(i + 1)));
    expect(seals.map((s) => s.auditEventId)).toEqual(events.map((e) => e.id));
    expect(Buffer.from(seals[0]!.prevHash).equals(Buffer.alloc(32))).toBe(true);
    for (let i = 1; i < seals.length; i++)
      expect(Buffer.from(seals[i]!.prevHash).equals(seals[i - 1]!.hash)).toBe(true);

    const orgSeals = await db().auditSeal.findMany({ where: { chain: `org:${org.id}` }, orderBy: { seq: "asc" } });
    expect(orgSeals.map((s) => s.auditEventId)).toEqual(orgLevel.map((e) => e.id));

    const chain = await chainOf(project.id);
    expect(chain).toMatchObject({ chain: project.id, ok: true, length: 300, unsealed: 0 });
    expect(chain.sealedThrough?.eventId).toBe(events.at(-1)!.id.toString());
    const all = await verifyChains();
    expect(all.chains.find((c) => c.chain === `org:${org.id}`)).toMatchObject({ ok: true, length: 20 });
  });

  it("seals nothing past a writer that is still open, then seals in id order once it commits", async () => {
    const { project } = await makeTenant();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let slowId!: bigint;
    let markInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (markInserted = resolve));
    const slowWriter = db().$transaction(
      async (tx) => {
        slowId = (
          await tx.auditEvent.create({ data: { projectId: project.id, actorType: "SYSTEM", action: "test.slow" } })
        ).id;
        markInserted();
        await released;
      },
      { timeout: 20_000 },
    );
    await inserted;
    const [later] = await writeEvents({ projectId: project.id }, 1);
    expect(later!.id).toBeGreaterThan(slowId);

    // The committed event has the higher id: sealing it now would put it before the open one.
    expect(await sealPendingAuditEvents({ maxWaitMs: 200 })).toMatchObject({ settled: false, sealed: 0 });
    expect(await db().auditSeal.count({ where: { chain: project.id } })).toBe(0);

    release();
    await slowWriter;
    await seal();
    const seals = await db().auditSeal.findMany({ where: { chain: project.id }, orderBy: { seq: "asc" } });
    expect(seals.map((s) => s.auditEventId)).toEqual([slowId, later!.id]);
    expect(await chainOf(project.id)).toMatchObject({ ok: true, length: 2, unsealed: 0 });
  });

  it("seals 10,000 events in one run, quickly", async () => {
    const { project } = await makeTenant();
    await writeEvents({ projectId: project.id }, 10_000);
    const started = performance.now();
    const result = await sealPendingAuditEvents({ maxEvents: 50_000, maxWaitMs: 10_000 });
    const sealMs = performance.now() - started;
    const verifyStarted = performance.now();
    const chain = await chainOf(project.id);
    const verifyMs = performance.now() - verifyStarted;
    console.log(
      JSON.stringify({
        benchmark: "audit-chain",
        sealed: result.sealed,
        sealMs: Math.round(sealMs),
        sealedPerSecond: Math.round(result.sealed / (sealMs / 1000)),
        verified: chain.length,
        verifyMs: Math.round(verifyMs),
      }),
    );
    expect(result.sealed).toBeGreaterThanOrEqual(10_000);
    expect(chain).toMatchObject({ ok: true, length: 10_000, unsealed: 0 });
  });
});

describe("verification", () => {
  it("names the event whose content changed after it was sealed", async () => {
    const { project } = await makeTenant();
    const events = await writeEvents({ projectId: project.id }, 5);
    await seal();
    expect((await chainOf(project.id)).ok).toBe(true);

    const victim = events[2]!;
    await tamper(
      "AuditEvent",
      `UPDATE "AuditEvent" SET action = 'test.innocent' WHERE id = $1::bigint`,
      victim.id.toString(),
    );

    const chain = await chainOf(project.id);
    expect(chain.ok).toBe(false);
    expect(chain.firstBroken).toEqual({ eventId: victim.id.toString(), seq: 3, reason: "event content changed" });
  });

  it("names the interaction whose evidence row changed behind its audit event", async () => {
    const { org, project } = await makeTenant();
    const interaction = await storedDirectly(project);
    const audit = await db().auditEvent.create({
      data: {
        orgId: org.id,
        projectId: project.id,
        actorType: "API_KEY",
        action: "interaction.ingested",
        targetType: "interaction",
        targetId: interaction.id,
        metadata: { requestId: interaction.requestId, digest: canonicalDigest(interaction) },
        createdAt: past(),
      },
    });
    await seal();
    expect(await chainOf(project.id)).toMatchObject({ ok: true, length: 1 });

    await tamper(
      "Interaction",
      `UPDATE "Interaction" SET "responseRedacted" = 'Something else.' WHERE id = $1::uuid`,
      interaction.id,
    );

    const chain = await chainOf(project.id);
    expect(chain.ok).toBe(false);
    expect(chain.firstBroken).toEqual({
      eventId: audit.id.toString(),
      seq: 1,
      reason: `evidence row interaction ${interaction.id} changed`,
    });
  });

  it("names the row an ingest request stored when any of its columns changes, and accepts digests recorded as JSON before", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });
    const first = interaction({ flags: { "z-flag": { version: 2, value: null }, "a-flag": { variant: "b", value: "x" } } });
    const second = interaction({ prompt: [{ role: "user", content: "Orders \u2192 Help \ud83d\ude00", name: "ann" }] });
    const res = await sendEvents(key, { events: [first, second, verdict(first.requestId, { scores: { S10: 0.91, A: 0.2 } })] });
    expect(res.json).toMatchObject({ accepted: 3 });
    // An ingest request's audit event as recorded before digests covered the columns: canonical JSON, no digestEncoding.
    const old = await storedDirectly(project);
    await db().auditEvent.create({
      data: {
        projectId: project.id,
        actorType: "API_KEY",
        action: EVENTS_INGESTED,
        metadata: { events: [{ type: "interaction", id: old.id, digest: canonicalDigest(old) }] },
        createdAt: past(),
      },
    });
    await seal();
    expect(await chainOf(project.id)).toMatchObject({ ok: true });

    const row = await db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId: project.id, requestId: second.requestId } } });
    await tamper("Interaction", `UPDATE "Interaction" SET "flagState" = '{"a-flag": {"value": "y"}}' WHERE id = $1::uuid`, row.id);
    expect((await chainOf(project.id)).firstBroken?.reason).toBe(`evidence row interaction ${row.id} changed`);
  });

  it("detects a removed seal as a sequence gap", async () => {
    const { project } = await makeTenant();
    const events = await writeEvents({ projectId: project.id }, 4);
    await seal();
    await tamper("AuditSeal", `DELETE FROM "AuditSeal" WHERE "auditEventId" = $1::bigint`, events[1]!.id.toString());

    const chain = await chainOf(project.id);
    expect(chain.firstBroken).toEqual({
      eventId: events[2]!.id.toString(),
      seq: 3,
      reason: "sequence gap: expected seq 2, found 3",
    });
  });

  it("detects a truncated chain through its signed checkpoint", async () => {
    const { project } = await makeTenant();
    const events = await writeEvents({ projectId: project.id }, 3);
    await seal();
    await createCheckpoints();
    await tamper("AuditSeal", `DELETE FROM "AuditSeal" WHERE "auditEventId" = $1::bigint`, events[2]!.id.toString());
    await tamper("AuditEvent", `DELETE FROM "AuditEvent" WHERE id = $1::bigint`, events[2]!.id.toString());

    const chain = await chainOf(project.id);
    expect(chain.ok).toBe(false);
    expect(chain.firstBroken).toMatchObject({
      eventId: null,
      seq: 3,
      reason: expect.stringContaining("beyond the chain head"),
    });
  });

  it("reports an event left unsealed past the grace period", async () => {
    const { project } = await makeTenant();
    const [old] = await writeEvents({ projectId: project.id }, 1, past(10 * 60_000));
    const chain = await chainOf(project.id);
    expect(chain).toMatchObject({ ok: false, length: 0, unsealed: 1 });
    expect(chain.firstBroken).toMatchObject({
      eventId: old!.id.toString(),
      reason: expect.stringContaining("is not sealed"),
    });
  });
});

describe("checkpoints", () => {
  it("signs the chain head; the signature verifies with the public key alone and not for another head", async () => {
    const { project } = await makeTenant();
    await writeEvents({ projectId: project.id }, 7);
    await seal();
    await createCheckpoints();
    await createCheckpoints(); // the head did not move: no second checkpoint

    const checkpoints = await db().auditCheckpoint.findMany({ where: { chain: project.id } });
    expect(checkpoints).toHaveLength(1);
    const cp = checkpoints[0]!;
    const head = await db().auditSeal.findFirstOrThrow({ where: { chain: project.id }, orderBy: { seq: "desc" } });
    expect(cp).toMatchObject({ projectId: project.id, seq: 7n, publicKey: signingKey().publicKeyBase64 });
    expect(Buffer.from(cp.headHash).equals(head.hash)).toBe(true);
    expect(Buffer.from(cp.publicKey, "base64")).toHaveLength(32);

    const claim = { chain: cp.chain, seq: cp.seq, headHash: cp.headHash, signature: cp.signature };
    expect(verifyCheckpointSignature(claim, cp.publicKey)).toBe(true);
    const otherHead = Buffer.from(cp.headHash);
    otherHead[0]! ^= 1;
    expect(verifyCheckpointSignature({ ...claim, headHash: otherHead }, cp.publicKey)).toBe(false);
    expect(verifyCheckpointSignature({ ...claim, seq: 6n }, cp.publicKey)).toBe(false);

    expect(await chainOf(project.id)).toMatchObject({ ok: true, lastCheckpoint: { seq: 7 } });
  });

  it("fails verification when a checkpoint's head hash is rewritten", async () => {
    const { project } = await makeTenant();
    await writeEvents({ projectId: project.id }, 2);
    await seal();
    await createCheckpoints();
    await tamper(
      "AuditCheckpoint",
      `UPDATE "AuditCheckpoint" SET "headHash" = decode(repeat('ab', 32), 'hex') WHERE chain = $1`,
      project.id,
    );

    expect((await chainOf(project.id)).firstBroken).toMatchObject({
      seq: 2,
      reason: "checkpoint signature invalid at seq 2",
    });
  });
});

describe("console", () => {
  it("shows the chain status and records each verification by a person", async () => {
    const { project } = await makeTenant();
    await writeEvents({ projectId: project.id }, 4);
    await seal();
    await createCheckpoints();
    const lead = await memberActor(project.id, "LEAD");

    const status = await getAuditChainStatus(lead, project.id);
    expect(status).toMatchObject({ length: 4, unsealed: 0, overdue: false, lastCheckpoint: { seq: 4 } });
    expect(status.lastCheckpoint?.publicKeyFingerprint).toMatch(/^SHA256:[0-9a-f]{16}$/);

    const result = await runAuditVerification(lead, project.id);
    expect(result).toMatchObject({ ok: true, length: 4 });
    const recorded = await db().auditEvent.findFirstOrThrow({
      where: { projectId: project.id, action: "audit.verified" },
    });
    expect(recorded).toMatchObject({
      actorType: "USER",
      actorId: lead.userId,
      metadata: { ok: true, length: 4, lastCheckpointSeq: 4 },
    });

    const reviewer = await memberActor(project.id, "REVIEWER");
    await expect(runAuditVerification(reviewer, project.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("worker schedules", () => {
  it("schedules sealing every 2 s, checkpoints every minute, and the outbox relay", async () => {
    await upsertSchedules();
    const connection = createRedis();
    const queue = new Queue(queues.audit.name, { connection, prefix: QUEUE_PREFIX });
    try {
      const schedulers = await queue.getJobSchedulers();
      const byId = new Map(schedulers.map((s) => [s.key, s]));
      expect(byId.get("audit-seal")).toMatchObject({ name: "seal", every: 2_000 });
      expect(byId.get("audit-checkpoint")).toMatchObject({ name: "checkpoint", every: 60_000 });
      const maintenance = new Queue(queues.maintenance.name, { connection, prefix: QUEUE_PREFIX });
      const m = new Map((await maintenance.getJobSchedulers()).map((s) => [s.key, s]));
      await maintenance.close();
      expect(m.get("relay-outbox")).toMatchObject({ name: "relay-outbox", every: 2_000 });
      expect(m.get("apply-retention")).toMatchObject({ name: "apply-retention" });
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
