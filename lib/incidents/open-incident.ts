// Opens an incident by hand (lead+), optionally about a flag and from a
// triage item, which is linked to it.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { kickOutboxRelay } from "@/lib/outbox/relay";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireIncidentPermission } from "@/lib/incidents/incident-access";
import { openIncidentSchema, type OpenIncidentInput } from "@/lib/incidents/schemas";
import { addIncidentEvent, eventActor, incidentSummarySelect, nextIncidentNumber, notifyIncident, type IncidentSummary } from "@/lib/incidents/timeline";

export async function openIncident(actor: Actor, projectId: string, input: OpenIncidentInput): Promise<IncidentSummary> {
  const { project } = await requireIncidentPermission(actor, projectId, "incident:manage");
  const data = openIncidentSchema.parse(input);
  const by = eventActor(actor);
  const now = new Date();
  const result = await db().$transaction(async (tx) => {
    const flag = data.flagId
      ? await tx.flag.findFirst({ where: { id: data.flagId, projectId }, select: { id: true, key: true, environment: { select: { key: true } } } })
      : null;
    if (data.flagId && !flag) throw notFound("Flag not found");
    if (data.triageItemId && !(await tx.triageItem.findFirst({ where: { id: data.triageItemId, projectId }, select: { id: true } }))) {
      throw notFound("Triage item not found");
    }
    const incident = await tx.incident.create({
      data: {
        projectId,
        number: await nextIncidentNumber(tx, projectId),
        title: data.title,
        severity: data.severity,
        source: "MANUAL",
        flagId: flag?.id ?? null,
        impactStartedAt: data.impactStartedAt && data.impactStartedAt < now ? data.impactStartedAt : null,
        detectedAt: now,
        createdById: actor.kind === "user" ? actor.userId : null,
      },
      select: incidentSummarySelect,
    });
    if (incident.impactStartedAt) await addIncidentEvent(tx, incident.id, by, "impact_started", "Impact started (as reported)", { at: incident.impactStartedAt });
    await addIncidentEvent(tx, incident.id, by, "detected", data.summary ?? `Opened by ${by.actorLabel ?? "someone"}`, { at: now });
    if (data.triageItemId) {
      await tx.triageItem.update({ where: { id: data.triageItemId }, data: { incidentId: incident.id, version: { increment: 1 } } });
      await addIncidentEvent(tx, incident.id, by, "triage_link", "Opened from a triage item", { data: { triageItemId: data.triageItemId } });
    }
    await recordAudit(tx, {
      actor,
      action: "incident.opened",
      orgId: project.orgId,
      projectId,
      targetType: "incident",
      targetId: incident.id,
      after: { number: incident.number, title: incident.title, severity: incident.severity, flagId: incident.flagId },
      metadata: data.triageItemId ? { triageItemId: data.triageItemId } : undefined,
    });
    await notifyIncident(tx, "incident.opened", projectId, incident, {
      message: data.summary ?? incident.title,
      flag: flag ? { key: flag.key, environmentKey: flag.environment.key } : null,
      by,
    });
    return incident;
  });
  // The notification is in the outbox; send it now rather than at the relay's next tick.
  kickOutboxRelay();
  return result;
}
