// The latest scored gate run of a candidate: what a gated flag's widening
// depends on (lib/flags/refuse-ungated-widening.ts) and what its page shows.
import "server-only";
import type { PrismaClient, Tx } from "@/lib/db";

export function latestScoredRun(client: Tx | PrismaClient, projectId: string, candidate: string) {
  return client.gateRun.findFirst({
    where: { projectId, candidate, status: { not: "PENDING" } },
    orderBy: { scoredAt: "desc" },
    select: { runId: true, status: true, scoredAt: true, result: true, suite: { select: { name: true } } },
  });
}
