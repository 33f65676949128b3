// Per-API-key request rate limit: a one-second window counter in Redis.
// Fails open: while Redis is unreachable ingest keeps accepting (Postgres is
// the system of record), it just is not throttled.
import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { fastRedis } from "@/lib/redis";
import type { ApiKeyActor } from "@/lib/auth/actor-types";

export async function enforceApiKeyRate(actor: ApiKeyActor): Promise<void> {
  const limit = actor.rateLimitPerSecond ?? config().API_KEY_RATE_LIMIT_PER_SECOND;
  const now = Date.now();
  const window = Math.floor(now / 1000);
  const key = `rl:apikey:${actor.keyId}:${window}`;
  let count: number;
  try {
    const r = fastRedis();
    if (r.status !== "ready") return;
    const res = await r.multi().incr(key).expire(key, 2).exec();
    count = Number(res?.[0]?.[1] ?? 0);
  } catch {
    return;
  }
  if (count > limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((1000 - (now % 1000)) / 1000));
    throw new AppError("RATE_LIMITED", `Rate limit of ${limit} requests per second exceeded for this API key`, {
      retryAfterSeconds,
    });
  }
}
