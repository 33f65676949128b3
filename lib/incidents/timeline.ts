// What every incident change shares: the timeline event, the status that only
// moves forward, the notification written to the outbox in the same
// transaction (so a committed change is always announced, and nothing is
// announced that did not commit), and the per-project incident number.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client.ts";
import type { Tx } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { actorFields } from "@/lib/audit/record";
import type { IncidentEventType } from "@/lib/webhooks/events";
import type { IncidentStatus } from "@/lib/incidents/status";

export type EventActor = { actorType: "USER" | "API_KEY" | "SYSTEM" | "RULE"; actorId: string | null; actorLabel: string | null };

export function eventActor(actor: Actor): EventActor {
  const { actorType, actorId, actorLabel } = actorFields(actor);
  return { actorType, actorId, actorLabel };
}

export const ruleActor = (rule: { id: string; name: string }): EventActor => ({ actorType: "RULE", actorId: rule.id, actorLabel: rule.name });

export async function addIncidentEvent(
  tx: Tx,
  incidentId: string,
  by: EventActor,
  kind: string,
  message: string,
  extra: { data?: unknown; at?: Date; flagVersionId?: string | null } = {},
): Promise<void> {
  await tx.incidentEvent.create({
    data: {
      incidentId,
      kind,
      message,
      data: extra.data === undefined ? undefined : (JSON.parse(JSON.stringify(extra.data)) as Prisma.InputJsonValue),
      ...by,
      flagVersionId: extra.flagVersionId ?? null,
      ...(extra.at ? { createdAt: extra.at } : {}),
    },
  });
}

/** Serializes number allocation per project; the unique (projectId, number) index backs it up. */
export async function nextIncidentNumber(tx: Tx, projectId: string): Promise<number> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`incident-number:${projectId}`}, 0))`;
  const last = await tx.incident.aggregate({ where: { projectId }, _max: { number: true } });
  return (last._max.number ?? 0) + 1;
}

export type IncidentSummary = {
  id: string;
  number: number;
  title: string;
  status: IncidentStatus;
  severity: string;
  source: string;
  flagId: string | null;
  impactStartedAt: Date | null;
  detectedAt: Date;
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
};

export const incidentSummarySelect = {
  id: true,
  projectId: true,
  number: true,
  title: true,
  status: true,
  severity: true,
  source: true,
  flagId: true,
  impactStartedAt: true,
  detectedAt: true,
  acknowledgedAt: true,
  mitigatedAt: true,
  resolvedAt: true,
} as const;

/**
 * Writes the notification for webhooks (lib/webhooks) through the outbox. The
 * payload carries the incident as it is after the change, so a receiver
 * never has to call back.
 */
export async function notifyIncident(
  tx: Tx,
  type: IncidentEventType,
  projectId: string,
  incident: IncidentSummary,
  details: { message: string; flag?: { key: string; environmentKey: string } | null; rule?: Record<string, unknown> | null; by: EventActor },
): Promise<void> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  await tx.outboxEvent.create({
    data: {
      queue: "notifications",
      job: "event",
      payload: JSON.parse(
        JSON.stringify({
          type,
          projectId,
          audience: "all",
          at: new Date().toISOString(),
          message: details.message,
          by: details.by.actorLabel,
          incident: {
            id: incident.id,
            number: incident.number,
            title: incident.title,
            status: incident.status,
            severity: incident.severity,
            source: incident.source,
            impactStartedAt: iso(incident.impactStartedAt),
            detectedAt: iso(incident.detectedAt),
            acknowledgedAt: iso(incident.acknowledgedAt),
            mitigatedAt: iso(incident.mitigatedAt),
            resolvedAt: iso(incident.resolvedAt),
          },
          flag: details.flag ?? null,
          rule: details.rule ?? null,
        }),
      ) as Prisma.InputJsonValue,
    },
  });
}
