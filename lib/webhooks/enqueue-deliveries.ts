// Puts deliveries on the webhooks queue. The job id is the delivery id, so a
// delivery enqueued twice (a redelivered notification, the requeue sweep) is
// one job; a manual retry is a new job.
import "server-only";
import type { JobsOptions } from "bullmq";
import { producerQueue } from "@/lib/queues/producers";

/**
 * Exponential backoff from 5 s over 8 attempts: 5, 10, 20 … 320 s between
 * them, about 10½ minutes in all, enough to ride out a receiver's deploy or
 * brief outage; then the delivery is dead-lettered (DEAD) for a person.
 */
export const WEBHOOK_RETRY = { attempts: 8, backoffMs: 5_000 };
export type RetryPolicy = typeof WEBHOOK_RETRY;

export const deliveryJobId = (deliveryId: string) => `webhook-${deliveryId}`;

function options(jobId: string, policy: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: policy.attempts,
    backoff: { type: "exponential", delay: policy.backoffMs },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export async function enqueueDeliveries(deliveryIds: readonly string[], policy: RetryPolicy = WEBHOOK_RETRY): Promise<void> {
  if (deliveryIds.length === 0) return;
  await producerQueue("webhooks").addBulk(deliveryIds.map((deliveryId) => ({ name: "deliver", data: { deliveryId }, opts: options(deliveryJobId(deliveryId), policy) })));
}

export async function enqueueManualRetry(deliveryId: string, policy: RetryPolicy = WEBHOOK_RETRY): Promise<void> {
  await producerQueue("webhooks").add("deliver", { deliveryId }, options(`${deliveryJobId(deliveryId)}-retry-${Date.now()}`, policy));
}
