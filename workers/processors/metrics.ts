// Dashboard rollups: recompute whatever changed since the last pass.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { runRollups } from "@/lib/metrics/rollup";

export async function processRollup(job: Job) {
  queues.metrics.jobs.rollup.parse(job.data);
  return (await runRollups()) ?? { skipped: "another pass is running" };
}
