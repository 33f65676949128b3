// "Verify now" on the admin page: recomputes the project's audit chain and
// records that a person did so, with the outcome, in the same audit trail.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { verifyChains, type ChainReport } from "@/lib/audit/verify-chains";
import type { Actor } from "@/lib/auth/actor-types";

export async function runAuditVerification(actor: Actor, projectId: string): Promise<ChainReport> {
  const access = await requirePermission(actor, projectId, "audit:read");
  const report = await verifyChains({ projectId });
  const chain = report.chains[0]!;
  await db().$transaction((tx) =>
    recordAudit(tx, {
      actor,
      action: "audit.verified",
      orgId: access.project.orgId,
      projectId,
      targetType: "audit_chain",
      targetId: projectId,
      metadata: {
        ok: chain.ok,
        length: chain.length,
        lastCheckpointSeq: chain.lastCheckpoint?.seq ?? null,
        ...(chain.firstBroken ? { firstBroken: chain.firstBroken } : {}),
      },
    }),
  );
  return chain;
}
