// Webhook deliveries and the sweep that re-enqueues lost ones.
import { UnrecoverableError, type Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { deliverWebhook } from "@/lib/webhooks/deliver-webhook";
import { requeueStaleDeliveries } from "@/lib/webhooks/requeue-stale-deliveries";

export async function processWebhookDelivery(job: Job): Promise<{ outcome: string }> {
  const { deliveryId } = queues.webhooks.jobs.deliver.parse(job.data);
  const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const result = await deliverWebhook(deliveryId, { final });
  // Failing the job is what makes BullMQ retry with backoff; a dead delivery must not be retried.
  if (result.outcome === "retry") throw new Error(result.error);
  if (result.outcome === "dead") throw new UnrecoverableError(result.error);
  return { outcome: result.outcome };
}

export async function processRequeueWebhooks(job: Job): Promise<{ requeued: number }> {
  queues.webhooks.jobs.requeue.parse(job.data);
  return { requeued: await requeueStaleDeliveries() };
}
