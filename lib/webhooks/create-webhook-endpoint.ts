// Adds a webhook endpoint to a project (admin: webhook:manage). The secret is
// sealed at rest with the master key and shown once, here.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { seal } from "@/lib/crypto/secretbox";
import { requireUuid } from "@/lib/flags/flag-access";
import { createWebhookEndpointSchema, type CreateWebhookEndpointInput } from "@/lib/webhooks/schemas";
import { newWebhookSecret } from "@/lib/webhooks/signature";
import { endpointView, type WebhookEndpointView } from "@/lib/webhooks/endpoint-view";
import { ZodError } from "zod";
import { config } from "@/lib/config";
import { deploymentAddressPolicy, refusedWebhookUrl } from "@/lib/webhooks/address-policy";

/** A field error on "url" when this deployment refuses the URL's host (see address-policy.ts). */
export function assertWebhookUrlAllowed(url: string): void {
  const refused = refusedWebhookUrl(url, deploymentAddressPolicy(config()));
  if (refused) {
    throw new ZodError([{ code: "custom", path: ["url"], message: `Webhooks may not be sent to ${refused}`, input: url }]);
  }
}

export async function createWebhookEndpoint(actor: Actor, projectId: string, input: CreateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  requireUuid(projectId, "Project");
  const { project } = await requirePermission(actor, projectId, "webhook:manage");
  const { secret: given, ...data } = createWebhookEndpointSchema.parse(input);
  assertWebhookUrlAllowed(data.url);
  const secret = given ?? newWebhookSecret();
  return db().$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.create({ data: { ...data, projectId, secretEnc: seal(Buffer.from(secret)) } });
    const endpoint = endpointView(row);
    await recordAudit(tx, { actor, action: "webhook.endpoint_created", orgId: project.orgId, projectId, targetType: "webhook_endpoint", targetId: row.id, after: endpoint });
    return { endpoint, secret };
  });
}
