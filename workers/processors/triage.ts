// Ingested signals → rollback window counters and triage items; then the outbox row is done with.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { countForRollback } from "@/lib/rollback/record-counters";
import { markOutboxProcessed, outboxRowId } from "@/lib/outbox/relay";
import { markBusinessDirty, markIngestDirty } from "@/lib/metrics/rollup";

export async function processIngestAccepted(job: Job): Promise<{ items: number }> {
  const batch = queues.ingest.jobs.accepted.parse(job.data);
  // Side by side: a harmful spike reaches the rules without waiting for triage, and the
  // items become claimable without waiting for the counters (which never throw).
  const [, result] = await Promise.all([countForRollback(batch), processAcceptedBatch(batch)]);
  // Before the outbox row is done with: a crash here redelivers the batch, and marking is idempotent.
  await Promise.all([markIngestDirty(batch), markBusinessDirty(batch.projectId, batch.outcomes)]);
  const row = outboxRowId(job.id);
  if (row !== null) await markOutboxProcessed(row);
  return result;
}
