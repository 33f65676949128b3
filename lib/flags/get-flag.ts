// One flag in one environment: its applied configuration, its version history
// (newest first) and the changes waiting for approval, each saying whether it
// can still be approved and whether this actor may decide on it.
import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { readFlags, type FlagSummary } from "@/lib/flags/read-flags";
import { baseVersionOf, type VersionDiff } from "@/lib/flags/write-change";
import { weldedFlag } from "@/lib/flags/welded";
import type { ActorType, FlagVersion } from "@/lib/generated/prisma/client.ts";

export const HISTORY_LIMIT = 200;

export type FlagVersionView = {
  id: string;
  version: number;
  status: "APPLIED" | "PENDING_APPROVAL" | "REJECTED";
  config: unknown;
  diff: VersionDiff | null;
  exposureBps: number;
  reason: string;
  ticketUrl: string | null;
  actor: { type: ActorType; id: string | null; label: string | null };
  approvedById: string | null;
  /** The approver's email, for the history (null when not approved or the account is gone). */
  approvedByLabel: string | null;
  approvedAt: Date | null;
  createdAt: Date;
  current: boolean;
};

export type PendingApproval = FlagVersionView & {
  /** The flag changed since the request: it can only be rejected (and asked for again). */
  superseded: boolean;
  /** Whether the actor reading this may approve or reject it (flag:approve, and not the requester). */
  canDecide: boolean;
};

export type FlagDetail = FlagSummary & {
  weldedReason: string | null;
  history: FlagVersionView[];
  /** True when the history was cut at HISTORY_LIMIT versions. */
  historyTruncated: boolean;
  pending: PendingApproval[];
};

export async function getFlag(actor: Actor, projectId: string, flagId: string): Promise<FlagDetail> {
  const access = await requireFlagAccess(actor, projectId, "flag:read");
  requireUuid(flagId, "Flag");
  const [flag] = await readFlags(projectId, { flagId });
  if (!flag) throw notFound("Flag not found");
  const versions = await db().flagVersion.findMany({ where: { flagId }, orderBy: { version: "desc" }, take: HISTORY_LIMIT + 1 });
  const approverIds = [...new Set(versions.flatMap((v) => (v.approvedById ? [v.approvedById] : [])))];
  const approvers = approverIds.length
    ? new Map((await db().user.findMany({ where: { id: { in: approverIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]))
    : new Map<string, string>();
  const history = versions.slice(0, HISTORY_LIMIT).map((v) => viewOf(v, flag.version, approvers));
  const pendingRows = await db().flagVersion.findMany({ where: { flagId, status: "PENDING_APPROVAL" }, orderBy: { version: "asc" } });
  const pending: PendingApproval[] = pendingRows.map((v) => ({
    ...viewOf(v, flag.version, approvers),
    superseded: baseVersionOf(v.diff) !== flag.version,
    canDecide: access.mayApprove && !(v.actorType === "USER" && v.actorId === access.userId),
  }));
  return {
    ...flag,
    weldedReason: weldedFlag(flag.key)?.reason ?? null,
    history,
    historyTruncated: versions.length > HISTORY_LIMIT,
    pending,
  };
}

function viewOf(v: FlagVersion, currentVersion: number, approvers: Map<string, string>): FlagVersionView {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    config: v.config,
    diff: v.diff as VersionDiff | null,
    exposureBps: v.exposureBps,
    reason: v.reason,
    ticketUrl: v.ticketUrl,
    actor: { type: v.actorType, id: v.actorId, label: v.actorLabel },
    approvedById: v.approvedById,
    approvedByLabel: v.approvedById ? (approvers.get(v.approvedById) ?? null) : null,
    approvedAt: v.approvedAt,
    createdAt: v.createdAt,
    current: v.version === currentVersion,
  };
}
