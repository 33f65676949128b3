// Restores the configuration of an earlier applied version as a new version,
// so history only grows. A revert is classified like any other change:
// reverting to a wider configuration needs approval where widening does.
import "server-only";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { flagConfigSchemaFor, revertFlagSchema, type RevertFlagInput } from "@/lib/flags/schemas";
import { lockFlagAt, writeChange, type ChangeResult } from "@/lib/flags/write-change";
import { publishFlagMessages } from "@/lib/flags/change-stream";

export async function revertFlag(actor: Actor, projectId: string, input: RevertFlagInput): Promise<ChangeResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:narrow");
  const data = revertFlagSchema.parse(input);
  requireUuid(data.flagId, "Flag");

  const { result, message } = await db().$transaction(async (tx) => {
    const locked = await lockFlagAt(tx, projectId, data.flagId, data.expectedVersion);
    const target = await tx.flagVersion.findUnique({
      where: { flagId_version: { flagId: locked.id, version: data.toVersion } },
      select: { status: true, config: true },
    });
    if (!target) throw notFound(`Version ${data.toVersion} not found`);
    if (target.status !== "APPLIED") {
      throw new AppError("CONFLICT", `Version ${data.toVersion} was never applied (${target.status.toLowerCase().replace("_", " ")}); only applied versions can be restored`);
    }
    // Parsed with today's rules for the kind: a stored configuration that no longer passes is not restored.
    const config = flagConfigSchemaFor(locked.kind, locked.key).parse(target.config);
    return writeChange(tx, { actor, access, projectId }, locked, config, {
      reason: data.reason,
      ticketUrl: data.ticketUrl,
      revertOf: data.toVersion,
    });
  });
  await publishFlagMessages(message ? [message] : []);
  return result;
}
