// Per-flag cost circuit breaker: an optional ceiling on the LLM cost one user
// may run up per hour through a flag. Ingest adds each interaction's cost to
// the flags that were on in its flag-state snapshot (only flags that have a
// ceiling are counted); the request that takes a user over a ceiling records
// a trip and publishes it, and every process's snapshot store then serves
// that user the flag's fallback (reason COST_LIMIT) until the hour rolls over.
//
// Users are matched by their pseudonymous reference: ingest pseudonymizes
// `userId`, and evaluation pseudonymizes the OFREP `targetingKey` the same
// way (only when the flag has trips this hour), so the raw id is never kept.
import "server-only";
import { redis } from "@/lib/redis";
import { publishFlagMessages, type CostBreakerMessage } from "@/lib/flags/change-stream";
import { snapshotStore } from "@/lib/flags/delivery/snapshot-store";
import { costKey, HOUR_MS, hourOf, tripKey, tripsKey } from "@/lib/flags/delivery/cost-breaker-keys";

export type CostSample = {
  projectId: string;
  environmentId: string;
  userRef: string | null;
  costMicros: bigint | null;
  /** The interaction's flag-state snapshot: key → value/variant. */
  flags: Readonly<Record<string, { value: unknown; variant?: string }>>;
  occurredAt: Date;
};

const TTL_SECONDS = 2 * 3600;

/** A flag was "on" for an interaction when its value was not false/null/"off". */
function wasOn(state: { value: unknown; variant?: string }): boolean {
  if (state.variant === "off") return false;
  return state.value !== false && state.value !== null && state.value !== "off";
}

/**
 * Counts accepted interactions' costs against flag ceilings. Best effort and
 * never throws: the interactions are already stored, and a Redis outage must
 * not fail ingest (the breaker then counts nothing for that batch).
 */
export async function recordCosts(samples: readonly CostSample[], now = Date.now()): Promise<void> {
  const hour = hourOf(now);
  const work: { environmentId: string; projectId: string; flagKey: string; userRef: string; micros: bigint; ceiling: bigint }[] = [];
  for (const s of samples) {
    if (!s.userRef || !s.costMicros || s.costMicros <= 0n) continue;
    if (hourOf(s.occurredAt.getTime()) !== hour) continue; // late arrivals do not count against this hour
    let env;
    try {
      env = await snapshotStore().get(s.environmentId);
    } catch {
      return;
    }
    if (!env) continue;
    for (const [flagKey, state] of Object.entries(s.flags)) {
      const flag = env.snapshot.flags[flagKey];
      if (!flag?.costCeilingMicros || !wasOn(state)) continue;
      work.push({ environmentId: s.environmentId, projectId: s.projectId, flagKey, userRef: s.userRef, micros: s.costMicros, ceiling: flag.costCeilingMicros });
    }
  }
  if (work.length === 0) return;
  try {
    const pipe = redis().pipeline();
    for (const w of work) {
      const key = costKey(w.environmentId, hour);
      pipe.hincrby(key, tripKey(w.flagKey, w.userRef), w.micros.toString());
      pipe.expire(key, TTL_SECONDS);
    }
    const results = (await pipe.exec()) ?? [];
    const messages: CostBreakerMessage[] = [];
    const until = new Date((hour + 1) * HOUR_MS).toISOString();
    const trip = redis().pipeline();
    work.forEach((w, i) => {
      const total = BigInt(String(results[i * 2]?.[1] ?? 0));
      // Only the increment that crosses the ceiling trips it (exactly once per user, flag and hour).
      if (total >= w.ceiling && total - w.micros < w.ceiling) {
        trip.hset(tripsKey(w.environmentId, hour), tripKey(w.flagKey, w.userRef), "1");
        trip.expire(tripsKey(w.environmentId, hour), TTL_SECONDS);
        messages.push({
          v: 1,
          type: "flag.cost_breaker",
          projectId: w.projectId,
          environmentId: w.environmentId,
          flagKey: w.flagKey,
          userRef: w.userRef,
          until,
          actor: { type: "SYSTEM", id: null, label: "cost breaker" },
          at: new Date(now).toISOString(),
        });
      }
    });
    if (messages.length > 0) {
      await trip.exec();
      await publishFlagMessages(messages);
    }
  } catch (err) {
    console.warn(`[flags] cost breaker counting failed: ${(err as Error).message}`);
  }
}

/** Trips in force this hour for one flag (the flag page). */
export async function tripsForFlag(environmentId: string, flagKey: string, now = Date.now()): Promise<{ users: number; until: Date }> {
  const hour = hourOf(now);
  const fields = await redis().hkeys(tripsKey(environmentId, hour));
  const prefix = `${flagKey}\u0000`;
  return { users: fields.filter((f) => f.startsWith(prefix)).length, until: new Date((hour + 1) * HOUR_MS) };
}
