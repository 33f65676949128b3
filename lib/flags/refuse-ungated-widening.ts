// A release flag with a gate (Flag.gateCandidate) may widen in a protected
// environment only once the candidate's latest scored gate run passed. The
// refusal names the gate and why it did not pass.
import "server-only";
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { ChangeDirection } from "@/lib/flags/classify-change";
import { latestScoredRun } from "@/lib/gate/latest-run";

export async function refuseUngatedWidening(
  tx: Tx,
  flag: { key: string; projectId: string; gateCandidate: string | null; environment: { key: string; protected: boolean } },
  direction: ChangeDirection,
): Promise<void> {
  if (direction !== "widening" || !flag.environment.protected || !flag.gateCandidate) return;
  const run = await latestScoredRun(tx, flag.projectId, flag.gateCandidate);
  if (run?.status === "PASSED") return;
  const where = `in ${flag.environment.key}`;
  if (!run) {
    throw new AppError("CONFLICT", `Widening "${flag.key}" ${where} needs a passing release gate for ${flag.gateCandidate}; no gate run of that candidate has been scored yet`, {
      flagKey: flag.key,
      gateCandidate: flag.gateCandidate,
    });
  }
  const reasons = ((run.result as { reasons?: unknown } | null)?.reasons ?? []) as string[];
  throw new AppError(
    "CONFLICT",
    `Widening "${flag.key}" ${where} needs a passing release gate for ${flag.gateCandidate}; its latest run ${run.runId} (suite ${run.suite.name}) is ${run.status.toLowerCase()}${reasons[0] ? `: ${reasons[0]}` : ""}`,
    { flagKey: flag.key, gateCandidate: flag.gateCandidate, gateRunId: run.runId, gateStatus: run.status },
  );
}
