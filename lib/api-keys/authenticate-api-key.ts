// Resolves a bearer API key to an actor. Unknown, malformed and revoked keys
// are indistinguishable to the caller (all UNAUTHENTICATED).
import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { ApiKeyActor } from "@/lib/auth/actor-types";
import { apiKeyMatches, parseApiKey, PREFIX_LENGTH, scopeName, type ApiScopeName } from "@/lib/api-keys/key-format";
import { createRedis, redis } from "@/lib/redis";

const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * Verified keys are remembered briefly. A revocation clears them at once in
 * every process: the revoking one directly, the others through a message on
 * REVOKED_CHANNEL — and a process trusts its cache only while it is
 * subscribed to that channel (otherwise every request is checked in Postgres).
 */
const CACHE_MS = 2_000;
export const REVOKED_CHANNEL = "rampart:apikeys:revoked";

// The presented key is kept (in memory, for CACHE_MS) so that a repeat is
// checked by a constant-time comparison instead of a SHA-256 per request —
// a fifth of the CPU of a flag evaluation request.
type Cached = { actor: ApiKeyActor; token: string; at: number };
// On globalThis: Next's server bundle and the lean HTTP layer are separate
// module copies in one process, and must share one cache (and its invalidation).
const globalForKeys = globalThis as unknown as {
  rampartApiKeyCache?: Map<string, Cached>;
  rampartApiKeyRevocations?: { subscribed: boolean };
  rampartApiKeyForgets?: { count: number };
};
const cache = (globalForKeys.rampartApiKeyCache ??= new Map());
/**
 * Counts forgets (revocations heard, cache clears): a lookup that started
 * before one may have read the key as it was before the revocation, and must
 * not put it back in the cache.
 */
const forgets = (globalForKeys.rampartApiKeyForgets ??= { count: 0 });
/**
 * A hit older than this is re-checked in Postgres in the background (one
 * query per key, whatever the traffic) while the cached actor is still
 * served: a busy key never finds its entry expired, so requests neither wait
 * for Postgres every CACHE_MS nor stampede it with one query each.
 */
const REFRESH_AFTER_MS = CACHE_MS / 2;
/** Lookups in flight, by presented token: concurrent misses for one key share one query. */
const lookups = new Map<string, Promise<ApiKeyActor>>();

export function forgetApiKey(prefix: string): void {
  cache.delete(prefix);
  forgets.count++;
}

function forgetAll(): void {
  cache.clear();
  forgets.count++;
}

/** Whether revocations made elsewhere reach this process now; starts listening on first use. */
function revocationsHeard(): boolean {
  let state = globalForKeys.rampartApiKeyRevocations;
  if (!state) {
    state = globalForKeys.rampartApiKeyRevocations = { subscribed: false };
    const listener = state;
    const sub = createRedis({ maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000) });
    sub.on("ready", () => {
      sub
        .subscribe(REVOKED_CHANNEL)
        .then(() => {
          // Anything revoked while we were not listening may still be cached.
          forgetAll();
          listener.subscribed = true;
        })
        .catch(() => undefined);
    });
    sub.on("close", () => {
      listener.subscribed = false;
      forgetAll();
    });
    sub.on("error", () => {
      /* reconnects by itself; until then the cache is not trusted */
    });
    sub.on("message", (_channel: string, prefix: string) => forgetApiKey(prefix));
  }
  return state.subscribed;
}

/** Tells every process that a key is revoked (after the revocation is committed). Best effort: Redis down means no process trusts its cache. */
export async function announceRevocation(prefix: string): Promise<void> {
  forgetApiKey(prefix);
  await redis()
    .publish(REVOKED_CHANNEL, prefix)
    .catch((err: Error) => console.warn(`[api-keys] could not announce a revocation: ${err.message}`));
}

function bearerToken(authorization: string | null | undefined): { token: string; prefix: string } | null {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const parsed = token ? parseApiKey(token) : null;
  return token && parsed ? { token, prefix: parsed.prefix } : null;
}

/**
 * Whether two strings are equal, in time that depends only on their length
 * (keys have one fixed length): no early exit at the first differing
 * character, and no Buffer per request as crypto.timingSafeEqual would need.
 */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The actor of a key this process verified less than CACHE_MS ago (and still hears revocations for), else null. */
function cachedActor(token: string, prefix: string): ApiKeyActor | null {
  const hit = revocationsHeard() ? cache.get(prefix) : undefined;
  if (!hit) return null;
  const age = Date.now() - hit.at;
  if (age >= CACHE_MS) return null;
  if (!sameSecret(token, hit.token)) return null;
  if (age >= REFRESH_AFTER_MS && !lookups.has(token)) {
    // A rejection removes the entry (lookup); an outage leaves it to expire.
    lookup(token, prefix).catch(() => undefined);
  }
  return hit.actor;
}

/**
 * The hot-path check: the actor when the key was verified recently, without
 * I/O; null when only authenticateApiKey can tell (unknown to this process,
 * expired, malformed — it then also says why).
 */
export function recentlyVerifiedApiKey(authorization: string | null | undefined): ApiKeyActor | null {
  // The usual spelling first, without the two regular expressions: a token
  // equal to a cached one is well-formed (the cached one was verified).
  if (authorization?.startsWith("Bearer rmp_")) {
    const token = authorization.slice(7);
    return cachedActor(token, token.slice(4, 4 + PREFIX_LENGTH));
  }
  const presented = bearerToken(authorization);
  return presented ? cachedActor(presented.token, presented.prefix) : null;
}

export async function authenticateApiKey(authorization: string | null): Promise<ApiKeyActor> {
  const presented = bearerToken(authorization);
  if (!presented) throw new AppError("UNAUTHENTICATED", "Missing or malformed API key");
  return cachedActor(presented.token, presented.prefix) ?? lookup(presented.token, presented.prefix);
}

/** Checks the key in Postgres (one query at a time per presented key) and caches the actor. */
function lookup(token: string, prefix: string): Promise<ApiKeyActor> {
  let pending = lookups.get(token);
  if (!pending) {
    pending = lookupNow(token, prefix).finally(() => lookups.delete(token));
    lookups.set(token, pending);
  }
  return pending;
}

async function lookupNow(token: string, prefix: string): Promise<ApiKeyActor> {
  const forgetsBefore = forgets.count;
  const key = await db().apiKey.findUnique({
    where: { prefix },
    select: {
      id: true,
      name: true,
      hash: true,
      projectId: true,
      environmentId: true,
      scopes: true,
      revokedAt: true,
      lastUsedAt: true,
      rateLimitPerSecond: true,
      project: { select: { archivedAt: true } },
    },
  });
  if (!key || key.revokedAt || key.project.archivedAt || !apiKeyMatches(token, key.hash)) {
    // The cached entry is for this prefix's valid key; a wrong secret must not evict it.
    if (!key || key.revokedAt || key.project.archivedAt) forgetApiKey(prefix);
    throw new AppError("UNAUTHENTICATED", "Invalid or revoked API key");
  }
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: one write a minute per key, never one per request.
    await db().apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } });
  }
  const actor: ApiKeyActor = {
    kind: "apiKey",
    keyId: key.id,
    keyName: key.name,
    projectId: key.projectId,
    environmentId: key.environmentId,
    scopes: key.scopes.map(scopeName),
    rateLimitPerSecond: key.rateLimitPerSecond,
  };
  // A revocation heard while we read may have been committed after our read: do not cache what it revoked.
  if (forgets.count === forgetsBefore) cache.set(prefix, { actor, token, at: now });
  return actor;
}

/** Passes when the key holds any of the scopes. */
export function requireScope(actor: ApiKeyActor, scope: ApiScopeName | readonly ApiScopeName[]): void {
  const anyOf = typeof scope === "string" ? [scope] : scope;
  if (!anyOf.some((s) => actor.scopes.includes(s))) {
    throw new AppError("FORBIDDEN", `This API key lacks the ${anyOf.join(" or ")} scope`);
  }
}
