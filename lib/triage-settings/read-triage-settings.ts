// The triage settings in effect for a project, as the admin page shows them:
// its own severity rules or the shipped defaults, a policy per severity (stored or
// default) and the sampling rates.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { defaultSeverityRules, ruleConditionSchema, severities } from "@/lib/triage/severity";
import { defaultSlaPolicy } from "@/lib/triage-settings/defaults";
import type { Actor } from "@/lib/auth/actor-types";
import type { SeverityRuleView, SlaPolicyView, TriageSettings } from "@/lib/triage-settings/schemas";

export async function getTriageSettings(actor: Actor, projectId: string): Promise<TriageSettings> {
  await requirePermission(actor, projectId, "project:manage");
  const project = await db().project.findUniqueOrThrow({
    where: { id: projectId },
    select: {
      sampleRateBps: true,
      doubleReviewBps: true,
      severityRules: { orderBy: [{ position: "asc" }, { createdAt: "asc" }] },
      slaPolicies: true,
    },
  });

  const stored = project.severityRules;
  const rules: SeverityRuleView[] = stored.length
    ? stored.map((r) => {
        const condition = ruleConditionSchema.safeParse(r.condition);
        return { ref: r.id, name: r.name, severity: r.severity, condition: condition.success ? condition.data : null, enabled: r.enabled };
      })
    : defaultSeverityRules.map((r, i) => ({ ref: `default:${i}`, name: r.name, severity: r.severity, condition: r.condition, enabled: true }));

  const slaPolicies: SlaPolicyView[] = severities.map((severity) => {
    const p = project.slaPolicies.find((row) => row.severity === severity);
    if (!p) return { ...defaultSlaPolicy(severity), source: "defaults" };
    return {
      severity,
      firstTriageSeconds: p.firstTriageSeconds,
      resolutionSeconds: p.resolutionSeconds,
      atRiskPercent: p.atRiskPercent,
      calendar: p.calendar,
      timeZone: p.timeZone,
      workingDays: p.workingDays,
      workStartMinute: p.workStartMinute,
      workEndMinute: p.workEndMinute,
      source: "project",
    };
  });

  return {
    rules: { source: stored.length ? "project" : "defaults", list: rules },
    slaPolicies,
    sampling: { sampleRateBps: project.sampleRateBps, doubleReviewBps: project.doubleReviewBps },
  };
}
