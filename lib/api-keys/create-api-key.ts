// Creates a project API key. The plaintext key is returned once and never stored.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { apiScopes, apiScopeNames, generateApiKey } from "@/lib/api-keys/key-format";

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  scopes: z.array(z.enum(apiScopeNames as [string, ...string[]])).min(1, "Choose at least one scope"),
  environmentId: z.uuid().nullish(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export async function createApiKey(actor: Actor, projectId: string, input: CreateApiKeyInput) {
  const access = await requirePermission(actor, projectId, "apikey:manage");
  const data = createApiKeySchema.parse(input);
  const { key, prefix, hash } = generateApiKey();
  return db().$transaction(async (tx) => {
    if (data.environmentId) {
      const env = await tx.environment.findFirst({ where: { id: data.environmentId, projectId } });
      if (!env) throw new AppError("BAD_REQUEST", "Unknown environment", { field: "environmentId" });
    }
    const row = await tx.apiKey.create({
      data: {
        projectId,
        name: data.name,
        prefix,
        hash,
        scopes: data.scopes.map((s) => apiScopes[s as keyof typeof apiScopes]),
        environmentId: data.environmentId ?? null,
        createdById: actor.kind === "user" ? actor.userId : null,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "apikey.created",
      orgId: access.project.orgId,
      projectId,
      targetType: "api_key",
      targetId: row.id,
      after: { name: row.name, prefix, scopes: data.scopes, environmentId: row.environmentId },
    });
    return { id: row.id, name: row.name, prefix, key };
  });
}
