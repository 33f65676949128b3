// Who may do what to a project's flags. People go through requirePermission
// like every service; automation (actor.kind "system": the rollback worker)
// may read and narrow but never widen or approve; API keys reach flags only
// through the delivery endpoints, never through these services.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";

export type FlagAccess = {
  orgId: string;
  /** flag:narrow — may lower exposure (kill, cut, pause, environment kill switch on). */
  mayNarrow: boolean;
  /** flag:change — may widen exposure (subject to approval in protected environments). */
  mayWiden: boolean;
  /** flag:approve — may approve or reject someone else's change. */
  mayApprove: boolean;
  /** Set for people only: an approver must differ from the requester. */
  userId: string | null;
};

type FlagPermission = "flag:read" | "flag:narrow" | "flag:change" | "flag:approve";

const uuid = z.uuid();

/** A malformed id is as unknown as an id of another project. */
export function requireUuid(id: string, what: string): void {
  if (!uuid.safeParse(id).success) throw notFound(`${what} not found`);
}

export async function requireFlagAccess(actor: Actor, projectId: string, permission: FlagPermission): Promise<FlagAccess> {
  if (actor.kind === "user") {
    requireUuid(projectId, "Project");
    const { project, role } = await requirePermission(actor, projectId, permission);
    return {
      orgId: project.orgId,
      mayNarrow: can(role, "flag:narrow"),
      mayWiden: can(role, "flag:change"),
      mayApprove: can(role, "flag:approve"),
      userId: actor.userId,
    };
  }
  if (actor.kind === "system") {
    if (permission !== "flag:read" && permission !== "flag:narrow") throw forbidden("Automation may only lower exposure");
    requireUuid(projectId, "Project");
    const project = await db().project.findFirst({ where: { id: projectId, archivedAt: null }, select: { orgId: true } });
    if (!project) throw notFound("Project not found");
    return { orgId: project.orgId, mayNarrow: true, mayWiden: false, mayApprove: false, userId: null };
  }
  throw new AppError("FORBIDDEN", "Flags are managed by signed-in users and automation, not API keys");
}

/** The refusal for a widening change by someone who may only narrow. */
export function narrowOnly(actor: Actor): AppError {
  return actor.kind === "system"
    ? forbidden("Automation may only lower exposure (kill, cut, pause)")
    : forbidden("You may only lower exposure (kill, cut, pause); a lead can make this change");
}
