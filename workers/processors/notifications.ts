// Notification events from the outbox → webhook deliveries on the webhooks queue.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { fanOutNotification } from "@/lib/notifications/fan-out";
import { enqueueDeliveries } from "@/lib/webhooks/enqueue-deliveries";
import { markOutboxProcessed, outboxRowId } from "@/lib/outbox/relay";

export async function processNotificationEvent(job: Job): Promise<{ deliveries: number }> {
  const event = queues.notifications.jobs.event.parse(job.data);
  const pending = await fanOutNotification(job.id ?? `${event.type}:${Date.now()}`, event);
  await enqueueDeliveries(pending);
  const row = outboxRowId(job.id);
  if (row !== null) await markOutboxProcessed(row);
  return { deliveries: pending.length };
}
