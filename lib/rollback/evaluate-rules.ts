// Evaluates a project's enabled rollback rules over the window counters and
// acts on breaches. Runs in the worker (workers/processors/rollback.ts): on a
// 5 s tick and at once when a batch brings harmful verdicts or reports; the
// queue never runs two evaluations of one project at a time.
//
// Per rule and flag (a project-wide rule is judged for each release and
// multivariate flag): the metric over the flag's exposed traffic (responses
// served anything but the fallback) in the window, against the threshold or
// a multiple of the baseline, with minimum samples and a cooldown. When
// several rules breach for one flag the most drastic acts and the others are
// recorded as superseded; dry-run rules record what they would have done.
//
// After an automated mitigation of a flag its windows restart there: the
// evidence that led to it is not counted again, so one spike cuts a rollout
// once rather than once per cooldown until it slides out of the window.
//
// Only breaches are written to Postgres (RuleEvaluation); every judgement's
// latest result is kept in Redis for the console (rule-status.ts).
import "server-only";
import { db } from "@/lib/db";
import type { Prisma, RollbackRule } from "@/lib/generated/prisma/client.ts";
import { recordAudit } from "@/lib/audit/record";
import { kickOutboxRelay } from "@/lib/outbox/relay";
import { readFlags, type FlagSummary } from "@/lib/flags/read-flags";
import { recordRuleFiring } from "@/lib/incidents/record-rule-firing";
import { readBuckets, refId } from "@/lib/rollback/read-counters";
import { writeRuleStatuses, type RuleStatus, type RuleStatusKind } from "@/lib/rollback/rule-status";
import { isExposed, parseSeriesId } from "@/lib/rollback/series";
import { ruleSystemActor, takeAction } from "@/lib/rollback/take-action";
import { describeJudgement, firstBreachingBucket, formatValue, inCooldown, judge, mostDrastic, type Judgement } from "@/lib/rollback/judge";
import { addCounts, baselineRange, coverRange, emptyCounts, histogramQuantile, windowRange, type BucketRef, type Counts, type Range } from "@/lib/rollback/window";

type Target = { rule: RollbackRule; flag: FlagSummary; window: Range; baseline: Range | null; windowRefs: BucketRef[]; baselineRefs: BucketRef[]; lastFired: Date | null };

type Breach = Target & { judgement: Judgement; description: string; impactStartedAt: Date | null; snapshot: Record<string, unknown> };

export async function evaluateProjectRules(projectId: string, now = new Date()): Promise<{ evaluated: number; fired: number }> {
  const rules = await db().rollbackRule.findMany({ where: { projectId, enabled: true, project: { archivedAt: null } }, include: { project: { select: { orgId: true } } } });
  if (rules.length === 0) return { evaluated: 0, fired: 0 };
  const orgId = rules[0]!.project.orgId;
  const [flags, pausedRows, history] = await Promise.all([
    readFlags(projectId, {}, now),
    db().flag.findMany({ where: { projectId, widenPausedAt: { not: null } }, select: { id: true } }),
    db().$queryRaw<{ ruleId: string; flagId: string; lastFired: Date | null; lastActed: Date | null }[]>`
      SELECT "ruleId"::text, "flagId"::text,
             max("evaluatedAt") AS "lastFired",
             max("evaluatedAt") FILTER (WHERE NOT "dryRun" AND "actionTaken" IS NOT NULL) AS "lastActed"
        FROM "RuleEvaluation"
       WHERE "ruleId" = ANY(${rules.map((r) => r.id)}::uuid[]) AND fired AND "flagId" IS NOT NULL
       GROUP BY 1, 2`,
  ]);
  const paused = new Set(pausedRows.map((f) => f.id));
  const lastFired = new Map(history.map((h) => [`${h.ruleId}:${h.flagId}`, h.lastFired]));
  const lastActed = new Map<string, Date>();
  for (const h of history) {
    const prev = lastActed.get(h.flagId);
    if (h.lastActed && (!prev || h.lastActed > prev)) lastActed.set(h.flagId, h.lastActed);
  }

  const statuses: RuleStatus[] = [];
  const note = (rule: RollbackRule, flag: FlagSummary, status: RuleStatusKind, j?: Judgement) =>
    statuses.push({ ruleId: rule.id, flagId: flag.id, at: now.toISOString(), status, value: j?.value ?? null, limit: j?.limit ?? null, samples: j?.samples ?? null, baseline: j?.baseline ?? null });

  const targets: Target[] = [];
  for (const rule of rules) {
    const ruleFlags = rule.flagId ? flags.filter((f) => f.id === rule.flagId) : flags.filter((f) => f.kind !== "KILL_SWITCH");
    for (const flag of ruleFlags) {
      if (!flag.config.enabled || flag.environment.killSwitchOn) {
        note(rule, flag, "not_exposed");
        continue;
      }
      const fired = lastFired.get(`${rule.id}:${flag.id}`) ?? null;
      const acted = lastActed.get(flag.id) ?? null;
      const notBefore = Math.max(acted?.getTime() ?? -Infinity, rule.dryRun ? (fired?.getTime() ?? -Infinity) : -Infinity);
      const window = windowRange(now.getTime(), rule.windowSeconds * 1000, Number.isFinite(notBefore) ? notBefore : null);
      if (!window) {
        note(rule, flag, "insufficient_samples");
        continue;
      }
      // The baseline stays where the whole window would start, so a restarted window does not drag it forward.
      const full = windowRange(now.getTime(), rule.windowSeconds * 1000, null)!;
      const baseline = rule.comparison === "BASELINE_MULTIPLE" && rule.baselineWindowSeconds ? baselineRange(full, rule.baselineWindowSeconds * 1000) : null;
      targets.push({
        rule,
        flag,
        window,
        baseline,
        windowRefs: coverRange(window.start, window.end, now.getTime()),
        baselineRefs: baseline ? coverRange(baseline.start, baseline.end, now.getTime()) : [],
        lastFired: fired,
      });
    }
  }

  const buckets = await readBuckets(projectId, targets.flatMap((t) => [...t.windowRefs, ...t.baselineRefs]));
  const breaching: (Target & { judgement: Judgement; sums: WindowSums })[] = [];
  for (const t of targets) {
    const match = exposedSeriesOf(t.flag);
    const sums = sumWindow(buckets, t.windowRefs, match);
    const judgement = judge(t.rule, sums.total, t.baseline ? sumWindow(buckets, t.baselineRefs, match).total : null);
    if (judgement.status !== "breach") note(t.rule, t.flag, judgement.status, judgement);
    else if (inCooldown(t.lastFired, t.rule.cooldownSeconds, now)) note(t.rule, t.flag, "cooldown", judgement);
    else if ((t.rule.action === "HALVE" && t.flag.config.rolloutBps === 0) || (t.rule.action === "PAUSE" && paused.has(t.flag.id))) {
      note(t.rule, t.flag, "nothing_to_narrow", judgement);
    } else breaching.push({ ...t, judgement, sums });
  }
  // When the impact began needs 10 s resolution across the window; only breaches pay for reading it.
  const fineRefs = breaching.map((b) => coverRange(b.window.start, b.window.end, now.getTime(), { fineWherePossible: true }));
  const fine = breaching.length > 0 ? await readBuckets(projectId, fineRefs.flat()) : new Map<string, Map<string, Counts>>();
  const breaches: Breach[] = breaching.map((b, i) => {
    const perBucket = sumWindow(fine, fineRefs[i]!, exposedSeriesOf(b.flag)).perBucket;
    const impact = firstBreachingBucket(b.rule.metric, perBucket, b.judgement.limit!);
    return {
      ...b,
      description: describeJudgement(b.rule, b.judgement, b.window),
      impactStartedAt: impact === null ? null : new Date(impact),
      snapshot: snapshotOf(b, b.judgement, { ...b.sums, perBucket }, impact),
    };
  });

  let fired = 0;
  for (const group of groupBy(breaches, (b) => b.flag.id).values()) {
    for (const b of group.filter((x) => x.rule.dryRun)) {
      await recordDryRun(orgId, b, now);
      note(b.rule, b.flag, "dry_run", b.judgement);
    }
    const live = group.filter((x) => !x.rule.dryRun);
    const winner = mostDrastic(live.map((b) => ({ ...b, action: b.rule.action })));
    for (const b of live) {
      if (b.rule.id === winner?.rule.id) continue;
      await db().ruleEvaluation.create({ data: evaluationRow(b, now, { fired: false, outcome: `Superseded by "${winner!.rule.name}" (${winner!.rule.action})` }) });
      note(b.rule, b.flag, "superseded", b.judgement);
    }
    if (winner) {
      await fire(orgId, winner, now);
      note(winner.rule, winner.flag, "fired", winner.judgement);
      fired++;
    }
  }
  await writeRuleStatuses(projectId, statuses);
  // Incidents and dry runs wrote notifications to the outbox: send them now rather than at the relay's next tick.
  if (breaches.length > 0) kickOutboxRelay();
  return { evaluated: targets.length, fired };
}

async function fire(orgId: string, b: Breach, now: Date): Promise<void> {
  const { rule, flag } = b;
  // Written before acting, so that the cooldown holds even if the process dies right after the flag change.
  const evaluation = await db().ruleEvaluation.create({ data: evaluationRow(b, now, { fired: true, outcome: "acting" }), select: { id: true } });
  await db().rollbackRule.update({ where: { id: rule.id }, data: { lastFiredAt: now } });
  let outcome;
  try {
    outcome = await takeAction(
      rule.action,
      ruleSystemActor(rule.name),
      { projectId: rule.projectId, flagId: flag.id, flagKey: flag.key, environmentId: flag.environment.id, environmentKey: flag.environment.key, version: flag.version },
      b.description,
      flag.exposureBps,
    );
  } catch (err) {
    // Not a refusal but a fault (database, network): leave no cooldown behind, so the next tick tries again.
    await db().ruleEvaluation.update({ where: { id: evaluation.id }, data: { fired: false, snapshot: json({ ...b.snapshot, outcome: `error: ${(err as Error).message}` }) } });
    throw err;
  }
  const notification = notificationOf(b, evaluation.id);
  await db().$transaction(async (tx) => {
    await tx.ruleEvaluation.update({
      where: { id: evaluation.id },
      data: { actionTaken: outcome.changed ? rule.action : null, snapshot: json({ ...b.snapshot, outcome: outcome.description, flagVersionId: outcome.flagVersionId, mitigatedAt: outcome.mitigatedAt }) },
    });
    await recordAudit(tx, {
      actor: ruleSystemActor(rule.name),
      action: "rollback_rule.fired",
      orgId,
      projectId: rule.projectId,
      targetType: "rollback_rule",
      targetId: rule.id,
      after: { action: rule.action, changed: outcome.changed, outcome: outcome.description },
      metadata: { evaluationId: evaluation.id, flagId: flag.id, flagKey: flag.key, environmentKey: flag.environment.key, reason: b.description },
    });
    await recordRuleFiring(tx, {
      projectId: rule.projectId,
      orgId,
      rule: { id: rule.id, name: rule.name, action: rule.action },
      flag: { id: flag.id, key: flag.key, environmentKey: flag.environment.key },
      evaluationId: evaluation.id,
      description: b.description,
      detectedAt: now,
      impactStartedAt: b.impactStartedAt,
      outcome,
      notification,
    });
  });
}

async function recordDryRun(orgId: string, b: Breach, now: Date): Promise<void> {
  const outcome = `Dry run: would have taken ${b.rule.action} on ${b.flag.key} (${b.flag.environment.key})`;
  await db().$transaction(async (tx) => {
    const evaluation = await tx.ruleEvaluation.create({ data: { ...evaluationRow(b, now, { fired: true, outcome }), actionTaken: b.rule.action }, select: { id: true } });
    await tx.rollbackRule.update({ where: { id: b.rule.id }, data: { lastFiredAt: now } });
    await recordAudit(tx, {
      actor: ruleSystemActor(b.rule.name),
      action: "rollback_rule.dry_run",
      orgId,
      projectId: b.rule.projectId,
      targetType: "rollback_rule",
      targetId: b.rule.id,
      after: { action: b.rule.action, dryRun: true },
      metadata: { evaluationId: evaluation.id, flagId: b.flag.id, flagKey: b.flag.key, reason: b.description },
    });
    await tx.outboxEvent.create({
      data: {
        queue: "notifications",
        job: "event",
        payload: json({
          type: "rule.dry_run",
          projectId: b.rule.projectId,
          audience: "all",
          at: now.toISOString(),
          message: `${b.description}. ${outcome}`,
          flag: { key: b.flag.key, environmentKey: b.flag.environment.key },
          rule: notificationOf(b, evaluation.id),
        }),
      },
    });
  });
}

function evaluationRow(b: Breach, now: Date, o: { fired: boolean; outcome: string }): Prisma.RuleEvaluationUncheckedCreateInput {
  return {
    ruleId: b.rule.id,
    projectId: b.rule.projectId,
    flagId: b.flag.id,
    evaluatedAt: now,
    value: b.judgement.value,
    baseline: b.judgement.baseline,
    samples: b.judgement.samples,
    fired: o.fired,
    dryRun: b.rule.dryRun,
    snapshot: json({ ...b.snapshot, outcome: o.outcome }),
  };
}

function notificationOf(b: Breach, evaluationId: string): Record<string, unknown> {
  return {
    ruleId: b.rule.id,
    name: b.rule.name,
    metric: b.rule.metric,
    comparison: b.rule.comparison,
    threshold: b.rule.threshold,
    action: b.rule.action,
    dryRun: b.rule.dryRun,
    windowSeconds: b.rule.windowSeconds,
    value: b.judgement.value,
    valueText: formatValue(b.rule.metric, b.judgement.value),
    limit: b.judgement.limit,
    baseline: b.judgement.baseline,
    samples: b.judgement.samples,
    evaluationId,
  };
}

/** The series of a flag's exposed traffic: its environment and key, serving anything but the fallback. */
function exposedSeriesOf(flag: FlagSummary) {
  const cache = new Map<string, number | null>();
  return (id: string): number | null => {
    let version = cache.get(id);
    if (version === undefined) {
      const s = parseSeriesId(id);
      version = s && s.environmentId === flag.environment.id && s.flagKey === flag.key && isExposed(s.variant, flag.config) ? s.version : null;
      cache.set(id, version);
    }
    return version;
  };
}

type WindowSums = { total: Counts; perBucket: { start: number; counts: Counts }[]; perVersion: Map<number, Counts> };

function sumWindow(buckets: Map<string, Map<string, Counts>>, refs: readonly BucketRef[], versionOf: (series: string) => number | null): WindowSums {
  const total = emptyCounts();
  const perBucket: WindowSums["perBucket"] = [];
  const perVersion = new Map<number, Counts>();
  for (const ref of refs) {
    const bucket = emptyCounts();
    for (const [series, counts] of buckets.get(refId(ref)) ?? []) {
      const version = versionOf(series);
      if (version === null) continue;
      addCounts(bucket, counts);
      if (!perVersion.has(version)) perVersion.set(version, emptyCounts());
      addCounts(perVersion.get(version)!, counts);
    }
    addCounts(total, bucket);
    perBucket.push({ start: ref.start, counts: bucket });
  }
  return { total, perBucket, perVersion };
}

/** The telemetry kept with an evaluation: enough to see, later, what the rule saw. */
function snapshotOf(t: Target, j: Judgement, w: WindowSums, impact: number | null): Record<string, unknown> {
  const brief = (c: Counts) => ({ responses: c.responses, harmful: c.harmful, reports: c.reports });
  return {
    window: { start: new Date(t.window.start).toISOString(), end: new Date(t.window.end).toISOString() },
    baselineWindow: t.baseline ? { start: new Date(t.baseline.start).toISOString(), end: new Date(t.baseline.end).toISOString() } : null,
    metric: t.rule.metric,
    comparison: t.rule.comparison,
    threshold: t.rule.threshold,
    minSamples: t.rule.minSamples,
    limit: j.limit,
    value: j.value,
    samples: j.samples,
    baseline: j.baseline,
    baselineSamples: j.baselineSamples,
    counts: { ...brief(w.total), costMicros: w.total.costMicros, costCalls: w.total.costCalls, latencyP95Ms: histogramQuantile(w.total.latency, 0.95), latencyHistogram: w.total.latency },
    versions: [...w.perVersion].sort(([a], [b]) => a - b).map(([version, c]) => ({ version, ...brief(c) })),
    buckets: w.perBucket.filter((b) => b.counts.responses + b.counts.reports > 0).map((b) => ({ start: new Date(b.start).toISOString(), ...brief(b.counts) })),
    impactStartedAt: impact === null ? null : new Date(impact).toISOString(),
    flag: { id: t.flag.id, key: t.flag.key, environmentKey: t.flag.environment.key, version: t.flag.version, exposureBps: t.flag.exposureBps },
  };
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
