// Signs the head of every audit chain that grew since its last checkpoint.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { createCheckpoints } from "@/lib/audit/create-checkpoints";

export async function processAuditCheckpoint(job: Job): Promise<{ created: number }> {
  queues.audit.jobs.checkpoint.parse(job.data);
  return createCheckpoints();
}
