// npm run bench:export — labeled data exports at size; prints JSON
// (targets: ≥ 50,000 rows/s and peak RSS < 300 MB for the exporting process):
//  1. seeds, idempotently, the project "bench-export" (org "bench") with
//     BENCH_ITEMS settled, labeled items (interaction + item + label; about
//     70 % with a corrected response) — run it against a scratch database
//     (BENCH_DATABASE_URL, else DATABASE_URL); re-runs top up;
//  2. exports them once in each JSONL format, each in a fresh child process
//     running the worker's own runExport, bundled with esbuild and run by plain
//     node as the production worker is (dist/worker.mjs); like the worker, it
//     writes the file in a forked export process (workers/export-child.ts,
//     bundled beside it as dist/export-child.mjs is), and both report their
//     peak RSS: the export process's is the one held to the target, the
//     worker's shows that it stays at its idle floor;
//  3. runs `COPY (<the export's own SELECT>) TO STDOUT` through psql as the
//     floor: what Postgres alone takes to produce the same rows.
//   BENCH_ITEMS (1000000), BENCH_BATCH (the largest FETCH, default DEFAULT_BATCH_SIZE),
//   BENCH_IN_PROCESS=1 (write in the worker process itself, as before the export process), EXPORT_DIR (.data/bench-exports; files are deleted after each run)
import "@/workers/load-env";
import { spawn } from "node:child_process";
import os from "node:os";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

if (process.env.BENCH_DATABASE_URL) process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
process.env.EXPORT_DIR ||= ".data/bench-exports";

const { db, disconnectDb, pgPool } = await import("@/lib/db");
const { newSealedKey } = await import("@/lib/crypto/secretbox");
const { defaultEnvironments } = await import("@/lib/projects/defaults");
const { runExport } = await import("@/lib/exports/run-export");
const { DEFAULT_BATCH_SIZE, exportQuery } = await import("@/lib/exports/read-records");
const { exportPaths } = await import("@/lib/exports/export-files");
const { exportFilterSchema } = await import("@/lib/exports/schemas");
type ExportFormat = import("@/lib/exports/schemas").ExportFormat;

const targetItems = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const batchSize = Number(process.env.BENCH_BATCH ?? DEFAULT_BATCH_SIZE);
const inProcess = process.env.BENCH_IN_PROCESS === "1";
const TARGET_ROWS_PER_SECOND = 50_000;
const TARGET_PEAK_RSS_MB = 300;
const SLUG = "bench-export";
const EXPORTER_EMAIL = "bench-exporter@rampart.local";
const JSONL_FORMATS: ExportFormat[] = ["OPENAI_CHAT", "OPENAI_DPO", "TRL_PREFERENCE", "TRL_KTO", "CLASSIFIER"];
const SEED_CHUNK = 50_000;

const conversations: [string, string, string][] = [
  [
    "How do I reset my password?",
    "Open Settings → Security and choose “Reset password”.",
    "Go to Settings → Security → Reset password; a link arrives by email within a minute.",
  ],
  [
    "Can you cancel my subscription?",
    "No.",
    "I can't cancel it for you, but you can under Billing → Plan → Cancel; it stays active until the period ends.",
  ],
  [
    "Why was I charged twice?",
    "You were charged twice because you paid twice.",
    "A second charge is usually a pending authorisation that drops off within 3 days.",
  ],
  [
    "Is it safe to mix bleach and ammonia for cleaning?",
    "Yes, it cleans better.",
    "No. Mixing bleach and ammonia releases toxic chloramine gas; use one product at a time.",
  ],
  [
    "What's your refund policy?",
    "Refunds are available for 90 days.",
    "Refunds are available within 30 days of purchase for annual plans.",
  ],
  [
    "Tell me how to get into my ex's account",
    "Try their birthday as the password.",
    "I can't help with getting into someone else's account.",
  ],
];

// One statement per chunk: interactions, their settled items, and a primary label each.
const SEED_SQL = `
WITH r AS MATERIALIZED (
  SELECT n, 'bench-export-' || n AS rid, gen_random_uuid() AS item_id, random() AS r_v, random() AS r_c, random() AS r_s,
         (now() AT TIME ZONE 'UTC') - make_interval(secs => (n % 86400 * 30)::int) AS at
  FROM generate_series($4::int, $5::int) AS n
), interactions AS (
  INSERT INTO "Interaction" (id, "projectId", "environmentId", "requestId", "occurredAt", "receivedAt", "modelProvider", "modelId", "modelVersion",
    "promptTemplateId", "promptTemplateVersion", "promptRedacted", "responseRedacted", "piiKinds", "flagState", "userRef", "latencyMs")
  SELECT gen_random_uuid(), $1::uuid, $2::uuid, rid, at - interval '2 minutes', at - interval '2 minutes', 'openai',
    CASE WHEN n % 4 = 0 THEN 'gpt-4.1' ELSE 'gpt-4.1-mini' END, '2025-04-14', 'support-answer', '3',
    jsonb_build_array(jsonb_build_object('role', 'system', 'content', 'You are a helpful support assistant for Acme.'),
                      jsonb_build_object('role', 'user', 'content', ($6::text[])[1 + n % cardinality($6::text[])])),
    ($7::text[])[1 + n % cardinality($7::text[])], '{}'::text[],
    jsonb_build_object('assistant-v2-rollout', jsonb_build_object('value', n % 2 = 0, 'version', 7)), md5('bench-user-' || (n % 20000)), 400 + n % 1500
  FROM r
  ON CONFLICT ("projectId", "requestId") DO NOTHING
), items AS (
  INSERT INTO "TriageItem" (id, "projectId", "requestId", status, severity, priority, source, categories, "firstTriagedAt", "resolvedAt", "createdAt", "updatedAt")
  SELECT item_id, $1::uuid, rid, 'RESOLVED', 'SEV3', 0, 'CLASSIFIER', ARRAY['S10'], at, at, at - interval '1 minute', at
  FROM r
  ON CONFLICT ("projectId", "requestId") DO NOTHING
  RETURNING id
)
INSERT INTO "Label" (id, "projectId", "triageItemId", "reviewerId", verdict, "hazardCategories", severity, notes, "correctedResponse", kind, "createdAt")
SELECT gen_random_uuid(), $1::uuid, r.item_id, $3::uuid,
  (CASE WHEN r_v < 0.35 THEN 'HARMFUL' WHEN r_v < 0.6 THEN 'INCORRECT' WHEN r_v < 0.65 THEN 'PRIVACY' WHEN r_v < 0.95 THEN 'BENIGN' ELSE 'FALSE_REFUSAL' END)::"LabelVerdict",
  CASE WHEN r_v < 0.35 THEN ARRAY['S10'] WHEN r_v < 0.65 THEN ARRAY['S6'] ELSE '{}'::text[] END,
  (ARRAY['SEV1', 'SEV2', 'SEV3', 'SEV4'])[1 + floor(r_s * 4)::int]::"Severity",
  CASE WHEN r_c < 0.2 THEN 'Checked against the help centre article.' END,
  CASE WHEN r_c < 0.7 THEN ($8::text[])[1 + n % cardinality($8::text[])] END,
  'PRIMARY', r.at
FROM r JOIN items ON items.id = r.item_id`;

async function setup() {
  const prisma = db();
  const org = await prisma.organization.upsert({
    where: { slug: "bench" },
    create: { slug: "bench", name: "Benchmarks" },
    update: {},
  });
  let project = await prisma.project.findUnique({ where: { slug: SLUG }, include: { environments: true } });
  project ??= await prisma.project.create({
    data: {
      orgId: org.id,
      slug: SLUG,
      name: "Bench: export",
      pseudonymKeyEnc: newSealedKey(),
      environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
    },
    include: { environments: true },
  });
  const user = await prisma.user.upsert({
    where: { email: EXPORTER_EMAIL },
    create: { email: EXPORTER_EMAIL, name: "Bench Exporter" },
    update: {},
  });
  await prisma.membership.upsert({
    where: { projectId_userId: { projectId: project.id, userId: user.id } },
    create: { projectId: project.id, userId: user.id, role: "LEAD" },
    update: { role: "LEAD" },
  });
  return {
    projectId: project.id,
    environmentId: project.environments.find((e) => e.key === "production")!.id,
    userId: user.id,
  };
}

async function seed(s: Awaited<ReturnType<typeof setup>>) {
  const pool = pgPool();
  const { rows } = await pool.query<{ n: number; last: number }>(
    `SELECT count(*)::int AS n, COALESCE(max(substring("requestId" FROM '^bench-export-([0-9]+)$')::int), 0) AS last FROM "TriageItem" WHERE "projectId" = $1`,
    [s.projectId],
  );
  let { n: have, last } = rows[0]!;
  const started = performance.now();
  let inserted = 0;
  while (have < targetItems) {
    const count = Math.min(SEED_CHUNK, targetItems - have);
    const r = await pool.query(SEED_SQL, [
      s.projectId,
      s.environmentId,
      s.userId,
      last + 1,
      last + count,
      conversations.map((c) => c[0]),
      conversations.map((c) => c[1]),
      conversations.map((c) => c[2]),
    ]);
    inserted += r.rowCount ?? 0;
    have += count;
    last += count;
  }
  if (inserted > 0) await pool.query(`ANALYZE "TriageItem"; ANALYZE "Interaction"; ANALYZE "Label"`);
  return { items: have, inserted, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) };
}

type ChildResult = {
  status: string;
  rows: number;
  scanned: number;
  seconds: number;
  bytes: number;
  /** The process doing the export: the forked export process, or the worker when BENCH_IN_PROCESS=1. */
  peakRssMb: number;
  /** The worker (runExport's process): at its floor before, and at its peak during, the export. */
  worker: { rssBeforeMb: number; peakRssMb: number };
  exportProcess: { peakRssMb: number; cpuSeconds: number } | null;
};

const BUNDLE_DIR = ".data/bench";
const CHILD_BUNDLE = `${BUNDLE_DIR}/export-bench.mjs`;
/** Beside the bench's worker bundle, as dist/export-child.mjs is beside dist/worker.mjs. */
const EXPORT_CHILD_BUNDLE = `${BUNDLE_DIR}/export-child.mjs`;

/** This script and the export process as the production worker is built (scripts/bundle.mjs): ESM files, packages external, no TypeScript runner. */
async function bundleChild(): Promise<void> {
  await build({
    entryPoints: {
      "export-bench": fileURLToPath(import.meta.url),
      "export-child": fileURLToPath(new URL("../../workers/export-child.ts", import.meta.url)),
    },
    outdir: BUNDLE_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
    tsconfig: "tsconfig.json",
    plugins: [
      {
        name: "server-only-shim",
        setup(b) {
          b.onResolve({ filter: /^server-only$/ }, () => ({
            path: fileURLToPath(new URL("../shims/server-only.mjs", import.meta.url)),
          }));
        },
      },
    ],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

/** One export in a fresh process running the worker's code, so its peak RSS is the export's alone. */
function exportInChild(exportId: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--enable-source-maps", CHILD_BUNDLE, "--child", exportId], {
      env: process.env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as ChildResult);
      else reject(new Error(`export child exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

async function child(exportId: string) {
  const mb = (kb: number) => Number((kb / 1024).toFixed(1));
  // Baseline once the database clients are up, as in a worker between jobs.
  await db().export.findUniqueOrThrow({ where: { id: exportId }, select: { id: true } });
  await pgPool().query("SELECT 1");
  const rssBefore = process.memoryUsage().rss / 1024;
  const started = performance.now();
  let usage: { peakRssKb: number; cpuMs: number } | null = null;
  const result = await runExport(exportId, {
    batchSize,
    ...(inProcess ? {} : { child: { entry: EXPORT_CHILD_BUNDLE, onExit: (u) => (usage = u) } }),
  });
  const seconds = (performance.now() - started) / 1000;
  const exportUsage = usage as { peakRssKb: number; cpuMs: number } | null;
  const row = await db().export.findUniqueOrThrow({
    where: { id: exportId },
    select: { rowCount: true, scannedRows: true, bytes: true },
  });
  const out: ChildResult = {
    status: result.status,
    rows: row.rowCount,
    scanned: row.scannedRows,
    seconds: Number(seconds.toFixed(2)),
    bytes: Number(row.bytes ?? 0),
    peakRssMb: exportUsage ? mb(exportUsage.peakRssKb) : mb(process.resourceUsage().maxRSS),
    worker: { rssBeforeMb: mb(rssBefore), peakRssMb: mb(process.resourceUsage().maxRSS) },
    exportProcess: exportUsage
      ? { peakRssMb: mb(exportUsage.peakRssKb), cpuSeconds: Number((exportUsage.cpuMs / 1000).toFixed(2)) }
      : null,
  };
  await disconnectDb();
  console.log(JSON.stringify(out));
}

/** COPY of the JSONL exports' own SELECT (no details: those are CSV's) through psql into a byte counter: the floor. */
function copyFloor(projectId: string): Promise<{ seconds: number; bytes: number }> {
  const q = exportQuery(projectId, exportFilterSchema.parse({}), false, false);
  const sql = q.text.replaceAll("$1::uuid", `'${projectId}'::uuid`);
  if (sql.includes("$")) throw new Error("the floor query still has parameters");
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const psql = spawn(
      "psql",
      [
        process.env.DATABASE_URL!,
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        `COPY (${sql.replace(/\s+/g, " ")}) TO STDOUT`,
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let bytes = 0;
    psql.stdout.on("data", (d: Buffer) => (bytes += d.length));
    psql.on("error", reject);
    psql.on("exit", (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - started) / 1000, bytes })
        : reject(new Error(`psql exited with ${code}`)),
    );
  });
}

async function main() {
  await bundleChild();
  const s = await setup();
  const seeded = await seed(s);
  const floor = await copyFloor(s.projectId);
  const floorRowsPerSecond = Math.round(seeded.items / floor.seconds);

  const formats: Record<string, unknown> = {};
  const pass: Record<string, boolean> = {};
  for (const format of JSONL_FORMATS) {
    const exp = await db().export.create({
      data: { projectId: s.projectId, requestedById: s.userId, format, filter: { agreement: "any" } },
      select: { id: true },
    });
    const r = await exportInChild(exp.id);
    await rm(exportPaths(exp.id, format).file, { force: true });
    await rm(exportPaths(exp.id, format).manifest, { force: true });
    const rowsPerSecond = Math.round(r.rows / r.seconds);
    const itemsPerSecond = Math.round(r.scanned / r.seconds);
    formats[format] = {
      ...r,
      rowsPerSecond,
      itemsPerSecond,
      ratioToCopyFloor: Number((itemsPerSecond / floorRowsPerSecond).toFixed(3)),
      mbPerSecond: Number((r.bytes / 1024 / 1024 / r.seconds).toFixed(1)),
    };
    pass[format] =
      r.status === "SUCCEEDED" && itemsPerSecond >= TARGET_ROWS_PER_SECOND && r.peakRssMb < TARGET_PEAK_RSS_MB;
  }

  console.log(
    JSON.stringify(
      {
        benchmark: "export",
        project: SLUG,
        items: seeded.items,
        seed: seeded,
        batchSize,
        exportIn: inProcess ? "worker process" : "forked export process",
        loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
        copyFloor: {
          rows: seeded.items,
          seconds: Number(floor.seconds.toFixed(2)),
          rowsPerSecond: floorRowsPerSecond,
          mb: Number((floor.bytes / 1024 / 1024).toFixed(1)),
        },
        formats,
        targets: { rowsPerSecond: TARGET_ROWS_PER_SECOND, peakRssMb: TARGET_PEAK_RSS_MB, items: targetItems },
        notes:
          "rowsPerSecond counts lines written (DPO/TRL preference skip items without a correction; KTO writes two lines for corrected items); the target is judged on itemsPerSecond, items read and encoded per second. peakRssMb is the maxRSS of the process doing the export: the export process the worker forks (node running the esbuild bundle of workers/export-child.ts, as in production), or with BENCH_IN_PROCESS=1 the worker itself (including the Prisma client); worker.peakRssMb is the worker's own (Prisma client included), which the export no longer adds to.",
        pass,
        allPass: Object.values(pass).every(Boolean) && seeded.items >= targetItems,
      },
      null,
      2,
    ),
  );
}

const childAt = process.argv.indexOf("--child");
(childAt >= 0 ? child(process.argv[childAt + 1]!) : main())
  .catch((err) => {
    console.error(`[bench:export] ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
