// The one path by which a flag's configuration changes: lock the flag, compare
// the new configuration with the applied one, decide what the actor may do
// with it (welded flags stay off; reviewers and automation only narrow;
// widening in a protected environment waits for a second person), write an
// immutable FlagVersion and its audit event in the caller's transaction, and
// hand back the change-stream message to publish after the commit.
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import type { Tx } from "@/lib/db";
import { actorFields, recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { narrowOnly, type FlagAccess } from "@/lib/flags/flag-access";
import { classifyChange, exposureBpsOf, type ChangeDirection, type ConfigChange } from "@/lib/flags/classify-change";
import { flagConfigSchema, type FlagConfig, type FlagKind } from "@/lib/flags/schemas";
import { weldedFlag } from "@/lib/flags/welded";
import { refusePausedWidening } from "@/lib/flags/refuse-paused-widening";
import { refuseUngatedWidening } from "@/lib/flags/refuse-ungated-widening";
import { streamActor, type FlagVersionMessage } from "@/lib/flags/change-stream";
import type { SnapshotFlag } from "@/lib/flags/evaluate";

export type LockedFlag = {
  id: string;
  projectId: string;
  environmentId: string;
  key: string;
  kind: FlagKind;
  salt: string;
  currentVersion: number;
  widenPausedAt: Date | null;
  widenPausedReason: string | null;
  gateCandidate: string | null;
  environment: { id: string; key: string; protected: boolean };
};

/** Stored in FlagVersion.diff. `baseVersion` is the applied version the change was made against. */
export type VersionDiff = {
  baseVersion: number;
  direction: ChangeDirection;
  changes: ConfigChange[];
  /** Set when the change restores the configuration of that version. */
  revertOf?: number;
};

export type ChangeStatus = "APPLIED" | "PENDING_APPROVAL" | "UNCHANGED";

export type ChangeResult = {
  flagId: string;
  flagKey: string;
  environmentId: string;
  status: ChangeStatus;
  /** The version written; null when the change changed nothing. */
  version: number | null;
  /** The flag's applied version after the change. */
  currentVersion: number;
  direction: ChangeDirection;
  /** Exposure of the new configuration (applied, or once approved). */
  exposureBps: number;
};

export type ChangeContext = { actor: Actor; access: FlagAccess; projectId: string };

export type ChangeOptions = {
  reason: string;
  ticketUrl?: string;
  revertOf?: number;
  /** Recorded with the audit event (e.g. the triage item of a mitigation). */
  auditMetadata?: Record<string, unknown>;
};

const flagSelect = {
  id: true,
  projectId: true,
  environmentId: true,
  key: true,
  kind: true,
  salt: true,
  currentVersion: true,
  widenPausedAt: true,
  widenPausedReason: true,
  gateCandidate: true,
  environment: { select: { id: true, key: true, protected: true } },
} as const;

/**
 * Locks the project's live flags that match, in id order (so two changes that
 * touch the same flags cannot deadlock), and returns them.
 */
export async function lockFlags(tx: Tx, projectId: string, match: { id?: string; key?: string; environmentId?: string }): Promise<LockedFlag[]> {
  const conditions = [Prisma.sql`"projectId" = ${projectId}::uuid`, Prisma.sql`"archivedAt" IS NULL`];
  if (match.id) conditions.push(Prisma.sql`id = ${match.id}::uuid`);
  if (match.key) conditions.push(Prisma.sql`key = ${match.key}`);
  if (match.environmentId) conditions.push(Prisma.sql`"environmentId" = ${match.environmentId}::uuid`);
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM "Flag" WHERE ${Prisma.join(conditions, " AND ")} ORDER BY id FOR UPDATE`;
  if (locked.length === 0) return [];
  const flags = await tx.flag.findMany({ where: { id: { in: locked.map((r) => r.id) } }, select: flagSelect, orderBy: { id: "asc" } });
  return flags;
}

/**
 * Locks one flag for a change made by someone looking at version
 * `expectedVersion` (when given): a change made on top of a newer version
 * would silently undo it, so it is refused.
 */
export async function lockFlagAt(tx: Tx, projectId: string, flagId: string, expectedVersion: number | undefined): Promise<LockedFlag> {
  const [locked] = await lockFlags(tx, projectId, { id: flagId });
  if (!locked) throw notFound("Flag not found");
  if (expectedVersion !== undefined && locked.currentVersion !== expectedVersion) {
    throw new AppError("CONFLICT", "This flag changed since you opened it; reload to see the current version. Nothing was changed.", {
      currentVersion: locked.currentVersion,
    });
  }
  return locked;
}

/** The configuration of a flag's applied version. */
export async function appliedConfig(tx: Tx, flag: { id: string; currentVersion: number }): Promise<FlagConfig> {
  const version = await tx.flagVersion.findUniqueOrThrow({
    where: { flagId_version: { flagId: flag.id, version: flag.currentVersion } },
    select: { config: true },
  });
  return flagConfigSchema.parse(version.config);
}

export function baseVersionOf(diff: unknown): number | null {
  const base = (diff as { baseVersion?: unknown } | null)?.baseVersion;
  return typeof base === "number" ? base : null;
}

export function snapshotFlagOf(flag: Pick<LockedFlag, "key" | "kind" | "salt">, version: number, config: FlagConfig): SnapshotFlag {
  return { key: flag.key, kind: flag.kind, version, salt: flag.salt, config };
}

/** The refusal for a configuration that would enable a welded flag. */
export function refuseWelded(key: string, config: FlagConfig): void {
  const welded = weldedFlag(key);
  if (welded && config.enabled) {
    throw new AppError("CONFLICT", `"${key}" is welded off in code (${welded.reason}); no runtime change can enable it`, { flagKey: key, welded: true });
  }
}

export async function insertVersion(
  tx: Tx,
  actor: Actor,
  data: { flagId: string; version: number; status: "APPLIED" | "PENDING_APPROVAL"; config: FlagConfig; diff: VersionDiff; reason: string; ticketUrl?: string },
) {
  const { actorType, actorId, actorLabel } = actorFields(actor);
  return tx.flagVersion.create({
    data: {
      flagId: data.flagId,
      version: data.version,
      status: data.status,
      config: data.config as Prisma.InputJsonValue,
      diff: data.diff as unknown as Prisma.InputJsonValue,
      exposureBps: exposureBpsOf(data.config),
      reason: data.reason,
      ticketUrl: data.ticketUrl ?? null,
      actorType,
      actorId,
      actorLabel,
    },
  });
}

export async function writeChange(
  tx: Tx,
  ctx: ChangeContext,
  flag: LockedFlag,
  after: FlagConfig,
  options: ChangeOptions,
): Promise<{ result: ChangeResult; message: FlagVersionMessage | null }> {
  const before = await appliedConfig(tx, flag);
  const { direction, changes } = classifyChange(before, after);
  const exposureBps = exposureBpsOf(after);
  const base = { flagId: flag.id, flagKey: flag.key, environmentId: flag.environmentId, direction, exposureBps };
  if (direction === "unchanged") {
    return { result: { ...base, status: "UNCHANGED", version: null, currentVersion: flag.currentVersion }, message: null };
  }
  refuseWelded(flag.key, after);
  if (direction !== "narrowing" && !ctx.access.mayWiden) throw narrowOnly(ctx.actor);
  refusePausedWidening(flag, direction);
  await refuseUngatedWidening(tx, flag, direction);

  const status = direction === "widening" && flag.environment.protected ? "PENDING_APPROVAL" : "APPLIED";
  const latest = await tx.flagVersion.aggregate({ where: { flagId: flag.id }, _max: { version: true } });
  const version = (latest._max.version ?? 0) + 1;
  const diff: VersionDiff = { baseVersion: flag.currentVersion, direction, changes, ...(options.revertOf ? { revertOf: options.revertOf } : {}) };
  const row = await insertVersion(tx, ctx.actor, { flagId: flag.id, version, status, config: after, diff, reason: options.reason, ticketUrl: options.ticketUrl });
  const applied = status === "APPLIED";
  const currentVersion = applied ? version : flag.currentVersion;
  if (applied) await tx.flag.update({ where: { id: flag.id }, data: { currentVersion } });

  await recordAudit(tx, {
    actor: ctx.actor,
    action: !applied ? "flag.change_requested" : options.revertOf ? "flag.reverted" : "flag.changed",
    orgId: ctx.access.orgId,
    projectId: ctx.projectId,
    targetType: "flag",
    targetId: flag.id,
    before: { version: flag.currentVersion, exposureBps: exposureBpsOf(before) },
    after: { version, status, exposureBps, config: after },
    metadata: {
      flagKey: flag.key,
      environmentId: flag.environmentId,
      environmentKey: flag.environment.key,
      versionId: row.id,
      direction,
      changes: changes.map((c) => c.path),
      reason: options.reason,
      ...(options.ticketUrl ? { ticketUrl: options.ticketUrl } : {}),
      ...(options.revertOf ? { revertOf: options.revertOf } : {}),
      ...options.auditMetadata,
    },
  });

  const result: ChangeResult = { ...base, status, version, currentVersion };
  const message: FlagVersionMessage = {
    v: 1,
    type: applied ? "flag.changed" : "flag.change_requested",
    projectId: ctx.projectId,
    environmentId: flag.environmentId,
    actor: streamActor(ctx.actor),
    at: row.createdAt.toISOString(),
    flagId: flag.id,
    flagKey: flag.key,
    version,
    status,
    currentVersion,
    direction,
    exposureBps,
    ...(applied ? { flag: snapshotFlagOf(flag, version, after) } : {}),
  };
  return { result, message };
}
