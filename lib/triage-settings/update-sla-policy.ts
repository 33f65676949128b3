// Saves a project's SLA policy for one severity (creating the row when the
// severity still used the shipped default). Deadlines already set are left alone:
// triage applies a policy to new items and to items whose severity changes.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { lockTriageSettings } from "@/lib/triage-settings/lock";
import { defaultSlaPolicy } from "@/lib/triage-settings/defaults";
import { slaPolicySchema, type SlaPolicyInput, type SlaPolicyValues } from "@/lib/triage-settings/schemas";
import type { Actor } from "@/lib/auth/actor-types";

const values = (p: SlaPolicyValues): SlaPolicyValues => ({
  severity: p.severity,
  firstTriageSeconds: p.firstTriageSeconds,
  resolutionSeconds: p.resolutionSeconds,
  atRiskPercent: p.atRiskPercent,
  calendar: p.calendar,
  timeZone: p.timeZone,
  workingDays: p.workingDays,
  workStartMinute: p.workStartMinute,
  workEndMinute: p.workEndMinute,
});

export async function updateSlaPolicy(actor: Actor, projectId: string, input: SlaPolicyInput): Promise<{ changed: boolean }> {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  const data = slaPolicySchema.parse(input);
  return db().$transaction(async (tx) => {
    await lockTriageSettings(tx, projectId);
    const where = { projectId_severity: { projectId, severity: data.severity } };
    const existing = await tx.slaPolicy.findUnique({ where });
    const before = existing ? values(existing) : defaultSlaPolicy(data.severity);
    if (existing && JSON.stringify(before) === JSON.stringify(values(data))) return { changed: false };
    const { severity, ...fields } = values(data);
    const saved = await tx.slaPolicy.upsert({ where, create: { projectId, severity, ...fields }, update: fields });
    await recordAudit(tx, {
      actor,
      action: "sla_policy.updated",
      orgId: project.orgId,
      projectId,
      targetType: "sla_policy",
      targetId: saved.id,
      before: { ...before, source: existing ? "project" : "defaults" },
      after: values(data),
    });
    return { changed: true };
  });
}
