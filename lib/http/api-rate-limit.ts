// Per-API-key request rate limit over one-second windows, shared by every web
// process through Redis — without a Redis round trip per request: each
// process counts its own requests at once and adds them to the key's Redis
// counter every FLUSH_MS (one INCRBY per key for everything since, one flush
// at a time), learning from the answer how many the other processes have
// made. A process alone is exact; several may admit together what arrives
// within one flush beyond the limit (and a reply lost after Redis applied it
// is sent again). Fails open for the shared part: while Redis is unreachable
// each process still holds its own requests to the limit, and ingest keeps
// accepting (Postgres is the system of record).
import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { fastRedis } from "@/lib/redis";
import type { ApiKeyActor } from "@/lib/auth/actor-types";

const FLUSH_MS = 20;

type Window = {
  keyId: string;
  second: number;
  /** Requests this process counted in this second. */
  local: number;
  /** Of those, how many have been sent to Redis (moved forward when sent, back if the send fails). */
  flushed: number;
  /** The other processes' requests in this second, as of the last flush. */
  others: number;
};
const windows = new Map<string, Window>();
/** Past seconds' windows with counts not yet sent: flushed once more, then dropped. */
let retired: Window[] = [];
let flushTimer: NodeJS.Timeout | null = null;
/** One flush at a time: an overlapping one would send the same counts twice. */
let inFlight: Promise<void> | null = null;

const redisKey = (keyId: string, second: number) => `rl:apikey:${keyId}:${second}`;

export async function enforceApiKeyRate(actor: ApiKeyActor, now = Date.now()): Promise<void> {
  const limit = actor.rateLimitPerSecond ?? config().API_KEY_RATE_LIMIT_PER_SECOND;
  const second = Math.floor(now / 1000);
  let w = windows.get(actor.keyId);
  if (!w || w.second !== second) {
    if (w && w.local > w.flushed) retired.push(w);
    windows.set(actor.keyId, (w = { keyId: actor.keyId, second, local: 0, flushed: 0, others: 0 }));
  }
  w.local++;
  flushTimer ??= setTimeout(() => {
    flushTimer = null;
    void flushOnce();
  }, FLUSH_MS).unref();
  if (w.local + w.others > limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((1000 - (now % 1000)) / 1000));
    throw new AppError("RATE_LIMITED", `Rate limit of ${limit} requests per second exceeded for this API key`, { retryAfterSeconds });
  }
}

async function flushOnce(): Promise<void> {
  while (inFlight) await inFlight;
  inFlight = flush().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** Adds what each key counted since the last flush to Redis, and reads back the others' share. */
async function flush(): Promise<void> {
  const current = Math.floor(Date.now() / 1000);
  const r = fastRedis();
  if (r.status !== "ready") return; // counts stay pending; the local limit still holds
  const due = retired;
  retired = [];
  for (const [keyId, w] of windows) {
    if (w.second < current - 1) windows.delete(keyId);
    if (w.local > w.flushed) due.push(w);
  }
  if (due.length === 0) return;
  const multi = r.multi();
  const sent = due.map((w) => {
    const delta = w.local - w.flushed;
    const key = redisKey(w.keyId, w.second);
    multi.incrby(key, delta).expire(key, 2);
    w.flushed += delta;
    return { w, delta, upTo: w.flushed };
  });
  let replies: [Error | null, unknown][] | null = null;
  try {
    replies = await multi.exec();
  } catch {
    replies = null;
  }
  sent.forEach(({ w, delta, upTo }, i) => {
    const [err, total] = replies?.[2 * i] ?? [new Error("no reply"), 0];
    if (err) {
      // Not counted in Redis (as far as we know): sent again with the next flush of its window.
      w.flushed -= delta;
      if (w !== windows.get(w.keyId)) retired.push(w);
      return;
    }
    w.others = Math.max(0, Number(total) - upTo);
  });
}

/** For tests: flushes now (after any flush in flight). */
export async function flushApiKeyRates(): Promise<void> {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  await flushOnce();
}
