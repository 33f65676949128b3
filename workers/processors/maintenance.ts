// Periodic upkeep: the outbox relay's safety net, and data retention.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { drainOutbox } from "@/lib/outbox/relay";
import { applyRetention } from "@/lib/privacy/apply-retention";

export async function processRelayOutbox(job: Job): Promise<{ relayed: number }> {
  queues.maintenance.jobs["relay-outbox"].parse(job.data);
  return { relayed: await drainOutbox() };
}

export async function processApplyRetention(job: Job) {
  queues.maintenance.jobs["apply-retention"].parse(job.data);
  return { projects: await applyRetention() };
}
