// With Redis stopped, ingest still accepts and commits; when Redis returns,
// the relay delivers every committed event to the queue, exactly once.
// Runs its own redis-server so that stopping it disturbs nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";

let port = 0;
let server: ChildProcess | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
    srv.on("error", reject);
  });
}

async function startRedis() {
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const s = spawn("redis-cli", ["-p", String(port), "ping"], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      s.stdout.on("data", (d) => (out += d));
      s.on("exit", () => resolve(out.includes("PONG")));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("redis-server did not start");
}

async function stopRedis() {
  const s = server;
  server = null;
  if (!s) return;
  const exited = new Promise((r) => s.on("exit", r));
  s.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  port = await freePort();
  process.env.REDIS_URL = `redis://127.0.0.1:${port}/0`;
  await startRedis();
});
afterAll(stopRedis);

describe("outbox relay across a Redis outage", () => {
  it("commits while Redis is down and relays everything, once, when it is back", async () => {
    // Imported after REDIS_URL points at the private server.
    const { db, disconnectDb } = await import("@/lib/db");
    const { drainOutbox, markOutboxProcessed, outboxJobId } = await import("@/lib/outbox/relay");
    const { producerQueue, closeQueues } = await import("@/lib/queues/producers");
    const { disconnectRedis } = await import("@/lib/redis");
    const { createApiKey } = await import("@/lib/api-keys/create-api-key");
    const { makeTenant, memberActor } = await import("./fixtures");
    const { interaction, sendEvents } = await import("./ingest-helpers");

    try {
      const { project } = await makeTenant();
      const admin = await memberActor(project.id, "ADMIN");
      const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });
      const mine = { payload: { path: ["projectId"], equals: project.id } };

      // Redis up: delivered right after commit.
      const up = await sendEvents(key, { events: [interaction()] });
      expect(up.json.accepted).toBe(1);
      // The post-commit kick may hold the row for a moment; wait until it is relayed.
      for (let n = 0; n < 50 && (await db().outboxEvent.count({ where: { ...mine, enqueuedAt: null } })) > 0; n++) {
        await drainOutbox();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await db().outboxEvent.count({ where: { ...mine, enqueuedAt: null } })).toBe(0);

      await stopRedis();
      const started = Date.now();
      const down: number[] = [];
      for (let n = 0; n < 5; n++) {
        const res = await sendEvents(key, { events: [interaction(), interaction()] });
        expect(res.status).toBe(200);
        down.push(res.json.accepted);
      }
      expect(down).toEqual([2, 2, 2, 2, 2]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await db().interaction.count({ where: { projectId: project.id } })).toBe(11);
      // Nothing can be relayed while Redis is down (the relay times out and rolls back).
      expect(await drainOutbox().catch(() => 0)).toBe(0);
      expect(await db().outboxEvent.count({ where: { ...mine, enqueuedAt: null } })).toBe(5);

      await startRedis();
      // The producer reconnects on its own; the relay then catches up.
      let relayed = 0;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        relayed += await drainOutbox().catch(() => 0);
        if ((await db().outboxEvent.count({ where: { ...mine, enqueuedAt: null } })) === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await db().outboxEvent.count({ where: { ...mine, enqueuedAt: null } })).toBe(0);

      const rows = await db().outboxEvent.findMany({ where: mine, select: { id: true } });
      expect(rows).toHaveLength(6);
      const q = producerQueue("ingest");
      // The first row's job went into the Redis that was killed (it kept no data):
      // only the 5 rows committed during the outage are in the new one so far.
      const present = async () => (await Promise.all(rows.map((r) => q.getJob(outboxJobId(r.id))))).filter(Boolean).length;
      expect(await present()).toBe(5);
      expect(relayed).toBeGreaterThanOrEqual(5);

      // Unprocessed rows are redelivered: the lost job comes back, the others collapse onto their job ids.
      // (The test database holds other tests' rows too, so only this project's rows are counted.)
      await drainOutbox({ redeliverAfterMs: 0 });
      expect(await present()).toBe(6);
      const jobIds = new Set((await q.getJobs(["waiting", "prioritized", "delayed"])).map((j) => j.id));
      expect(rows.filter((r) => jobIds.has(outboxJobId(r.id)))).toHaveLength(6);

      // Processed rows are never relayed again.
      for (const r of rows) await markOutboxProcessed(r.id);
      const attempts = async () => (await db().outboxEvent.findMany({ where: mine, orderBy: { id: "asc" } })).map((r) => r.attempts);
      const before = await attempts();
      await drainOutbox({ redeliverAfterMs: 0 });
      expect(await attempts()).toEqual(before);
    } finally {
      await closeQueues();
      await disconnectRedis();
      await disconnectDb();
    }
  }, 60_000);
});
