// Loads an incident for a change by a person: the project permission first
// (NOT_FOUND when the actor may not know the project), then the incident,
// locked, scoped to the project, so an id from another project is unknown.
import "server-only";
import { z } from "zod";
import type { Tx } from "@/lib/db";
import { requirePermission, type ProjectAccess } from "@/lib/auth/access";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import type { Permission } from "@/lib/auth/permissions";
import { incidentSummarySelect, type IncidentSummary } from "@/lib/incidents/timeline";

const uuid = z.uuid();

export async function requireIncidentPermission(actor: Actor, projectId: string, permission: Permission): Promise<ProjectAccess> {
  if (!uuid.safeParse(projectId).success) throw notFound("Project not found");
  return requirePermission(actor, projectId, permission);
}

export async function lockIncident(tx: Tx, projectId: string, incidentId: string): Promise<IncidentSummary> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM "Incident" WHERE id = ${incidentId}::uuid AND "projectId" = ${projectId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw notFound("Incident not found");
  return tx.incident.findUniqueOrThrow({ where: { id: incidentId }, select: incidentSummarySelect });
}
