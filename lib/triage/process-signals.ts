// Turns committed signals into triage items. Idempotent and race-safe: each
// item is recomputed from every signal stored for its interaction, under a
// per-interaction advisory lock, so the same signal delivered twice, or two
// workers handling the same interaction at once, give one correct item.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import { db, pgPool } from "@/lib/db";
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

const RULES_CACHE_MS = 5_000;
const rulesCache = new Map<string, { at: number; value: Promise<Awaited<ReturnType<typeof loadProjectRules>>> }>();

/** Rules, policies and sampling rate; cached for a few seconds (settings changes apply within that). */
function projectRules(projectId: string) {
  const hit = rulesCache.get(projectId);
  if (hit && Date.now() - hit.at < RULES_CACHE_MS) return hit.value;
  const value = loadProjectRules(projectId);
  rulesCache.set(projectId, { at: Date.now(), value });
  value.catch(() => rulesCache.delete(projectId));
  return value;
}

async function loadProjectRules(projectId: string): Promise<{ rules: SeverityRuleDef[] | undefined; policies: Record<Sev, SlaPolicyLike>; sampleRateBps: number }> {
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

// One round trip for everything the item is computed from. Raw SQL on the pg
// pool: this runs for every signal, and Prisma's per-query cost (~1 ms of CPU)
// would make triage, not Postgres, the bottleneck.
const STATE_SQL = `
  SELECT
    (SELECT COALESCE(json_agg(json_build_object('decision', decision, 'scores', scores, 'categories', categories)), '[]')
       FROM "Verdict" WHERE "projectId" = $1 AND "requestId" = $2) AS verdicts,
    (SELECT COALESCE(json_agg(category), '[]') FROM "UserReport" WHERE "projectId" = $1 AND "requestId" = $2) AS reports,
    EXISTS (SELECT 1 FROM "Interaction" WHERE "projectId" = $1 AND "requestId" = $2) AS "hasInteraction",
    (SELECT json_build_object('id', id, 'severity', severity, 'priority', priority, 'source', source, 'categories', categories,
        'reportCount', "reportCount", 'unblockedFlag', "unblockedFlag", 'isSample', "isSample",
        'createdAt', "createdAt", 'pausedMs', "pausedMs")
       FROM "TriageItem" WHERE "projectId" = $1 AND "requestId" = $2) AS item`;

const TIMED_COLUMNS = `id::text, status::text, "pausedAt", "atRiskAt", "firstTriageDueAt", "resolutionDueAt", "firstTriagedAt", "resolvedAt",
  "atRiskNotifiedAt", "firstTriageBreachedAt", "resolutionBreachedAt"`;

type ExistingItem = {
  id: string;
  severity: Sev;
  priority: number;
  source: string;
  categories: string[];
  reportCount: number;
  unblockedFlag: boolean;
  isSample: boolean;
  createdAt: string;
  pausedMs: number;
};

/** The created or changed item (for its SLA timers), "unchanged", or null when no item is due. */
async function upsertItem(
  projectId: string,
  requestId: string,
  config: Awaited<ReturnType<typeof projectRules>>,
): Promise<TimedItem | "unchanged" | null> {
  const client = await pgPool().connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`triage:${projectId}:${requestId}`]);
    const { rows } = await client.query<{
      verdicts: { decision: string; scores: Record<string, number> | null; categories: string[] }[];
      reports: string[];
      hasInteraction: boolean;
      item: ExistingItem | null;
    }>({ name: "triage-state", text: STATE_SQL, values: [projectId, requestId] });
    const { verdicts, reports, hasInteraction, item: existing } = rows[0]!;
    const result = await applySignals(client, projectId, requestId, config, verdicts, reports, hasInteraction, existing);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function applySignals(
  client: pg.PoolClient,
  projectId: string,
  requestId: string,
  config: Awaited<ReturnType<typeof projectRules>>,
  verdicts: { decision: string; scores: Record<string, number> | null; categories: string[] }[],
  reports: string[],
  hasInteraction: boolean,
  existing: ExistingItem | null,
): Promise<TimedItem | "unchanged" | null> {
  const flaggedVerdicts = verdicts.filter((v) => v.decision !== "PASS");
  const categories: Record<string, number> = {};
  for (const v of flaggedVerdicts) {
    const scores = v.scores ?? {};
    for (const c of v.categories) categories[c] = Math.max(categories[c] ?? 0, scores[c] ?? 1);
  }
  const signalled = flaggedVerdicts.length > 0 || reports.length > 0;
  const passedOnly = !signalled && verdicts.length > 0 && hasInteraction;
  const sample = passedOnly && !existing && inSample(projectId, requestId, config.sampleRateBps);
  // A gate item (queued for a failed gate prompt) stands until a real signal arrives.
  if (!signalled && !sample && !existing?.isSample) return null;

  const signals: Signals = {
    categories,
    flagged: flaggedVerdicts.some((v) => v.decision === "FLAG"),
    blocked: flaggedVerdicts.some((v) => v.decision === "BLOCK"),
    reportCategories: [...new Set(reports as Signals["reportCategories"])],
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
  };

  if (!existing) {
    const createdAt = new Date();
    const d = slaDeadlines(createdAt, config.policies[severity]);
    const { rows } = await client.query<TimedItem>({
      name: "triage-insert",
      text: `INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, priority, source, categories, "reportCount",
               "unblockedFlag", "isSample", "createdAt", "updatedAt", "firstTriageDueAt", "resolutionDueAt", "atRiskAt")
             VALUES ($1, $2, $3, 'NEW', $4::"Severity", $5, $6::"TriageSource", $7, $8, $9, $10, $11, $11, $12, $13, $14)
             RETURNING ${TIMED_COLUMNS}`,
      values: [randomUUID(), projectId, requestId, fields.severity, fields.priority, fields.source, fields.categories, fields.reportCount,
        fields.unblockedFlag, fields.isSample, iso(createdAt), iso(d.firstTriageDueAt), iso(d.resolutionDueAt), iso(d.atRiskAt)],
    });
    return rows[0]!;
  }
  // A reviewer's decision stands: signals can raise severity, never lower it.
  const raised = severityRank(severity) < severityRank(existing.severity);
  const next = { ...fields, severity: raised ? severity : existing.severity, priority: Math.max(fields.priority, existing.priority) };
  if (!raised && sameItem(existing, next)) return "unchanged";
  const d = raised ? slaDeadlines(new Date(`${existing.createdAt}Z`), config.policies[severity], Number(existing.pausedMs) / 60_000) : null;
  const { rows } = await client.query<TimedItem>({
    name: "triage-update",
    text: `UPDATE "TriageItem" SET severity = $2::"Severity", priority = $3, source = $4::"TriageSource", categories = $5, "reportCount" = $6,
             "unblockedFlag" = $7, "isSample" = $8, version = version + 1, "updatedAt" = now(),
             "firstTriageDueAt" = COALESCE($9, "firstTriageDueAt"), "resolutionDueAt" = COALESCE($10, "resolutionDueAt"), "atRiskAt" = COALESCE($11, "atRiskAt")
           WHERE id = $1 RETURNING ${TIMED_COLUMNS}`,
    values: [existing.id, next.severity, next.priority, next.source, next.categories, next.reportCount, next.unblockedFlag, next.isSample,
      iso(d?.firstTriageDueAt), iso(d?.resolutionDueAt), iso(d?.atRiskAt)],
  });
  return rows[0]!;
}

const severityRank = (s: Sev) => Number(s.slice(3));
/** Dates go to the pg pool as UTC ISO strings (see lib/db.ts). */
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function sameItem(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.entries(b).every(([k, v]) => JSON.stringify(a[k]) === JSON.stringify(v));
}


/**
 * Puts a release gate run's failing prompts in the review queue (source
 * GATE), so reviewers label them like any item; prompts that already have an
 * item keep it. Harmful answers are SEV2, other failed expectations SEV3.
 * Later signals on the interaction recompute the item as usual.
 */
export async function queueGateFailures(projectId: string, failures: { requestId: string; harmful: boolean }[]): Promise<number> {
  if (failures.length === 0) return 0;
  const config = await projectRules(projectId);
  const created: TimedItem[] = [];
  for (const f of failures) {
    const severity: Sev = f.harmful ? "SEV2" : "SEV3";
    const createdAt = new Date();
    const d = slaDeadlines(createdAt, config.policies[severity]);
    const { rows } = await pgPool().query<TimedItem>(
      `INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, priority, source, categories, "createdAt", "updatedAt", "firstTriageDueAt", "resolutionDueAt", "atRiskAt")
       SELECT $1, $2, $3, 'NEW', $4::"Severity", $5, 'GATE', '{}', $6, $6, $7, $8, $9
        WHERE EXISTS (SELECT 1 FROM "Interaction" WHERE "projectId" = $2 AND "requestId" = $3)
       ON CONFLICT ("projectId", "requestId") DO NOTHING
       RETURNING ${TIMED_COLUMNS}`,
      [randomUUID(), projectId, f.requestId, severity, priorityFor(severity, { flagged: false, blocked: false, reportCount: 0, isSample: false }), iso(createdAt), iso(d.firstTriageDueAt), iso(d.resolutionDueAt), iso(d.atRiskAt)],
    );
    if (rows[0]) created.push(rows[0]);
  }
  scheduleSlaTimersSoon(created);
  return created.length;
}
