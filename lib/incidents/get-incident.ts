// One incident with everything its page shows: the timeline (oldest first),
// the rule evaluations with their telemetry snapshots, the flag versions and
// triage items linked to it, and its response times.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireIncidentPermission } from "@/lib/incidents/incident-access";
import { incidentDurations, type Durations } from "@/lib/incidents/stats";

export async function getIncident(actor: Actor, projectId: string, incidentId: string) {
  await requireIncidentPermission(actor, projectId, "incident:read");
  if (!z.uuid().safeParse(incidentId).success) throw notFound("Incident not found");
  const incident = await db().incident.findFirst({
    where: { id: incidentId, projectId },
    include: {
      flag: { select: { id: true, key: true, environment: { select: { key: true } } } },
      events: {
        orderBy: [{ createdAt: "asc" }, { seq: "asc" }],
        include: { flagVersion: { select: { id: true, version: true, exposureBps: true, reason: true, flag: { select: { key: true } } } } },
      },
      evaluations: {
        orderBy: { evaluatedAt: "asc" },
        include: { rule: { select: { id: true, name: true, metric: true, comparison: true, threshold: true, action: true, windowSeconds: true } } },
      },
      triageItems: { select: { id: true, requestId: true, severity: true, status: true, source: true, categories: true, reportCount: true, createdAt: true } },
    },
  });
  if (!incident) throw notFound("Incident not found");
  const durations: Durations = incidentDurations(incident);
  return { ...incident, durations };
}
export type IncidentDetail = Awaited<ReturnType<typeof getIncident>>;
