// Loads a rule for a change, locked and scoped to the project.
import "server-only";
import type { Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { RollbackRule } from "@/lib/generated/prisma/client.ts";

export async function lockRule(tx: Tx, projectId: string, ruleId: string): Promise<RollbackRule> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM "RollbackRule" WHERE id = ${ruleId}::uuid AND "projectId" = ${projectId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw notFound("Rollback rule not found");
  return tx.rollbackRule.findUniqueOrThrow({ where: { id: ruleId } });
}
