// Redis layout of the per-user cost circuit breaker (see cost-breaker.ts).
//
//   rampart:cost:<envId>:<hour>            hash  "<flagKey>\0<userRef>" → micros spent this hour
//   rampart:costtrip:<envId>:<hour>        hash  "<flagKey>\0<userRef>" → "1" once over the ceiling
//
// <hour> is the UTC hour number (epoch ms / 3,600,000); both expire after two
// hours, so a trip lasts until the hour rolls over and then nothing remains.
import type { Redis } from "ioredis";

export const HOUR_MS = 3_600_000;
export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);
export const costKey = (environmentId: string, hour: number) => `rampart:cost:${environmentId}:${hour}`;
export const tripsKey = (environmentId: string, hour: number) => `rampart:costtrip:${environmentId}:${hour}`;
export const tripKey = (flagKey: string, userRef: string) => `${flagKey}\u0000${userRef}`;

/** The trips in force now: flag key → user ref → until (epoch ms). */
export async function currentTrips(r: Redis, environmentId: string, now = Date.now()): Promise<Map<string, Map<string, number>>> {
  const hour = hourOf(now);
  const fields = await r.hkeys(tripsKey(environmentId, hour));
  const until = (hour + 1) * HOUR_MS;
  const trips = new Map<string, Map<string, number>>();
  for (const field of fields) {
    const [flagKey, userRef] = field.split("\u0000");
    if (!flagKey || !userRef) continue;
    let users = trips.get(flagKey);
    if (!users) trips.set(flagKey, (users = new Map()));
    users.set(userRef, until);
  }
  return trips;
}
