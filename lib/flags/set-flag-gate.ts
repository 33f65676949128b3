// Requires (or stops requiring) a passing release gate before a flag may widen
// in a protected environment: the candidate whose gate runs count. Not part
// of the versioned configuration, audited like a change, with a reason.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { lockFlags } from "@/lib/flags/write-change";
import { candidateKeySchema } from "@/lib/gate/candidate";
import { latestScoredRun } from "@/lib/gate/latest-run";

export const flagGateSchema = z.object({
  flagId: z.string(),
  /** Canonical candidate key, or null to remove the gate. */
  candidate: candidateKeySchema.nullable(),
  reason: z.string().trim().min(3, "Give a reason (at least 3 characters)").max(500),
});

export async function setFlagGate(actor: Actor, projectId: string, input: z.input<typeof flagGateSchema>) {
  const access = await requireFlagAccess(actor, projectId, "flag:change");
  const data = flagGateSchema.parse(input);
  requireUuid(data.flagId, "Flag");
  return db().$transaction(async (tx) => {
    const [locked] = await lockFlags(tx, projectId, { id: data.flagId });
    if (!locked) throw notFound("Flag not found");
    if (locked.gateCandidate === data.candidate) return { flagId: locked.id, gateCandidate: data.candidate, status: "UNCHANGED" as const };
    await tx.flag.update({ where: { id: locked.id }, data: { gateCandidate: data.candidate } });
    await recordAudit(tx, {
      actor,
      action: data.candidate ? "flag.gate_required" : "flag.gate_removed",
      orgId: access.orgId,
      projectId,
      targetType: "flag",
      targetId: locked.id,
      before: { gateCandidate: locked.gateCandidate },
      after: { gateCandidate: data.candidate },
      metadata: { flagKey: locked.key, environmentKey: locked.environment.key, reason: data.reason },
    });
    return { flagId: locked.id, gateCandidate: data.candidate, status: "APPLIED" as const };
  });
}

/** The flag page's view: the gate's candidate and that candidate's latest scored run. */
export async function flagGateStatus(actor: Actor, projectId: string, flagId: string) {
  await requireFlagAccess(actor, projectId, "flag:read");
  requireUuid(flagId, "Flag");
  const flag = await db().flag.findFirst({ where: { id: flagId, projectId }, select: { gateCandidate: true } });
  if (!flag) throw notFound("Flag not found");
  if (!flag.gateCandidate) return { candidate: null, latest: null };
  const latest = await latestScoredRun(db(), projectId, flag.gateCandidate);
  return { candidate: flag.gateCandidate, latest: latest ? { runId: latest.runId, status: latest.status, scoredAt: latest.scoredAt?.toISOString() ?? null } : null };
}
