// Every periodic job, kept as BullMQ job schedulers in Redis. Upserting is
// idempotent, so each worker does it at start-up, again whenever its Redis
// connection comes back (a restarted, possibly emptied Redis has lost them),
// and once a minute in case Redis was flushed under a live connection.
import { Queue } from "bullmq";
import { createRedis } from "@/lib/redis";
import { QUEUE_PREFIX, queues, type QueueKey } from "@/lib/queues/contracts";

export const schedules: { id: string; queue: QueueKey; job: string; everyMs: number }[] = [
  { id: "audit-seal", queue: "audit", job: "seal", everyMs: 2_000 },
  { id: "audit-checkpoint", queue: "audit", job: "checkpoint", everyMs: 60_000 },
  // Catches outbox rows committed while Redis was down or whose kick was lost.
  { id: "relay-outbox", queue: "maintenance", job: "relay-outbox", everyMs: 2_000 },
  { id: "apply-retention", queue: "maintenance", job: "apply-retention", everyMs: 24 * 3600_000 },
  // Rebuilds SLA timers from Postgres: overdue ones fire, upcoming ones are (re)scheduled.
  { id: "reconcile-sla", queue: "maintenance", job: "reconcile-sla", everyMs: 30_000 },
  { id: "recompute-quality", queue: "maintenance", job: "recompute-quality", everyMs: 5 * 60_000 },
  // ANALYZE where autovacuum is off or behind (lib/maintenance/refresh-table-stats.ts).
  { id: "refresh-table-stats", queue: "maintenance", job: "refresh-table-stats", everyMs: 30_000 },
  // Rules are evaluated at least this often even without hot signals (latency, cost, windows sliding on).
  { id: "rollback-tick", queue: "rollback", job: "tick", everyMs: 5_000 },
  { id: "metrics-rollup", queue: "metrics", job: "rollup", everyMs: 5_000 },
  { id: "webhooks-requeue", queue: "webhooks", job: "requeue", everyMs: 60_000 },
];

export async function upsertSchedules(): Promise<void> {
  const connection = createRedis({ enableOfflineQueue: false });
  const open = new Map<QueueKey, Queue>();
  try {
    for (const s of schedules) {
      let queue = open.get(s.queue);
      if (!queue) {
        queue = new Queue(queues[s.queue].name, { connection, prefix: QUEUE_PREFIX });
        open.set(s.queue, queue);
      }
      const schema = (queues[s.queue].jobs as Record<string, { parse(v: unknown): object }>)[s.job]!;
      await queue.upsertJobScheduler(
        s.id,
        { every: s.everyMs },
        {
          name: s.job,
          data: schema.parse({}),
          // No retries: the next tick is the retry, and the work is idempotent.
          opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { age: 24 * 3600, count: 1000 } },
        },
      );
    }
  } finally {
    await Promise.all([...open.values()].map((q) => q.close()));
    connection.disconnect();
  }
}

/** Keeps the schedules in place for the life of the process; returns a stop function. */
export function keepSchedules(log: (msg: string) => void): () => void {
  const watcher = createRedis();
  let lastError = "";
  const run = () =>
    upsertSchedules()
      .then(() => (lastError = ""))
      .catch((err: Error) => {
        if (err.message !== lastError) log(`[worker] could not upsert job schedulers: ${err.message}`);
        lastError = err.message;
      });
  let first = true;
  watcher.on("ready", () => {
    if (!first) log("[worker] Redis is back; restoring job schedulers");
    first = false;
    void run();
  });
  const timer = setInterval(run, 60_000);
  return () => {
    clearInterval(timer);
    watcher.disconnect();
  };
}
