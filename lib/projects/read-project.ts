import "server-only";
import { db } from "@/lib/db";
import { listVisibleProjects, requirePermission } from "@/lib/auth/access";
import type { Actor, UserActor } from "@/lib/auth/actor-types";

export async function getProjectSettings(actor: Actor, projectId: string) {
  await requirePermission(actor, projectId, "project:manage");
  return db().project.findUniqueOrThrow({
    where: { id: projectId },
    select: {
      id: true,
      name: true,
      slug: true,
      retentionDays: true,
      createdAt: true,
      environments: { orderBy: { createdAt: "asc" }, select: { id: true, key: true, name: true, protected: true, killSwitchOn: true } },
    },
  });
}

/** Organizations the user administers, with their projects (for the projects admin page). */
export async function listAdministeredOrgs(actor: UserActor) {
  if (actor.orgAdminOf.length === 0) return [];
  return db().organization.findMany({
    where: { id: { in: [...actor.orgAdminOf] } },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      slug: true,
      projects: {
        where: { archivedAt: null },
        orderBy: { name: "asc" },
        select: { id: true, name: true, slug: true, createdAt: true, _count: { select: { memberships: true } } },
      },
    },
  });
}

export { listVisibleProjects };
