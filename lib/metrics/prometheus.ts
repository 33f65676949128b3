// GET /metrics for Prometheus: the bearer-token check and the scrape itself,
// every non-archived project labelled by slug (an operator endpoint, no
// project permissions apply).
//
// Two sources. This process's counters (lib/metrics/process-counters.ts) for
// the hot paths, which must not pay a write per request; and Postgres for
// state, read by grouped queries over all projects at once that never touch
// Interaction: harmful rates from the per-minute rollups (MetricRollup), SLA
// breaches from the hourly review rollups (ReviewRollup), the rest from
// counts over indexes. The cost of each is noted beside it.
import "server-only";
import { db } from "@/lib/db";
import { config } from "@/lib/config";
import { errorResponse } from "@/lib/http/responses";
import { openStatuses } from "@/lib/review/queue-schemas";
import { incidentStatuses } from "@/lib/incidents/status";
import { EXPOSITION_CONTENT_TYPE, renderExposition, type MetricFamily, type Sample } from "@/lib/metrics/exposition";
import { processCountsFor } from "@/lib/metrics/process-counters";
import { authorizeScrape } from "@/lib/metrics/scrape-auth";

const severities = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
const rollbackActions = ["HALVE", "LAST_SAFE", "PAUSE", "GLOBAL_KILL"] as const;
const deliveryStatuses = ["PENDING", "DELIVERED", "FAILED", "DEAD"] as const;
const openIncidentStatuses = incidentStatuses.filter((s) => s !== "RESOLVED");
/** Harmful-rate windows in minute buckets, the current (partial) minute included. */
const windows = [
  { label: "5m", minutes: 5 },
  { label: "1h", minutes: 60 },
] as const;

type ProjectRef = { id: string; slug: string };
type Counts = Map<string, number>;

const key = (...parts: string[]) => parts.join("\u0000");
const lower = (s: string) => s.toLowerCase();
const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");
// Literals, not parameters: the planner matches them to the status indexes.
const OPEN_ITEMS = sqlList(openStatuses);
const OPEN_INCIDENTS = sqlList(openIncidentStatuses);

function minuteFloor(at: Date): number {
  return Math.floor(at.getTime() / 60_000) * 60_000;
}

/** Every figure the scrape reads from Postgres, keyed by project id (and label values). */
async function readDatabase(ids: string[], now: Date) {
  const sinceOf = (minutes: number) => new Date(minuteFloor(now) - (minutes - 1) * 60_000).toISOString();
  const [since5m, since1h] = [sinceOf(5), sinceOf(60)];
  const q = db();
  const [rollups, queue, oldestOpen, breaches, actions, deliveries, failures, incidents] = await Promise.all([
    // One primary-key range per project: at most 60 rows each.
    q.$queryRaw<{ projectId: string; h5m: number; r5m: number; h1h: number; r1h: number }[]>`
      SELECT "projectId"::text AS "projectId",
             coalesce(sum(harmful) FILTER (WHERE bucket >= ${since5m}::timestamp), 0)::float8 AS h5m,
             coalesce(sum(responses) FILTER (WHERE bucket >= ${since5m}::timestamp), 0)::float8 AS r5m,
             sum(harmful)::float8 AS h1h, sum(responses)::float8 AS r1h
      FROM "MetricRollup"
      WHERE "projectId" = ANY(${ids}::uuid[]) AND grain = 'm' AND dim = 'all' AND key = '' AND bucket >= ${since1h}::timestamp
      GROUP BY "projectId"`,
    // An index-only count (projectId, status, severity, …).
    q.$queryRawUnsafe<{ projectId: string; severity: string; n: number }[]>(
      `SELECT "projectId"::text AS "projectId", severity::text AS severity, count(*)::int AS n
       FROM "TriageItem" WHERE "projectId" = ANY($1::uuid[]) AND status IN (${OPEN_ITEMS})
       GROUP BY 1, 2`,
      ids,
    ),
    // The first open item per project by creation: one index probe each given an index on
    // ("projectId", "createdAt") over open items; without it, a walk of the project's open items.
    q.$queryRawUnsafe<{ projectId: string; oldest: Date }[]>(
      `SELECT p.id::text AS "projectId", o."createdAt" AS oldest
       FROM unnest($1::uuid[]) AS p(id)
       CROSS JOIN LATERAL (
         SELECT "createdAt" FROM "TriageItem" t WHERE t."projectId" = p.id AND t.status IN (${OPEN_ITEMS})
         ORDER BY "createdAt" LIMIT 1
       ) o`,
      ids,
    ),
    // Every hourly row of the project's history (4 a hour: ~35,000 a year), as a counter needs the total.
    q.$queryRaw<{ projectId: string; severity: string; firstTriage: number; resolution: number }[]>`
      SELECT "projectId"::text AS "projectId", severity::text AS severity,
             sum("firstTriageBreached")::float8 AS "firstTriage", sum("resolutionBreached")::float8 AS resolution
      FROM "ReviewRollup" WHERE "projectId" = ANY(${ids}::uuid[]) AND grain = 'h'
      GROUP BY 1, 2`,
    // Actions taken: a dry run records the action it would have taken, and an action that changed nothing records none.
    // Rule evaluations are written on breaches only, so few; a partial index on ("projectId", "actionTaken") over
    // taken actions would make this an index-only count.
    q.$queryRaw<{ projectId: string; action: string; n: number }[]>`
      SELECT "projectId"::text AS "projectId", "actionTaken"::text AS action, count(*)::int AS n
      FROM "RuleEvaluation" WHERE "projectId" = ANY(${ids}::uuid[]) AND NOT "dryRun" AND "actionTaken" IS NOT NULL
      GROUP BY 1, 2`,
    // An index-only count on ("projectId", status).
    q.$queryRaw<{ projectId: string; status: string; n: number }[]>`
      SELECT "projectId"::text AS "projectId", status::text AS status, count(*)::int AS n
      FROM "WebhookDelivery" WHERE "projectId" = ANY(${ids}::uuid[])
      GROUP BY 1, 2`,
    // Failed attempts: every attempt of an undelivered delivery, all but the last of a delivered one.
    // Attempts only ever grow (a manual retry keeps them), so this is a counter. The delivered half is a
    // range scan given an index on ("projectId", status, attempts); on ("projectId", status) it reads every
    // delivered row of the project.
    q.$queryRaw<{ projectId: string; n: number }[]>`
      SELECT "projectId"::text AS "projectId", sum(failed)::float8 AS n FROM (
        SELECT "projectId", attempts AS failed FROM "WebhookDelivery"
        WHERE "projectId" = ANY(${ids}::uuid[]) AND status IN ('PENDING', 'FAILED', 'DEAD')
        UNION ALL
        SELECT "projectId", attempts - 1 FROM "WebhookDelivery"
        WHERE "projectId" = ANY(${ids}::uuid[]) AND status = 'DELIVERED' AND attempts > 1
      ) f GROUP BY 1`,
    q.$queryRawUnsafe<{ projectId: string; severity: string; n: number }[]>(
      `SELECT "projectId"::text AS "projectId", severity::text AS severity, count(*)::int AS n
       FROM "Incident" WHERE "projectId" = ANY($1::uuid[]) AND status IN (${OPEN_INCIDENTS})
       GROUP BY 1, 2`,
      ids,
    ),
  ]);

  const counts = <T>(rows: T[], keyOf: (r: T) => string, valueOf: (r: T) => number): Counts => new Map(rows.map((r) => [keyOf(r), valueOf(r)]));
  return {
    rollups: new Map(rollups.map((r) => [r.projectId, r])),
    queueDepth: counts(queue, (r) => key(r.projectId, r.severity), (r) => r.n),
    oldest: new Map(oldestOpen.map((r) => [r.projectId, r.oldest.getTime()])),
    firstTriageBreaches: counts(breaches, (r) => key(r.projectId, r.severity), (r) => r.firstTriage),
    resolutionBreaches: counts(breaches, (r) => key(r.projectId, r.severity), (r) => r.resolution),
    actions: counts(actions, (r) => key(r.projectId, r.action), (r) => r.n),
    deliveries: counts(deliveries, (r) => key(r.projectId, r.status), (r) => r.n),
    failures: counts(failures, (r) => r.projectId, (r) => r.n),
    incidents: counts(incidents, (r) => key(r.projectId, r.severity), (r) => r.n),
  };
}

/** The scrape, in the Prometheus text format. */
export async function renderMetrics(now = new Date()): Promise<string> {
  const projects: ProjectRef[] = await db().project.findMany({ where: { archivedAt: null }, select: { id: true, slug: true }, orderBy: { slug: "asc" } });
  const d = await readDatabase(
    projects.map((p) => p.id),
    now,
  );

  const family = (name: string, type: MetricFamily["type"], help: string, samplesOf: (p: ProjectRef, project: string) => Sample[]): MetricFamily => ({
    name,
    type,
    help,
    samples: projects.flatMap((p) => samplesOf(p, p.slug)),
  });
  const perSeverity = (p: ProjectRef, project: string, values: Counts) =>
    severities.map((s) => ({ labels: { project, severity: lower(s) }, value: values.get(key(p.id, s)) ?? 0 }));

  return renderExposition([
    family("rampart_ingest_events_total", "counter", "Events received by the ingest API, by kind and per-event status (counted by this server process since it started).", (p, project) =>
      processCountsFor(p.id).ingest.map((c) => ({ labels: { project, kind: c.kind, status: c.status }, value: c.value })),
    ),
    family("rampart_flag_evaluations_total", "counter", "OFREP flag evaluations by reason; a bulk request counts each flag (counted by this server process since it started).", (p, project) =>
      processCountsFor(p.id).flagEvaluations.map((c) => ({ labels: { project, reason: c.reason }, value: c.value })),
    ),
    family("rampart_harmful_rate", "gauge", "Share of responses that were harmful over the window (per-minute rollups, current minute included); NaN without responses.", (p, project) =>
      windows.map((w) => {
        const r = d.rollups.get(p.id);
        const [harmful, responses] = w.label === "5m" ? [r?.h5m ?? 0, r?.r5m ?? 0] : [r?.h1h ?? 0, r?.r1h ?? 0];
        return { labels: { project, window: w.label }, value: responses > 0 ? harmful / responses : NaN };
      }),
    ),
    family("rampart_responses", "gauge", "Responses counted over the window (per-minute rollups, current minute included): the harmful rate's denominator.", (p, project) =>
      windows.map((w) => {
        const r = d.rollups.get(p.id);
        return { labels: { project, window: w.label }, value: (w.label === "5m" ? r?.r5m : r?.r1h) ?? 0 };
      }),
    ),
    family("rampart_queue_depth", "gauge", "Open triage items (new, claimed, waiting for information, escalated) by severity.", (p, project) => perSeverity(p, project, d.queueDepth)),
    family("rampart_queue_oldest_age_seconds", "gauge", "Age of the oldest open triage item in seconds; 0 when the queue is empty.", (p, project) => {
      const oldest = d.oldest.get(p.id);
      return [{ labels: { project }, value: oldest === undefined ? 0 : Math.max(0, (now.getTime() - oldest) / 1000) }];
    }),
    family("rampart_sla_breaches_total", "counter", "Triage items that breached an SLA target, by severity and target (hourly review rollups).", (p, project) =>
      severities.flatMap((s) => [
        { labels: { project, severity: lower(s), kind: "first_triage" }, value: d.firstTriageBreaches.get(key(p.id, s)) ?? 0 },
        { labels: { project, severity: lower(s), kind: "resolution" }, value: d.resolutionBreaches.get(key(p.id, s)) ?? 0 },
      ]),
    ),
    family("rampart_rollback_actions_total", "counter", "Actions automated rollback rules took on flags (dry runs and actions that changed nothing excluded).", (p, project) =>
      rollbackActions.map((a) => ({ labels: { project, action: lower(a) }, value: d.actions.get(key(p.id, a)) ?? 0 })),
    ),
    family("rampart_webhook_deliveries", "gauge", "Webhook deliveries by current status.", (p, project) =>
      deliveryStatuses.map((s) => ({ labels: { project, status: lower(s) }, value: d.deliveries.get(key(p.id, s)) ?? 0 })),
    ),
    family("rampart_webhook_failures_total", "counter", "Failed webhook delivery attempts.", (p, project) => [{ labels: { project }, value: d.failures.get(p.id) ?? 0 }]),
    family("rampart_incidents_open", "gauge", "Incidents not yet resolved, by severity.", (p, project) => perSeverity(p, project, d.incidents)),
  ]);
}

/** The whole of GET /metrics: token, scrape, headers; errors as the API maps them (401 with a Bearer challenge, 404 when disabled). */
export async function metricsResponse(req: Request): Promise<Response> {
  try {
    authorizeScrape(req.headers.get("authorization"), config().RAMPART_METRICS_TOKEN);
    return new Response(await renderMetrics(), { headers: { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
