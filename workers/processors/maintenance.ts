// Periodic upkeep: the outbox relay's safety net, data retention, classifier quality, planner statistics.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { drainOutbox } from "@/lib/outbox/relay";
import { applyRetention } from "@/lib/privacy/apply-retention";
import { recomputeAllClassifierQuality } from "@/lib/quality/recompute-classifier-quality";
import { refreshStaleTableStats } from "@/lib/maintenance/refresh-table-stats";

export async function processRelayOutbox(job: Job): Promise<{ relayed: number }> {
  queues.maintenance.jobs["relay-outbox"].parse(job.data);
  return { relayed: await drainOutbox() };
}

export async function processApplyRetention(job: Job) {
  queues.maintenance.jobs["apply-retention"].parse(job.data);
  return { projects: await applyRetention() };
}

export async function processRecomputeQuality(job: Job) {
  queues.maintenance.jobs["recompute-quality"].parse(job.data);
  return recomputeAllClassifierQuality();
}

export async function processRefreshTableStats(job: Job) {
  queues.maintenance.jobs["refresh-table-stats"].parse(job.data);
  return { analyzed: await refreshStaleTableStats() };
}
