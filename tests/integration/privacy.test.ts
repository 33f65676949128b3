import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS_INGESTED, evidenceDigest, evidenceOf } from "@/lib/audit/evidence";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { decryptOriginal } from "@/lib/privacy/subject-keys";
import { eraseSubject } from "@/lib/privacy/erase-subject";
import { applyRetention } from "@/lib/privacy/apply-retention";
import { sealPendingAuditEvents } from "@/lib/audit/seal-pending-audit-events";
import { createCheckpoints } from "@/lib/audit/create-checkpoints";
import { verifyChains } from "@/lib/audit/verify-chains";
import type { UserActor } from "@/lib/auth/actor-types";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, sendEvents } from "./ingest-helpers";

let projectId: string;
let admin: UserActor;
let key: string;

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  admin = await memberActor(projectId, "ADMIN");
  key = (await createApiKey(admin, projectId, { name: "k", scopes: ["events:write"] })).key;
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

const withPii = (userId: string, occurredAt = new Date()) =>
  interaction({ userId, occurredAt: occurredAt.toISOString(), prompt: "My phone is +44 20 7946 0958", response: "Noted: +44 20 7946 0958" });

async function stored(requestId: string) {
  return db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId } } });
}

describe("erasure (right to be forgotten)", () => {
  it("makes the subject's originals unreadable, leaves others readable, and keeps evidence rows intact", async () => {
    const mine = withPii("erase-me");
    const theirs = withPii("keep-me");
    await sendEvents(key, { events: [mine, theirs] });
    const before = await stored(mine.requestId);
    expect(await decryptOriginal(before.subjectKeyId!, before.originalEnc!)).toMatchObject({ response: mine.response });
    const audits = await db().auditEvent.findMany({ where: { projectId, action: EVENTS_INGESTED } });
    expect(audits.flatMap((a) => evidenceOf(a)).find((e) => e.id === before.id)?.digest).toBe(evidenceDigest("interaction", before, "columns-v1"));

    const result = await eraseSubject(admin, projectId, { userId: "erase-me", reason: "GDPR request #123" });
    expect(result.keysShredded).toBe(1);

    const after = await stored(mine.requestId);
    expect(await decryptOriginal(after.subjectKeyId!, after.originalEnc!)).toBeNull();
    // The evidence row is byte-for-byte what was recorded, so its digest in the chain still matches.
    expect(evidenceDigest("interaction", after, "columns-v1")).toBe(evidenceDigest("interaction", before, "columns-v1"));
    const other = await stored(theirs.requestId);
    expect(await decryptOriginal(other.subjectKeyId!, other.originalEnc!)).toMatchObject({ response: theirs.response });

    const event = await db().auditEvent.findFirstOrThrow({ where: { projectId, action: "subject.erased" } });
    expect(JSON.stringify(event, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("erase-me");

    // And the project's audit chain — with the evidence digests of the erased rows — still verifies.
    await sealPendingAuditEvents({ maxEvents: 100_000 });
    await createCheckpoints();
    const report = await verifyChains({ projectId });
    expect(report.chains[0]).toMatchObject({ ok: true });
    // The key's creation, the ingest request, the erasure.
    expect(report.chains[0]!.length).toBeGreaterThanOrEqual(3);
  });

  it("stores no original for a subject erased earlier in the same month", async () => {
    await eraseSubject(admin, projectId, { userId: "gone", reason: "request" });
    const later = withPii("gone");
    await sendEvents(key, { events: [later] });
    const row = await stored(later.requestId);
    expect(row.originalEnc).toBeNull();
    expect(row.responseRedacted).not.toContain("7946");
  });

  it("needs an admin", async () => {
    const lead = await memberActor(projectId, "LEAD");
    await expect(eraseSubject(lead, projectId, { userId: "x", reason: "because" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("retention", () => {
  it("shreds the keys of months outside the window and nothing newer", async () => {
    await db().project.update({ where: { id: projectId }, data: { retentionDays: 30 } });
    const old = withPii("retained", new Date(Date.now() - 120 * 86_400_000));
    const recent = withPii("retained", new Date());
    await sendEvents(key, { events: [old, recent] });

    const summary = await applyRetention();
    expect(summary.find((s) => s.projectId === projectId)?.keysShredded).toBeGreaterThanOrEqual(1);
    const o = await stored(old.requestId);
    const r = await stored(recent.requestId);
    expect(await decryptOriginal(o.subjectKeyId!, o.originalEnc!)).toBeNull();
    expect(await decryptOriginal(r.subjectKeyId!, r.originalEnc!)).toMatchObject({ response: recent.response });
    expect(await db().auditEvent.count({ where: { projectId, action: "retention.shredded" } })).toBe(1);
  });
});
