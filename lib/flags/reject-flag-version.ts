// Rejects a pending change (second person, flag:approve). The version stays in
// the history as REJECTED; who rejected it and why is in the audit event.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { rejectFlagVersionSchema, type RejectFlagVersionInput } from "@/lib/flags/schemas";
import type { ChangeResult, VersionDiff } from "@/lib/flags/write-change";
import { lockPendingVersion } from "@/lib/flags/decide-version";
import { publishFlagMessages, streamActor, type FlagVersionMessage } from "@/lib/flags/change-stream";

export type RejectResult = Omit<ChangeResult, "status"> & { status: "REJECTED" };

export async function rejectFlagVersion(actor: Actor, projectId: string, versionId: string, input: RejectFlagVersionInput): Promise<RejectResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:approve");
  const { reason } = rejectFlagVersionSchema.parse(input);
  requireUuid(versionId, "Flag version");
  const { result, message } = await db().$transaction(async (tx) => {
    const { flag, version } = await lockPendingVersion(tx, projectId, versionId, access);
    await tx.flagVersion.update({ where: { id: version.id }, data: { status: "REJECTED" } });
    const direction = (version.diff as VersionDiff | null)?.direction ?? "widening";
    await recordAudit(tx, {
      actor,
      action: "flag.change_rejected",
      orgId: access.orgId,
      projectId,
      targetType: "flag",
      targetId: flag.id,
      after: { version: version.version, status: "REJECTED" },
      metadata: {
        flagKey: flag.key,
        environmentId: flag.environmentId,
        environmentKey: flag.environment.key,
        versionId: version.id,
        requestedBy: version.actorLabel,
        reason,
      },
    });
    const result: RejectResult = {
      flagId: flag.id,
      flagKey: flag.key,
      environmentId: flag.environmentId,
      status: "REJECTED",
      version: version.version,
      currentVersion: flag.currentVersion,
      direction,
      exposureBps: version.exposureBps,
    };
    const message: FlagVersionMessage = {
      v: 1,
      type: "flag.change_rejected",
      projectId,
      environmentId: flag.environmentId,
      actor: streamActor(actor),
      at: new Date().toISOString(),
      flagId: flag.id,
      flagKey: flag.key,
      version: version.version,
      status: "REJECTED",
      currentVersion: flag.currentVersion,
      direction,
      exposureBps: version.exposureBps,
    };
    return { result, message };
  });
  await publishFlagMessages([message]);
  return result;
}
