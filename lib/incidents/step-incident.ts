// The timeline steps people take on an incident: acknowledge, mitigate,
// resolve. Each is recorded once (repeating one changes nothing), moves the
// status only forward, and is audited and announced.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { kickOutboxRelay } from "@/lib/outbox/relay";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { lockIncident, requireIncidentPermission } from "@/lib/incidents/incident-access";
import { incidentStepSchema, type IncidentStepInput } from "@/lib/incidents/schemas";
import { advanceStatus } from "@/lib/incidents/status";
import { addIncidentEvent, eventActor, incidentSummarySelect, notifyIncident, type IncidentSummary } from "@/lib/incidents/timeline";

export type IncidentStep = "acknowledged" | "mitigated" | "resolved";

const FIELD = { acknowledged: "acknowledgedAt", mitigated: "mitigatedAt", resolved: "resolvedAt" } as const;
const STATUS = { acknowledged: "ACKNOWLEDGED", mitigated: "MITIGATED", resolved: "RESOLVED" } as const;

export async function stepIncident(actor: Actor, projectId: string, input: IncidentStepInput, step: IncidentStep): Promise<IncidentSummary & { changed: boolean }> {
  const { project } = await requireIncidentPermission(actor, projectId, "incident:manage");
  const data = incidentStepSchema.parse(input);
  const by = eventActor(actor);
  const result = await db().$transaction(async (tx) => {
    const before = await lockIncident(tx, projectId, data.incidentId);
    if (before[FIELD[step]]) return { ...before, changed: false };
    if (before.resolvedAt) throw new AppError("CONFLICT", `INC-${before.number} is resolved; nothing more can be ${step}`);
    const at = new Date();
    const incident = await tx.incident.update({
      where: { id: before.id },
      data: { [FIELD[step]]: at, status: advanceStatus(before.status, STATUS[step]) },
      select: incidentSummarySelect,
    });
    const message = data.note ?? `${step[0]!.toUpperCase()}${step.slice(1)} by ${by.actorLabel ?? "someone"}`;
    await addIncidentEvent(tx, incident.id, by, step, message, { at });
    await recordAudit(tx, {
      actor,
      action: `incident.${step}`,
      orgId: project.orgId,
      projectId,
      targetType: "incident",
      targetId: incident.id,
      before: { status: before.status },
      after: { status: incident.status, [FIELD[step]]: at },
      metadata: data.note ? { note: data.note } : undefined,
    });
    await notifyIncident(tx, `incident.${step}`, projectId, incident, { message, by });
    return { ...incident, changed: true };
  });
  // The notification is in the outbox; send it now rather than at the relay's next tick.
  kickOutboxRelay();
  return result;
}
