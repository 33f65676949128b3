import "server-only";
import { db } from "@/lib/db";
import type { ApiKeyActor } from "@/lib/auth/actor-types";

export async function describeApiKey(actor: ApiKeyActor) {
  const project = await db().project.findUniqueOrThrow({
    where: { id: actor.projectId },
    select: { slug: true, name: true, environments: actor.environmentId ? { where: { id: actor.environmentId }, select: { key: true } } : false },
  });
  return {
    project: { slug: project.slug, name: project.name },
    key: { name: actor.keyName, scopes: actor.scopes, environment: project.environments?.[0]?.key ?? null },
  };
}
