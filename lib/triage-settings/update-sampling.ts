// The share of classifier-passed interactions sampled into blind review and the
// share of reviewed items that get a second, blind review (both in basis points).
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { lockTriageSettings } from "@/lib/triage-settings/lock";
import { samplingSchema, type SamplingInput } from "@/lib/triage-settings/schemas";
import type { Actor } from "@/lib/auth/actor-types";

export async function updateSampling(actor: Actor, projectId: string, input: SamplingInput): Promise<{ changed: boolean }> {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  const data = samplingSchema.parse(input);
  return db().$transaction(async (tx) => {
    await lockTriageSettings(tx, projectId);
    const before = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { sampleRateBps: true, doubleReviewBps: true } });
    if (before.sampleRateBps === data.sampleRateBps && before.doubleReviewBps === data.doubleReviewBps) return { changed: false };
    await tx.project.update({ where: { id: projectId }, data });
    await recordAudit(tx, {
      actor,
      action: "project.sampling_changed",
      orgId: project.orgId,
      projectId,
      targetType: "project",
      targetId: projectId,
      before,
      after: data,
    });
    return { changed: true };
  });
}
