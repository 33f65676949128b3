// A project's rollback rules (flag:read), each with its latest judgement per
// flag from the worker's last evaluation (empty when Redis has none).
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import type { RollbackRule } from "@/lib/generated/prisma/client.ts";
import { requireUuid } from "@/lib/flags/flag-access";
import { readRuleStatuses, type RuleStatus } from "@/lib/rollback/rule-status";

export type RollbackRuleView = RollbackRule & { flag: { key: string; environmentKey: string } | null; current: RuleStatus[] };

export async function listRollbackRules(actor: Actor, projectId: string, filter: { flagId?: string } = {}): Promise<RollbackRuleView[]> {
  requireUuid(projectId, "Project");
  await requirePermission(actor, projectId, "flag:read");
  if (filter.flagId) requireUuid(filter.flagId, "Flag");
  const [rules, statuses] = await Promise.all([
    db().rollbackRule.findMany({
      where: { projectId, ...(filter.flagId ? { OR: [{ flagId: filter.flagId }, { flagId: null }] } : {}) },
      include: { flag: { select: { key: true, environment: { select: { key: true } } } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    readRuleStatuses(projectId).catch(() => new Map<string, RuleStatus[]>()),
  ]);
  return rules.map(({ flag, ...rule }) => ({
    ...rule,
    flag: flag ? { key: flag.key, environmentKey: flag.environment.key } : null,
    current: (statuses.get(rule.id) ?? []).filter((s) => !filter.flagId || s.flagId === filter.flagId),
  }));
}
