// Guards for pages: session → project membership → permission, turning
// NOT_FOUND and FORBIDDEN into Next's not-found and 403 pages.
import "server-only";
import { forbidden, notFound } from "next/navigation";
import { requireProjectBySlug, type ProjectAccess } from "@/lib/auth/access";
import { requirePageActor } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import type { Permission } from "@/lib/auth/permissions";
import type { UserActor } from "@/lib/auth/actor-types";

export async function projectPage(
  slug: string,
  permission: Permission,
  path?: string,
): Promise<ProjectAccess & { actor: UserActor }> {
  const actor = await requirePageActor(path);
  try {
    return { actor, ...(await requireProjectBySlug(actor, slug, permission)) };
  } catch (err) {
    if (isAppError(err) && err.code === "NOT_FOUND") notFound();
    if (isAppError(err) && err.code === "FORBIDDEN") forbidden();
    throw err;
  }
}
