// Export generation: one job per export, relayed from the outbox row written
// with the export. The Export row carries status, progress and any error;
// the job only marks its outbox row done once the export has ended.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { runExport } from "@/lib/exports/run-export";
import { markOutboxProcessed, outboxRowId } from "@/lib/outbox/relay";

export async function processRunExport(job: Job) {
  const { exportId } = queues.exports.jobs.run.parse(job.data);
  const result = await runExport(exportId);
  const row = outboxRowId(job.id);
  if (row !== null) await markOutboxProcessed(row);
  return result;
}
