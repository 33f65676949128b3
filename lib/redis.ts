// The one place that creates Redis connections. BullMQ needs
// maxRetriesPerRequest: null on every connection it uses.
import { Redis, type RedisOptions } from "ioredis";
import { config } from "@/lib/config";

const globalForRedis = globalThis as unknown as { rampartRedis?: Redis };

export function createRedis(overrides: RedisOptions = {}): Redis {
  return new Redis(config().REDIS_URL, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...overrides,
  });
}

/** Shared connection for commands (rate limits, counters, queue producers). */
export function redis(): Redis {
  globalForRedis.rampartRedis ??= createRedis();
  return globalForRedis.rampartRedis;
}

const globalForFast = globalThis as unknown as { rampartFastRedis?: Redis };

/**
 * For best-effort commands on request hot paths (rate limits, relay kicks):
 * fails at once instead of queueing while Redis is unreachable, so that a
 * Redis outage slows nothing that Postgres alone can answer.
 */
export function fastRedis(): Redis {
  globalForFast.rampartFastRedis ??= createRedis({
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  return globalForFast.rampartFastRedis;
}

export async function disconnectRedis(): Promise<void> {
  const fast = globalForFast.rampartFastRedis;
  globalForFast.rampartFastRedis = undefined;
  fast?.disconnect();
  const r = globalForRedis.rampartRedis;
  globalForRedis.rampartRedis = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}
