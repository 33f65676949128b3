// What the flag page shows of a flag's cost circuit breaker: the ceiling and
// how many users are over it this hour (counted in Redis; unknown while
// Redis is unreachable).
import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { tripsForFlag } from "@/lib/flags/delivery/cost-breaker";
import { HOUR_MS, hourOf } from "@/lib/flags/delivery/cost-breaker-keys";

export type CostBreakerStatus = {
  /** Currency units per user per hour; null when the flag has no ceiling. */
  usdPerUserHour: number | null;
  /** Users served the fallback because of the ceiling this hour; null when it could not be read. */
  trippedUsers: number | null;
  /** When this hour's trips lapse. */
  resetsAt: Date;
};

export async function getCostBreakerStatus(actor: Actor, projectId: string, flagId: string): Promise<CostBreakerStatus> {
  await requireFlagAccess(actor, projectId, "flag:read");
  requireUuid(flagId, "Flag");
  const flag = await db().flag.findFirst({ where: { id: flagId, projectId, archivedAt: null }, select: { key: true, environmentId: true, costCeilingMicros: true } });
  if (!flag) throw notFound("Flag not found");
  const trips = await tripsForFlag(flag.environmentId, flag.key).catch(() => null);
  return {
    usdPerUserHour: flag.costCeilingMicros === null ? null : Number(flag.costCeilingMicros) / 1e6,
    trippedUsers: trips?.users ?? null,
    resetsAt: new Date((hourOf(Date.now()) + 1) * HOUR_MS),
  };
}
