// A project's webhook endpoints (admin), with counts of deliveries waiting,
// failing and dead, so the console can point at trouble.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";
import { endpointViewSelect, type WebhookEndpointView } from "@/lib/webhooks/endpoint-view";

export type WebhookEndpointSummary = WebhookEndpointView & { deliveries: { PENDING: number; FAILED: number; DEAD: number } };

export async function listWebhookEndpoints(actor: Actor, projectId: string): Promise<WebhookEndpointSummary[]> {
  requireUuid(projectId, "Project");
  await requirePermission(actor, projectId, "webhook:manage");
  const [endpoints, counts] = await Promise.all([
    db().webhookEndpoint.findMany({ where: { projectId }, select: endpointViewSelect, orderBy: { createdAt: "asc" } }),
    db().webhookDelivery.groupBy({ by: ["endpointId", "status"], where: { projectId, status: { in: ["PENDING", "FAILED", "DEAD"] } }, _count: { _all: true } }),
  ]);
  return endpoints.map((e) => {
    const deliveries = { PENDING: 0, FAILED: 0, DEAD: 0 };
    for (const c of counts) if (c.endpointId === e.id && c.status !== "DELIVERED") deliveries[c.status] = c._count._all;
    return { ...e, deliveries };
  });
}
