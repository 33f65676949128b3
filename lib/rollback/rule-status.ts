// The latest judgement of every rule and flag, kept in Redis for the console
// (Postgres keeps only breaches): replaced as a whole by each evaluation, so
// rules that were deleted or disabled drop out.
import "server-only";
import { redis } from "@/lib/redis";
import type { JudgementStatus } from "@/lib/rollback/judge";
import { counterPrefix } from "@/lib/rollback/window";

export type RuleStatusKind = JudgementStatus | "cooldown" | "not_exposed" | "nothing_to_narrow" | "fired" | "dry_run" | "superseded";

export type RuleStatus = {
  ruleId: string;
  flagId: string;
  at: string;
  status: RuleStatusKind;
  value: number | null;
  limit: number | null;
  samples: number | null;
  baseline: number | null;
};

/** Long after the 5 s tick: a status this old means no worker is evaluating. */
const STATUS_TTL_SECONDS = 3600;
const statusKey = (projectId: string) => `${counterPrefix(projectId)}status`;

export async function writeRuleStatuses(projectId: string, statuses: readonly RuleStatus[]): Promise<void> {
  const key = statusKey(projectId);
  const tx = redis().multi().del(key);
  if (statuses.length > 0) {
    tx.hset(key, Object.fromEntries(statuses.map((s) => [`${s.ruleId}:${s.flagId}`, JSON.stringify(s)])));
    tx.expire(key, STATUS_TTL_SECONDS);
  }
  await tx.exec();
}

/** Per rule id, the latest status for each flag it was judged for. */
export async function readRuleStatuses(projectId: string): Promise<Map<string, RuleStatus[]>> {
  const hash = await redis().hgetall(statusKey(projectId));
  const out = new Map<string, RuleStatus[]>();
  for (const raw of Object.values(hash)) {
    const s = JSON.parse(raw) as RuleStatus;
    out.set(s.ruleId, [...(out.get(s.ruleId) ?? []), s]);
  }
  return out;
}
