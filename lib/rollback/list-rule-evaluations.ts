// Breaches recorded for a project's rules, newest first (flag:read): what
// fired, what a dry run would have done, what was superseded, with the
// telemetry snapshot each was judged on.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";

export async function listRuleEvaluations(actor: Actor, projectId: string, filter: { ruleId?: string; flagId?: string; dryRun?: boolean; limit?: number } = {}) {
  requireUuid(projectId, "Project");
  await requirePermission(actor, projectId, "flag:read");
  if (filter.ruleId) requireUuid(filter.ruleId, "Rollback rule");
  if (filter.flagId) requireUuid(filter.flagId, "Flag");
  return db().ruleEvaluation.findMany({
    where: {
      projectId,
      ...(filter.ruleId ? { ruleId: filter.ruleId } : {}),
      ...(filter.flagId ? { flagId: filter.flagId } : {}),
      ...(filter.dryRun !== undefined ? { dryRun: filter.dryRun } : {}),
    },
    orderBy: { evaluatedAt: "desc" },
    take: Math.min(Math.max(filter.limit ?? 50, 1), 500),
    include: { rule: { select: { name: true, metric: true, action: true } }, flag: { select: { key: true } } },
  });
}
