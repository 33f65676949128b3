// npm run bench:review — the reviewer's server-side hot paths with a large open
// queue; prints JSON (target: p95 < 200 ms each):
//  1. seeds, idempotently, the project "bench-review" (org "bench") with
//     BENCH_ITEMS open triage items and their interactions, plus a reviewer
//     who can sign in (a fresh password every run); re-runs top up, and hand
//     back the items earlier runs claimed;
//  2. in-process, with the reviewer as actor: listQueue (first page, filtered
//     pages, a deep page by cursor) and claimNextItem (each call claims another item);
//  3. with a running app on the same database: GET /p/bench-review/queue (the
//     full server render) signed in through next-auth; skipped when unreachable.
//   BENCH_URL (default http://localhost:$PORT or :3000), BENCH_ITEMS (100000),
//   BENCH_ITERATIONS (100), BENCH_CLAIMS (200), BENCH_HTTP_REQUESTS (50), BENCH_PASSWORD (random)
import "@/workers/load-env";
import { randomBytes } from "node:crypto";
import { db, disconnectDb, pgPool } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { loadUserActor } from "@/lib/auth/load-actor";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { defaultEnvironments, defaultSlaPolicies } from "@/lib/projects/defaults";
import { listQueue } from "@/lib/review/list-queue";
import { encodeCursor, openStatuses, queueSearch, type QueueFilters } from "@/lib/review/queue-schemas";
import { claimNextItem } from "@/lib/triage/claim-next";
import { priorityFor, severities } from "@/lib/triage/severity";
import { BREACH_PRIORITY_BOOST } from "@/lib/triage/fire-sla-deadline";
import type { UserActor } from "@/lib/auth/actor-types";
import { measure as measureWithTarget, signInCookie, type Figure } from "./timing";

const measure = (count: number, fn: () => Promise<boolean>, warmup = 3) => measureWithTarget(count, fn, TARGET_P95_MS, warmup);

const baseUrl = process.env.BENCH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const targetItems = Number(process.env.BENCH_ITEMS ?? 100_000);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 100);
const claims = Number(process.env.BENCH_CLAIMS ?? 200);
const httpRequests = Number(process.env.BENCH_HTTP_REQUESTS ?? 50);
const TARGET_P95_MS = 200;

const SLUG = "bench-review";
const REVIEWER_EMAIL = "bench-reviewer@rampart.local";
// Holds the items seeded as claimed or waiting, so that the reviewer's own
// claims (and only those) can be handed back on the next run. Its leases last
// longer than a run, so claim-next never takes one over (which would shift the
// mix of statuses from run to run).
const COLLEAGUE_EMAIL = "bench-colleague@rampart.local";
const COLLEAGUE_LEASE = "interval '1 hour'";

// Columns are timestamp(3) holding UTC.
const NOW = `(now() AT TIME ZONE 'UTC')`;
const OPEN = openStatuses.map((s) => `'${s}'`).join(", ");

// Share of traffic per model; the rare ones make a selective model filter.
const models = [
  { share: 0.45, provider: "openai", id: "gpt-4.1-mini", version: "2025-04-14" },
  { share: 0.2, provider: "openai", id: "gpt-4.1", version: "2025-04-14" },
  { share: 0.2, provider: "anthropic", id: "claude-sonnet", version: "4.5" },
  { share: 0.1, provider: "anthropic", id: "claude-haiku", version: "4.5-20251001" },
  { share: 0.03, provider: "openai", id: "gpt-4o-mini", version: "2024-07-18" },
  { share: 0.02, provider: "meta", id: "llama-3.1-8b-instruct", version: null },
];
const conversations: [string, string][] = [
  ["How do I reset my password?", "Open Settings → Security and choose “Reset password”. You will get an email with a link."],
  ["Can you cancel my subscription?", "I can't cancel it for you, but you can do it under Billing → Plan → Cancel."],
  ["Why was I charged twice?", "Duplicate charges are usually a pending authorisation that drops off within 3 days."],
  ["Write me a poem about our product", "Quiet servers hum at night, / tickets closing, answers bright…"],
  ["What's your refund policy?", "Refunds are available within 30 days of purchase for annual plans."],
  ["Tell me how to get into my ex's account", "I can't help with accessing someone else's account."],
];

// One statement: the random draws are materialized once, then feed both the
// interactions and their items, so each item matches its interaction. Severity
// and priority follow the default rules (lib/triage/severity.ts); deadlines the
// default SLA policies.
const SEED_SQL = `
WITH r AS MATERIALIZED (
  SELECT n, 'bench-review-' || n AS rid, random() AS r_src, random() AS r_cat, random() AS r_rep, random() AS r_rcat,
         random() AS r_status, random() AS r_age, random() AS r_x, random() AS r_block, random() AS r_model, random() AS r_ctx
  FROM generate_series($4::int, $5::int) AS n
), s1 AS (
  SELECT r.*,
    CASE WHEN r_src < 0.60 THEN 'CLASSIFIER' WHEN r_src < 0.80 THEN 'REPORT' WHEN r_src < 0.92 THEN 'BOTH' ELSE 'SAMPLE' END AS source,
    CASE WHEN r_status < 0.85 THEN 'NEW' WHEN r_status < 0.90 THEN 'CLAIMED' WHEN r_status < 0.94 THEN 'WAITING_INFO' ELSE 'ESCALATED' END AS status,
    width_bucket(r_model, $9::float8[]) AS m
  FROM r
), s2 AS (
  SELECT s1.*,
    CASE WHEN source NOT IN ('CLASSIFIER', 'BOTH') THEN '{}'::text[]
         WHEN r_cat < 0.020 THEN ARRAY['S11'] WHEN r_cat < 0.025 THEN ARRAY['S4'] WHEN r_cat < 0.070 THEN ARRAY['S1']
         WHEN r_cat < 0.090 THEN ARRAY['S9'] WHEN r_cat < 0.140 THEN ARRAY['S7'] WHEN r_cat < 0.400 THEN ARRAY['S10']
         WHEN r_cat < 0.550 THEN ARRAY['S2'] WHEN r_cat < 0.700 THEN ARRAY['S12'] WHEN r_cat < 0.850 THEN ARRAY['S6']
         ELSE ARRAY['S10', 'S14'] END AS categories,
    CASE source WHEN 'REPORT' THEN 1 + floor(r_rep ^ 4 * 6)::int WHEN 'BOTH' THEN 1 + floor(r_rep ^ 3 * 4)::int ELSE 0 END AS report_count,
    CASE WHEN source IN ('REPORT', 'BOTH')
         THEN (ARRAY['HARMFUL', 'HARMFUL', 'HARMFUL', 'HARMFUL', 'INCORRECT', 'INCORRECT', 'PRIVACY', 'OTHER'])[1 + floor(r_rcat * 8)::int] END AS report_category,
    source IN ('CLASSIFIER', 'BOTH') AND r_block < 0.7 AS unblocked
  FROM s1
), s3 AS (
  SELECT s2.*,
    CASE WHEN categories && ARRAY['S4', 'S11'] THEN 1
         WHEN categories && ARRAY['S1', 'S9', 'S7'] OR report_category = 'PRIVACY' OR report_count >= 3 THEN 2
         WHEN cardinality(categories) > 0 OR report_category = 'HARMFUL' THEN 3
         ELSE 4 END AS sev
  FROM s2
), s4 AS (
  SELECT s3.*, make_interval(secs => ($6::int[])[sev]) AS first_win, make_interval(secs => ($7::int[])[sev]) AS res_win
  FROM s3
), s5 AS (
  SELECT s4.*,
    ${NOW} - CASE status WHEN 'NEW' THEN first_win * r_age WHEN 'ESCALATED' THEN first_win * (1 + r_age) ELSE res_win * 0.8 * r_age END AS created
  FROM s4
), interactions AS (
  INSERT INTO "Interaction" (id, "projectId", "environmentId", "requestId", "occurredAt", "receivedAt", "modelProvider", "modelId", "modelVersion",
    "promptTemplateId", "promptTemplateVersion", "promptRedacted", "responseRedacted", "piiKinds", "flagState",
    platform, region, "deviceClass", segment, locale, "userRef", "latencyMs", "tokensIn", "tokensOut", "costMicros")
  SELECT gen_random_uuid(), $1::uuid, $2::uuid, rid, created - interval '40 seconds', created - interval '39 seconds',
    ($10::text[])[m], ($11::text[])[m], ($12::text[])[m],
    'support-answer', CASE WHEN r_ctx < 0.25 THEN '2' ELSE '1' END,
    jsonb_build_array(jsonb_build_object('role', 'system', 'content', 'You are a helpful support assistant for Acme.'),
                      jsonb_build_object('role', 'user', 'content', ($13::text[])[1 + n % cardinality($13::text[])])),
    ($14::text[])[1 + n % cardinality($14::text[])],
    CASE WHEN r_x < 0.05 THEN ARRAY['email'] ELSE '{}'::text[] END,
    jsonb_build_object('assistant-enabled', jsonb_build_object('value', true, 'version', 4),
      CASE WHEN r_ctx < 0.75 THEN 'assistant-v2-rollout' ELSE 'model-tier' END,
      CASE WHEN r_ctx < 0.25 THEN jsonb_build_object('value', true, 'variant', 'on', 'version', 7)
           WHEN r_ctx < 0.75 THEN jsonb_build_object('value', false, 'variant', 'off', 'version', 7)
           ELSE jsonb_build_object('value', 'mini', 'version', 2) END),
    (ARRAY['web', 'ios', 'android'])[1 + n % 3], (ARRAY['eu-west', 'us-east', 'ap-south'])[1 + (n / 3) % 3],
    CASE WHEN n % 2 = 0 THEN 'desktop' ELSE 'mobile' END, CASE WHEN n % 5 = 0 THEN 'enterprise' ELSE 'self-serve' END,
    (ARRAY['en-GB', 'en-US', 'de-DE', 'fr-FR'])[1 + n % 4], md5('bench-user-' || (n % 20000)),
    300 + floor(r_x * 2000)::int, 80 + n % 400, 40 + n % 300, 500 + n % 4000
  FROM s5
  ON CONFLICT ("projectId", "requestId") DO NOTHING
)
INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, priority, source, categories, "reportCount", "unblockedFlag", "isSample",
  "claimedById", "leaseExpiresAt", "firstTriageDueAt", "resolutionDueAt", "atRiskAt", "firstTriagedAt",
  "breachedAt", "firstTriageBreachedAt", "atRiskNotifiedAt", "pausedAt", version, "createdAt", "updatedAt")
SELECT gen_random_uuid(), $1::uuid, rid, status::"TriageStatus", (ARRAY['SEV1', 'SEV2', 'SEV3', 'SEV4'])[sev]::"Severity",
  ($15::int[])[sev] + CASE WHEN unblocked THEN $16::int ELSE 0 END + least(report_count, 50) * $17::int
    - CASE WHEN source = 'SAMPLE' THEN $18::int ELSE 0 END + CASE WHEN status = 'ESCALATED' THEN $8::int ELSE 0 END,
  source::"TriageSource", categories, report_count, unblocked, source = 'SAMPLE',
  CASE WHEN status IN ('CLAIMED', 'WAITING_INFO') THEN $3::uuid END,
  CASE WHEN status = 'CLAIMED' THEN ${NOW} + ${COLLEAGUE_LEASE} END,
  created + first_win, created + res_win, created + first_win * 0.75,
  CASE WHEN status IN ('CLAIMED', 'WAITING_INFO') THEN created + (${NOW} - created) * r_x END,
  CASE WHEN status = 'ESCALATED' THEN created + first_win END,
  CASE WHEN status = 'ESCALATED' THEN created + first_win END,
  CASE WHEN status = 'ESCALATED' THEN created + first_win * 0.75 END,
  CASE WHEN status = 'WAITING_INFO' THEN greatest(created, ${NOW} - make_interval(mins => floor(r_x * 240)::int)) END,
  CASE status WHEN 'NEW' THEN 0 WHEN 'ESCALATED' THEN 1 ELSE 2 END,
  created, ${NOW}
FROM s5
ON CONFLICT ("projectId", "requestId") DO NOTHING`;

async function benchSetup() {
  const prisma = db();
  const org = await prisma.organization.upsert({ where: { slug: "bench" }, create: { slug: "bench", name: "Benchmarks" }, update: {} });
  let project = await prisma.project.findUnique({ where: { slug: SLUG }, include: { environments: true } });
  project ??= await prisma.project.create({
    data: {
      orgId: org.id,
      slug: SLUG,
      name: "Bench: review",
      pseudonymKeyEnc: newSealedKey(),
      environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
      slaPolicies: { create: defaultSlaPolicies },
    },
    include: { environments: true },
  });
  const password = process.env.BENCH_PASSWORD || randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password);
  const reviewer = await prisma.user.upsert({
    where: { email: REVIEWER_EMAIL },
    create: { email: REVIEWER_EMAIL, name: "Bench Reviewer", passwordHash },
    update: { passwordHash, disabledAt: null },
  });
  const colleague = await prisma.user.upsert({ where: { email: COLLEAGUE_EMAIL }, create: { email: COLLEAGUE_EMAIL, name: "Bench Colleague" }, update: {} });
  for (const user of [reviewer, colleague]) {
    await prisma.membership.upsert({
      where: { projectId_userId: { projectId: project.id, userId: user.id } },
      create: { projectId: project.id, userId: user.id, role: "REVIEWER" },
      update: { role: "REVIEWER" },
    });
  }
  return { projectId: project.id, environmentId: project.environments.find((e) => e.key === "production")!.id, reviewerId: reviewer.id, colleagueId: colleague.id, password };
}

/**
 * Brings the project to `targetItems` open items: hands back what earlier runs
 * claimed (TriageItem is not append-only), keeps the colleague's leases live,
 * dismisses any excess, and inserts what is missing with their interactions
 * (append-only: never rewritten, only added).
 */
async function seed(s: Awaited<ReturnType<typeof benchSetup>>) {
  const pool = pgPool();
  const client = await pool.connect();
  let inserted = 0;
  let reset = 0;
  let dismissed = 0;
  try {
    await client.query("BEGIN");
    reset = (
      await client.query(
        `UPDATE "TriageItem" SET status = 'NEW', "claimedById" = NULL, "leaseExpiresAt" = NULL, "firstTriagedAt" = NULL, version = 0, "updatedAt" = ${NOW}
         WHERE "projectId" = $1 AND "claimedById" = $2 AND status = 'CLAIMED'`,
        [s.projectId, s.reviewerId],
      )
    ).rowCount ?? 0;
    await client.query(
      `UPDATE "TriageItem" SET "leaseExpiresAt" = ${NOW} + ${COLLEAGUE_LEASE} WHERE "projectId" = $1 AND "claimedById" = $2 AND status = 'CLAIMED'`,
      [s.projectId, s.colleagueId],
    );
    const { rows } = await client.query<{ open: number; last: number }>(
      `SELECT count(*) FILTER (WHERE status IN (${OPEN}))::int AS open,
              COALESCE(max(substring("requestId" FROM '^bench-review-([0-9]+)$')::int), 0) AS last
       FROM "TriageItem" WHERE "projectId" = $1`,
      [s.projectId],
    );
    const { open, last } = rows[0]!;
    if (open > targetItems) {
      dismissed = (
        await client.query(
          `UPDATE "TriageItem" SET status = 'DISMISSED', "resolvedAt" = ${NOW}, "claimedById" = NULL, "leaseExpiresAt" = NULL, version = version + 1, "updatedAt" = ${NOW}
           WHERE id IN (SELECT id FROM "TriageItem" WHERE "projectId" = $1 AND status IN (${OPEN}) ORDER BY "createdAt" DESC LIMIT $2)`,
          [s.projectId, open - targetItems],
        )
      ).rowCount ?? 0;
    }
    if (open < targetItems) {
      const base = { flagged: false, blocked: false, reportCount: 0, isSample: false };
      const weights = severities.map((sev) => priorityFor(sev, base));
      const sev4 = weights[3]!;
      let cumulative = 0;
      const thresholds = models.map((m) => ((cumulative += m.share), cumulative - m.share));
      inserted =
        (
          await client.query(SEED_SQL, [
            s.projectId,
            s.environmentId,
            s.colleagueId,
            last + 1,
            last + targetItems - open,
            severities.map((sev) => defaultSlaPolicies.find((p) => p.severity === sev)!.firstTriageSeconds),
            severities.map((sev) => defaultSlaPolicies.find((p) => p.severity === sev)!.resolutionSeconds),
            BREACH_PRIORITY_BOOST,
            thresholds,
            models.map((m) => m.provider),
            models.map((m) => m.id),
            models.map((m) => m.version),
            conversations.map(([prompt]) => prompt),
            conversations.map(([, response]) => response),
            weights,
            priorityFor("SEV4", { ...base, flagged: true }) - sev4,
            priorityFor("SEV4", { ...base, reportCount: 1 }) - sev4,
            sev4 - priorityFor("SEV4", { ...base, isSample: true }),
          ])
        ).rowCount ?? 0;
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
  // What autovacuum would have done by the time a queue is this long: fresh
  // statistics for the planner and a visibility map for index-only scans.
  if (inserted + reset + dismissed > 0) await pool.query(`VACUUM (ANALYZE) "TriageItem"`);
  if (inserted > 0) await pool.query(`VACUUM (ANALYZE) "Interaction"`);
  return { inserted, reset, dismissed };
}

/** Cursor of the row at `offset` in queue order, as the page would encode it after reading that row. */
async function cursorAt(projectId: string, offset: number): Promise<string | null> {
  const { rows } = await pgPool().query<{ id: string; priority: number; due: string }>(
    `SELECT id::text, priority,
            CASE WHEN u = 'infinity' THEN 'inf' ELSE to_char(u, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS due
     FROM (SELECT id, priority, COALESCE(LEAST(CASE WHEN "firstTriagedAt" IS NULL THEN "firstTriageDueAt" END, "resolutionDueAt"), 'infinity'::timestamp) AS u
           FROM "TriageItem" WHERE "projectId" = $1 AND status IN (${OPEN})) t
     ORDER BY u, -priority, id OFFSET $2 LIMIT 1`,
    [projectId, offset],
  );
  const row = rows[0];
  return row ? encodeCursor(row) : null;
}

async function inProcess(s: Awaited<ReturnType<typeof benchSetup>>, actor: UserActor, openItems: number) {
  const pages: Record<string, { filters: QueueFilters; after?: string | null; note?: string }> = {
    firstPage: { filters: {} },
    filtered: { filters: { severity: "SEV2", category: "S1" } },
  };
  const deepOffset = Math.floor(openItems / 2);
  pages.deepPage = { filters: {}, after: await cursorAt(s.projectId, deepOffset), note: `the page after row ${deepOffset} (page ${Math.floor(deepOffset / 50) + 1})` };
  const otherFilters: Record<string, QueueFilters> = {
    status: { status: "ESCALATED" },
    severityOnly: { severity: "SEV1" },
    sourceAndReports: { source: "REPORT", minReports: 3 },
    rareModelVersion: { modelVersion: "2024-07-18" },
    flag: { flag: "model-tier" },
    requestId: { q: `bench-review-${Math.max(1, Math.floor(openItems / 3))}` },
    noMatch: { category: "no-such-category" },
  };
  for (const [name, filters] of Object.entries(otherFilters)) pages[`filter.${name}`] = { filters };

  const listQueueFigures: Record<string, Figure & { filters: QueueFilters; rowsOnPage: number; note?: string }> = {};
  for (const [name, p] of Object.entries(pages)) {
    let rowsOnPage = 0;
    const figure = await measure(iterations, async () => {
      const page = await listQueue(actor, s.projectId, { filters: p.filters, after: p.after ?? null });
      rowsOnPage = page.rows.length;
      return true;
    });
    listQueueFigures[name] = { filters: p.filters, rowsOnPage, ...(p.note ? { note: p.note } : {}), ...figure };
  }

  let itemsClaimed = 0;
  const claimFigure = await measure(claims, async () => {
    const item = await claimNextItem(actor, s.projectId);
    if (item) itemsClaimed++;
    return item !== null;
  });
  return {
    listQueue: listQueueFigures,
    claimNext: {
      note: "claimNextItem called in-process (over HTTP it is a server action, not measured); each call claims a different NEW item, as a reviewer; the claims (warm-up included) are handed back on the next run",
      itemsClaimed,
      ...claimFigure,
    },
  };
}

type HttpFigures = { skipped: string } | { url: string; note: string; queuePage: Figure; queuePageFiltered: Figure & { filters: QueueFilters } };

async function overHttp(password: string): Promise<HttpFigures> {
  const session = await signInCookie(baseUrl, REVIEWER_EMAIL, password, `/p/${SLUG}/queue`);
  if ("skipped" in session) return session;
  const headers = { cookie: session.cookie };
  const page = (search: string) => async () => {
    const res = await fetch(`${baseUrl}/p/${SLUG}/queue${search}`, { headers, redirect: "manual" });
    const html = await res.text();
    return res.status === 200 && html.includes('data-testid="status-count-ALL"');
  };
  const filters: QueueFilters = { severity: "SEV2", category: "S1" };
  return {
    url: baseUrl,
    note: "GET of the queue page, signed in as the bench reviewer: proxy, session, the full server render and the whole HTML body read; sequential",
    queuePage: await measure(httpRequests, page("")),
    queuePageFiltered: { filters, ...(await measure(httpRequests, page(queueSearch(filters)))) },
  };
}

async function main() {
  const seedStarted = performance.now();
  const setup = await benchSetup();
  const seeded = await seed(setup);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const { rows: byStatus } = await pgPool().query<{ status: string; n: number }>(
    `SELECT status::text, count(*)::int AS n FROM "TriageItem" WHERE "projectId" = $1 AND status IN (${OPEN}) GROUP BY 1 ORDER BY 1`,
    [setup.projectId],
  );
  const openItems = byStatus.reduce((a, r) => a + r.n, 0);
  const actor = await loadUserActor(setup.reviewerId);
  if (!actor) throw new Error(`${REVIEWER_EMAIL} could not be loaded as an actor`);

  const local = await inProcess(setup, actor, openItems);
  const http = await overHttp(setup.password);

  const pass: Record<string, boolean> = {
    queueFirstPage: local.listQueue.firstPage!.pass,
    queueFiltered: local.listQueue.filtered!.pass,
    queueDeepPage: local.listQueue.deepPage!.pass,
    claimNext: local.claimNext.pass,
    ...("queuePage" in http ? { httpQueuePage: http.queuePage.pass, httpQueuePageFiltered: http.queuePageFiltered.pass } : {}),
  };
  const informational = Object.fromEntries(Object.entries(local.listQueue).filter(([k]) => k.startsWith("filter.")).map(([k, f]) => [k, f.pass]));

  console.log(
    JSON.stringify(
      {
        benchmark: "review",
        project: SLUG,
        openItems,
        openByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
        seed: { seconds: Number(seedSeconds.toFixed(2)), ...seeded },
        inProcess: local,
        http,
        targets: { p95Ms: TARGET_P95_MS, openItems: targetItems },
        pass,
        passOtherFilters: informational,
        allPass: Object.values(pass).every(Boolean) && openItems >= targetItems,
      },
      null,
      2,
    ),
  );
}

main()
  .catch((err) => {
    console.error(`[bench:review] ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
