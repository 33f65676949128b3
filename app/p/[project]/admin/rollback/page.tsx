import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { listFlags } from "@/lib/flags/list-flags";
import { listRollbackRules } from "@/lib/rollback/list-rollback-rules";
import { listRecentRuleEvaluations, type RecentRuleEvaluation } from "@/lib/rollback/list-recent-rule-evaluations";
import { PageHeader } from "@/components/ui/page-header";
import { RollbackRulesPanel, type RuleRow } from "@/components/rollback/rules-panel";
import type { EvaluationRow } from "@/components/rollback/evaluation-table";

export const metadata: Metadata = { title: "Rollback rules" };

/** Per rule: enough to see what it has been doing, bounded whatever its history. */
const EVALUATIONS_PER_RULE = 20;

const flagLabel = (f: { key: string; environmentKey: string }) => `${f.key} · ${f.environmentKey}`;

const evaluationRow = (e: RecentRuleEvaluation): EvaluationRow => ({
  id: e.id,
  evaluatedAt: e.evaluatedAt.toISOString(),
  flag: e.flag ? flagLabel(e.flag) : null,
  value: e.value,
  limit: e.limit,
  samples: e.samples,
  fired: e.fired,
  dryRun: e.dryRun,
  actionTaken: e.actionTaken,
  outcome: e.outcome,
  incident: e.incident,
});

export default async function RollbackRulesPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project, role } = await projectPage(slug, "flag:read", `/p/${slug}/admin/rollback`);
  const [rules, evaluations, flags] = await Promise.all([
    listRollbackRules(actor, project.id),
    listRecentRuleEvaluations(actor, project.id, { perRule: EVALUATIONS_PER_RULE }),
    listFlags(actor, project.id),
  ]);
  const flagNames = new Map(flags.map((f) => [f.id, flagLabel({ key: f.key, environmentKey: f.environment.key })]));

  const rows: RuleRow[] = rules.map((r) => ({
    id: r.id,
    name: r.name,
    flagId: r.flagId,
    flag: r.flag ? flagLabel(r.flag) : null,
    metric: r.metric,
    comparison: r.comparison,
    threshold: r.threshold,
    windowSeconds: r.windowSeconds,
    baselineWindowSeconds: r.baselineWindowSeconds,
    minSamples: r.minSamples,
    action: r.action,
    cooldownSeconds: r.cooldownSeconds,
    dryRun: r.dryRun,
    enabled: r.enabled,
    lastFiredAt: r.lastFiredAt?.toISOString() ?? null,
    checks: r.current.map((c) => ({
      flag: flagNames.get(c.flagId) ?? "a flag no longer listed",
      at: c.at,
      status: c.status,
      value: c.value,
      limit: c.limit,
      samples: c.samples,
    })),
    evaluations: (evaluations.get(r.id) ?? []).map(evaluationRow),
  }));

  return (
    <>
      <PageHeader
        title="Rollback rules"
        description="Rules watch the traffic exposed to each flag and act on their own when harm rises: every few seconds the worker measures a metric over a recent window, compares it with a fixed threshold or a multiple of an earlier baseline, and once there are enough samples it halves the rollout, restores the last safe version, pauses widening or turns on the environment's kill switch, and opens an incident. Automation only ever narrows exposure: it never widens a rollout or lifts a pause, which stays with people. A rule in dry run records and notifies what it would have done, and changes nothing."
      />
      <RollbackRulesPanel
        projectId={project.id}
        slug={slug}
        rules={rows}
        flags={flags
          .filter((f) => f.kind !== "KILL_SWITCH")
          .map((f) => ({ id: f.id, label: flagLabel({ key: f.key, environmentKey: f.environment.key }) }))}
        canEdit={can(role, "flag:change")}
        evaluationsShown={EVALUATIONS_PER_RULE}
      />
    </>
  );
}
