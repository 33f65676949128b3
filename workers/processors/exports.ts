// Export generation: one job per export, relayed from the outbox row written
// with the export. The Export row carries status, progress and any error;
// the job only marks its outbox row done once the export has ended. The file
// is written in a child process (workers/export-child.ts) so that an export's
// memory is capped and returned when it ends, never adding to the worker's.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { runExport } from "@/lib/exports/run-export";
import { markOutboxProcessed, outboxRowId } from "@/lib/outbox/relay";

/**
 * The child's entry beside this code: the bundle (dist/export-child.mjs, next to
 * dist/worker.mjs) in production, the TypeScript source under tsx in development
 * (the child inherits tsx's loader flags).
 */
export function exportChildEntry(moduleUrl: string = import.meta.url): URL {
  return moduleUrl.endsWith(".ts")
    ? new URL("../export-child.ts", moduleUrl)
    : new URL("./export-child.mjs", moduleUrl);
}

export async function processRunExport(job: Job) {
  const { exportId } = queues.exports.jobs.run.parse(job.data);
  const result = await runExport(exportId, { child: { entry: exportChildEntry() } });
  const row = outboxRowId(job.id);
  if (row !== null) await markOutboxProcessed(row);
  return result;
}
