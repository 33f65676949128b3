// The incident side of a rollback rule firing, in the evaluator's
// transaction: opens an incident for the flag, or appends to the one still
// open for it, with the timeline (impact started at the first breaching
// sample, detected at evaluation, mitigated when the flag change took
// effect), the evaluation and flag version linked, an audit event and a
// notification.
import "server-only";
import type { Tx } from "@/lib/db";
import type { Severity } from "@/lib/generated/prisma/client.ts";
import { recordAudit } from "@/lib/audit/record";
import type { RollbackAction } from "@/lib/rollback/judge";
import { addIncidentEvent, incidentSummarySelect, nextIncidentNumber, notifyIncident, ruleActor } from "@/lib/incidents/timeline";
import { advanceStatus, type IncidentStatus } from "@/lib/incidents/status";

const SEVERITY_OF: Record<RollbackAction, Severity> = { GLOBAL_KILL: "SEV1", LAST_SAFE: "SEV2", HALVE: "SEV2", PAUSE: "SEV3" };
const severityRank = (s: Severity) => Number(s.slice(3));

export type RuleFiring = {
  projectId: string;
  orgId: string;
  rule: { id: string; name: string; action: RollbackAction };
  flag: { id: string; key: string; environmentKey: string };
  evaluationId: string;
  /** The judgement in words (values, window, samples). */
  description: string;
  detectedAt: Date;
  impactStartedAt: Date | null;
  /**
   * What the action did: `changed` when it changed the flag or environment,
   * `mitigatedAt` when that cut exposure and the change is in effect.
   */
  outcome: { description: string; changed: boolean; mitigatedAt: Date | null; flagVersionId: string | null; version: number | null };
  /** Rule and judgement details for the notification. */
  notification: Record<string, unknown>;
};

export async function recordRuleFiring(tx: Tx, f: RuleFiring): Promise<{ incidentId: string; opened: boolean }> {
  const by = ruleActor(f.rule);
  const open = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM "Incident" WHERE "projectId" = ${f.projectId}::uuid AND "flagId" = ${f.flag.id}::uuid AND status <> 'RESOLVED'
    ORDER BY "createdAt" DESC LIMIT 1 FOR UPDATE`;
  const existing = open[0] ? await tx.incident.findUniqueOrThrow({ where: { id: open[0].id }, select: incidentSummarySelect }) : null;
  const mitigated = f.outcome.mitigatedAt;

  let incident;
  if (!existing) {
    incident = await tx.incident.create({
      data: {
        projectId: f.projectId,
        number: await nextIncidentNumber(tx, f.projectId),
        title: `${f.flag.key} (${f.flag.environmentKey}): ${f.rule.name}`,
        status: mitigated ? "MITIGATED" : "OPEN",
        severity: SEVERITY_OF[f.rule.action],
        source: "AUTOMATED",
        flagId: f.flag.id,
        impactStartedAt: f.impactStartedAt,
        detectedAt: f.detectedAt,
        mitigatedAt: mitigated,
      },
      select: incidentSummarySelect,
    });
    if (f.impactStartedAt) {
      await addIncidentEvent(tx, incident.id, by, "impact_started", "First breaching sample", { at: f.impactStartedAt });
    }
    await addIncidentEvent(tx, incident.id, by, "detected", f.description, { at: f.detectedAt });
  } else {
    const severity = severityRank(SEVERITY_OF[f.rule.action]) < severityRank(existing.severity as Severity) ? SEVERITY_OF[f.rule.action] : (existing.severity as Severity);
    incident = await tx.incident.update({
      where: { id: existing.id },
      data: {
        severity,
        status: mitigated ? advanceStatus(existing.status as IncidentStatus, "MITIGATED") : existing.status,
        mitigatedAt: existing.mitigatedAt ?? mitigated,
        impactStartedAt: earliest(existing.impactStartedAt, f.impactStartedAt),
      },
      select: incidentSummarySelect,
    });
  }

  await tx.ruleEvaluation.update({ where: { id: f.evaluationId }, data: { incidentId: incident.id } });
  await addIncidentEvent(tx, incident.id, by, "rule_evaluation", f.description, { at: f.detectedAt, data: { evaluationId: f.evaluationId, ...f.notification } });
  if (f.outcome.changed) {
    await addIncidentEvent(tx, incident.id, by, "flag_change", f.outcome.description, {
      at: mitigated ?? f.detectedAt,
      flagVersionId: f.outcome.flagVersionId,
      data: { action: f.rule.action, version: f.outcome.version },
    });
  } else {
    await addIncidentEvent(tx, incident.id, by, "note", f.outcome.description, { at: f.detectedAt });
  }
  if (mitigated && !existing?.mitigatedAt) {
    await addIncidentEvent(tx, incident.id, by, "mitigated", f.outcome.description, { at: mitigated, flagVersionId: f.outcome.flagVersionId });
  }

  await recordAudit(tx, {
    actor: { kind: "system", label: `rollback rule: ${f.rule.name}` },
    action: existing ? "incident.updated" : "incident.opened",
    orgId: f.orgId,
    projectId: f.projectId,
    targetType: "incident",
    targetId: incident.id,
    after: { number: incident.number, status: incident.status, severity: incident.severity },
    metadata: { ruleId: f.rule.id, evaluationId: f.evaluationId, flagId: f.flag.id, outcome: f.outcome.description },
  });
  await notifyIncident(tx, existing ? "incident.updated" : "incident.opened", f.projectId, incident as typeof incident & { status: IncidentStatus }, {
    message: `${f.description}. ${f.outcome.description}`,
    flag: { key: f.flag.key, environmentKey: f.flag.environmentKey },
    rule: f.notification,
    by,
  });
  return { incidentId: incident.id, opened: !existing };
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
