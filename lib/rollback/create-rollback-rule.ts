// Creates a rollback rule for one flag or for every release and multivariate
// flag of the project. Rules steer automation that only narrows, but a rule
// that is too eager cuts rollouts people chose, so managing them takes
// flag:change (lead+), like changing the flags themselves.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import type { RollbackRule } from "@/lib/generated/prisma/client.ts";
import { createRollbackRuleSchema, rollbackRuleSchema, type CreateRollbackRuleInput } from "@/lib/rollback/schemas";
import { requireUuid } from "@/lib/flags/flag-access";

export async function createRollbackRule(actor: Actor, projectId: string, input: CreateRollbackRuleInput): Promise<RollbackRule> {
  requireUuid(projectId, "Project");
  const { project } = await requirePermission(actor, projectId, "flag:change");
  const { flagId } = createRollbackRuleSchema.parse(input);
  const rule = rollbackRuleSchema.parse(input.rule);
  return db().$transaction(async (tx) => {
    if (flagId && !(await tx.flag.findFirst({ where: { id: flagId, projectId, archivedAt: null }, select: { id: true } }))) throw notFound("Flag not found");
    const row = await tx.rollbackRule.create({ data: { ...rule, projectId, flagId: flagId ?? null } });
    await recordAudit(tx, { actor, action: "rollback_rule.created", orgId: project.orgId, projectId, targetType: "rollback_rule", targetId: row.id, after: row });
    return row;
  });
}
