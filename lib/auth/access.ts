// Scoping and authorization for every service: one requirePermission that
// answers NOT_FOUND when the actor may not know the project exists.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { can, type Permission, type Role } from "@/lib/auth/permissions";
import type { Actor, UserActor } from "@/lib/auth/actor-types";

export type ProjectAccess = {
  project: { id: string; orgId: string; slug: string; name: string };
  role: Role;
};

const projectSelect = { id: true, orgId: true, slug: true, name: true } as const;
const uuid = z.uuid();

/** The actor's role in a project, or null when it has none (or the project does not exist). */
export async function projectRole(actor: UserActor, projectId: string): Promise<ProjectAccess | null> {
  // Project ids arrive as action arguments: one that is not a uuid names no project (Postgres would refuse it, a 500).
  if (!uuid.safeParse(projectId).success) return null;
  const project = await db().project.findFirst({
    where: { id: projectId, archivedAt: null },
    select: { ...projectSelect, memberships: { where: { userId: actor.userId }, select: { role: true } } },
  });
  return project ? accessOf(actor, project) : null;
}

function accessOf(
  actor: UserActor,
  project: { id: string; orgId: string; slug: string; name: string; memberships: { role: Role }[] },
): ProjectAccess | null {
  const { memberships, ...rest } = project;
  if (actor.orgAdminOf.includes(project.orgId)) return { project: rest, role: "ADMIN" };
  const role = memberships[0]?.role;
  return role ? { project: rest, role } : null;
}

function check(access: ProjectAccess | null, permission: Permission): ProjectAccess {
  if (!access) throw notFound("Project not found");
  if (!can(access.role, permission)) throw forbidden();
  return access;
}

/**
 * Throws NOT_FOUND when the actor has no access to the project at all (so that
 * existence does not leak) and FORBIDDEN when its role lacks the permission.
 */
export async function requirePermission(
  actor: Actor,
  projectId: string,
  permission: Permission,
): Promise<ProjectAccess> {
  if (actor.kind !== "user") throw new AppError("FORBIDDEN", "This action needs a signed-in user");
  return check(await projectRole(actor, projectId), permission);
}

/** As requirePermission, addressed by the project's slug (URLs, CLI). */
export async function requireProjectBySlug(
  actor: UserActor,
  slug: string,
  permission: Permission,
): Promise<ProjectAccess> {
  const project = await db().project.findFirst({
    where: { slug, archivedAt: null },
    select: { ...projectSelect, memberships: { where: { userId: actor.userId }, select: { role: true } } },
  });
  return check(project ? accessOf(actor, project) : null, permission);
}

/** Projects the actor can see, with its role in each. */
export async function listVisibleProjects(actor: UserActor): Promise<ProjectAccess[]> {
  const projects = await db().project.findMany({
    where: {
      archivedAt: null,
      OR: [{ orgId: { in: [...actor.orgAdminOf] } }, { memberships: { some: { userId: actor.userId } } }],
    },
    orderBy: { name: "asc" },
    select: { ...projectSelect, memberships: { where: { userId: actor.userId }, select: { role: true } } },
  });
  return projects.map((p) => accessOf(actor, p)).filter((a): a is ProjectAccess => a !== null);
}

export function requireOrgAdmin(actor: Actor, orgId: string): void {
  if (actor.kind !== "user" || !actor.orgAdminOf.includes(orgId)) throw notFound("Organization not found");
}
