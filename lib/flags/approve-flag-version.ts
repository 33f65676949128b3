// Approves a pending change (second person, flag:approve): the version becomes
// the flag's applied one. Refused when the flag has changed since the request
// — the request was judged against a configuration that is no longer live,
// and applying it would silently undo what happened in between (often a kill).
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { flagConfigSchema } from "@/lib/flags/schemas";
import { baseVersionOf, refuseWelded, snapshotFlagOf, type ChangeResult, type VersionDiff } from "@/lib/flags/write-change";
import { lockPendingVersion } from "@/lib/flags/decide-version";
import { refusePausedWidening } from "@/lib/flags/refuse-paused-widening";
import { refuseUngatedWidening } from "@/lib/flags/refuse-ungated-widening";
import { publishFlagMessages, streamActor } from "@/lib/flags/change-stream";

export async function approveFlagVersion(actor: Actor, projectId: string, versionId: string): Promise<ChangeResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:approve");
  requireUuid(versionId, "Flag version");
  const { result, message } = await db().$transaction(async (tx) => {
    const { flag, version } = await lockPendingVersion(tx, projectId, versionId, access);
    const base = baseVersionOf(version.diff);
    if (base !== flag.currentVersion) {
      throw new AppError(
        "CONFLICT",
        `The flag changed since this was requested (it is now at version ${flag.currentVersion}); reject it and request the change again`,
        { currentVersion: flag.currentVersion, baseVersion: base },
      );
    }
    const config = flagConfigSchema.parse(version.config);
    // The welded list may have grown since the request.
    refuseWelded(flag.key, config);
    const direction = (version.diff as VersionDiff | null)?.direction ?? "widening";
    refusePausedWidening(flag, direction);
    // The gate may have failed (or a new run not passed) since the request.
    await refuseUngatedWidening(tx, flag, direction);
    const approvedAt = new Date();
    await tx.flagVersion.update({ where: { id: version.id }, data: { status: "APPLIED", approvedById: access.userId, approvedAt } });
    await tx.flag.update({ where: { id: flag.id }, data: { currentVersion: version.version } });
    await recordAudit(tx, {
      actor,
      action: "flag.change_approved",
      orgId: access.orgId,
      projectId,
      targetType: "flag",
      targetId: flag.id,
      before: { version: flag.currentVersion },
      after: { version: version.version, status: "APPLIED", exposureBps: version.exposureBps },
      metadata: {
        flagKey: flag.key,
        environmentId: flag.environmentId,
        environmentKey: flag.environment.key,
        versionId: version.id,
        requestedBy: version.actorLabel,
        direction,
      },
    });
    const result: ChangeResult = {
      flagId: flag.id,
      flagKey: flag.key,
      environmentId: flag.environmentId,
      status: "APPLIED",
      version: version.version,
      currentVersion: version.version,
      direction,
      exposureBps: version.exposureBps,
    };
    return {
      result,
      message: {
        v: 1 as const,
        type: "flag.change_approved" as const,
        projectId,
        environmentId: flag.environmentId,
        actor: streamActor(actor),
        at: approvedAt.toISOString(),
        flagId: flag.id,
        flagKey: flag.key,
        version: version.version,
        status: "APPLIED" as const,
        currentVersion: version.version,
        direction,
        exposureBps: version.exposureBps,
        flag: snapshotFlagOf(flag, version.version, config),
      },
    };
  });
  await publishFlagMessages([message]);
  return result;
}
