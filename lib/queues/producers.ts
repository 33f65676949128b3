// Lazy queue producers with shared default job options. Payloads are
// validated against the contract before they reach Redis.
import "server-only";
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { createRedis } from "@/lib/redis";
import { QUEUE_PREFIX, payloadSchema, queues, type JobName, type JobPayload, type QueueKey } from "@/lib/queues/contracts";

const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

const globalForQueues = globalThis as unknown as { rampartQueues?: Map<QueueKey, Queue> };

/**
 * Producers fail fast while Redis is unreachable (no offline queue): callers
 * that must not lose work write it to Postgres first (the outbox) and let the
 * relay retry, rather than hang a request on Redis.
 */
export function producerQueue(key: QueueKey): Queue {
  globalForQueues.rampartQueues ??= new Map();
  let q = globalForQueues.rampartQueues.get(key);
  if (!q) {
    q = new Queue(queues[key].name, {
      connection: createRedis({ enableOfflineQueue: false }),
      prefix: QUEUE_PREFIX,
      defaultJobOptions,
    });
    globalForQueues.rampartQueues.set(key, q);
  }
  return q;
}

export async function enqueue<Q extends QueueKey, J extends JobName<Q>>(
  key: Q,
  job: J,
  payload: JobPayload<Q, J>,
  opts?: JobsOptions,
) {
  const schema = payloadSchema(key, job);
  if (!schema) throw new Error(`Unknown job ${key}/${job}`);
  return producerQueue(key).add(job, schema.parse(payload), opts);
}

export async function closeQueues(): Promise<void> {
  const qs = globalForQueues.rampartQueues;
  globalForQueues.rampartQueues = undefined;
  await Promise.all(
    [...(qs?.values() ?? [])].map(async (q) => {
      const connection = q.opts.connection as Redis;
      await q.close();
      // BullMQ leaves a connection it was handed open, which would keep the process alive.
      connection.disconnect();
    }),
  );
}
