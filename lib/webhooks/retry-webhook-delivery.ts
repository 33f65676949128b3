// Sends a failed or dead-lettered delivery again (admin), with a fresh round
// of retries. The idempotency key stays, so a receiver that did get it before
// can tell.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requirePermission } from "@/lib/auth/access";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";
import { enqueueManualRetry, type RetryPolicy } from "@/lib/webhooks/enqueue-deliveries";

export async function retryWebhookDelivery(actor: Actor, projectId: string, deliveryId: string, policy?: RetryPolicy): Promise<void> {
  requireUuid(projectId, "Project");
  requireUuid(deliveryId, "Delivery");
  const { project } = await requirePermission(actor, projectId, "webhook:manage");
  await db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text FROM "WebhookDelivery" WHERE id = ${deliveryId}::uuid AND "projectId" = ${projectId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Delivery not found");
    const status = locked[0]!.status;
    if (status !== "DEAD" && status !== "FAILED") throw new AppError("CONFLICT", `This delivery is ${status.toLowerCase()}; only failed or dead ones are retried by hand`);
    await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { status: "PENDING" } });
    await recordAudit(tx, { actor, action: "webhook.delivery_retried", orgId: project.orgId, projectId, targetType: "webhook_delivery", targetId: deliveryId, before: { status } });
  });
  // After the commit, so the worker sees PENDING; should Redis refuse, the requeue sweep enqueues it.
  await enqueueManualRetry(deliveryId, policy);
}
