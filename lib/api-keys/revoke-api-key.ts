import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { announceRevocation } from "@/lib/api-keys/authenticate-api-key";

export async function revokeApiKey(actor: Actor, projectId: string, keyId: string): Promise<void> {
  const access = await requirePermission(actor, projectId, "apikey:manage");
  if (!z.uuid().safeParse(keyId).success) throw notFound("API key not found");
  const prefix = await db().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: keyId, projectId } });
    if (!key) throw notFound("API key not found");
    if (key.revokedAt) return key.prefix;
    const revokedAt = new Date();
    await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt } });
    await recordAudit(tx, {
      actor,
      action: "apikey.revoked",
      orgId: access.project.orgId,
      projectId,
      targetType: "api_key",
      targetId: key.id,
      before: { revokedAt: null },
      after: { revokedAt },
    });
    return key.prefix;
  });
  // After the commit, so that no request can re-cache the key as still valid.
  await announceRevocation(prefix);
}
