// A project's incident response over a period: time to detect, acknowledge,
// mitigate and resolve, as median and p90 (stats.ts says from when each is
// measured). Open incidents count only for the steps they have reached.
import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { requireIncidentPermission } from "@/lib/incidents/incident-access";
import { incidentMetricsSchema, type IncidentMetricsInput } from "@/lib/incidents/schemas";
import { responseMetrics, type ResponseMetrics } from "@/lib/incidents/stats";

const DEFAULT_PERIOD_MS = 90 * 86_400_000;

export async function getIncidentMetrics(actor: Actor, projectId: string, input: IncidentMetricsInput = {}): Promise<ResponseMetrics & { since: Date }> {
  await requireIncidentPermission(actor, projectId, "incident:read");
  const data = incidentMetricsSchema.parse(input);
  const since = data.since ?? new Date(Date.now() - DEFAULT_PERIOD_MS);
  const incidents = await db().incident.findMany({
    where: { projectId, detectedAt: { gte: since } },
    select: { impactStartedAt: true, detectedAt: true, acknowledgedAt: true, mitigatedAt: true, resolvedAt: true },
  });
  return { ...responseMetrics(incidents), since };
}
