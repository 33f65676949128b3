// Asks the worker to evaluate a project's rules. The queue's deduplication
// (one id per project, keeping the latest request while one runs) means a
// project is never evaluated twice at once, and a request that arrives mid-
// evaluation is still honoured afterwards, reading the newer counters.
import "server-only";
import { db } from "@/lib/db";
import { producerQueue } from "@/lib/queues/producers";
import { queues } from "@/lib/queues/contracts";

const evaluationJob = (projectId: string) => ({
  name: "evaluate",
  data: queues.rollback.jobs.evaluate.parse({ projectId }),
  opts: {
    deduplication: { id: `rollback-${projectId}`, keepLastIfActive: true },
    // The next tick is the retry.
    attempts: 1,
    removeOnComplete: { count: 100 },
    removeOnFail: { age: 24 * 3600, count: 1000 },
  },
});

export async function requestEvaluation(projectId: string): Promise<void> {
  const job = evaluationJob(projectId);
  await producerQueue("rollback").add(job.name, job.data, job.opts);
}

/** The tick: one evaluation per project that has an enabled rule. */
export async function requestAllEvaluations(): Promise<number> {
  const rows = await db().rollbackRule.findMany({ where: { enabled: true, project: { archivedAt: null } }, distinct: ["projectId"], select: { projectId: true } });
  if (rows.length > 0) await producerQueue("rollback").addBulk(rows.map((r) => evaluationJob(r.projectId)));
  return rows.length;
}
