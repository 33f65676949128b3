// A project's webhook deliveries, newest first (admin); status DEAD is the
// dead-letter list, each retried by hand with retry-webhook-delivery.ts.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";
import { listWebhookDeliveriesSchema, type ListWebhookDeliveriesInput } from "@/lib/webhooks/schemas";

export async function listWebhookDeliveries(actor: Actor, projectId: string, input: ListWebhookDeliveriesInput = {}) {
  requireUuid(projectId, "Project");
  await requirePermission(actor, projectId, "webhook:manage");
  const data = listWebhookDeliveriesSchema.parse(input);
  return db().webhookDelivery.findMany({
    where: { projectId, ...(data.status ? { status: data.status } : {}), ...(data.endpointId ? { endpointId: data.endpointId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: data.limit,
    include: { endpoint: { select: { name: true, url: true, style: true } } },
  });
}
