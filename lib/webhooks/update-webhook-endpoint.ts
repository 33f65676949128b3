// Changes a webhook endpoint (admin): name, URL, style, events, enabled, and
// its secret (given, or generated and shown once). Deliveries already queued
// go out with the endpoint as it is when they are sent.
import "server-only";
import { assertWebhookUrlAllowed } from "@/lib/webhooks/create-webhook-endpoint";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { seal } from "@/lib/crypto/secretbox";
import { requireUuid } from "@/lib/flags/flag-access";
import { updateWebhookEndpointSchema, type UpdateWebhookEndpointInput } from "@/lib/webhooks/schemas";
import { newWebhookSecret } from "@/lib/webhooks/signature";
import { endpointView, type WebhookEndpointView } from "@/lib/webhooks/endpoint-view";

export async function updateWebhookEndpoint(actor: Actor, projectId: string, input: UpdateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpointView; secret: string | null }> {
  requireUuid(projectId, "Project");
  const { project } = await requirePermission(actor, projectId, "webhook:manage");
  const data = updateWebhookEndpointSchema.parse(input);
  if (data.changes.url !== undefined) assertWebhookUrlAllowed(data.changes.url);
  return db().$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findFirst({ where: { id: data.endpointId, projectId } });
    if (!before) throw notFound("Webhook endpoint not found");
    const style = data.changes.style ?? before.style;
    if (data.rotateSecret && style === "PAGERDUTY") throw new AppError("BAD_REQUEST", "A PagerDuty routing key comes from PagerDuty: give it as the secret", { field: "secret" });
    if (style === "PAGERDUTY" && before.style !== "PAGERDUTY" && !data.secret) {
      throw new AppError("BAD_REQUEST", "Give the PagerDuty integration's routing key", { field: "secret" });
    }
    const secret = data.secret ?? (data.rotateSecret ? newWebhookSecret() : null);
    const row = await tx.webhookEndpoint.update({ where: { id: before.id }, data: { ...data.changes, ...(secret ? { secretEnc: seal(Buffer.from(secret)) } : {}) } });
    const endpoint = endpointView(row);
    await recordAudit(tx, {
      actor,
      action: "webhook.endpoint_updated",
      orgId: project.orgId,
      projectId,
      targetType: "webhook_endpoint",
      targetId: row.id,
      before: endpointView(before),
      after: endpoint,
      metadata: secret ? { secretChanged: true } : undefined,
    });
    return { endpoint, secret };
  });
}
