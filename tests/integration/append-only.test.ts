// Evidence is append-only in the database itself, whoever connects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, report, sendEvents, verdict } from "./ingest-helpers";

let projectId: string;

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  const admin = await memberActor(projectId, "ADMIN");
  const { key } = await createApiKey(admin, projectId, { name: "k", scopes: ["events:write"] });
  const i = interaction();
  const outcome = { type: "outcome", eventId: `o-${i.requestId}`, occurredAt: new Date().toISOString(), name: "csat", value: 5, requestId: i.requestId };
  const res = await sendEvents(key, { events: [i, verdict(i.requestId), report(i.requestId), outcome] });
  expect(res.json.accepted).toBe(4);
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

const tables = ["Interaction", "Verdict", "UserReport", "BusinessEvent", "AuditEvent"] as const;

describe("append-only evidence", () => {
  it.each(tables)("rejects UPDATE and DELETE on %s", async (table) => {
    const where = `WHERE "projectId" = '${projectId}'`;
    const before = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" ${where}`);
    expect(Number(before[0]!.n)).toBeGreaterThan(0);
    await expect(db().$executeRawUnsafe(`UPDATE "${table}" SET "projectId" = "projectId" ${where}`)).rejects.toThrow(/append-only/);
    await expect(db().$executeRawUnsafe(`DELETE FROM "${table}" ${where}`)).rejects.toThrow(/append-only/);
    const after = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" ${where}`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it.each([...tables, "AuditSeal", "AuditCheckpoint"])("rejects TRUNCATE on %s", async (table) => {
    await expect(db().$executeRawUnsafe(`TRUNCATE "${table}" CASCADE`)).rejects.toThrow(/append-only/);
  });

  it("rejects changes made through Prisma too", async () => {
    await expect(db().interaction.updateMany({ where: { projectId }, data: { responseRedacted: "rewritten" } })).rejects.toThrow(/append-only/);
    await expect(db().userReport.deleteMany({ where: { projectId } })).rejects.toThrow(/append-only/);
  });
});
