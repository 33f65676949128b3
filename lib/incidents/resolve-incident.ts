// Resolves an incident (lead+); see step-incident.ts.
import "server-only";
import type { Actor } from "@/lib/auth/actor-types";
import type { IncidentStepInput } from "@/lib/incidents/schemas";
import { stepIncident } from "@/lib/incidents/step-incident";

export function resolveIncident(actor: Actor, projectId: string, input: IncidentStepInput) {
  return stepIncident(actor, projectId, input, "resolved");
}
