// A note on an incident's timeline (lead+). Notes are not announced to
// webhooks: they are for the people already looking at the incident.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { lockIncident, requireIncidentPermission } from "@/lib/incidents/incident-access";
import { incidentNoteSchema, type IncidentNoteInput } from "@/lib/incidents/schemas";
import { addIncidentEvent, eventActor } from "@/lib/incidents/timeline";

export async function addIncidentNote(actor: Actor, projectId: string, input: IncidentNoteInput): Promise<void> {
  const { project } = await requireIncidentPermission(actor, projectId, "incident:manage");
  const data = incidentNoteSchema.parse(input);
  await db().$transaction(async (tx) => {
    const incident = await lockIncident(tx, projectId, data.incidentId);
    await addIncidentEvent(tx, incident.id, eventActor(actor), "note", data.message);
    await recordAudit(tx, { actor, action: "incident.note_added", orgId: project.orgId, projectId, targetType: "incident", targetId: incident.id, after: { message: data.message } });
  });
}
