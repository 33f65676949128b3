// SLA timers and their reconciler.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { fireSlaDeadline } from "@/lib/triage/fire-sla-deadline";
import { reconcileSla } from "@/lib/triage/reconcile-sla";

export async function processSlaDeadline(job: Job): Promise<{ fired: boolean }> {
  const { itemId, kind } = queues.sla.jobs.deadline.parse(job.data);
  return { fired: await fireSlaDeadline(itemId, kind) };
}

export async function processReconcileSla(job: Job) {
  queues.maintenance.jobs["reconcile-sla"].parse(job.data);
  return reconcileSla();
}
