// Small ingest requests that arrive while their project already has stores in
// flight are stored together (one statement, one commit, one outbox row and
// worker job), each still answered with its own statuses after the commit
// that holds its events; a request whose data Postgres refuses fails alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidenceOf } from "@/lib/audit/evidence";
import { db, disconnectDb, pgPool } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, sendEvents, verdict } from "./ingest-helpers";

let projectId: string;
let key: string;

type Payload = { interactions: string[]; verdicts: string[] };

async function outboxPayloads(): Promise<Payload[]> {
  const rows = await db().outboxEvent.findMany({ where: { payload: { path: ["projectId"], equals: projectId } }, orderBy: { id: "asc" } });
  return rows.map((r) => r.payload as unknown as Payload);
}

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  const admin = await memberActor(projectId, "ADMIN");
  key = (await createApiKey(admin, projectId, { name: "combine", scopes: ["events:write"] })).key;
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("combining small ingest requests", () => {
  it("stores 40 concurrent single-event requests in fewer statements, each answered for its own events, a repeated id once", async () => {
    const events = Array.from({ length: 38 }, () => interaction());
    const twice = interaction();
    // Two requests carry the same interaction: exactly one stores it.
    const bodies = [...events.map((e) => [e]), [twice], [twice, verdict(twice.requestId)]];
    const answers = await Promise.all(bodies.map((b) => sendEvents(key, { events: b })));
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    answers.slice(0, 38).forEach((a, i) => expect(a.json.results, `request ${i}`).toEqual([expect.objectContaining({ id: events[i]!.requestId, status: "accepted" })]));
    const repeated = [answers[38]!.json.results[0].status, answers[39]!.json.results[0].status].sort();
    expect(repeated).toEqual(["accepted", "duplicate"]);
    expect(answers[39]!.json.results[1].status).toBe("accepted");

    const stored = await db().interaction.findMany({ where: { projectId }, select: { id: true, requestId: true } });
    expect(stored).toHaveLength(39);
    // One audit event per request that stored something, naming each stored event once, and every
    // stored event in exactly one outbox row. That is 40 requests, or 39 when the request with the
    // verdict stored the repeated interaction too: the other then stored nothing, and records nothing.
    const storing = answers.filter((a) => a.json.results.some((r: { status: string }) => r.status === "accepted")).length;
    expect(storing).toBe(answers[38]!.json.results[0].status === "accepted" ? 40 : 39);
    const audits = await db().auditEvent.findMany({ where: { projectId, actorType: "API_KEY" } });
    expect(audits).toHaveLength(storing);
    const named = audits.flatMap((a) => evidenceOf(a));
    expect(named.filter((e) => e.type === "interaction").map((e) => e.id).sort()).toEqual(stored.map((s) => s.id).sort());
    expect(named.filter((e) => e.type === "verdict")).toHaveLength(1);
    const payloads = await outboxPayloads();
    const inOutbox = payloads.flatMap((p) => p.interactions).sort();
    expect(inOutbox).toEqual(stored.map((s) => s.id).sort());
    // …of which there are fewer than requests: they were combined.
    expect(payloads.length).toBeLessThan(40);
    expect(payloads.some((p) => p.interactions.length > 1)).toBe(true);
  });

  it("does not combine requests with large bodies (a statement is never larger than one batch could make it)", async () => {
    const before = (await outboxPayloads()).length;
    const big = Array.from({ length: 8 }, () => interaction({ response: "x".repeat(70 * 1024) }));
    const answers = await Promise.all(big.map((e) => sendEvents(key, { events: [e] })));
    expect(answers.map((a) => a.json.results[0].status)).toEqual(big.map(() => "accepted"));
    const added = (await outboxPayloads()).slice(before);
    expect(added).toHaveLength(8);
    expect(added.every((p) => p.interactions.length === 1)).toBe(true);
  });

  it("fails only the request whose data Postgres refuses; the requests sent beside it are stored", async () => {
    // A constraint validation cannot know of stands in for any data error Postgres might raise.
    await pgPool().query(`ALTER TABLE "Interaction" ADD CONSTRAINT combine_test_poison CHECK ("modelId" <> 'poison') NOT VALID`);
    try {
      const good = Array.from({ length: 20 }, () => interaction());
      const poison = interaction({ model: { provider: "openai", id: "poison" } });
      const bodies = [...good.slice(0, 10).map((e) => [e]), [poison], ...good.slice(10).map((e) => [e])];
      const answers = await Promise.all(bodies.map((b) => sendEvents(key, { events: b })));
      expect(answers[10]!.status).toBe(500);
      const others = answers.filter((_, i) => i !== 10);
      expect(others.map((a) => a.json.results[0].status)).toEqual(others.map(() => "accepted"));
      const ids = good.map((e) => e.requestId);
      expect(await db().interaction.count({ where: { projectId, requestId: { in: ids } } })).toBe(20);
      expect(await db().interaction.count({ where: { projectId, requestId: poison.requestId } })).toBe(0);
    } finally {
      await pgPool().query(`ALTER TABLE "Interaction" DROP CONSTRAINT combine_test_poison`);
    }
  });
});
