// Turns committed signals into triage items. Idempotent and race-safe: each
// item is recomputed from every signal stored for its interaction, under a
// per-interaction advisory lock, so the same signal delivered twice, or two
// workers handling the same interaction at once, give one correct item.
import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/db";
import { ruleConditionSchema, priorityFor, severityFor, type SeverityRuleDef, type Sev, type Signals } from "@/lib/triage/severity";
import { fallbackPolicies, slaDeadlines, type SlaPolicyLike } from "@/lib/triage/sla";
import { scheduleSlaTimersSoon, type TimedItem } from "@/lib/triage/sla-timers";

export type AcceptedBatch = { projectId: string; interactions: string[]; verdicts: string[]; reports: string[] };

/** Deterministic, so that a redelivered batch samples the same interactions. */
export function inSample(projectId: string, requestId: string, rateBps: number): boolean {
  const h = createHash("sha256").update(`${projectId}\u0000${requestId}`).digest();
  return h.readUInt32BE(0) % 10_000 < rateBps;
}

/**
 * The interactions that may need an item: a flag, a report, an existing item,
 * or a passing verdict (a sampling candidate). Most traffic has none of these,
 * and is skipped with one query instead of a locked transaction each.
 */
async function itemCandidates(projectId: string, requestIds: string[]): Promise<string[]> {
  const rows = await db().$queryRaw<{ requestId: string }[]>`
    SELECT r."requestId" FROM unnest(${requestIds}::text[]) AS r("requestId")
    WHERE EXISTS (SELECT 1 FROM "Verdict" v WHERE v."projectId" = ${projectId}::uuid AND v."requestId" = r."requestId")
       OR EXISTS (SELECT 1 FROM "UserReport" u WHERE u."projectId" = ${projectId}::uuid AND u."requestId" = r."requestId")
       OR EXISTS (SELECT 1 FROM "TriageItem" t WHERE t."projectId" = ${projectId}::uuid AND t."requestId" = r."requestId")`;
  return rows.map((r) => r.requestId);
}

async function projectRules(projectId: string): Promise<{ rules: SeverityRuleDef[] | undefined; policies: Record<Sev, SlaPolicyLike>; sampleRateBps: number }> {
  const project = await db().project.findUniqueOrThrow({
    where: { id: projectId },
    select: {
      sampleRateBps: true,
      severityRules: { orderBy: { position: "asc" } },
      slaPolicies: true,
    },
  });
  // Once a project has rules of its own, they are the rules — even if all are disabled.
  const rules = project.severityRules.length
    ? project.severityRules.filter((r) => r.enabled).flatMap((r) => {
        const c = ruleConditionSchema.safeParse(r.condition);
        return c.success ? [{ name: r.name, condition: c.data, severity: r.severity }] : [];
      })
    : undefined;
  const policies = { ...fallbackPolicies };
  for (const p of project.slaPolicies) policies[p.severity] = p;
  return { rules, policies, sampleRateBps: project.sampleRateBps };
}

export async function processAcceptedBatch(batch: AcceptedBatch): Promise<{ items: number }> {
  const { projectId } = batch;
  const prisma = db();
  const [verdicts, reports, interactions] = await Promise.all([
    batch.verdicts.length ? prisma.verdict.findMany({ where: { id: { in: batch.verdicts } }, select: { requestId: true } }) : [],
    batch.reports.length ? prisma.userReport.findMany({ where: { id: { in: batch.reports } }, select: { requestId: true } }) : [],
    batch.interactions.length ? prisma.interaction.findMany({ where: { id: { in: batch.interactions } }, select: { requestId: true } }) : [],
  ]);
  const requestIds = [...new Set([...verdicts, ...reports, ...interactions].map((r) => r.requestId))];
  if (requestIds.length === 0) return { items: 0 };
  const candidates = await itemCandidates(projectId, requestIds);
  if (candidates.length === 0) return { items: 0 };
  const config = await projectRules(projectId);
  const changed: TimedItem[] = [];
  let items = 0;
  for (const requestId of candidates) {
    const result = await upsertItem(projectId, requestId, config);
    if (result) items++;
    if (result && result !== "unchanged") changed.push(result);
  }
  scheduleSlaTimersSoon(changed);
  return { items };
}

/** The created or changed item (for its SLA timers), "unchanged", or null when no item is due. */
async function upsertItem(
  projectId: string,
  requestId: string,
  config: Awaited<ReturnType<typeof projectRules>>,
): Promise<TimedItem | "unchanged" | null> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`triage:${projectId}:${requestId}`}, 0))`;
    // One connection per transaction: queries run one after another anyway.
    const verdicts = await tx.verdict.findMany({ where: { projectId, requestId }, select: { decision: true, scores: true, categories: true } });
    const reports = await tx.userReport.findMany({ where: { projectId, requestId }, select: { category: true } });
    const interaction = await tx.interaction.findUnique({ where: { projectId_requestId: { projectId, requestId } }, select: { id: true } });
    const existing = await tx.triageItem.findUnique({ where: { projectId_requestId: { projectId, requestId } } });

    const flaggedVerdicts = verdicts.filter((v) => v.decision !== "PASS");
    const categories: Record<string, number> = {};
    for (const v of flaggedVerdicts) {
      const scores = (v.scores ?? {}) as Record<string, number>;
      for (const c of v.categories) categories[c] = Math.max(categories[c] ?? 0, scores[c] ?? 1);
    }
    const signalled = flaggedVerdicts.length > 0 || reports.length > 0;
    const passedOnly = !signalled && verdicts.length > 0 && interaction !== null;
    const sample = passedOnly && !existing && inSample(projectId, requestId, config.sampleRateBps);
    if (!signalled && !sample && !existing?.isSample) return null;

    const signals: Signals = {
      categories,
      flagged: flaggedVerdicts.some((v) => v.decision === "FLAG"),
      blocked: flaggedVerdicts.some((v) => v.decision === "BLOCK"),
      reportCategories: [...new Set(reports.map((r) => r.category))],
      reportCount: reports.length,
      isSample: !signalled,
    };
    const { severity } = severityFor(signals, config.rules);
    const source = !signalled ? "SAMPLE" : flaggedVerdicts.length && reports.length ? "BOTH" : flaggedVerdicts.length ? "CLASSIFIER" : "REPORT";
    const fields = {
      severity,
      priority: priorityFor(severity, signals),
      source,
      categories: Object.keys(categories).sort(),
      reportCount: reports.length,
      unblockedFlag: signals.flagged && !signals.blocked,
      isSample: !signalled,
    } as const;

    if (!existing) {
      const createdAt = new Date();
      return tx.triageItem.create({ data: { projectId, requestId, createdAt, ...fields, ...slaDeadlines(createdAt, config.policies[severity]) } });
    }
    // A reviewer's decision stands: signals can raise severity, never lower it.
    const raised = severityRank(severity) < severityRank(existing.severity);
    const next = {
      ...fields,
      severity: raised ? severity : existing.severity,
      priority: Math.max(fields.priority, existing.priority),
      ...(raised ? slaDeadlines(existing.createdAt, config.policies[severity], Number(existing.pausedMs) / 60_000) : {}),
    };
    if (sameItem(existing, next)) return "unchanged";
    return tx.triageItem.update({ where: { id: existing.id }, data: { ...next, version: { increment: 1 } } });
  });
}

const severityRank = (s: Sev) => Number(s.slice(3));

function sameItem(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.entries(b).every(([k, v]) => JSON.stringify(a[k]) === JSON.stringify(v));
}

