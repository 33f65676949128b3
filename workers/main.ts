// The worker process: one BullMQ Worker per registered queue, a heartbeat in
// Redis, a health endpoint, and a graceful shutdown on SIGTERM/SIGINT that
// lets in-flight jobs finish (BullMQ re-queues any whose lock lapses).
import "@/workers/load-env";
import { createServer } from "node:http";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { loadConfigOrExit } from "@/lib/config";
import { createRedis, redis, disconnectRedis } from "@/lib/redis";
import { disconnectDb } from "@/lib/db";
import { QUEUE_PREFIX, WORKER_HEARTBEAT_PREFIX, WORKER_HEARTBEAT_TTL_SECONDS, queues } from "@/lib/queues/contracts";
import { registrations } from "@/workers/registry";
import { keepSchedules } from "@/workers/schedules";
import { drainSlaTimers } from "@/lib/triage/sla-timers";
import { closeQueues } from "@/lib/queues/producers";

const cfg = loadConfigOrExit();
const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const startedAt = Date.now();
const counts = { completed: 0, failed: 0 };

const workers = registrations.map((reg) => {
  const worker = new Worker(
    queues[reg.queue].name,
    async (job: Job) => {
      const handler = reg.handlers[job.name];
      if (!handler) throw new UnrecoverableError(`No processor for job "${job.name}" on queue "${reg.queue}"`);
      return handler(job);
    },
    {
      connection: createRedis(),
      prefix: QUEUE_PREFIX,
      concurrency: reg.concurrency,
      autorun: true,
      // A job whose worker died (SIGKILL, OOM) is taken back after its lock lapses.
      lockDuration: cfg.WORKER_LOCK_MS,
      stalledInterval: cfg.WORKER_LOCK_MS,
      maxStalledCount: 5,
    },
  );
  worker.on("completed", () => counts.completed++);
  worker.on("failed", (job, err) => {
    counts.failed++;
    console.error(`[worker] ${reg.queue}/${job?.name ?? "?"} #${job?.id ?? "?"} failed: ${err.message}`);
  });
  worker.on("error", (err) => console.error(`[worker] ${reg.queue}: ${err.message}`));
  return worker;
});

async function heartbeat() {
  await redis()
    .set(
      WORKER_HEARTBEAT_PREFIX + workerId,
      JSON.stringify({ pid: process.pid, startedAt, queues: registrations.map((r) => r.queue) }),
      "EX",
      WORKER_HEARTBEAT_TTL_SECONDS,
    )
    .catch((err: Error) => console.error(`[worker] heartbeat failed: ${err.message}`));
}
// Health answers only once the worker is visible to the web side.
await heartbeat();
const heartbeatTimer = setInterval(heartbeat, 5_000);

const health = createServer((req, res) => {
  const running = workers.every((w) => w.isRunning());
  res.writeHead(running ? 200 : 503, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      status: running ? "ok" : "degraded",
      workerId,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      queues: registrations.map((r) => r.queue),
      ...counts,
    }),
  );
});
if (cfg.WORKER_HEALTH_PORT > 0) {
  health.listen(cfg.WORKER_HEALTH_PORT, "127.0.0.1");
  health.on("error", (err) => console.error(`[worker] health endpoint: ${err.message}`));
}

const stopSchedules = keepSchedules((msg) => console.error(msg));

console.log(`[worker] ${workerId} processing: ${registrations.map((r) => `${r.queue}×${r.concurrency}`).join(", ")}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing in-flight jobs…`);
  clearInterval(heartbeatTimer);
  stopSchedules();
  const force = setTimeout(() => {
    console.error("[worker] in-flight jobs did not finish in 25 s; exiting (their locks will lapse and they will be retried)");
    process.exit(1);
  }, 25_000);
  force.unref();
  await Promise.all(workers.map((w) => w.close()));
  // Timers that finished jobs scheduled after their commit; then the producers they used.
  await drainSlaTimers();
  await closeQueues();
  await redis().del(WORKER_HEARTBEAT_PREFIX + workerId).catch(() => undefined);
  health.close();
  await Promise.all([disconnectRedis(), disconnectDb()]);
  console.log("[worker] stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
