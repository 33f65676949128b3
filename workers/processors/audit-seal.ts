// Seals audit events written since the last run into their hash chains.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { sealPendingAuditEvents, type SealResult } from "@/lib/audit/seal-pending-audit-events";

/** Per run; a backlog larger than this is worked off over the next runs. */
const MAX_EVENTS_PER_RUN = 50_000;

export async function processAuditSeal(job: Job): Promise<SealResult> {
  queues.audit.jobs.seal.parse(job.data);
  return sealPendingAuditEvents({ maxEvents: MAX_EVENTS_PER_RUN });
}
