// Ingested signals → rollback window counters and triage items; then the outbox row is done with.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { countForRollback } from "@/lib/rollback/record-counters";
import { outboxRowId } from "@/lib/outbox/relay";
import { finishIngestBatches, markBusinessDirty } from "@/lib/metrics/rollup";
import { groupCommit } from "@/lib/async/group-commit";

type Finished = Parameters<typeof finishIngestBatches>[0][number];

/**
 * The jobs that finish while another's last write is in flight share the next
 * one: under single-event traffic (a few events per job) the per-job round
 * trips, not the rows, were most of the worker's and Postgres's work.
 */
const finish = groupCommit<Finished>((items) => finishIngestBatches(items));

export async function processIngestAccepted(job: Job): Promise<{ items: number }> {
  const batch = queues.ingest.jobs.accepted.parse(job.data);
  // Side by side: a harmful spike reaches the rules without waiting for triage, and the
  // items become claimable without waiting for the counters (which never throw).
  const [, result] = await Promise.all([countForRollback(batch), processAcceptedBatch(batch)]);
  // Before the outbox row is done with: a crash here redelivers the batch, and marking is idempotent.
  // The rollup marks and the outbox row go in one statement (finishIngestBatches).
  await markBusinessDirty(batch.projectId, batch.outcomes);
  await finish({ batch, outboxRow: outboxRowId(job.id) });
  return result;
}
