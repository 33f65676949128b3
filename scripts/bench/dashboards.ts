// npm run bench:dashboards — every dashboard's answer time over rollups of a
// large project; prints JSON (target: p95 < 300 ms per dashboard API):
//  1. seeds, once, the project "bench-dashboards" (org "bench") with
//     BENCH_INTERACTIONS interactions over the last 30 days (5 % flagged by a
//     classifier, 1 % reported), BENCH_ITEMS triage items (70 % resolved with a
//     label), business outcomes and incidents — written with SQL, not through
//     ingest — then has the rollups rebuilt from them (timed), and checks the
//     rollup totals against a direct SQL count;
//  2. in-process: loadDashboard for each dashboard over 30 days, 7 days and 24 hours;
//  3. with a running app on the same database: GET /p/bench-dashboards/dashboards/<name>/data
//     signed in through next-auth; skipped when unreachable.
//   BENCH_URL (default http://localhost:$PORT or :3000), BENCH_INTERACTIONS (1000000),
//   BENCH_ITEMS (100000), BENCH_ITERATIONS (30), BENCH_HTTP_REQUESTS (30)
import "@/workers/load-env";
import { randomBytes } from "node:crypto";
import { db, disconnectDb, pgPool } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { defaultEnvironments, defaultSlaPolicies } from "@/lib/projects/defaults";
import { drainRollups, markAllDirty } from "@/lib/metrics/rollup";
import { loadDashboard } from "@/lib/metrics/dashboards";
import { resolveRange } from "@/lib/metrics/dashboards/range";
import { DASHBOARDS } from "@/lib/metrics/dashboards/types";
import { measure, signInCookie, type Figure } from "./timing";

const baseUrl = process.env.BENCH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const targetInteractions = Number(process.env.BENCH_INTERACTIONS ?? 1_000_000);
const targetItems = Number(process.env.BENCH_ITEMS ?? 100_000);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 30);
const httpRequests = Number(process.env.BENCH_HTTP_REQUESTS ?? 30);
const TARGET_P95_MS = 300;
const SLUG = "bench-dashboards";
const ADMIN_EMAIL = "bench-dashboards@rampart.local";
const REVIEWERS = 5;
const CHUNK = 100_000;

const log = (msg: string) => process.stderr.write(`[bench:dashboards] ${msg}\n`);

async function setup() {
  const prisma = db();
  const org = await prisma.organization.upsert({ where: { slug: "bench" }, create: { slug: "bench", name: "Benchmarks" }, update: {} });
  const project =
    (await prisma.project.findUnique({ where: { slug: SLUG }, include: { environments: true } })) ??
    (await prisma.project.create({
      data: {
        orgId: org.id,
        slug: SLUG,
        name: "Bench: dashboards",
        pseudonymKeyEnc: newSealedKey(),
        environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
        slaPolicies: { create: defaultSlaPolicies },
      },
      include: { environments: true },
    }));
  const password = randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(password);
  const admin = await prisma.user.upsert({ where: { email: ADMIN_EMAIL }, create: { email: ADMIN_EMAIL, name: "Bench admin", passwordHash }, update: { passwordHash } });
  await prisma.membership.upsert({ where: { projectId_userId: { projectId: project.id, userId: admin.id } }, create: { projectId: project.id, userId: admin.id, role: "ADMIN" }, update: {} });
  const reviewers: string[] = [];
  for (let i = 0; i < REVIEWERS; i++) {
    const email = `bench-dashboards-reviewer-${i}@rampart.local`;
    const u = await prisma.user.upsert({ where: { email }, create: { email, name: `Bench reviewer ${i}` }, update: {} });
    await prisma.membership.upsert({ where: { projectId_userId: { projectId: project.id, userId: u.id } }, create: { projectId: project.id, userId: u.id, role: "REVIEWER" }, update: {} });
    reviewers.push(u.id);
  }
  const production = project.environments.find((e) => e.key === "production")!;
  return { projectId: project.id, environmentId: production.id, password, reviewers };
}

// Columns are timestamp(3) holding UTC.
const NOW = `(now() AT TIME ZONE 'UTC')`;

async function seed(s: Awaited<ReturnType<typeof setup>>): Promise<{ interactions: number; items: number; seconds: number; seeded: boolean }> {
  const pool = pgPool();
  const started = performance.now();
  const count = async (table: string) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE "projectId" = $1`, [s.projectId])).rows[0]!.n);
  let have = await count("Interaction");
  const seeded = have < targetInteractions;
  while (have < targetInteractions) {
    const from = have + 1;
    const to = Math.min(targetInteractions, have + CHUNK);
    // g drives every attribute, so the same g always makes the same row; occurredAt spreads over 30 days.
    await pool.query(
      `INSERT INTO "Interaction" (id, "projectId", "environmentId", "requestId", "occurredAt", "receivedAt", "modelProvider", "modelId", "modelVersion",
          "promptTemplateId", "promptTemplateVersion", "promptRedacted", "responseRedacted", "piiKinds", "flagState", platform, region, "deviceClass",
          segment, locale, "userRef", "latencyMs", "tokensIn", "tokensOut", "costMicros", "errorType")
       SELECT gen_random_uuid(), $1, $2, 'bd-' || g, ${NOW} - ((g::bigint * 7919) % 2592000) * interval '1 second', ${NOW},
              (ARRAY['openai','openai','anthropic','anthropic','meta'])[1 + g % 5],
              (ARRAY['gpt-4.1-mini','gpt-4.1','claude-sonnet','claude-haiku','llama-3.1-8b'])[1 + g % 5],
              (ARRAY['2025-04-14','2025-06-01'])[1 + (g / 5) % 2],
              'support-answer', (ARRAY['1','2','3'])[1 + (g / 7) % 3],
              '[{"role":"user","content":"How do I change my plan?"}]'::jsonb, 'Go to Billing → Plan.', '{}',
              jsonb_build_object('assistant-enabled', jsonb_build_object('value', true, 'version', 1),
                                 'assistant-v2', jsonb_build_object('value', g % 4 = 0, 'variant', CASE WHEN g % 4 = 0 THEN 'on' ELSE 'off' END, 'version', 3)),
              (ARRAY['web','ios','android'])[1 + g % 3], (ARRAY['eu-west','us-east','ap-south','sa-east'])[1 + (g / 3) % 4],
              (ARRAY['desktop','mobile'])[1 + (g / 11) % 2], 'self-serve', 'en-GB', 'bench-user-' || (g % 20000),
              200 + (g::bigint * 37) % 2500, 100 + g % 300, 40 + g % 400, 500 + (g::bigint * 13) % 4000,
              CASE WHEN g % 250 = 0 THEN 'timeout' END
         FROM generate_series($3::int, $4::int) g`,
      [s.projectId, s.environmentId, from, to],
    );
    await pool.query(
      `INSERT INTO "Verdict" (id, "projectId", "requestId", "eventId", classifier, "classifierVersion", scores, categories, decision, action, "occurredAt", "receivedAt")
       SELECT gen_random_uuid(), $1, 'bd-' || g, 'bd-v-' || g, 'llama-guard', '3-8b', jsonb_build_object('S10', 0.5 + (g % 50) / 100.0), '{S10}',
              CASE WHEN g % 60 = 0 THEN 'BLOCK' ELSE 'FLAG' END::"VerdictDecision", 'NONE', ${NOW}, ${NOW}
         FROM generate_series($2::int, $3::int) g WHERE g % 20 = 0`,
      [s.projectId, from, to],
    );
    await pool.query(
      `INSERT INTO "UserReport" (id, "projectId", "requestId", "eventId", category, "reporterRef", "occurredAt", "receivedAt")
       SELECT gen_random_uuid(), $1, 'bd-' || g, 'bd-r-' || g, 'HARMFUL', 'bench-user-' || (g % 20000), ${NOW}, ${NOW}
         FROM generate_series($2::int, $3::int) g WHERE g % 100 = 7`,
      [s.projectId, from, to],
    );
    await pool.query(
      `INSERT INTO "BusinessEvent" (id, "projectId", "eventId", name, value, "userRef", "flagState", "requestId", "occurredAt", "receivedAt")
       SELECT gen_random_uuid(), $1, 'bd-o-' || g, CASE WHEN g % 2 = 0 THEN 'task_completed' ELSE 'handle_time_s' END,
              CASE WHEN g % 2 = 0 THEN ((g / 2) % 10 < CASE WHEN g % 4 = 0 THEN 7 ELSE 6 END)::int ELSE 60 + (g::bigint * 17) % 120 END,
              'bench-user-' || (g % 20000),
              jsonb_build_object('assistant-v2', jsonb_build_object('value', g % 4 = 0, 'variant', CASE WHEN g % 4 = 0 THEN 'on' ELSE 'off' END, 'version', 3)),
              'bd-' || g, ${NOW} - ((g::bigint * 7919) % 2592000) * interval '1 second', ${NOW}
         FROM generate_series($2::int, $3::int) g WHERE g % 5 < 2`,
      [s.projectId, from, to],
    );
    have = to;
    log(`interactions ${have.toLocaleString("en")} / ${targetInteractions.toLocaleString("en")}`);
  }

  let items = await count("TriageItem");
  if (items < targetItems) {
    // Item n belongs to interaction bd-(n*10): created when it was served, 70 % resolved (with a label) after 1–49 hours.
    await pool.query(
      `WITH g AS (SELECT n, ${NOW} - (((n::bigint * 10) * 7919) % 2592000) * interval '1 second' AS created FROM generate_series($2::int, $3::int) n)
       INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, priority, source, categories, "createdAt", "updatedAt",
           "firstTriageDueAt", "resolutionDueAt", "firstTriagedAt", "resolvedAt", "breachedAt", "firstTriageBreachedAt", "resolutionBreachedAt")
       SELECT gen_random_uuid(), $1, 'bd-' || (n * 10),
              CASE WHEN n % 10 < 7 THEN 'RESOLVED' ELSE 'NEW' END::"TriageStatus",
              (ARRAY['SEV1','SEV2','SEV3','SEV3','SEV4'])[1 + n % 5]::"Severity", 0, 'CLASSIFIER', '{S10}', created, ${NOW},
              created + interval '4 hours', created + interval '48 hours',
              CASE WHEN n % 10 < 7 THEN LEAST(${NOW}, created + (1 + n % 6) * interval '1 hour') END,
              CASE WHEN n % 10 < 7 THEN LEAST(${NOW}, created + (1 + n % 49) * interval '1 hour') END,
              CASE WHEN n % 13 = 0 THEN LEAST(${NOW}, created + interval '4 hours') END,
              CASE WHEN n % 13 = 0 THEN LEAST(${NOW}, created + interval '4 hours') END,
              CASE WHEN n % 29 = 0 THEN LEAST(${NOW}, created + interval '48 hours') END
         FROM g`,
      [s.projectId, items + 1, targetItems],
    );
    await pool.query(
      `INSERT INTO "Label" (id, "projectId", "triageItemId", "reviewerId", verdict, "hazardCategories", kind, "createdAt")
       SELECT gen_random_uuid(), t."projectId", t.id, ($2::uuid[])[1 + abs(hashtext(t.id::text)) % ${REVIEWERS}],
              CASE WHEN abs(hashtext(t."requestId")) % 10 < 6 THEN 'HARMFUL' WHEN abs(hashtext(t."requestId")) % 10 = 6 THEN 'FALSE_REFUSAL' ELSE 'BENIGN' END::"LabelVerdict",
              '{S10}', 'PRIMARY', t."resolvedAt"
         FROM "TriageItem" t WHERE t."projectId" = $1 AND t.status = 'RESOLVED' AND NOT EXISTS (SELECT 1 FROM "Label" l WHERE l."triageItemId" = t.id)`,
      [s.projectId, s.reviewers],
    );
    const incidents = await count("Incident");
    await pool.query(
      `INSERT INTO "Incident" (id, "projectId", number, title, status, severity, source, "detectedAt", "acknowledgedAt", "mitigatedAt", "resolvedAt", "createdAt")
       SELECT gen_random_uuid(), $1, $2::int + n, 'Bench incident ' || n, 'RESOLVED', (ARRAY['SEV1','SEV2','SEV3'])[1 + n % 3]::"Severity",
              (ARRAY['AUTOMATED','MANUAL'])[1 + n % 2]::"IncidentSource", d, d + (5 + n % 30) * interval '1 minute', d + (10 + n % 90) * interval '1 minute',
              d + (2 + n % 40) * interval '1 hour', d
         FROM (SELECT n, ${NOW} - (n * 2161 % 2592000) * interval '1 second' AS d FROM generate_series(1, 200) n) x`,
      [s.projectId, incidents],
    );
    items = await count("TriageItem");
    log(`triage items ${items.toLocaleString("en")}`);
  }
  return { interactions: have, items, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), seeded };
}

async function rebuildRollups(projectId: string) {
  const started = performance.now();
  const marked = await markAllDirty(projectId);
  log(`rebuilding rollups: ${marked.toLocaleString("en")} dirty buckets`);
  const { passes, hours } = await drainRollups();
  return { bucketsMarked: marked, passes, hoursRecomputed: hours, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
}

/** Rollup totals against a direct count over the raw rows (the definition in lib/metrics/rollup.ts). */
async function verify(projectId: string) {
  const pool = pgPool();
  const [direct, rolled] = await Promise.all([
    pool.query<{ responses: string; flagged: string; reports: string }>(
      `SELECT count(*) AS responses,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "Verdict" v WHERE v."projectId" = i."projectId" AND v."requestId" = i."requestId" AND v.decision <> 'PASS')) AS flagged,
              (SELECT count(*) FROM "UserReport" u JOIN "Interaction" j ON j."projectId" = u."projectId" AND j."requestId" = u."requestId" WHERE u."projectId" = $1) AS reports
         FROM "Interaction" i WHERE i."projectId" = $1`,
      [projectId],
    ),
    pool.query<{ responses: string; flagged: string; reports: string }>(
      `SELECT sum(responses) AS responses, sum(flagged) AS flagged, sum(reports) AS reports FROM "MetricRollup" WHERE "projectId" = $1 AND grain = 'h' AND dim = 'all'`,
      [projectId],
    ),
  ]);
  const d = direct.rows[0]!;
  const r = rolled.rows[0]!;
  return { direct: d, rollups: r, equal: d.responses === r.responses && d.flagged === r.flagged && d.reports === r.reports };
}

async function main() {
  const s = await setup();
  const seeded = await seed(s);
  const rollups = seeded.seeded || process.env.BENCH_REBUILD === "1" ? await rebuildRollups(s.projectId) : { skipped: "seeded earlier; BENCH_REBUILD=1 rebuilds" };
  const check = await verify(s.projectId);

  const ranges = ["30d", "7d", "24h"] as const;
  const inProcess: Record<string, Record<string, Figure>> = {};
  for (const name of DASHBOARDS) {
    inProcess[name] = {};
    for (const r of ranges) {
      inProcess[name][r] = await measure(iterations, async () => (await loadDashboard(name, s.projectId, resolveRange({ range: r }))).charts.length > 0, TARGET_P95_MS);
    }
    log(`in-process ${name}: 30d p95 ${inProcess[name]["30d"]!.p95Ms} ms`);
  }

  let http: Record<string, Figure> | { skipped: string };
  const session = await signInCookie(baseUrl, ADMIN_EMAIL, s.password, `/p/${SLUG}/dashboards`);
  if ("skipped" in session) http = session;
  else {
    http = {};
    for (const name of DASHBOARDS) {
      http[name] = await measure(
        httpRequests,
        async () => {
          const res = await fetch(`${baseUrl}/p/${SLUG}/dashboards/${name}/data?range=30d`, { headers: { cookie: session.cookie }, redirect: "manual" });
          const body = (await res.json()) as { charts?: unknown[] };
          return res.status === 200 && Array.isArray(body.charts);
        },
        TARGET_P95_MS,
      );
      log(`http ${name}: p95 ${http[name]!.p95Ms} ms`);
    }
  }

  const figures = Object.values(inProcess).flatMap((f) => Object.values(f));
  const httpFigures = "skipped" in http ? [] : Object.values(http);
  console.log(
    JSON.stringify(
      {
        bench: "dashboards",
        at: new Date().toISOString(),
        project: SLUG,
        seeded,
        rollups,
        rollupsEqualDirectCount: check,
        inProcess: { note: "loadDashboard called in-process (the data API's whole work but the session check and JSON encoding), sequential", ...inProcess },
        http: "skipped" in http ? http : { url: baseUrl, note: "GET …/dashboards/<name>/data?range=30d signed in, sequential, body read and parsed", ...http },
        targetP95Ms: TARGET_P95_MS,
        pass: check.equal && figures.every((f) => f.pass) && httpFigures.every((f) => f.pass),
      },
      null,
      2,
    ),
  );
  // Wrong rollups are a bug, not a slow run.
  if (!check.equal) process.exitCode = 1;
}

main()
  .then(() => disconnectDb())
  .catch(async (err) => {
    console.error(err);
    await disconnectDb();
    process.exit(1);
  });
