// The postmortem section of an incident (lead+): replaced as a whole; every
// version stays in the audit trail.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { lockIncident, requireIncidentPermission } from "@/lib/incidents/incident-access";
import { postmortemSchema, type PostmortemInput } from "@/lib/incidents/schemas";
import { addIncidentEvent, eventActor } from "@/lib/incidents/timeline";

export async function setIncidentPostmortem(actor: Actor, projectId: string, input: PostmortemInput): Promise<void> {
  const { project } = await requireIncidentPermission(actor, projectId, "incident:manage");
  const data = postmortemSchema.parse(input);
  await db().$transaction(async (tx) => {
    await lockIncident(tx, projectId, data.incidentId);
    const before = await tx.incident.findUniqueOrThrow({ where: { id: data.incidentId }, select: { postmortem: true } });
    if ((before.postmortem ?? "") === data.postmortem) return;
    await tx.incident.update({ where: { id: data.incidentId }, data: { postmortem: data.postmortem || null } });
    await addIncidentEvent(tx, data.incidentId, eventActor(actor), "postmortem", before.postmortem ? "Postmortem edited" : "Postmortem written");
    await recordAudit(tx, {
      actor,
      action: "incident.postmortem_updated",
      orgId: project.orgId,
      projectId,
      targetType: "incident",
      targetId: data.incidentId,
      before: { postmortem: before.postmortem },
      after: { postmortem: data.postmortem },
    });
  });
}
