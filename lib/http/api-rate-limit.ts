// Per-API-key request rate limit over one-second windows, shared by every web
// process through Redis — without a Redis round trip per request: each
// process counts its own requests at once and adds them to the key's Redis
// counter every FLUSH_MS (one INCRBY per key for everything since), learning
// from the answer how many the other processes have made. A process alone is
// exact; several may admit together what arrives within one flush beyond the
// limit. Fails open for the shared part: while Redis is unreachable each
// process still holds its own requests to the limit, and ingest keeps
// accepting (Postgres is the system of record).
import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { fastRedis } from "@/lib/redis";
import type { ApiKeyActor } from "@/lib/auth/actor-types";

const FLUSH_MS = 20;

type Window = {
  second: number;
  /** Requests this process counted in this second. */
  local: number;
  /** Of those, how many Redis has been told of. */
  flushed: number;
  /** The other processes' requests in this second, as of the last flush. */
  others: number;
};
const windows = new Map<string, Window>();
let flushTimer: NodeJS.Timeout | null = null;

const redisKey = (keyId: string, second: number) => `rl:apikey:${keyId}:${second}`;

export async function enforceApiKeyRate(actor: ApiKeyActor, now = Date.now()): Promise<void> {
  const limit = actor.rateLimitPerSecond ?? config().API_KEY_RATE_LIMIT_PER_SECOND;
  const second = Math.floor(now / 1000);
  let w = windows.get(actor.keyId);
  if (!w || w.second !== second) windows.set(actor.keyId, (w = { second, local: 0, flushed: 0, others: 0 }));
  w.local++;
  flushTimer ??= setTimeout(flush, FLUSH_MS).unref();
  if (w.local + w.others > limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((1000 - (now % 1000)) / 1000));
    throw new AppError("RATE_LIMITED", `Rate limit of ${limit} requests per second exceeded for this API key`, { retryAfterSeconds });
  }
}

/** Adds what each key counted since the last flush to Redis, and reads back the others' share. */
async function flush(): Promise<void> {
  flushTimer = null;
  const current = Math.floor(Date.now() / 1000);
  const sent: { w: Window; upTo: number }[] = [];
  const r = fastRedis();
  const multi = r.status === "ready" ? r.multi() : null;
  for (const [keyId, w] of windows) {
    if (w.second < current - 1) {
      windows.delete(keyId);
      continue;
    }
    if (!multi || w.local === w.flushed) continue;
    const key = redisKey(keyId, w.second);
    multi.incrby(key, w.local - w.flushed).expire(key, 2);
    sent.push({ w, upTo: w.local });
  }
  if (!multi || sent.length === 0) return;
  try {
    const replies = await multi.exec();
    sent.forEach(({ w, upTo }, i) => {
      const [err, total] = replies?.[2 * i] ?? [new Error("no reply"), 0];
      if (err) return;
      w.flushed = upTo;
      w.others = Math.max(0, Number(total) - upTo);
    });
  } catch {
    // Unflushed counts stay pending; the next request schedules another flush.
  }
}

/** For tests: flushes now. */
export async function flushApiKeyRates(): Promise<void> {
  if (flushTimer) clearTimeout(flushTimer);
  await flush();
}
