// Ingested signals → triage items; then the outbox row is done with.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { markOutboxProcessed, outboxRowId } from "@/lib/outbox/relay";

export async function processIngestAccepted(job: Job): Promise<{ items: number }> {
  const batch = queues.ingest.jobs.accepted.parse(job.data);
  const result = await processAcceptedBatch(batch);
  const row = outboxRowId(job.id);
  if (row !== null) await markOutboxProcessed(row);
  return result;
}
