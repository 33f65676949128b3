import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { scopeName } from "@/lib/api-keys/key-format";

export async function listApiKeys(actor: Actor, projectId: string) {
  await requirePermission(actor, projectId, "apikey:manage");
  const keys = await db().apiKey.findMany({
    where: { projectId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      environment: { select: { key: true } },
      createdBy: { select: { email: true } },
    },
  });
  return keys.map((k) => ({ ...k, scopes: k.scopes.map(scopeName) }));
}
