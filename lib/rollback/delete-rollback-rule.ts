// Deletes a rollback rule (lead+) with its evaluations; incidents keep their
// timelines, which describe what the rule saw and did.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";
import { lockRule } from "@/lib/rollback/rule-access";

export async function deleteRollbackRule(actor: Actor, projectId: string, ruleId: string): Promise<void> {
  requireUuid(projectId, "Project");
  requireUuid(ruleId, "Rollback rule");
  const { project } = await requirePermission(actor, projectId, "flag:change");
  await db().$transaction(async (tx) => {
    const before = await lockRule(tx, projectId, ruleId);
    await tx.rollbackRule.delete({ where: { id: before.id } });
    await recordAudit(tx, { actor, action: "rollback_rule.deleted", orgId: project.orgId, projectId, targetType: "rollback_rule", targetId: before.id, before });
  });
}
