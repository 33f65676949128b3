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

export async function disconnectRedis(): Promise<void> {
  const r = globalForRedis.rampartRedis;
  globalForRedis.rampartRedis = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}
