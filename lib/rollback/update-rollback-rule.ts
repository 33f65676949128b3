// Changes a rollback rule (lead+): thresholds, window, action, dry run,
// enabled. The changes are merged into the stored rule and the result is
// validated as a whole. The rule's flag is fixed: a rule for another flag is
// another rule, with its own history of evaluations.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import type { RollbackRule } from "@/lib/generated/prisma/client.ts";
import { rollbackRuleSchema, updateRollbackRuleSchema, type UpdateRollbackRuleInput } from "@/lib/rollback/schemas";
import { requireUuid } from "@/lib/flags/flag-access";
import { lockRule } from "@/lib/rollback/rule-access";

export async function updateRollbackRule(actor: Actor, projectId: string, input: UpdateRollbackRuleInput): Promise<RollbackRule> {
  requireUuid(projectId, "Project");
  const { project } = await requirePermission(actor, projectId, "flag:change");
  const data = updateRollbackRuleSchema.parse(input);
  return db().$transaction(async (tx) => {
    const before = await lockRule(tx, projectId, data.ruleId);
    const { id: _id, projectId: _p, flagId: _f, lastFiredAt: _l, createdAt: _c, ...stored } = before;
    const next = rollbackRuleSchema.parse({ ...stored, ...data.changes });
    const row = await tx.rollbackRule.update({ where: { id: before.id }, data: next });
    await recordAudit(tx, { actor, action: "rollback_rule.updated", orgId: project.orgId, projectId, targetType: "rollback_rule", targetId: row.id, before, after: row });
    return row;
  });
}
