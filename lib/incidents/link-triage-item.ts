// Links a triage item to an incident (lead+), e.g. the reports and flagged
// outputs that show the harm. An item belongs to at most one incident; linking
// it elsewhere moves it, and both timelines say so.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { lockIncident, requireIncidentPermission } from "@/lib/incidents/incident-access";
import { linkTriageItemSchema, type LinkTriageItemInput } from "@/lib/incidents/schemas";
import { addIncidentEvent, eventActor } from "@/lib/incidents/timeline";

export async function linkTriageItem(actor: Actor, projectId: string, input: LinkTriageItemInput): Promise<{ changed: boolean }> {
  const { project } = await requireIncidentPermission(actor, projectId, "incident:manage");
  const data = linkTriageItemSchema.parse(input);
  const by = eventActor(actor);
  return db().$transaction(async (tx) => {
    const incident = await lockIncident(tx, projectId, data.incidentId);
    const item = await tx.triageItem.findFirst({ where: { id: data.triageItemId, projectId }, select: { id: true, requestId: true, incidentId: true } });
    if (!item) throw notFound("Triage item not found");
    if (item.incidentId === incident.id) return { changed: false };
    await tx.triageItem.update({ where: { id: item.id }, data: { incidentId: incident.id, version: { increment: 1 } } });
    await addIncidentEvent(tx, incident.id, by, "triage_link", `Linked triage item for request ${item.requestId}`, { data: { triageItemId: item.id } });
    if (item.incidentId) {
      await addIncidentEvent(tx, item.incidentId, by, "triage_link", `Triage item for request ${item.requestId} moved to INC-${incident.number}`, {
        data: { triageItemId: item.id, movedTo: incident.id },
      });
    }
    await recordAudit(tx, {
      actor,
      action: "incident.triage_linked",
      orgId: project.orgId,
      projectId,
      targetType: "triage_item",
      targetId: item.id,
      before: { incidentId: item.incidentId },
      after: { incidentId: incident.id },
    });
    return { changed: true };
  });
}
