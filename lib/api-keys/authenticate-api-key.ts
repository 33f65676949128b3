// Resolves a bearer API key to an actor. Unknown, malformed and revoked keys
// are indistinguishable to the caller (all UNAUTHENTICATED).
import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { ApiKeyActor } from "@/lib/auth/actor-types";
import { apiKeyMatches, parseApiKey, scopeName, type ApiScopeName } from "@/lib/api-keys/key-format";

const LAST_USED_RESOLUTION_MS = 60_000;

export async function authenticateApiKey(authorization: string | null): Promise<ApiKeyActor> {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const parsed = token ? parseApiKey(token) : null;
  if (!token || !parsed) throw new AppError("UNAUTHENTICATED", "Missing or malformed API key");
  const key = await db().apiKey.findUnique({
    where: { prefix: parsed.prefix },
    select: { id: true, name: true, hash: true, projectId: true, environmentId: true, scopes: true, revokedAt: true, lastUsedAt: true, project: { select: { archivedAt: true } } },
  });
  if (!key || key.revokedAt || key.project.archivedAt || !apiKeyMatches(token, key.hash)) {
    throw new AppError("UNAUTHENTICATED", "Invalid or revoked API key");
  }
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: one write a minute per key, never one per request.
    await db().apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    kind: "apiKey",
    keyId: key.id,
    keyName: key.name,
    projectId: key.projectId,
    environmentId: key.environmentId,
    scopes: key.scopes.map(scopeName),
  };
}

export function requireScope(actor: ApiKeyActor, scope: ApiScopeName): void {
  if (!actor.scopes.includes(scope)) {
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope`);
  }
}
