// Loads a pending version for a decision: scoped to the project, with its flag
// locked, and only for someone other than the person who asked.
import "server-only";
import type { Tx } from "@/lib/db";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { FlagAccess } from "@/lib/flags/flag-access";
import { lockFlags, type LockedFlag } from "@/lib/flags/write-change";

export async function lockPendingVersion(tx: Tx, projectId: string, versionId: string, access: FlagAccess) {
  const found = await tx.flagVersion.findFirst({ where: { id: versionId, flag: { projectId } }, select: { flagId: true } });
  if (!found) throw notFound("Flag version not found");
  const [flag]: LockedFlag[] = await lockFlags(tx, projectId, { id: found.flagId });
  if (!flag) throw notFound("Flag version not found");
  const version = await tx.flagVersion.findUniqueOrThrow({ where: { id: versionId } });
  if (version.status !== "PENDING_APPROVAL") {
    throw new AppError("CONFLICT", `Version ${version.version} was already ${version.status === "APPLIED" ? "approved" : "rejected"}`, { status: version.status });
  }
  if (version.actorType === "USER" && version.actorId === access.userId) {
    throw forbidden("A second person must decide on this change: you cannot approve or reject your own request");
  }
  return { flag, version };
}
