// The latest evaluations of each of a project's rollback rules, for the rules
// console (flag:read): one query, at most `perRule` rows per rule read from
// the (ruleId, evaluatedAt) index, so the page costs the same with a million
// evaluations as with ten. Rows are lean: of the telemetry snapshot only the
// limit the value was held to and the outcome, never the histograms.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { requireUuid } from "@/lib/flags/flag-access";
import type { RollbackAction } from "@/lib/rollback/judge";

export type RecentRuleEvaluation = {
  id: string;
  ruleId: string;
  evaluatedAt: Date;
  flagId: string | null;
  /** Null when the flag was deleted since. */
  flag: { key: string; environmentKey: string } | null;
  value: number;
  /** What the value was held to (the threshold, or threshold × baseline); null when the snapshot lacks it. */
  limit: number | null;
  baseline: number | null;
  samples: number;
  fired: boolean;
  dryRun: boolean;
  actionTaken: RollbackAction | null;
  /** What came of it, as the worker recorded it ("Superseded by …", "Dry run: would have …", an error). */
  outcome: string | null;
  incident: { id: string; number: number } | null;
};

export const RECENT_EVALUATIONS_MAX = 100;

type Row = {
  id: string;
  ruleId: string;
  evaluatedAt: Date;
  flagId: string | null;
  flagKey: string | null;
  environmentKey: string | null;
  value: number;
  limit: number | null;
  baseline: number | null;
  samples: number;
  fired: boolean;
  dryRun: boolean;
  actionTaken: RollbackAction | null;
  outcome: string | null;
  incidentId: string | null;
  incidentNumber: number | null;
};

/** Per rule id, its latest evaluations, newest first; a rule without any has no entry. */
export async function listRecentRuleEvaluations(
  actor: Actor,
  projectId: string,
  options: { perRule?: number } = {},
): Promise<Map<string, RecentRuleEvaluation[]>> {
  requireUuid(projectId, "Project");
  await requirePermission(actor, projectId, "flag:read");
  const perRule = Math.min(Math.max(Math.trunc(options.perRule ?? 20), 1), RECENT_EVALUATIONS_MAX);
  const rows = await db().$queryRaw<Row[]>`
    SELECT e.id::text, e."ruleId"::text, e."evaluatedAt", e."flagId"::text,
           f.key AS "flagKey", env.key AS "environmentKey",
           e.value, e.baseline, e.samples, e.fired, e."dryRun", e."actionTaken"::text AS "actionTaken",
           CASE WHEN jsonb_typeof(e.snapshot -> 'limit') = 'number' THEN (e.snapshot ->> 'limit')::float8 END AS "limit",
           e.snapshot ->> 'outcome' AS outcome,
           i.id::text AS "incidentId", i.number AS "incidentNumber"
      FROM "RollbackRule" r
     CROSS JOIN LATERAL (
           SELECT * FROM "RuleEvaluation" x
            WHERE x."ruleId" = r.id
            ORDER BY x."evaluatedAt" DESC, x.id DESC
            LIMIT ${perRule}
           ) e
      LEFT JOIN "Flag" f ON f.id = e."flagId"
      LEFT JOIN "Environment" env ON env.id = f."environmentId"
      LEFT JOIN "Incident" i ON i.id = e."incidentId" AND i."projectId" = r."projectId"
     WHERE r."projectId" = ${projectId}::uuid
     ORDER BY r.id, e."evaluatedAt" DESC, e.id DESC`;
  const out = new Map<string, RecentRuleEvaluation[]>();
  for (const r of rows) {
    const evaluation: RecentRuleEvaluation = {
      id: r.id,
      ruleId: r.ruleId,
      evaluatedAt: r.evaluatedAt,
      flagId: r.flagId,
      flag:
        r.flagKey !== null && r.environmentKey !== null ? { key: r.flagKey, environmentKey: r.environmentKey } : null,
      value: r.value,
      limit: r.limit,
      baseline: r.baseline,
      samples: r.samples,
      fired: r.fired,
      dryRun: r.dryRun,
      actionTaken: r.actionTaken,
      outcome: r.outcome,
      incident:
        r.incidentId !== null && r.incidentNumber !== null ? { id: r.incidentId, number: r.incidentNumber } : null,
    };
    const list = out.get(r.ruleId);
    if (list) list.push(evaluation);
    else out.set(r.ruleId, [evaluation]);
  }
  return out;
}
