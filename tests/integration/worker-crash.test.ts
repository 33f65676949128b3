// A worker killed with SIGKILL in the middle of triage: once a worker runs
// again, every signal has its item, once.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { drainOutbox } from "@/lib/outbox/relay";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, sendEvents, verdict } from "./ingest-helpers";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
    srv.on("error", reject);
  });
}

async function startWorker(): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
    env: { ...process.env, WORKER_HEALTH_PORT: String(port), WORKER_LOCK_MS: "1500" },
    stdio: "ignore",
  });
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    if (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok).catch(() => false)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("worker did not start");
}

describe("worker crash", () => {
  it("loses and doubles nothing when the worker is SIGKILLed mid-triage", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });
    const mine = { payload: { path: ["projectId"], equals: project.id } };

    let worker = await startWorker();
    const requestIds: string[] = [];
    for (let b = 0; b < 8; b++) {
      const events = Array.from({ length: 40 }, () => interaction());
      requestIds.push(...events.map((e) => e.requestId));
      const res = await sendEvents(key, { events: [...events, ...events.map((e) => verdict(e.requestId))] });
      expect(res.json.accepted).toBe(80);
    }
    await drainOutbox();
    // Let it get going, then kill it without warning.
    await new Promise((r) => setTimeout(r, 400));
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    const processedAtKill = await db().outboxEvent.count({ where: { ...mine, processedAt: { not: null } } });
    const itemsAtKill = await db().triageItem.count({ where: { projectId: project.id } });

    worker = await startWorker();
    try {
      const end = Date.now() + 45_000;
      while ((await db().outboxEvent.count({ where: { ...mine, processedAt: null } })) > 0) {
        if (Date.now() > end) throw new Error("outbox rows were not all processed after the restart");
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      worker.kill("SIGTERM");
    }
    const items = await db().triageItem.findMany({ where: { projectId: project.id }, select: { requestId: true } });
    expect(items).toHaveLength(requestIds.length);
    expect(new Set(items.map((i) => i.requestId))).toEqual(new Set(requestIds));
    console.log(JSON.stringify({ signals: requestIds.length, outboxRows: 8, processedAtKill, itemsAtKill, itemsAfterRestart: items.length }));
  }, 90_000);
});
