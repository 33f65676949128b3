import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { decryptOriginal } from "@/lib/privacy/subject-keys";
import type { UserActor } from "@/lib/auth/actor-types";
import { sealPendingAuditEvents } from "@/lib/audit/seal-pending-audit-events";
import { verifyChains } from "@/lib/audit/verify-chains";
import { EVENTS_INGESTED, evidenceDigest, evidenceOf } from "@/lib/audit/evidence";
import { makeTenant, memberActor, tamper } from "./fixtures";
import { interaction, report, sendEvents, sendReport, verdict } from "./ingest-helpers";

let projectId: string;
let admin: UserActor;
let key: string;

const counts = async () => ({
  interactions: await db().interaction.count({ where: { projectId } }),
  verdicts: await db().verdict.count({ where: { projectId } }),
  reports: await db().userReport.count({ where: { projectId } }),
  audit: await db().auditEvent.count({ where: { projectId, actorType: "API_KEY" } }),
  outbox: await db().outboxEvent.count({ where: { payload: { path: ["projectId"], equals: projectId } } }),
});

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  admin = await memberActor(projectId, "ADMIN");
  key = (await createApiKey(admin, projectId, { name: "ingest", scopes: ["events:write"] })).key;
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("POST /api/v1/events", () => {
  it("stores a mixed batch with one audit event naming every stored event, and one outbox row", async () => {
    const i = interaction();
    const before = await counts();
    const res = await sendEvents(key, { events: [i, verdict(i.requestId), report(i.requestId)] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ accepted: 3, duplicate: 0, rejected: 0 });
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "accepted", "accepted"]);
    const after = await counts();
    expect(after).toEqual({
      interactions: before.interactions + 1,
      verdicts: before.verdicts + 1,
      reports: before.reports + 1,
      audit: before.audit + 1,
      outbox: before.outbox + 1,
    });
    const stored = await db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId: i.requestId } } });
    expect(stored).toMatchObject({ modelId: "gpt-4.1-mini", costMicros: 4200n, latencyMs: 812, region: "eu-west", tokensIn: 120 });
    expect(stored.flagState).toEqual(i.flags);
    // The request's audit event names each stored row with the digest of its exact content.
    const audit = await db().auditEvent.findFirstOrThrow({ where: { projectId, actorType: "API_KEY" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ action: EVENTS_INGESTED, targetType: null, targetId: null });
    const [v, r] = await Promise.all([
      db().verdict.findFirstOrThrow({ where: { projectId, requestId: i.requestId } }),
      db().userReport.findFirstOrThrow({ where: { projectId, requestId: i.requestId } }),
    ]);
    expect(evidenceOf(audit)).toEqual([
      { type: "interaction", id: stored.id, digest: evidenceDigest("interaction", stored, "columns-v1"), encoding: "columns-v1" },
      { type: "verdict", id: v.id, digest: evidenceDigest("verdict", v, "columns-v1"), encoding: "columns-v1" },
      { type: "report", id: r.id, digest: evidenceDigest("report", r, "columns-v1"), encoding: "columns-v1" },
    ]);
    // The outbox row names what the worker goes on with, and the minute the interaction falls in (for the rollups).
    const outbox = await db().outboxEvent.findFirstOrThrow({ where: { payload: { path: ["projectId"], equals: projectId } }, orderBy: { id: "desc" } });
    expect(outbox.payload).toEqual({
      projectId,
      interactions: [stored.id],
      verdicts: [v.id],
      reports: [r.id],
      outcomes: [],
      minutes: [`${stored.occurredAt.toISOString().slice(0, 16)}:00`],
    });
  });

  // 4 short events are stored as a small request (combinable); 24, one of them 240 KB, as a batch that lets go of its rows' text before the round trip.
  it.each([4, 24])("stores each event's own text, whatever it is (%i events in the request)", async (n) => {
    const stamp = randomUUID();
    // Given out of request-id order: the statement sorts its rows, and each response must stay with its own.
    const texts = ["zeta: Orders \u2192 Help \ud83d\ude00", "", 'quotes " and \\ backslashes\n and tabs\t'];
    const events: Record<string, unknown>[] = Array.from({ length: n - 2 }, (_, i) => {
      // A 240 KB answer makes even a small request a batch of its own: only the larger request has one.
      const response = i === 1 && n > 20 ? "alpha " + "long answer ".repeat(20_000) : texts[i % texts.length]!;
      return interaction({ requestId: `beside-${stamp}-${n - i}`, response, prompt: [{ role: "user", content: `question ${i}: ${response.slice(0, 50)}` }] });
    });
    events.push(verdict(`beside-${stamp}-${n}`, { scores: { S10: 0.25, S1: 0.75 } }), report(`beside-${stamp}-${n}`, { text: "it said something odd" }));
    const res = await sendEvents(key, { events });
    expect(res.json.accepted).toBe(n);
    for (const e of events.filter((x) => x.type === "interaction")) {
      const stored = await db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId: e.requestId as string } } });
      expect(stored.responseRedacted).toBe(e.response);
      expect(stored.promptRedacted).toEqual(e.prompt);
    }
    const v = await db().verdict.findFirstOrThrow({ where: { projectId, requestId: `beside-${stamp}-${n}` } });
    expect(v.scores).toEqual({ S1: 0.75, S10: 0.25 });
    const r = await db().userReport.findFirstOrThrow({ where: { projectId, requestId: `beside-${stamp}-${n}` } });
    expect(r.text).toBe("it said something odd");
    await sealPendingAuditEvents({ maxEvents: 100_000 });
    expect((await verifyChains({ projectId })).chains[0]).toMatchObject({ ok: true });
  });

  it("names only the events a request actually stored in its audit event; a pure retry records none", async () => {
    const old = interaction();
    await sendEvents(key, { events: [old] });
    const fresh = interaction();
    const before = await counts();
    const res = await sendEvents(key, { events: [old, fresh] });
    expect(res.json.results.map((x: { status: string }) => x.status)).toEqual(["duplicate", "accepted"]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { projectId, actorType: "API_KEY" }, orderBy: { id: "desc" } });
    const freshRow = await db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId: fresh.requestId } } });
    expect(evidenceOf(audit).map((e) => e.id)).toEqual([freshRow.id]);
    expect((await counts()).audit).toBe(before.audit + 1);

    const retry = await sendEvents(key, { events: [old, fresh] });
    expect(retry.json).toMatchObject({ accepted: 0, duplicate: 2 });
    expect((await counts()).audit).toBe(before.audit + 1);
  });

  it("stores nested data as sent, nulls included, whatever its key order, and the project's chain verifies", async () => {
    // Nested values are stored as sent (nulls included) and digested in canonical key order; jsonb
    // hands keys back in its own order, and verify must still recompute the same digest.
    const flags = { "z-flag": { version: 2, value: null }, "a-flag": { variant: "b", value: "x" } };
    const prompt = [{ content: "Mail me at ann@example.com", role: "user", name: "ann" }];
    const plain = interaction({ flags: { "model-tier": { version: 9, value: "mini" } }, prompt, provenance: [{ source: "guess", end: 5, start: 0 }] });
    const withNull = interaction({ flags, cost: 0.5 });
    const v = verdict(plain.requestId, { scores: { S10: 0.91, A: 0.2, S1: 0.02 } });
    const res = await sendEvents(key, { events: [plain, withNull, v] });
    expect(res.json).toMatchObject({ accepted: 3, rejected: 0 });

    const stored = async (requestId: string) => db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId } } });
    const a = await stored(plain.requestId);
    expect(a.flagState).toEqual({ "model-tier": { value: "mini", version: 9 } });
    expect(a.promptRedacted).toEqual([{ role: "user", name: "ann", content: "Mail me at [EMAIL]" }]);
    expect(a.provenance).toEqual([{ start: 0, end: 5, source: "guess" }]);
    expect(a.piiKinds).toEqual(["email"]);
    expect(await decryptOriginal(a.subjectKeyId!, a.originalEnc!)).toEqual({ prompt, response: plain.response });
    expect(a.gateRunId).toBeNull();
    const b = await stored(withNull.requestId);
    expect(b.flagState).toEqual(flags);
    expect(b.costMicros).toBe(500_000n);
    expect(b.originalEnc).toBeNull();
    const sv = await db().verdict.findFirstOrThrow({ where: { projectId, eventId: v.eventId } });
    expect(sv.scores).toEqual({ S10: 0.91, A: 0.2, S1: 0.02 });
    expect(sv.categories).toEqual(["S10"]);

    await sealPendingAuditEvents({ maxEvents: 100_000 });
    const report = await verifyChains({ projectId });
    expect(report.chains[0]).toMatchObject({ ok: true });
    expect(report.chains[0]!.length).toBeGreaterThanOrEqual(3);
  });

  it("verify names the one row, among those a request's audit event vouches for, that changed (outcomes included)", async () => {
    const t = await makeTenant();
    const own = await memberActor(t.project.id, "ADMIN");
    const k = (await createApiKey(own, t.project.id, { name: "tamper", scopes: ["events:write"] })).key;
    const i = interaction();
    const outcome = { type: "outcome", eventId: `o-${i.requestId}`, occurredAt: new Date().toISOString(), name: "csat", value: 4.5, requestId: i.requestId, userId: "u-1" };
    const res = await sendEvents(k, { events: [i, verdict(i.requestId), outcome] });
    expect(res.json).toMatchObject({ accepted: 3 });
    await sealPendingAuditEvents({ maxEvents: 100_000, maxWaitMs: 10_000 });
    expect((await verifyChains({ projectId: t.project.id })).chains[0]).toMatchObject({ ok: true });

    const v = await db().verdict.findFirstOrThrow({ where: { projectId: t.project.id } });
    await tamper("Verdict", `UPDATE "Verdict" SET decision = 'PASS' WHERE id = $1::uuid`, v.id);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { projectId: t.project.id, action: EVENTS_INGESTED }, include: { seal: true } });
    expect((await verifyChains({ projectId: t.project.id })).chains[0]).toMatchObject({
      ok: false,
      firstBroken: { eventId: audit.id.toString(), seq: Number(audit.seal!.seq), reason: `evidence row verdict ${v.id} changed` },
    });
  });

  it("answers a retry with 'duplicate' and changes nothing", async () => {
    const i = interaction();
    const batch = { events: [i, verdict(i.requestId), report(i.requestId)] };
    await sendEvents(key, batch);
    const before = await counts();
    const again = await sendEvents(key, batch);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ accepted: 0, duplicate: 3, rejected: 0 });
    expect(await counts()).toEqual(before);
  });

  it("treats a repeated id inside one batch as a duplicate", async () => {
    const i = interaction();
    const res = await sendEvents(key, { events: [i, { ...i, response: "different" }] });
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "duplicate"]);
  });

  it("stores the valid events of a partial batch and names the field of each rejected one", async () => {
    const good = interaction();
    const before = await counts();
    const res = await sendEvents(key, {
      events: [good, { ...interaction(), occurredAt: "yesterday" }, { type: "verdict", requestId: "x" }, { type: "mystery" }, 42],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ accepted: 1, rejected: 4 });
    const [, badDate, badVerdict, unknownType, notObject] = res.json.results;
    expect(badDate.errors[0].path).toBe("events.1.occurredAt");
    expect(badVerdict.errors.map((e: { path: string }) => e.path)).toContain("events.2.eventId");
    expect(unknownType.errors[0].path).toBe("events.3.type");
    expect(notObject.status).toBe("rejected");
    const after = await counts();
    expect(after.interactions - before.interactions).toBe(1);
    expect(after.audit - before.audit).toBe(1);
  });

  it("rejects an unknown environment", async () => {
    const res = await sendEvents(key, { events: [interaction({ environment: "nowhere" })] });
    expect(res.json.results[0]).toMatchObject({ status: "rejected", errors: [{ path: "events.0.environment" }] });
  });

  it("accepts verdicts and reports before their interaction; they attach when it arrives", async () => {
    const i = interaction();
    const early = await sendEvents(key, { events: [verdict(i.requestId), report(i.requestId)] });
    expect(early.json.accepted).toBe(2);
    await sendEvents(key, { events: [i] });
    const joined = await db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId: i.requestId } } });
    expect(await db().verdict.count({ where: { projectId, requestId: joined.requestId } })).toBe(1);
    expect(await db().userReport.count({ where: { projectId, requestId: joined.requestId } })).toBe(1);
  });

  it("stores personal data redacted, keeps the original encrypted, and pseudonymizes user ids", async () => {
    const i = interaction({
      prompt: [{ role: "user", content: "I'm jane.doe@example.com, card 4111 1111 1111 1111" }],
      response: "Thanks Jane, I emailed jane.doe@example.com",
      userId: "customer-7781",
    });
    await sendEvents(key, { events: [i] });
    const row = await db().interaction.findUniqueOrThrow({ where: { projectId_requestId: { projectId, requestId: i.requestId } } });
    const stored = JSON.stringify(row.promptRedacted) + row.responseRedacted;
    expect(stored).not.toContain("jane.doe@example.com");
    expect(stored).not.toContain("4111");
    expect(row.piiKinds).toEqual(expect.arrayContaining(["email", "card"]));
    expect(row.userRef).not.toBe("customer-7781");
    expect(row.userRef).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await decryptOriginal(row.subjectKeyId!, row.originalEnc!)).toEqual({ prompt: i.prompt, response: i.response });
  });
});

describe("bad input gets a clear 4xx and stores nothing", () => {
  it.each([
    ["malformed JSON", "{events: [", 400],
    ["empty body", "", 400],
    ["not an object", "[]", 400],
    ["no events", JSON.stringify({ events: [] }), 400],
    ["events not an array", JSON.stringify({ events: "many" }), 400],
    ["nested too deeply", "[".repeat(200_000) + "]".repeat(200_000), 400],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400],
  ])("%s → %i", async (_name, body, status) => {
    const before = await counts();
    const res = await sendEvents(key, body);
    expect(res.status).toBe(status);
    expect(res.json.error.message).toBeTruthy();
    expect(await counts()).toEqual(before);
  });

  it("answers 413 for a body over 1 MiB and for more than 500 events", async () => {
    const huge = interaction({ response: "x".repeat(1024 * 1024) });
    expect((await sendEvents(key, { events: [huge] })).status).toBe(413);
    const many = Array.from({ length: 501 }, () => ({ type: "report" }));
    expect((await sendEvents(key, { events: many })).status).toBe(413);
  });

  it("answers 401 without a key or with a revoked one, 403 with the wrong scope", async () => {
    expect((await sendEvents(null, { events: [interaction()] })).status).toBe(401);
    const flagsOnly = await createApiKey(admin, projectId, { name: "flags", scopes: ["flags:read"] });
    const forbidden = await sendEvents(flagsOnly.key, { events: [interaction()] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.message).toContain("events:write");
    const revoked = await createApiKey(admin, projectId, { name: "revoked", scopes: ["events:write"] });
    await revokeApiKey(admin, projectId, revoked.id);
    expect((await sendEvents(revoked.key, { events: [interaction()] })).status).toBe(401);
  });

  it("answers 429 with Retry-After over the key's rate limit", async () => {
    const limited = await createApiKey(admin, projectId, { name: "slow", scopes: ["events:write"] });
    await db().apiKey.update({ where: { id: limited.id }, data: { rateLimitPerSecond: 3 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let n = 0; n < 8; n++) {
      const res = await sendEvents(limited.key, { events: [interaction()] });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("never answers 5xx to generated malformed events, and stores none of them", async () => {
    const base = interaction();
    const junk: unknown[] = [null, true, 3.14, "str", [], [[]], {}, { type: null }, { type: "interaction" }];
    const mutations: [string, unknown][] = [
      ["requestId", 123],
      ["requestId", ""],
      ["requestId", "x".repeat(10_000)],
      ["requestId", "\ud800lone"],
      ["requestId", "nul\u0000byte"],
      ["occurredAt", 1700000000],
      ["occurredAt", "0000-06-01T00:00:00Z"],
      ["occurredAt", "0001-01-01T00:00:00+01:00"],
      ["occurredAt", "9999-12-31T23:59:59-01:00"], // year 10000 in UTC, which Postgres cannot read back from an ISO string (was a 500)
      ["model", "gpt"],
      ["model", { provider: [], id: {} }],
      ["prompt", { deeply: { nested: { object: [1, [2, [3]]] } } }],
      ["prompt", [{ role: "wizard", content: "hi" }]],
      ["response", null],
      ["response", "\udfff"],
      ["flags", { f: { value: { nested: true } } }],
      ["cohort", "eu"],
      ["latencyMs", -1],
      ["latencyMs", 1.5],
      ["cost", "free"],
      ["cost", Number.MAX_VALUE],
      ["tokens", { input: "many" }],
      ["tokens", { input: 3_000_000_000 }],
      ["tokens", { output: 2 ** 31 }],
      ["provenance", [{ start: 0, end: 5, source: "vibes" }]],
    ];
    for (const [field, value] of mutations) junk.push({ ...base, requestId: `${base.requestId}-${field}`, [field]: value });
    for (const v of [verdict("r"), report("r")]) {
      for (const [field, value] of Object.entries({ scores: { S1: 2 }, decision: "maybe", category: "rude", eventId: 7, classifier: null })) {
        if (field in v) junk.push({ ...v, [field]: value });
      }
    }
    const before = await counts();
    for (let i = 0; i < junk.length; i += 7) {
      const res = await sendEvents(key, { events: junk.slice(i, i + 7) });
      expect(res.status).toBeLessThan(500);
      for (const r of res.json.results) expect(r.status, JSON.stringify(r)).toBe("rejected");
    }
    expect(await counts()).toEqual(before);
    expect(junk.length).toBeGreaterThan(30);
  });
});

describe("POST /api/v1/reports", () => {
  it("takes one report from a report button, idempotent when an eventId is given", async () => {
    const body = { requestId: "req-from-button", category: "privacy", text: "It showed someone else's address", eventId: "btn-1" };
    const first = await sendReport(key, body);
    expect(first.status).toBe(201);
    expect(first.json.status).toBe("accepted");
    const retry = await sendReport(key, body);
    expect(retry.status).toBe(200);
    expect(retry.json.status).toBe("duplicate");
  });

  it("rejects an unknown category with the field named", async () => {
    const res = await sendReport(key, { requestId: "r", category: "spam" });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].path).toBe("category");
  });
});
