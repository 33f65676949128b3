// Returns a flag to the configuration it had before its most recent widening
// (last-safe-version.ts), as a new version. Only ever a narrowing for those
// who may only narrow (reviewers, automation): when something since the
// widening narrowed further, restoring would widen, and is refused like any
// other widening by them.
import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { flagConfigSchemaFor, restoreLastSafeSchema, type FlagConfig, type RestoreLastSafeInput } from "@/lib/flags/schemas";
import { appliedConfig, lockFlagAt, writeChange, type ChangeResult } from "@/lib/flags/write-change";
import { lastSafeVersion } from "@/lib/flags/last-safe-version";
import { publishFlagMessages } from "@/lib/flags/change-stream";

export type RestoreResult = ChangeResult & {
  /** The version whose configuration was restored; null when the safe state was the flag disabled (it was widened at creation). */
  restoredVersion: number | null;
};

export async function restoreLastSafeVersion(actor: Actor, projectId: string, input: RestoreLastSafeInput): Promise<RestoreResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:narrow");
  const data = restoreLastSafeSchema.parse(input);
  requireUuid(data.flagId, "Flag");
  const { result, message } = await db().$transaction(async (tx) => {
    const locked = await lockFlagAt(tx, projectId, data.flagId, data.expectedVersion);
    const versions = await tx.flagVersion.findMany({ where: { flagId: locked.id, status: "APPLIED" }, select: { version: true, status: true, diff: true } });
    const target = lastSafeVersion(versions, locked.currentVersion);
    if (!target) throw new AppError("CONFLICT", `"${locked.key}" was never widened: there is no earlier safe version to return to`);
    let config: FlagConfig;
    let restoredVersion: number | null = null;
    if ("disable" in target) {
      config = { ...(await appliedConfig(tx, locked)), enabled: false };
    } else {
      const row = await tx.flagVersion.findUniqueOrThrow({ where: { flagId_version: { flagId: locked.id, version: target.toVersion } }, select: { config: true } });
      config = flagConfigSchemaFor(locked.kind, locked.key).parse(row.config);
      restoredVersion = target.toVersion;
    }
    const change = await writeChange(tx, { actor, access, projectId }, locked, config, {
      reason: data.reason,
      ...(restoredVersion !== null ? { revertOf: restoredVersion } : {}),
      auditMetadata: { mitigation: "last_safe" },
    });
    return { result: { ...change.result, restoredVersion }, message: change.message };
  });
  await publishFlagMessages(message ? [message] : []);
  return result;
}
