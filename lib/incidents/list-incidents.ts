// A project's incidents, newest first, each with its response times.
import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { requireIncidentPermission } from "@/lib/incidents/incident-access";
import { listIncidentsSchema, type ListIncidentsInput } from "@/lib/incidents/schemas";
import { incidentDurations, type Durations } from "@/lib/incidents/stats";
import { incidentSummarySelect, type IncidentSummary } from "@/lib/incidents/timeline";

export async function listIncidents(actor: Actor, projectId: string, input: ListIncidentsInput = {}): Promise<{ incidents: (IncidentSummary & { durations: Durations })[]; nextBefore: number | null }> {
  await requireIncidentPermission(actor, projectId, "incident:read");
  const data = listIncidentsSchema.parse(input);
  const rows = await db().incident.findMany({
    where: { projectId, ...(data.status ? { status: data.status } : {}), ...(data.before ? { number: { lt: data.before } } : {}) },
    orderBy: { number: "desc" },
    take: data.limit + 1,
    select: incidentSummarySelect,
  });
  const page = rows.slice(0, data.limit);
  return {
    incidents: page.map((i) => ({ ...i, durations: incidentDurations(i) })),
    nextBefore: rows.length > data.limit ? page[page.length - 1]!.number : null,
  };
}
