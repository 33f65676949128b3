// The rollback rules every new release flag gets, from the rollout playbook:
//
//   harmful-output rate > 0.5 % over 30 min      → halve the rollout
//   harmful-output rate > 1 % over 5 min         → global kill switch (the flag's environment)
//   user reports > 3× baseline within 5 min      → back to the last safe version
//   p95 latency > 2× SLO over 5 min              → pause widening
//
// The playbook gives no sample sizes; ours keep a handful of events from
// acting on their own: the kill needs 500 responses in 5 min (5 harmful
// ones at 1 %), the halving 200 in 30 min. The report baseline is the day
// before the window. The latency SLO is DEFAULT_LATENCY_SLO_MS (a chat
// answer within 2 s); a project with another SLO edits the rule's threshold.
import "server-only";
import type { Tx } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { recordAudit } from "@/lib/audit/record";
import type { RollbackRuleConfig } from "@/lib/rollback/schemas";

export const DEFAULT_LATENCY_SLO_MS = 2_000;

export const defaultRollbackRules: readonly RollbackRuleConfig[] = [
  {
    name: "Harmful output above 0.5 % over 30 min: halve",
    metric: "HARMFUL_RATE",
    windowSeconds: 1800,
    comparison: "ABSOLUTE",
    threshold: 0.005,
    baselineWindowSeconds: null,
    minSamples: 200,
    action: "HALVE",
    cooldownSeconds: 900,
    dryRun: false,
    enabled: true,
  },
  {
    name: "Harmful output above 1 % over 5 min: global kill",
    metric: "HARMFUL_RATE",
    windowSeconds: 300,
    comparison: "ABSOLUTE",
    threshold: 0.01,
    baselineWindowSeconds: null,
    minSamples: 500,
    action: "GLOBAL_KILL",
    cooldownSeconds: 900,
    dryRun: false,
    enabled: true,
  },
  {
    name: "User reports above 3× baseline in 5 min: last safe version",
    metric: "REPORT_RATE",
    windowSeconds: 300,
    comparison: "BASELINE_MULTIPLE",
    threshold: 3,
    baselineWindowSeconds: 86_400,
    minSamples: 200,
    action: "LAST_SAFE",
    cooldownSeconds: 900,
    dryRun: false,
    enabled: true,
  },
  {
    name: `p95 latency above 2× SLO (${DEFAULT_LATENCY_SLO_MS} ms) over 5 min: pause`,
    metric: "LATENCY_P95",
    windowSeconds: 300,
    comparison: "ABSOLUTE",
    threshold: 2 * DEFAULT_LATENCY_SLO_MS,
    baselineWindowSeconds: null,
    minSamples: 100,
    action: "PAUSE",
    cooldownSeconds: 900,
    dryRun: false,
    enabled: true,
  },
];

/** Called in the transaction that creates a release flag, once per environment's flag row; each rule is audited as created. */
export async function createDefaultRollbackRules(tx: Tx, actor: Actor, scope: { orgId: string; projectId: string; flagId: string; flagKey: string }): Promise<void> {
  for (const rule of defaultRollbackRules) {
    const row = await tx.rollbackRule.create({ data: { ...rule, projectId: scope.projectId, flagId: scope.flagId } });
    await recordAudit(tx, {
      actor,
      action: "rollback_rule.created",
      orgId: scope.orgId,
      projectId: scope.projectId,
      targetType: "rollback_rule",
      targetId: row.id,
      after: row,
      metadata: { flagKey: scope.flagKey, default: true },
    });
  }
}
