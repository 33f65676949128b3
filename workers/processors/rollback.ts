// Rollback rules: the 5 s tick and the per-project evaluation.
import type { Job } from "bullmq";
import { queues } from "@/lib/queues/contracts";
import { evaluateProjectRules } from "@/lib/rollback/evaluate-rules";
import { requestAllEvaluations } from "@/lib/rollback/request-evaluation";

export async function processRollbackTick(job: Job): Promise<{ projects: number }> {
  queues.rollback.jobs.tick.parse(job.data);
  return { projects: await requestAllEvaluations() };
}

export async function processEvaluateRules(job: Job) {
  const { projectId } = queues.rollback.jobs.evaluate.parse(job.data);
  return evaluateProjectRules(projectId);
}
