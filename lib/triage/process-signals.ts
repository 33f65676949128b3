// Turns committed signals into triage items. Idempotent and race-safe: each
// item is recomputed from every signal stored for its interaction, under a
// per-interaction advisory lock, so the same signal delivered twice, or two
// workers handling the same interaction at once, give one correct item.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import { db, GENERIC_PLAN_SET_LOCAL, pgGenericPlanPool, pgPool } from "@/lib/db";
import { ruleConditionSchema, priorityFor, severityFor, type SeverityRuleDef, type Sev, type Signals } from "@/lib/triage/severity";
import { fallbackPolicies, slaDeadlines, type SlaPolicyLike } from "@/lib/triage/sla";
import { scheduleSlaTimersSoon, type TimedItem } from "@/lib/triage/sla-timers";

export type AcceptedBatch = { projectId: string; interactions: string[]; verdicts: string[]; reports: string[] };

/** Deterministic, so that a redelivered batch samples the same interactions. */
export function inSample(projectId: string, requestId: string, rateBps: number): boolean {
  const h = createHash("sha256").update(`${projectId}\u0000${requestId}`).digest();
  return h.readUInt32BE(0) % 10_000 < rateBps;
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

/** The columns SLA timers are computed from (sla-timers.ts), as read back by a write. */
const timedColumns = (t = "") =>
  `${t}id::text, ${t}status::text, ${t}"pausedAt", ${t}"atRiskAt", ${t}"firstTriageDueAt", ${t}"resolutionDueAt", ${t}"firstTriagedAt", ${t}"resolvedAt",
  ${t}"atRiskNotifiedAt", ${t}"firstTriageBreachedAt", ${t}"resolutionBreachedAt"`;
const TIMED_COLUMNS = timedColumns();

/** What triage computes of an item from its signals. */
type ItemFields = {
  id: string;
  severity: Sev;
  priority: number;
  source: string;
  categories: string[];
  reportCount: number;
  unblockedFlag: boolean;
  isSample: boolean;
};
type ExistingItem = ItemFields & { createdAt: string; pausedMs: number };

type Config = Awaited<ReturnType<typeof projectRules>>;
type SignalState = {
  requestId: string;
  /** Which of the merged batches brought signals of this interaction (by position). */
  batches: number[] | null;
  verdicts: { decision: string; scores: Record<string, number> | null; categories: string[] }[] | null;
  reports: string[] | null;
  hasInteraction: boolean;
  item: ExistingItem | null;
};

/**
 * The item is computed in JS (severity rules) from everything stored for its
 * interaction; these read that for many interactions in one round trip.
 * Raw SQL on the pg pool: this runs for every batch, and Prisma's per-query
 * cost (~1 ms of CPU) would make triage, not Postgres, the bottleneck.
 */
const stateSql = (requests: string) => `
  WITH r AS (${requests})
  SELECT r."requestId", r.batches, s.* FROM r CROSS JOIN LATERAL (SELECT
    (SELECT json_agg(json_build_object('decision', decision, 'scores', scores, 'categories', categories))
       FROM "Verdict" WHERE "projectId" = $1 AND "requestId" = r."requestId") AS verdicts,
    (SELECT json_agg(category) FROM "UserReport" WHERE "projectId" = $1 AND "requestId" = r."requestId") AS reports,
    EXISTS (SELECT 1 FROM "Interaction" WHERE "projectId" = $1 AND "requestId" = r."requestId") AS "hasInteraction",
    (SELECT json_build_object('id', id, 'severity', severity, 'priority', priority, 'source', source, 'categories', categories,
        'reportCount', "reportCount", 'unblockedFlag', "unblockedFlag", 'isSample', "isSample",
        'createdAt', "createdAt", 'pausedMs', "pausedMs")
       FROM "TriageItem" WHERE "projectId" = $1 AND "requestId" = r."requestId") AS item) s
  -- Most traffic has no flag, report or item (an interaction alone, a passing verdict with no interaction yet).
  WHERE s.verdicts IS NOT NULL OR s.reports IS NOT NULL OR s.item IS NOT NULL`;

/**
 * Both state reads run with their generic plan (pgGenericPlanPool, or SET
 * LOCAL in a transaction). With a custom plan Postgres estimates a project
 * that ANALYZE has not seen yet — a new one, growing fast — at one row, and
 * may then look its verdicts up through (projectId, eventId) with requestId
 * as a filter: every lookup reads all of that project's verdicts (80,000
 * verdicts: 92 ms for 10 lookups instead of 0.17). The generic plan
 * estimates any project at its share of the table and uses
 * (projectId, requestId).
 */
/** The interactions that a batch's signals belong to (each signal's own project only). */
export const STATE_BY_SIGNALS_SQL = stateSql(`
    SELECT "requestId", array_agg(DISTINCT b) AS batches FROM (
      SELECT x."requestId", s.b FROM unnest($2::uuid[], $3::int[]) AS s(id, b) JOIN "Verdict" x ON x.id = s.id AND x."projectId" = $1
      UNION ALL SELECT x."requestId", s.b FROM unnest($4::uuid[], $5::int[]) AS s(id, b) JOIN "UserReport" x ON x.id = s.id AND x."projectId" = $1
      UNION ALL SELECT x."requestId", s.b FROM unnest($6::uuid[], $7::int[]) AS s(id, b) JOIN "Interaction" x ON x.id = s.id AND x."projectId" = $1
    ) signals GROUP BY "requestId"`);
export const STATE_BY_REQUESTS_SQL = stateSql(`SELECT DISTINCT "requestId", NULL::int[] AS batches FROM unnest($2::text[]) AS u("requestId")`);

const ROWS_TYPE = `id uuid, "requestId" text, severity "Severity", priority int, source "TriageSource", categories text[], "reportCount" int,
  "unblockedFlag" boolean, "isSample" boolean, "firstTriageDueAt" timestamp, "resolutionDueAt" timestamp, "atRiskAt" timestamp`;

/** Inserts items that did not exist when their state was read; one that exists by now is left out of the result. */
const INSERT_SQL = `
  INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, priority, source, categories, "reportCount",
         "unblockedFlag", "isSample", "createdAt", "updatedAt", "firstTriageDueAt", "resolutionDueAt", "atRiskAt")
  SELECT x.id, $1, x."requestId", 'NEW', x.severity, x.priority, x.source, x.categories, x."reportCount",
         x."unblockedFlag", x."isSample", $2, $2, x."firstTriageDueAt", x."resolutionDueAt", x."atRiskAt"
    FROM jsonb_to_recordset($3::jsonb) AS x(${ROWS_TYPE})
  ON CONFLICT ("projectId", "requestId") DO NOTHING
  RETURNING "requestId", ${TIMED_COLUMNS}`;

/** Only under the interactions' advisory locks; deadlines move only when severity was raised. */
const UPDATE_SQL = `
  UPDATE "TriageItem" t SET severity = x.severity, priority = x.priority, source = x.source, categories = x.categories,
         "reportCount" = x."reportCount", "unblockedFlag" = x."unblockedFlag", "isSample" = x."isSample", version = t.version + 1, "updatedAt" = now(),
         "firstTriageDueAt" = COALESCE(x."firstTriageDueAt", t."firstTriageDueAt"), "resolutionDueAt" = COALESCE(x."resolutionDueAt", t."resolutionDueAt"),
         "atRiskAt" = COALESCE(x."atRiskAt", t."atRiskAt")
    FROM jsonb_to_recordset($2::jsonb) AS x(${ROWS_TYPE})
   WHERE t.id = x.id AND t."projectId" = $1
  RETURNING t."requestId", ${timedColumns("t.")}`;

type ItemRow = ItemFields & {
  requestId: string;
  firstTriageDueAt: string | null;
  resolutionDueAt: string | null;
  atRiskAt: string | null;
};

type Waiting = { batch: AcceptedBatch; resolve: (r: { items: number }) => void; reject: (err: unknown) => void };
/** Per project: batches waiting for a pass, and the passes running. */
const lanes = new Map<string, { waiting: Waiting[]; running: number }>();
/** Passes of one project at a time in a process; batches arriving meanwhile are merged into the next. */
const PASSES_PER_PROJECT = 2;
const MAX_MERGED = 64;

/**
 * Triage for a committed batch; resolves once its items are committed. A
 * batch starts at once when its project has a free pass; under load the
 * batches that wait are merged, so that one pass (two round trips when the
 * items are new) serves many jobs instead of each paying its own.
 */
export function processAcceptedBatch(batch: AcceptedBatch): Promise<{ items: number }> {
  if (batch.verdicts.length + batch.reports.length + batch.interactions.length === 0) return Promise.resolve({ items: 0 });
  return new Promise((resolve, reject) => {
    let lane = lanes.get(batch.projectId);
    if (!lane) lanes.set(batch.projectId, (lane = { waiting: [], running: 0 }));
    lane.waiting.push({ batch, resolve, reject });
    startPasses(batch.projectId, lane);
  });
}

function startPasses(projectId: string, lane: { waiting: Waiting[]; running: number }): void {
  while (lane.running < PASSES_PER_PROJECT && lane.waiting.length > 0) {
    const group = lane.waiting.splice(0, MAX_MERGED);
    lane.running++;
    runGroup(projectId, group).finally(() => {
      lane.running--;
      if (lane.running === 0 && lane.waiting.length === 0) lanes.delete(projectId);
      else startPasses(projectId, lane);
    });
  }
}

async function runGroup(projectId: string, group: Waiting[]): Promise<void> {
  try {
    const counts = await triagePass(projectId, group.map((w) => w.batch));
    group.forEach((w, i) => w.resolve({ items: counts[i]! }));
  } catch (err) {
    if (group.length === 1) return group[0]!.reject(err);
    // One bad batch must not fail the others it was merged with: each is tried on its own.
    await Promise.all(group.map((w) => runGroup(projectId, [w])));
  }
}

/**
 * Items are written without a lock when they are new: the insert does
 * nothing if another delivery created the item first, and that interaction
 * then goes the locked way. Existing items are recomputed under the
 * interaction's advisory lock, as every update of triage's is, so that two
 * deliveries never decide from a state the other is about to change.
 * Returns, per batch, how many of its interactions have an item.
 */
async function triagePass(projectId: string, batches: AcceptedBatch[]): Promise<number[]> {
  const ids = (pick: (b: AcceptedBatch) => string[]) => {
    const out: [string[], number[]] = [[], []];
    batches.forEach((b, i) => pick(b).forEach((id) => (out[0].push(id), out[1].push(i))));
    return out;
  };
  const { rows: states } = await pgGenericPlanPool().query<SignalState>({
    name: "triage-state-by-signals",
    text: STATE_BY_SIGNALS_SQL,
    values: [projectId, ...ids((b) => b.verdicts), ...ids((b) => b.reports), ...ids((b) => b.interactions)],
  });
  const counts = batches.map(() => 0);
  if (states.length === 0) return counts;
  const config = await projectRules(projectId);
  const createdAt = new Date();
  const fresh: ItemRow[] = [];
  const locked: string[] = [];
  for (const state of states) {
    if (state.item) locked.push(state.requestId);
    else {
      const row = decide(projectId, state, config, createdAt);
      if (row && row !== "unchanged") fresh.push(row);
    }
  }
  const changed: TimedItem[] = [];
  const withItem = new Set<string>();
  if (fresh.length > 0) {
    const inserted = await insertItems(pgPool(), projectId, createdAt, fresh);
    changed.push(...inserted);
    for (const r of inserted) withItem.add(r.requestId);
    for (const row of fresh) if (!withItem.has(row.requestId)) locked.push(row.requestId);
  }
  if (locked.length > 0) {
    const result = await upsertLocked(projectId, locked, config);
    for (const r of result.withItem) withItem.add(r);
    changed.push(...result.changed);
  }
  scheduleSlaTimersSoon(changed);
  for (const state of states) if (withItem.has(state.requestId)) for (const b of state.batches ?? []) counts[b]!++;
  return counts;
}

async function insertItems(q: pg.Pool | pg.PoolClient, projectId: string, createdAt: Date, rows: ItemRow[]) {
  const { rows: inserted } = await q.query<TimedItem & { requestId: string }>({
    name: "triage-insert-many",
    text: INSERT_SQL,
    values: [projectId, iso(createdAt), JSON.stringify(rows)],
  });
  return inserted;
}

/** Recomputes these interactions' items in one transaction that holds their advisory locks. */
async function upsertLocked(projectId: string, requestIds: string[], config: Config): Promise<{ withItem: Set<string>; changed: TimedItem[] }> {
  // Sorted, so that two transactions locking overlapping sets cannot deadlock.
  const keys = [...new Set(requestIds)].sort();
  const client = await pgPool().connect();
  try {
    await client.query("BEGIN");
    await client.query(GENERIC_PLAN_SET_LOCAL); // the state read's plan (STATE_BY_SIGNALS_SQL), as on pgGenericPlanPool
    await client.query({
      name: "triage-lock",
      text: `SELECT count(pg_advisory_xact_lock(hashtextextended('triage:' || $1 || ':' || k, 0))) FROM unnest($2::text[]) WITH ORDINALITY AS u(k, n)`,
      values: [projectId, keys],
    });
    const changed: TimedItem[] = [];
    const withItem = new Set<string>();
    // Only a lock-free insert (above) can change these items meanwhile, so a second pass sees them all.
    let pending = keys;
    for (let pass = 0; pending.length > 0; pass++) {
      if (pass === 3) throw new Error(`triage items of ${pending.length} interactions kept changing under their locks`);
      const { rows: states } = await client.query<SignalState>({ name: "triage-state-by-requests", text: STATE_BY_REQUESTS_SQL, values: [projectId, pending] });
      const createdAt = new Date();
      const inserts: ItemRow[] = [];
      const updates: ItemRow[] = [];
      for (const state of states) {
        const row = decide(projectId, state, config, createdAt);
        if (row === "unchanged") withItem.add(state.requestId);
        else if (row) (state.item ? updates : inserts).push(row);
      }
      const inserted = inserts.length > 0 ? await insertItems(client, projectId, createdAt, inserts) : [];
      const done = new Set(inserted.map((r) => r.requestId));
      pending = inserts.filter((r) => !done.has(r.requestId)).map((r) => r.requestId);
      if (updates.length > 0) {
        const { rows: updated } = await client.query<TimedItem & { requestId: string }>({ name: "triage-update-many", text: UPDATE_SQL, values: [projectId, JSON.stringify(updates)] });
        changed.push(...updated);
        for (const r of updated) withItem.add(r.requestId);
      }
      changed.push(...inserted);
      for (const r of inserted) withItem.add(r.requestId);
    }
    await client.query("COMMIT");
    return { withItem, changed };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The item's row to insert or update, "unchanged", or null when no item is due. */
function decide(projectId: string, state: SignalState, config: Config, now: Date): ItemRow | "unchanged" | null {
  const { requestId, hasInteraction, item: existing } = state;
  const verdicts = state.verdicts ?? [];
  const reports = state.reports ?? [];
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
    const d = slaDeadlines(now, config.policies[severity]);
    return { id: randomUUID(), requestId, ...fields, firstTriageDueAt: iso(d.firstTriageDueAt), resolutionDueAt: iso(d.resolutionDueAt), atRiskAt: iso(d.atRiskAt) };
  }
  // A reviewer's decision stands: signals can raise severity, never lower it.
  const raised = severityRank(severity) < severityRank(existing.severity);
  const next = { ...fields, severity: raised ? severity : existing.severity, priority: Math.max(fields.priority, existing.priority) };
  if (!raised && sameItem(existing, next)) return "unchanged";
  const d = raised ? slaDeadlines(new Date(`${existing.createdAt}Z`), config.policies[severity], Number(existing.pausedMs) / 60_000) : null;
  return { id: existing.id, requestId, ...next, firstTriageDueAt: iso(d?.firstTriageDueAt), resolutionDueAt: iso(d?.resolutionDueAt), atRiskAt: iso(d?.atRiskAt) };
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
