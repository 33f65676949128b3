// Removes a webhook endpoint (admin) and its deliveries; the audit trail keeps
// that it existed.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";
import { endpointView } from "@/lib/webhooks/endpoint-view";

export async function deleteWebhookEndpoint(actor: Actor, projectId: string, endpointId: string): Promise<void> {
  requireUuid(projectId, "Project");
  requireUuid(endpointId, "Webhook endpoint");
  const { project } = await requirePermission(actor, projectId, "webhook:manage");
  await db().$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, projectId } });
    if (!before) throw notFound("Webhook endpoint not found");
    await tx.webhookEndpoint.delete({ where: { id: before.id } });
    await recordAudit(tx, { actor, action: "webhook.endpoint_deleted", orgId: project.orgId, projectId, targetType: "webhook_endpoint", targetId: before.id, before: endpointView(before) });
  });
}
